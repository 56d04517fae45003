"""Time each step of the main job on a scaled sample store, against raw DuckDB SQL computing the same four
card values on the same raw data, in one run; report medians, ratios and peak memory.

    .venv/bin/python bench/bench_pipeline.py --listings 20000 --repeat 3

Steps: generate (sample pages), load (parse + dlt to DuckDB), `dbt ls` with a new as_of (a full parse),
the same again (dbt's warm start-up, no SQL), `dbt build` (seeds, models and every test), `dbt run` (models
only), and the raw SQL below; ratios subtract the warm start-up. The script checks that
the raw SQL and `marts.kpi_cards` agree before it reports anything.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingestion import paths  # noqa: F401  (sets DLT_PROJECT_DIR and DBT_PROFILES_DIR)
from ingestion.serving.dbt import run_dbt
from ingestion.sources.common.captures import ALIEXPRESS_TZ
from ingestion.sources.load import load_observation
from ingestion.sources.sample.store import (
    ACTIVE,
    AUDITING,
    EDITING_REQUIRED,
    EXPIRED,
    VIOLATE_OFFLINE,
    SampleStore,
)

AS_OF = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)
CARDS = (
    "aex_total_listings",
    "aex_rejected_auditing_listings",
    "aex_rejected_listings_24h",
    "aex_xc_listed_but_oos_on_bc",
)

# The four cards straight from the raw tables, for a store observed once (no catalogue moves, so no
# derived outcomes; no deleted variants; no whitelist entries among its SKUs).
RAW_SQL = """
with listings as (
    select store_key, product_id, product_status_type, ws_display
    from raw_aliexpress.listings
    where _dlt_valid_from <= $as_of and (_dlt_valid_to is null or _dlt_valid_to > $as_of)
),
states as (
    select *, case
        when product_status_type = 'onSelling' then 'active'
        when product_status_type = 'auditing' then 'auditing'
        when product_status_type = 'editingRequired' or ws_display in ('violate_offline', 'punish_offline') then 'rejected'
        when ws_display = 'expire_offline' then 'expired'
        else 'other' end as state
    from listings
),
events as (
    select store_key, product_id, event_id, status,
        timezone('UTC', timezone($source_tz, strptime(time_stamp, '%Y-%m-%d %H:%M:%S'))) as outcome_at
    from raw_aliexpress.audit_events
),
transitions as (
    select *, lag(status) over (partition by store_key, product_id order by outcome_at, event_id) as previous
    from events
),
skus as (
    select store_key, product_id, nullif(upper(trim(sku_code)), '') as sku, try_cast(ipm_sku_stock as integer) as stock
    from raw_aliexpress.listing_skus
    where _dlt_valid_from <= $as_of and (_dlt_valid_to is null or _dlt_valid_to > $as_of)
),
variants as (
    select v.store_key, upper(trim(v.sku)) as sku, p.inventory_tracking,
        try_cast(v.inventory_level as integer) as variant_level, try_cast(p.inventory_level as integer) as product_level,
        l.available
    from raw_bigcommerce.variants as v
    join raw_bigcommerce.products as p on p.store_key = v.store_key and p.id = v.product_id
        and p._dlt_valid_from <= $as_of and (p._dlt_valid_to is null or p._dlt_valid_to > $as_of)
    left join (
        select store_key, variant_id, sum(case when location_enabled = 'true' then try_cast(available_to_sell as integer) else 0 end) as available
        from raw_bigcommerce.inventory_items
        where _dlt_valid_from <= $as_of and (_dlt_valid_to is null or _dlt_valid_to > $as_of)
        group by all
    ) as l on l.store_key = v.store_key and l.variant_id = v.id
    where v._dlt_valid_from <= $as_of and (v._dlt_valid_to is null or v._dlt_valid_to > $as_of)
),
bc as (
    select store_key, sku, count(*) as variants, bool_or(case
        when inventory_tracking = 'none' then false
        when available is not null then available <= 0
        when inventory_tracking = 'product' then product_level <= 0
        else variant_level <= 0 end) as out_of_stock
    from variants group by all
)
select 'aex_total_listings', store_key, count(distinct product_id) from states group by all
union all
select 'aex_rejected_auditing_listings', store_key, count(distinct product_id) from states
where state in ('auditing', 'rejected') group by all
union all
select 'aex_rejected_listings_24h', store_key, count(*) from transitions
where status = 'refuse' and coalesce(previous, '') <> 'refuse'
    and outcome_at > $as_of - interval 24 hour and outcome_at <= $as_of group by all
union all
select 'aex_xc_listed_but_oos_on_bc', skus.store_key, count(*) from skus
join states on states.store_key = skus.store_key and states.product_id = skus.product_id
join bc on bc.store_key = skus.store_key and bc.sku = skus.sku
where states.state = 'active' and skus.stock > 0 and bc.variants = 1 and bc.out_of_stock group by all
"""


def scaled_store(listings: int, seed: int = 11) -> SampleStore:
    """A store shaped like the default scenario (89% active, 7% auditing, 2.5% rejected, 1% expired), with
    rejections over the last three days and 1% of active BC variants out of stock."""
    rejected, auditing, expired = round(listings * 0.025), round(listings * 0.07), round(listings * 0.01)
    states = [
        (ACTIVE, listings - rejected - auditing - expired),
        (AUDITING, auditing),
        (EDITING_REQUIRED, rejected // 2),
        (VIOLATE_OFFLINE, rejected - rejected // 2),
        (EXPIRED, expired),
    ]
    store = SampleStore.build(AS_OF, seed, product_id_base=1005009000000000, states=states)
    rng = random.Random(seed)
    for listing in store.listings:
        store.outcome(listing, "approved", AS_OF - timedelta(days=40))
        if listing.state in (EDITING_REQUIRED, VIOLATE_OFFLINE):
            store.outcome(
                listing, "refuse", AS_OF - timedelta(minutes=rng.randint(1, 72 * 60)), ("IMAGE_QUALITY", "low")
            )
    for listing in store.in_state(ACTIVE)[::100]:
        product = store.product_of(listing)
        product.inventory_tracking = "variant"
        product.variants[0].inventory_level = 0
    return store


def timed(step: Callable[[], object]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--listings", type=int, default=20000)
    options.add_argument("--repeat", type=int, default=3)
    args = options.parse_args()

    times: dict[str, list[float]] = {}
    for run in range(args.repeat):
        db_path = Path(tempfile.mkdtemp(prefix="lp-bench-")) / "listing_pulse.duckdb"
        store_box: list[SampleStore] = []
        succeeded: list[bool] = []
        capture_box: list[tuple] = []
        times.setdefault("generate", []).append(timed(lambda: store_box.append(scaled_store(args.listings))))
        times["generate"][-1] += timed(lambda: capture_box.append(store_box[0].capture(store_box[0].events)))
        aliexpress, bigcommerce = capture_box[0]
        rows = len(aliexpress.product_lists) and sum(
            len(
                page.body["aliexpress_solution_product_list_get_response"]["result"][
                    "aeop_a_e_product_display_d_t_o_list"
                ]["item_display_dto"]
            )
            for _, page in aliexpress.product_lists
        )
        times.setdefault("load", []).append(
            timed(lambda: load_observation("bench", AS_OF, aliexpress, bigcommerce, db_path))
        )
        # A new as_of is a new var, which costs dbt a full parse; then the warm start-up alone.
        listing = ["ls", "--select", "kpi_cards"]
        times.setdefault("dbt ls, new vars", []).append(timed(lambda: run_dbt(listing, as_of=AS_OF, db_path=db_path)))
        times.setdefault("dbt start-up (warm ls)", []).append(
            timed(lambda: run_dbt(listing, as_of=AS_OF, db_path=db_path))
        )
        # build first: `dbt run` alone needs the seeds in place.
        for step, command in (("dbt build", ["build"]), ("dbt run", ["run"])):
            seconds = timed(lambda: succeeded.append(run_dbt(command, as_of=AS_OF, db_path=db_path)))
            assert succeeded.pop(), f"{step} failed"
            times.setdefault(step, []).append(seconds)
        with duckdb.connect(str(db_path)) as con:
            con.execute("set TimeZone = 'UTC'")
            raw: list = []
            times.setdefault("raw DuckDB SQL", []).append(
                timed(
                    lambda: raw.extend(
                        con.execute(RAW_SQL, {"as_of": AS_OF, "source_tz": str(ALIEXPRESS_TZ)}).fetchall()
                    )
                )
            )
            marts = con.execute(
                "select card_key, store_key, value from marts.kpi_cards where card_key in ?", [list(CARDS)]
            ).fetchall()
        assert sorted((k, s, int(v)) for k, s, v in raw) == sorted((k, s, int(v)) for k, s, v in marts), (raw, marts)
        print(f"run {run + 1}: cards agree: " + ", ".join(f"{k}={int(v)}" for k, _, v in sorted(marts)), flush=True)

    median = {step: statistics.median(values) for step, values in times.items()}
    print(f"\n{args.listings} listings ({rows} in list pages), medians of {args.repeat} runs:")
    for step, seconds in median.items():
        print(f"  {step:<24} {seconds:8.2f} s")
    raw_sql = median["raw DuckDB SQL"]
    startup = median["dbt start-up (warm ls)"]
    print(f"  dbt run  - start-up vs raw SQL: {(median['dbt run'] - startup) / raw_sql:8.1f}x")
    print(f"  dbt build - start-up vs raw SQL: {(median['dbt build'] - startup) / raw_sql:8.1f}x")
    print(f"  load throughput: {rows / median['load']:,.0f} listings/s")
    print(f"  peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()

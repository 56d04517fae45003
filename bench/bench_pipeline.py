"""The main job's steps on a store of SCALE x 1,000,000 listings, each timed against what DuckDB alone does
with the same data in the same run, with each step's peak memory; writes bench/RESULTS.md.

    make bench SCALE=0.1                       # or: .venv/bin/python bench/bench_pipeline.py --scale 0.1

For SCALE/10 and SCALE listings (shaped like the sample: 89% active, 7% auditing, 2.5% rejected, 1% expired,
1-3 SKUs each, 90 days of audit outcomes) it writes two file drops, an hour apart, and measures:
- ingestion: `listing-pulse load` of the first drop vs DuckDB's `read_json` reading the same files into
  tables (the row counts must agree);
- transformation: `dbt build` as the main job runs it (models and data tests, no unit tests) and `dbt run`
  (models only), less dbt's warm start-up, vs a reference SQL script computing the four cards' worklists and
  values from the same raw tables in one DuckDB connection (the values must equal `marts.kpi_cards`);
- incremental: the second observation (1% of listings and of BC stocks changed, a day of outcomes) loaded
  and built vs the full build; its cards must equal a `--full-refresh` build of the same data;
- the main job: `listing-pulse run` on the sample, end to end.
Every step runs in its own process, so its peak memory is its own. Timings are medians of --repeat runs
(the drop and the loads run once per size). The script exits non-zero if any check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
AS_OF = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)
SECOND = AS_OF + timedelta(hours=1)
FULL_SCALE = 1_000_000
CARDS = (
    "aex_total_listings",
    "aex_rejected_auditing_listings",
    "aex_rejected_listings_24h",
    "aex_xc_listed_but_oos_on_bc",
)
TARGETS = {"ingestion": 5.0, "dbt run": 3.0, "dbt build": 5.0, "incremental": 0.20, "main job": 10.0}

# DuckDB reading the drop's records into tables, one per kind of record: the floor for ingestion.
READ_JSON = """
create table list_items as
select unnest(aliexpress_solution_product_list_get_response.result.aeop_a_e_product_display_d_t_o_list.item_display_dto, recursive := true)
from read_json('{drop}/aliexpress/product_list/*/*.json', maximum_object_size = 100000000, sample_size = -1);
create table product_infos as
select unnest(aliexpress_solution_product_info_get_response.result, recursive := true)
from read_json('{drop}/aliexpress/product_info/*.jsonl', format = 'newline_delimited', sample_size = -1);
create table listing_skus as
select product_id, unnest(aeop_ae_product_s_k_us.global_aeop_ae_product_sku, recursive := true)
from (select unnest(aliexpress_solution_product_info_get_response.result) from
      read_json('{drop}/aliexpress/product_info/*.jsonl', format = 'newline_delimited', sample_size = -1));
create table audit_events as select * from read_json('{drop}/aliexpress/audit_events/*.jsonl', sample_size = -1);
create table products as
select unnest(data, recursive := true)
from read_json('{drop}/bigcommerce/catalog_products/*.json', maximum_object_size = 100000000, sample_size = -1);
create table variants as
select unnest(variants, recursive := true) from products;
"""

TABLES = ("list_items", "product_infos", "listing_skus", "audit_events", "products", "variants")

# The four cards' worklists and values straight from the raw tables, for a store observed once (so no
# outcome is derived from a catalogue move, no variant is deleted, no SKU is whitelisted or overridden).
REFERENCE_SQL = """
create temp table listing_states as
select store_key, product_id, case
        when product_status_type = 'onSelling' then 'active'
        when product_status_type = 'auditing' then 'auditing'
        when product_status_type = 'editingRequired' or ws_display in ('violate_offline', 'punish_offline') then 'rejected'
        when ws_display = 'expire_offline' then 'expired'
        else 'other' end as state
from raw_aliexpress.listings
where _dlt_valid_from <= $as_of and (_dlt_valid_to is null or _dlt_valid_to > $as_of);

create temp table total_listings as select * from listing_states;

create temp table rejected_auditing as select * from listing_states where state in ('auditing', 'rejected');

create temp table rejected_24h as
with outcomes as (
    select store_key, product_id, event_id, status, reason_code,
        timezone('UTC', timezone($source_tz, strptime(time_stamp, '%Y-%m-%d %H:%M:%S'))) as outcome_at
    from raw_aliexpress.audit_events
),
transitions as (
    select *, lag(status) over (partition by store_key, product_id order by outcome_at, event_id) as previous
    from outcomes
)
select store_key, product_id, reason_code, outcome_at from transitions
where status = 'refuse' and coalesce(previous, '') <> 'refuse'
    and outcome_at > $as_of - interval 24 hour and outcome_at <= $as_of;

create temp table listed_but_oos as
with skus as (
    select store_key, product_id, id as sku_id, nullif(upper(trim(sku_code)), '') as sku,
        try_cast(ipm_sku_stock as integer) as stock
    from raw_aliexpress.listing_skus
    where _dlt_valid_from <= $as_of and (_dlt_valid_to is null or _dlt_valid_to > $as_of)
),
variants as (
    select v.store_key, upper(trim(v.sku)) as sku, p.inventory_tracking,
        try_cast(v.inventory_level as integer) as variant_level, try_cast(p.inventory_level as integer) as product_level
    from raw_bigcommerce.variants as v
    join raw_bigcommerce.products as p on p.store_key = v.store_key and p.id = v.product_id
        and p._dlt_valid_from <= $as_of and (p._dlt_valid_to is null or p._dlt_valid_to > $as_of)
    where v._dlt_valid_from <= $as_of and (v._dlt_valid_to is null or v._dlt_valid_to > $as_of)
),
bc as (
    select store_key, sku, count(*) as variants, bool_or(case
        when inventory_tracking = 'none' then false
        when inventory_tracking = 'product' then product_level <= 0
        else variant_level <= 0 end) as out_of_stock
    from variants group by all
)
select skus.* from skus
join listing_states as states on states.store_key = skus.store_key and states.product_id = skus.product_id
join bc on bc.store_key = skus.store_key and bc.sku = skus.sku
where states.state = 'active' and skus.stock > 0 and bc.variants = 1 and bc.out_of_stock;

select 'aex_total_listings', store_key, count(distinct product_id) from total_listings group by all
union all
select 'aex_rejected_auditing_listings', store_key, count(distinct product_id) from rejected_auditing group by all
union all
select 'aex_rejected_listings_24h', store_key, count(*) from rejected_24h group by all
union all
select 'aex_xc_listed_but_oos_on_bc', store_key, count(*) from listed_but_oos group by all
"""


# ---- the child steps (each in its own process) ---------------------------------------------------------


def write_drops(listings: int, folder: Path, seed: int = 11) -> None:
    """`folder/first` at AS_OF and `folder/second` an hour later: 1% of listings moved (active ones rejected,
    auditing ones approved, each with its outcome), 1% of BC stocks changed, the last day's outcomes again."""
    from ingestion.sources.sample.store import (
        ACTIVE,
        AUDITING,
        EDITING_REQUIRED,
        EXPIRED,
        VIOLATE_OFFLINE,
        SampleStore,
        aliexpress_time,
    )

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
        store.outcome(listing, "approved", AS_OF - timedelta(days=90) + timedelta(minutes=rng.randint(0, 85 * 1440)))
        if listing.state in (EDITING_REQUIRED, VIOLATE_OFFLINE):
            store.outcome(
                listing, "refuse", AS_OF - timedelta(minutes=rng.randint(1, 72 * 60)), ("IMAGE_QUALITY", "low")
            )
    for listing in store.in_state(ACTIVE)[::100]:  # 1% of active listings out of stock on BC only
        product = store.product_of(listing)
        product.inventory_tracking = "variant"
        product.variants[0].inventory_level = 0
    store.write_drop(folder / "first", store.events)

    for listing in store.listings[::100]:
        if listing.state == ACTIVE:
            store.move(listing, EDITING_REQUIRED, SECOND - timedelta(minutes=30))
            store.outcome(listing, "refuse", SECOND - timedelta(minutes=30), ("IMAGE_QUALITY", "low"))
        elif listing.state == AUDITING:
            store.move(listing, ACTIVE, SECOND - timedelta(minutes=20))
            store.outcome(listing, "approved", SECOND - timedelta(minutes=20))
    for product in store.products[50::100]:
        product.variants[0].inventory_level = max(0, product.variants[0].inventory_level - 7)
        product.inventory_level = sum(variant.inventory_level for variant in product.variants)
        store.listings[product.id - 1000].skus[0].ipm_sku_stock = product.variants[0].inventory_level
    since = aliexpress_time(SECOND - timedelta(days=1))
    store.write_drop(folder / "second", [event for event in store.events if event["time_stamp"] >= since])


def read_json(drop: Path, db_path: Path) -> dict[str, object]:
    import duckdb

    with duckdb.connect(str(db_path)) as con:
        started = time.perf_counter()
        con.execute(READ_JSON.format(drop=drop))
        seconds = time.perf_counter() - started
        rows = {table: con.execute(f"select count(*) from {table}").fetchone()[0] for table in TABLES}
    return {"seconds": seconds, "rows": rows}


def reference(db_path: Path) -> dict[str, object]:
    import duckdb

    from ingestion.sources.common.captures import ALIEXPRESS_TZ

    with duckdb.connect(str(db_path)) as con:
        con.execute("set TimeZone = 'UTC'")
        started = time.perf_counter()
        *setup, cards = [statement for statement in REFERENCE_SQL.split(";") if statement.strip()]
        parameters = {"as_of": AS_OF, "source_tz": str(ALIEXPRESS_TZ)}
        for statement in setup:
            con.execute(statement, {name: value for name, value in parameters.items() if f"${name}" in statement})
        values = con.execute(cards).fetchall()
        seconds = time.perf_counter() - started
        landed = con.execute("select count(*) from raw_aliexpress.listings").fetchone()[0]
        marts = con.execute(
            "select card_key, store_key, value from marts.kpi_cards where card_key in ?", [list(CARDS)]
        ).fetchall()
    return {
        "seconds": seconds,
        "cards": sorted([key, store, int(value)] for key, store, value in values),
        "marts": sorted([key, store, int(value)] for key, store, value in marts),
        "listings_landed": landed,
    }


def cards(db_path: Path) -> dict[str, object]:
    import duckdb

    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(
            "select store_key, card_key, value, distinct_listings from marts.kpi_cards order by all"
        ).fetchall()
    return {"cards": [[store, key, None if v is None else float(v), n] for store, key, v, n in rows]}


# ---- the parent: runs each step as a child and measures it ---------------------------------------------


@dataclass
class Measured:
    seconds: float
    peak_mib: float
    output: dict[str, object] = field(default_factory=dict)


def measure(command: list[str], env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,)) -> Measured:
    """Run `command`, return its wall time, its peak resident memory (its own, from wait4) and the JSON it
    printed last, if any; fail with its output if it failed."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) not in ok:
        sys.exit(f"{' '.join(command)} failed:\n{text[-4000:]}")
    lines = [line for line in text.splitlines() if line.startswith("{")]
    return Measured(seconds, usage.ru_maxrss / 1024, json.loads(lines[-1]) if lines else {})


def step(name: str, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__)), name, *args]


def warehouse_env(db_path: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("LISTING_PULSE_")}
    return keep | {
        "LISTING_PULSE_DB": str(db_path),
        "DBT_PROFILES_DIR": str(ROOT),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def dbt(*args: str, as_of: datetime = AS_OF) -> list[str]:
    variables = json.dumps({"as_of": as_of.strftime("%Y-%m-%d %H:%M:%S")})
    return [str(BIN / "dbt"), *args, "--vars", variables, "--project-dir", str(ROOT), "--quiet"]


PRODUCTION_BUILD = ("build", "--exclude-resource-type", "unit_test")  # as `listing-pulse run` builds


def median(runs: list[Measured]) -> Measured:
    middle = sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]
    return Measured(statistics.median(run.seconds for run in runs), max(run.peak_mib for run in runs), middle.output)


def bench_size(listings: int, repeat: int, work: Path) -> dict[str, object]:
    say = lambda line: print(f"[{listings:,} listings] {line}", flush=True)  # noqa: E731
    folder = work / f"n{listings}"
    db_path = folder / "listing_pulse.duckdb"
    env = warehouse_env(db_path)
    drop = measure(step("drop", str(listings), str(folder)))
    say(f"drops written in {drop.seconds:.1f} s")
    read = median(
        [
            measure(step("read-json", str(folder / "first"), str(folder / f"read_json_{n}.duckdb")))
            for n in range(repeat)
        ]
    )
    say(f"read_json {read.seconds:.1f} s")
    load = measure(
        [
            str(BIN / "listing-pulse"),
            "load",
            "--source",
            "files",
            "--path",
            str(folder / "first"),
            "--store",
            "bench",
            "--observed-at",
            AS_OF.isoformat(),
        ],
        env,
    )
    say(f"load {load.seconds:.1f} s")
    new_vars = measure(dbt("ls", "--select", "kpi_cards"), env)
    start_up = median([measure(dbt("ls", "--select", "kpi_cards"), env) for _ in range(repeat)])
    builds = [measure(dbt(*PRODUCTION_BUILD), env) for _ in range(repeat)]
    nodes = slowest_nodes(ROOT / "target" / "run_results.json")
    runs = [measure(dbt("run"), env) for _ in range(repeat)]
    build, run = median(builds), median(runs)
    say(f"dbt build {build.seconds:.1f} s, dbt run {run.seconds:.1f} s, start-up {start_up.seconds:.1f} s")
    references = [measure(step("reference", str(db_path))) for _ in range(repeat)]
    ref = median(references)
    checks = {
        "reference cards equal marts.kpi_cards": ref.output["cards"] == ref.output["marts"],
        "listings landed equal read_json's list items": ref.output["listings_landed"]
        == read.output["rows"]["list_items"],  # type: ignore[index]
    }
    say(f"reference SQL {ref.output['seconds']:.2f} s; checks {checks}")

    incremental_db = folder / "incremental.duckdb"
    shutil.copy(db_path, incremental_db)
    env_incremental = warehouse_env(incremental_db)
    load_second = measure(
        [
            str(BIN / "listing-pulse"),
            "load",
            "--source",
            "files",
            "--path",
            str(folder / "second"),
            "--store",
            "bench",
            "--observed-at",
            SECOND.isoformat(),
        ],
        env_incremental,
    )
    build_second = measure(dbt(*PRODUCTION_BUILD, as_of=SECOND), env_incremental)
    incremental_cards = measure(step("cards", str(incremental_db))).output
    shutil.copy(incremental_db, folder / "rebuilt.duckdb")
    env_rebuilt = warehouse_env(folder / "rebuilt.duckdb")
    measure(dbt(*PRODUCTION_BUILD, "--full-refresh", as_of=SECOND), env_rebuilt)
    rebuilt_cards = measure(step("cards", str(folder / "rebuilt.duckdb"))).output
    checks["incremental cards equal a full rebuild"] = incremental_cards == rebuilt_cards
    say(f"second observation: load {load_second.seconds:.1f} s, build {build_second.seconds:.1f} s")
    shutil.rmtree(folder)
    return {
        "listings": listings,
        "rows_landed": sum(read.output["rows"].values()),  # type: ignore[union-attr]
        "drop": drop,
        "read_json": Measured(float(read.output["seconds"]), read.peak_mib),  # type: ignore[arg-type]
        "load": load,
        "dbt parse (new vars)": new_vars,
        "dbt start-up": start_up,
        "dbt build": build,
        "dbt run": run,
        "reference": Measured(statistics.median(float(r.output["seconds"]) for r in references), ref.peak_mib),  # type: ignore[arg-type]
        "load second": load_second,
        "build second": build_second,
        "checks": checks,
        "nodes": nodes,
    }


def slowest_nodes(run_results: Path, count: int = 8) -> dict[str, object]:
    """Where a `dbt build`'s time goes: how many nodes, their summed execution time against the wall time
    (on 2 threads), and the slowest few."""
    results = json.loads(run_results.read_text())
    timed = sorted(((r["execution_time"], r["unique_id"]) for r in results["results"]), reverse=True)
    return {
        "nodes": len(timed),
        "node_seconds": sum(seconds for seconds, _ in timed),
        "elapsed": results["elapsed_time"],
        "slowest": [(seconds, unique_id.split(".", 2)[-1]) for seconds, unique_id in timed[:count]],
    }


def bench_main_job(repeat: int, work: Path) -> tuple[Measured, Measured]:
    """The first run in a new folder (dbt parses the project from scratch), then runs as a scheduler makes
    them: the same folder, dbt's partial parse warm, the sample's observation landed again."""
    env = warehouse_env(work / "main_job" / "listing_pulse.duckdb")
    command = [str(BIN / "listing-pulse"), "run", "--source", "sample", "--as-of", AS_OF.isoformat()]
    published_with_warnings = 10  # the sample's decoys trip merchant-data warnings on purpose
    first = measure(command, env, ok=(0, published_with_warnings))
    runs = median([measure(command, env, ok=(0, published_with_warnings)) for _ in range(repeat)])
    log = [json.loads(line) for line in (work / "main_job" / "run_log.jsonl").read_text().splitlines()]
    last_run = [record for record in log if record["run_id"] == log[-1]["run_id"] and "duration_s" in record]
    runs.output = {"steps": {record["step"]: record["duration_s"] for record in last_run if record["step"] != "run"}}
    return first, runs


# ---- the results file ------------------------------------------------------------------------------------


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return f"{os.cpu_count()} cores ({model}), {int(memory) / 2**20:.0f} GiB, Python {platform.python_version()}"


def load_average() -> str:
    """The machine's 1-minute load average: on a shared machine, what else was running shows here."""
    return Path("/proc/loadavg").read_text().split()[0]


def ratio_line(name: str, value: float, target: float, unit: str = "x") -> str:
    verdict = "met" if value <= target else f"missed by {value / target:.1f}x"
    shown = f"{value:.0%}" if unit == "%" else f"{value:.1f}{unit}"
    wanted = f"{target:.0%}" if unit == "%" else f"{target:g}{unit}"
    return f"| {name} | {shown} | <= {wanted} | {verdict} |"


def results(
    scale: float, repeat: int, sizes: list[dict], main_job: tuple[Measured, Measured], load_at_start: str
) -> str:
    first_run, main_job_run = main_job
    largest = sizes[-1]
    start_up = largest["dbt start-up"].seconds
    reference = largest["reference"].seconds
    ratios = {
        "ingestion (load / read_json)": (
            largest["load"].seconds / largest["read_json"].seconds,
            TARGETS["ingestion"],
            "x",
        ),
        "dbt run (less start-up) / reference SQL": (
            (largest["dbt run"].seconds - start_up) / reference,
            TARGETS["dbt run"],
            "x",
        ),
        "dbt build (less start-up) / reference SQL": (
            (largest["dbt build"].seconds - start_up) / reference,
            TARGETS["dbt build"],
            "x",
        ),
        "incremental build / full build": (
            largest["build second"].seconds / largest["dbt build"].seconds,
            TARGETS["incremental"],
            "%",
        ),
        "main job on the sample (seconds)": (main_job_run.seconds, TARGETS["main job"], " s"),
    }
    lines = [
        "# Benchmark results",
        "",
        f"`make bench SCALE={scale:g}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}.",
        f"Load average {load_at_start} at the start, {load_average()} at the end (2.0 saturates 2 cores).",
        f"Medians of {repeat} runs for read_json, dbt and the reference SQL, of {max(3, repeat)} for the main "
        "job; one run for drops and loads.",
        "Written by bench/bench_pipeline.py; every check below passed, or the script would have failed.",
        "",
        "## Against the targets (largest size)",
        "",
        "| measure | value | target | |",
        "|---|---|---|---|",
        *[ratio_line(name, value, target, unit) for name, (value, target, unit) in ratios.items()],
        f"| peak memory of the load | {largest['load'].peak_mib / 1024:.2f} GiB | <= 2 GiB | "
        f"{'met' if largest['load'].peak_mib <= 2048 else 'missed by %.1fx' % (largest['load'].peak_mib / 2048)} |",
        "",
        "## Each size",
        "",
        "| listings | rows read | read_json | load | load rows/s | load peak | dbt parse (new vars) | dbt start-up "
        "| dbt build | dbt run | reference SQL | dbt peak | 2nd load | 2nd build |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size in sizes:
        lines.append(
            f"| {size['listings']:,} | {size['rows_landed']:,} | {size['read_json'].seconds:.2f} s "
            f"| {size['load'].seconds:.1f} s | {size['rows_landed'] / size['load'].seconds:,.0f} "
            f"| {size['load'].peak_mib / 1024:.2f} GiB | {size['dbt parse (new vars)'].seconds:.1f} s "
            f"| {size['dbt start-up'].seconds:.1f} s | {size['dbt build'].seconds:.1f} s | {size['dbt run'].seconds:.1f} s "
            f"| {size['reference'].seconds:.2f} s | {max(size['dbt build'].peak_mib, size['dbt run'].peak_mib) / 1024:.2f} GiB "
            f"| {size['load second'].seconds:.1f} s | {size['build second'].seconds:.1f} s |"
        )
    if len(sizes) == 2:
        small, large = sizes
        grow = large["listings"] / small["listings"]
        lines += [
            "",
            f"Growth from {small['listings']:,} to {large['listings']:,} listings ({grow:.0f}x): "
            f"load {large['load'].seconds / small['load'].seconds:.1f}x in time and "
            f"{large['load'].peak_mib / small['load'].peak_mib:.1f}x in peak memory; "
            f"dbt build {large['dbt build'].seconds / small['dbt build'].seconds:.1f}x; "
            f"reference SQL {large['reference'].seconds / small['reference'].seconds:.1f}x.",
        ]
    lines += [
        "",
        "Main job (`listing-pulse run --source sample`, 4,820 listings, end to end, as a scheduler runs it: same "
        f"folder, dbt's partial parse warm): {main_job_run.seconds:.1f} s, peak {main_job_run.peak_mib / 1024:.2f} GiB; "
        f"its first run in a new folder (a full parse): {first_run.seconds:.1f} s. Its steps, as its run log "
        "times them (the rest is Python start-up): "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in main_job_run.output["steps"].items())  # type: ignore[union-attr]
        + ".",
        "",
        "## Where dbt's time goes (largest size, the last `dbt build`)",
        "",
        f"{largest['nodes']['nodes']} nodes; {largest['nodes']['node_seconds']:.1f} s of node time in "
        f"{largest['nodes']['elapsed']:.1f} s of wall time (2 threads). Slowest: "
        + ", ".join(f"{name} {seconds:.2f} s" for seconds, name in largest["nodes"]["slowest"])
        + ".",
        "",
        "Where the load's time and memory go, and what would close each gap: README, Benchmarks.",
        "",
        "Checks: "
        + "; ".join(f"{name}: {'yes' if ok else 'NO'}" for size in sizes for name, ok in size["checks"].items()),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in CHILD_STEPS:
        output = CHILD_STEPS[sys.argv[1]](*sys.argv[2:])
        if output is not None:
            print(json.dumps(output, default=str))
        return
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--scale", type=float, default=0.1, help="the larger size in millions of listings")
    options.add_argument("--repeat", type=int, default=3)
    options.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = options.parse_args()
    work = Path(tempfile.mkdtemp(prefix="listing-pulse-bench-"))
    load_at_start = load_average()
    try:
        sizes = [bench_size(max(100, round(FULL_SCALE * args.scale / factor)), args.repeat, work) for factor in (10, 1)]
        main_job = bench_main_job(max(3, args.repeat), work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = results(args.scale, args.repeat, sizes, main_job, load_at_start)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text)
    print(text)
    failed = [name for size in sizes for name, ok in size["checks"].items() if not ok]
    if failed:
        sys.exit(f"checks failed: {', '.join(failed)}")


CHILD_STEPS = {
    "drop": lambda listings, folder: write_drops(int(listings), Path(folder)),
    "read-json": lambda drop, db: read_json(Path(drop), Path(db)),
    "reference": lambda db: reference(Path(db)),
    "cards": lambda db: cards(Path(db)),
}

if __name__ == "__main__":
    main()

"""How long `listing-pulse report` takes for the default sample (4,820 listings) and for a large store.

Builds each warehouse in a temporary folder (sample load, then one `dbt build`), then times the report: in-process `render_report` (read +
render + write) and the command end to end (`listing-pulse report`, Python start-up included), and
prints the median of --runs runs of each.

    .venv/bin/python bench/report_scale.py [--listings 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ingestion.report import render_report
from ingestion.serving.dbt import run_dbt
from ingestion.sources.load import load_observation
from ingestion.sources.sample.scenarios import IMAGE_QUALITY, MISSING_BRAND, Observation, generate
from ingestion.sources.sample.store import ACTIVE, AUDITING, EDITING_REQUIRED, EXPIRED, SampleStore

AS_OF = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)
BIN = Path(sys.executable).parent


def large_store(listings: int) -> list[Observation]:
    """The default sample's mix at `listings` listings: 89.4% active, 7.1% auditing, 2.5% rejected, 1% expired,
    rejected over the last 40 hours, and one active listing in 1,000 out of stock on BC (on every location)."""
    auditing, rejected, expired = round(listings * 0.0705), round(listings * 0.0249), round(listings * 0.0104)
    store = SampleStore.build(
        AS_OF,
        seed=20261123,
        product_id_base=1005010000000000,
        states=[
            (ACTIVE, listings - auditing - rejected - expired),
            (AUDITING, auditing),
            (EDITING_REQUIRED, rejected),
            (EXPIRED, expired),
        ],
    )
    for listing in store.in_state(ACTIVE):
        store.outcome(listing, "approved", AS_OF - timedelta(days=25))
    for k, listing in enumerate(store.in_state(EDITING_REQUIRED)):
        store.outcome(
            listing, "refuse", AS_OF - timedelta(hours=(k % 40) + 1), MISSING_BRAND if k % 3 else IMAGE_QUALITY
        )
    for listing in store.in_state(ACTIVE)[::1000]:
        product = store.product_of(listing)
        product.inventory_tracking = "variant"
        for variant in product.variants:
            variant.inventory_level = 0
            variant.locations = [(1, True, 0), (2, False, 3)]  # multi-location stock is loaded too
    return [Observation(AS_OF, *store.capture(store.events))]


def build(db: Path) -> float:
    """One `dbt build` at AS_OF; returns its wall time."""
    started = time.perf_counter()
    if not run_dbt(["build", "--quiet"], as_of=AS_OF, db_path=db):
        raise SystemExit(f"dbt build of {db} failed")
    return time.perf_counter() - started


def time_report(db: Path, runs: int) -> tuple[float, float, int, int]:
    """Medians of the in-process report and of the command; the HTML file's size; the listings it shows."""
    out = db.parent / "report.html"
    in_process, command = [], []
    for _ in range(runs):
        started = time.perf_counter()
        data = render_report(db, out, dbt_target=db.parent)
        in_process.append(time.perf_counter() - started)
        started = time.perf_counter()
        subprocess.run(
            [str(BIN / "listing-pulse"), "report", "--db", str(db), "--out", str(out)], check=True, capture_output=True
        )
        command.append(time.perf_counter() - started)
    total = data.stores[0].tile("aex_total_listings")
    return statistics.median(in_process), statistics.median(command), out.stat().st_size, total.value if total else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listings", type=int, default=100_000, help="listings in the large store")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (the median is reported)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="report_scale_") as folder:
        rows = []
        for name, make in (
            ("default sample", lambda: generate("default", AS_OF)),
            (f"{args.listings:,} listings", lambda: large_store(args.listings)),
        ):
            db = Path(folder) / name.split()[0].replace(",", "") / "warehouse.duckdb"
            db.parent.mkdir()
            os.environ["LISTING_PULSE_DB"] = str(db)  # dlt's pipeline state lives beside the build file
            started = time.perf_counter()
            for observation in make():
                load_observation(
                    "bench", observation.observed_at, observation.aliexpress, observation.bigcommerce, db_path=db
                )
            loaded = time.perf_counter() - started
            built = build(db)
            in_process, command, size, listings = time_report(db, args.runs)
            rows.append((name, listings, loaded, built, in_process, command, size))
    print(
        f"{'warehouse':<18} {'listings':>9} {'load s':>7} {'dbt build s':>12} {'report s (median)':>18} {'command s (median)':>19} {'HTML MB':>8}"
    )
    for name, listings, loaded, built, in_process, command, size in rows:
        print(
            f"{name:<18} {listings:>9,} {loaded:>7.1f} {built:>12.1f} {in_process:>18.2f} {command:>19.2f} {size / 1e6:>8.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

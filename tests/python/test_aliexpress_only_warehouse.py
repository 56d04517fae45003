"""A warehouse that has only ever loaded AliExpress (no raw_bigcommerce schema at all) builds and publishes:
the AliExpress cards have values, the cards that read BigCommerce are null and say why, in kpi_cards and
in the report."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingestion.sources.sample.store import ACTIVE, AUDITING, EDITING_REQUIRED, SampleStore
from tests.python.publish.conftest import PUBLISHED_WITH_WARNINGS, DataDir, cli, run_cli

AS_OF = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)
BC_REASON = "no BigCommerce observation of this store at or before as_of: its stock is unknown"


def write_aliexpress_drop(folder: Path) -> Path:
    """Three active listings, one auditing, one editingRequired; no bigcommerce/ folder."""
    store = SampleStore.build(
        AS_OF, seed=7, product_id_base=1005009000000000, states=[(ACTIVE, 3), (AUDITING, 1), (EDITING_REQUIRED, 1)]
    )
    capture, _ = store.capture([])
    for n, (status_type, page) in enumerate(capture.product_lists):
        path = folder / "aliexpress" / "product_list" / status_type / f"{n:04d}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(page.body))
    for n, page in enumerate(capture.product_infos):
        path = folder / "aliexpress" / "product_info" / f"{n:05d}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(page.body))
    return folder


def test_an_aliexpress_only_warehouse_builds_publishes_and_says_why_bc_cards_are_null(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    drop = write_aliexpress_drop(tmp_path / "drop")
    at = AS_OF.isoformat()
    result = run_cli(
        cli("run", "--source", "files", "--path", str(drop), "--observed-at", at, "--store", "aex_only", "--as-of", at),
        data,
    )
    # Published with warnings: the sample observation is months old at the wall clock, so it is stale.
    assert result.returncode == PUBLISHED_WITH_WARNINGS, result.stdout[-3000:] + result.stderr[-3000:]

    with duckdb.connect(str(data.published), read_only=True) as con:
        cards = {
            key: (value, reason)
            for key, value, reason in con.execute(
                "select card_key, value, null_reason from marts.kpi_cards where store_key = 'aex_only'"
            ).fetchall()
        }
    # 3 + 1 + 1 listings; auditing 1 + editingRequired (rejected) 1 = 2.
    assert cards["aex_total_listings"] == (5, None)
    assert cards["aex_rejected_auditing_listings"] == (2, None)
    assert cards["aex_xc_listed_but_oos_on_bc"] == (None, BC_REASON)
    assert cards["aex_xc_catalogue_drift_vs_bc"] == (None, BC_REASON)

    report = (data.published.parent / "listing_pulse_report.html").read_text()
    assert BC_REASON in report
    printed = run_cli(cli("cards"), data).stdout.splitlines()
    oversell = next(line for line in printed if line.startswith("aex_only") and "aex_xc_listed_but_oos_on_bc" in line)
    assert oversell.endswith(BC_REASON)  # the value column empty, the note saying why

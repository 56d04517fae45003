"""An audit outcome that arrives late lands in the window of its own time stamp when the cards are rebuilt."""

from __future__ import annotations

import shutil

import duckdb

from ingestion.serving.dbt import run_dbt
from tests.python.builders import AS_OF
from tests.python.conftest import Warehouse


def test_a_late_refuse_counts_in_its_own_window_on_rebuild(warehouse: Warehouse, tmp_path) -> None:
    copy = tmp_path / "listing_pulse.duckdb"
    shutil.copyfile(warehouse.path, copy)
    # sister_store had one rejection in (03-10 09:00, 03-11 09:00]. A refuse of another (active, approved)
    # listing stamped 03-11 02:00 GMT+8 = 03-10 18:00 UTC is delivered only now: on rebuild the card reads 2.
    with duckdb.connect(str(copy)) as con:
        con.execute(
            "insert into raw_aliexpress.audit_events (store_key, event_id, product_id, status, time_stamp, reason_code, _dlt_load_id) "
            "values ('sister_store', 'late-1', '1005007000000001', 'refuse', '2026-03-11 02:00:00', 'IMAGE_QUALITY', 'late')"
        )
    assert run_dbt(["build", "--select", "int_aliexpress__audit_outcomes+"], as_of=AS_OF, db_path=copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        value, listings = con.execute(
            "select value, distinct_listings from marts.kpi_cards "
            "where store_key = 'sister_store' and card_key = 'aex_rejected_listings_24h'"
        ).fetchone()
    assert (value, listings) == (2, 2)

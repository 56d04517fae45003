"""kpi_card_history survives `dbt build --full-refresh` and replaces, not duplicates, a rebuilt as_of."""

from __future__ import annotations

import shutil

import duckdb

from ingestion.serving.dbt import run_dbt
from tests.python.builders import AS_OF
from tests.python.conftest import Warehouse


def history_rows(path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "select as_of, count(*) from marts.kpi_card_history group by as_of order by as_of"
        ).fetchall()


def test_full_refresh_keeps_history_and_rebuilding_an_as_of_replaces_it(warehouse: Warehouse, tmp_path) -> None:
    copy = tmp_path / "listing_pulse.duckdb"
    shutil.copyfile(warehouse.path, copy)
    before = history_rows(copy)
    # Three builds: 03-08 and 03-09 saw only backlog_clears (its 11 cards; the other two stores were
    # registered but not yet observed, so 3 stores x 11 cards = 33 rows each), 03-11 saw all three.
    assert before == [(moment, 33) for moment, _ in before] and len(before) == 3
    assert run_dbt(["build", "--full-refresh", "--select", "kpi_cards", "kpi_card_history"], as_of=AS_OF, db_path=copy)
    assert history_rows(copy) == before

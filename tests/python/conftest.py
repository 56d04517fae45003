"""One shared warehouse for the whole session: every scenario store loaded into one DuckDB file and
built three times (dbt build costs 10-20 s; a build per test would not fit the budget).

Timeline (UTC), each store its own store_key:
  * `default` and `sister_store`: one observation at AS_OF (2026-03-11 09:00).
  * `backlog_clears`: observations at 03-08 09:00, 03-09 09:00 and 03-11 09:00.
Builds at each backlog observation, in order, so `kpi_card_history` holds all three as_of values and the
first two builds see `default` and `sister_store` as not yet observed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from ingestion import paths  # noqa: F401  (sets DLT_PROJECT_DIR and DBT_PROFILES_DIR)
from ingestion.serving.dbt import run_dbt
from ingestion.sources.load import load_observation
from ingestion.sources.sample.scenarios import generate
from tests.python.builders import AS_OF


@dataclass
class Warehouse:
    path: Path

    def rows(self, sql: str, *params: object) -> list[tuple]:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.execute(sql, list(params)).fetchall()

    def value(self, sql: str, *params: object) -> object:
        rows = self.rows(sql, *params)
        assert len(rows) == 1, f"expected one row, got {rows}"
        return rows[0][0]

    def card(self, store_key: str, card_key: str, column: str = "value") -> object:
        return self.value(
            f"select {column} from marts.kpi_cards where store_key = ? and card_key = ?", store_key, card_key
        )

    def history(self, store_key: str, card_key: str) -> list[tuple]:
        return self.rows(
            "select as_of, value from marts.kpi_card_history where store_key = ? and card_key = ? order by as_of",
            store_key,
            card_key,
        )


def load_scenario(scenario: str, as_of: datetime, db_path: Path, store_key: str | None = None, **options: int) -> None:
    """Every observation of a sample scenario (`options`: generate's, e.g. `seed`), under `store_key`."""
    for observation in generate(scenario, as_of, **options):
        load_observation(
            store_key or scenario, observation.observed_at, observation.aliexpress, observation.bigcommerce, db_path
        )


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    folder = tmp_path_factory.mktemp("warehouse")
    db_path = folder / "listing_pulse.duckdb"
    previous = os.environ.get("LISTING_PULSE_DB")
    os.environ["LISTING_PULSE_DB"] = str(db_path)
    try:
        load_scenario("default", AS_OF, db_path)
        load_scenario("sister_store", AS_OF, db_path)
        backlog = generate("backlog_clears", AS_OF)
        for observation in backlog:
            load_observation(
                "backlog_clears", observation.observed_at, observation.aliexpress, observation.bigcommerce, db_path
            )
            assert run_dbt(["build"], as_of=observation.observed_at, db_path=db_path), "dbt build failed"
        yield Warehouse(db_path)
    finally:
        if previous is None:
            os.environ.pop("LISTING_PULSE_DB", None)
        else:
            os.environ["LISTING_PULSE_DB"] = previous

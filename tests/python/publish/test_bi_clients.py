"""The light BI clients (issue 14) open the published file read-only, each from its own pinned environment
(`make bi-clients`), list every published table's columns and answer the README's queries.

bi/check_bi.py runs each client and compares its answers with what the build's DuckDB 2.0 reads from the
same file (`problems`); the assertions below add values worked out by hand for the `backlog_clears`
scenario's last version (conftest.py's docstring): one store, so one kpi_cards row per registered card.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from ingestion.paths import PROJECT_ROOT

from .conftest import EXPECTED_CARDS, STORE, WAIT, ThreeRuns

# client -> how its version string starts (the pins in bi/<client>/ and requirements*.lock)
CLIENTS = {
    "duckdb-python-1.4": "duckdb 1.4.",
    "duckdb-cli-1.4": "duckdb CLI v1.4.",
    "node-api-1.4": "@duckdb/node-api v1.4.",
    "sqlalchemy-2.0": "SQLAlchemy 2.0.",
    "sqlalchemy-1.4": "SQLAlchemy 1.4.",
}
# Every marts model is published, one table each; views (kpi_card_values, kpi_cards' helper) are not.
# Publishing adds published_store_status (ingestion/serving/publish.py).
PUBLISHED_TABLES = sorted(
    [
        *(
            path.stem
            for path in (PROJECT_ROOT / "models" / "marts").rglob("*.sql")
            if "materialized='view'" not in path.read_text()
        ),
        "published_store_status",
    ]
)
# kpi_cards' timestamps (models/marts/cards/kpi_cards.sql); computed_at is TIMESTAMPTZ in the build file.
KPI_CARDS_TIMESTAMPS = ["window_start", "window_end", "data_as_of", "as_of", "computed_at"]
REGISTERED_CARDS = len(
    list(csv.DictReader(io.StringIO((PROJECT_ROOT / "seeds" / "kpi_card_registry.csv").read_text())))
)


def client_answers(client: str, published: str) -> dict:
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bi" / "check_bi.py"), "--published", published, "--client", client],
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert result.stdout, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("client", CLIENTS)
def test_a_bi_client_lists_every_table_and_answers_the_readme_queries(three_runs: ThreeRuns, client: str) -> None:
    outcome = client_answers(client, str(three_runs.snapshots[2]))
    assert outcome["problems"] == []
    assert outcome["version"].startswith(CLIENTS[client])
    answers = outcome["answers"]
    assert sorted(answers["columns"]) == PUBLISHED_TABLES and len(PUBLISHED_TABLES) == 16
    kpi_cards_types = dict(answers["columns"]["kpi_cards"])
    # One convention, whatever the client: every timestamp is a zone-less TIMESTAMP (holding UTC).
    assert [name for name, data_type in kpi_cards_types.items() if "TIME" in data_type] == KPI_CARDS_TIMESTAMPS
    assert {kpi_cards_types[name] for name in KPI_CARDS_TIMESTAMPS} == {"TIMESTAMP"}
    assert answers["write_refused"] is True
    cards, oos_worklist = answers["results"]
    assert len(cards) == REGISTERED_CARDS
    values = {
        key: int(float(value)) for store, key, value, _, _ in cards if store == STORE and key in EXPECTED_CARDS[2]
    }
    assert values == EXPECTED_CARDS[2]
    # data_as_of: the last observation, 03-11 09:00 UTC, as each client prints a timestamp.
    assert {data_as_of for *_, data_as_of in cards} == {"2026-03-11 09:00:00"}
    assert oos_worklist == []  # listed-but-OOS-on-BC is 0 in this version


def test_the_readme_shows_the_queries_the_clients_run() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    for query in (PROJECT_ROOT / "bi" / "readme_queries.sql").read_text().splitlines():
        assert query in readme

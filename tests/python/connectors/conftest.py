"""Fixtures for the connector tests: a fake pair of APIs on loopback, store settings in env vars, a
fresh build file per test, and an HTTP layer whose sleeps are recorded instead of slept."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
import requests
from pytest_httpserver import HTTPServer

from ingestion import paths  # noqa: F401  (sets DLT_PROJECT_DIR before dlt reads config)
from ingestion.sources.common.http import CallLog, HttpCaller, RetryPolicy
from tests.python.connectors import fake_apis

STORE = "shop_a"


@dataclass
class Recorder:
    """One call log and one list of sleeps shared by every HttpCaller a sweep builds."""

    log: CallLog = field(default_factory=CallLog)
    sleeps: list[float] = field(default_factory=list)

    def http(self) -> HttpCaller:
        return HttpCaller(requests.Session(), sleep=self.sleeps.append, log=self.log, policy=RetryPolicy(timeout_s=5))


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "listing_pulse.duckdb"
    monkeypatch.setenv("LISTING_PULSE_DB", str(path))  # dlt pipeline state lives beside it
    return path


@pytest.fixture
def fake(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> fake_apis.FakeApis:
    apis = fake_apis.FakeApis()
    httpserver.expect_request(re.compile("^/")).respond_with_handler(apis.handle)
    env = {
        "SOURCES__ALIEXPRESS__SHOP_A__APP_KEY": fake_apis.APP_KEY,
        "SOURCES__ALIEXPRESS__SHOP_A__APP_SECRET": fake_apis.APP_SECRET,
        "SOURCES__ALIEXPRESS__SHOP_A__SESSION": fake_apis.SESSION,
        "SOURCES__ALIEXPRESS__SHOP_A__GATEWAY_URL": httpserver.url_for("/sync"),
        "SOURCES__ALIEXPRESS__SHOP_A__PAGE_SIZE": str(fake_apis.AE_PAGE_SIZE),
        "SOURCES__BIGCOMMERCE__SHOP_A__STORE_HASH": fake_apis.STORE_HASH,
        "SOURCES__BIGCOMMERCE__SHOP_A__ACCESS_TOKEN": fake_apis.ACCESS_TOKEN,
        "SOURCES__BIGCOMMERCE__SHOP_A__API_URL": httpserver.url_for("/").rstrip("/"),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return apis


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def rows(db_path: Path, sql: str, *params: object) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def table_snapshot(db_path: Path, schema: str, skip: tuple[str, ...] = ("observations",)) -> dict[str, list[tuple]]:
    """Every raw table's rows (without dlt's load ids, which differ per load), for idempotency checks."""
    snapshot: dict[str, list[tuple]] = {}
    with duckdb.connect(str(db_path), read_only=True) as con:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = ? and table_name not like '_dlt%'",
                [schema],
            ).fetchall()
        ]
        for table in sorted(set(tables) - set(skip)):
            columns = [
                row[0]
                for row in con.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                    "and column_name not in ('_dlt_load_id') order by column_name",
                    [schema, table],
                ).fetchall()
            ]
            listed = ", ".join(f'"{column}"' for column in columns)
            snapshot[table] = sorted(con.execute(f"select {listed} from {schema}.{table}").fetchall(), key=repr)
    return snapshot

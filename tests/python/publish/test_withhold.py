"""One store's bad data never blocks another (issue 11, item 9): an error-severity test that fails on one
store's rows withholds that store, which keeps its last published rows marked withheld, while every other
store publishes this run's rows (exit 25).

Three real `run --all-stores` runs into one warehouse of two stores, `shop_a` and `shop_b`, each loading the
same file drop of the `backlog_clears` scenario (conftest.py's docstring has each version's cards):

  run 1, observation 0 (03-08 09:00): both stores publish fresh (exit 10: the sample is months old, so
         freshness warns).
  then:  one of shop_b's SKU versions is landed a second time in raw_aliexpress.listing_skus, as a loader
         fault would leave it. Its listing (the 101st) is unchanged by later observations, so the two
         identical current rows stay current through the next load. The staging grain test
         unique_combination_stg_aliexpress__listing_skus_... fails on shop_b's rows only.
  run 2, observation 1 (03-09 09:00): shop_a publishes observation 1's cards (total 200, rejected/auditing
         5, rejected 24h 4); shop_b is withheld and keeps run 1's (total 201, 0, 0), as of 03-08 09:00.
  then:  the duplicate row is deleted (the input fixed).
  run 3, observation 2 (03-11 09:00): both publish fresh again; shop_b's withheld mark is gone.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from ingestion.cli import main
from ingestion.report.data import read_report_data
from ingestion.report.dbt_results import FailedTests
from ingestion.report.render import REPORT_NAME, render_html
from ingestion.serving.publish import publish
from ingestion.serving.withhold import failed_tests, stores_concerned
from tests.python.builders import BACKLOG_OBSERVATIONS

from .conftest import (
    CARD_KEYS,
    EXPECTED_CARDS,
    PUBLISHED_STORES_WITHHELD,
    PUBLISHED_WITH_WARNINGS,
    DataDir,
    cli,
    run_cli,
)

STORES = '["shop_a", "shop_b"]'
FAILING_TEST = "unique_combination_stg_aliexpress__listing_skus_store_key__product_id__sku_id__valid_from"
REASON = f"error-severity dbt test(s) failed on its rows: {FAILING_TEST}"
FAULT = "injected_duplicate"  # the duplicate's _dlt_load_id, so that it can be told apart and removed


def at(version: int) -> datetime:
    return BACKLOG_OBSERVATIONS[version].replace(tzinfo=None)  # the published file holds zone-less UTC


@dataclass
class Runs:
    data: DataDir
    results: list[subprocess.CompletedProcess[str]]
    snapshots: list[Path]  # the published file after each run

    def rows(self, version: int, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.snapshots[version]), read_only=True) as con:
            return con.execute(sql).fetchall()

    def log(self, version: int) -> list[dict]:
        """The finished steps of one run, in order."""
        records = [r for r in self.data.log_records() if r["outcome"] != "started"]
        run_ids = list(dict.fromkeys(r["run_id"] for r in records))
        return [r for r in records if r["run_id"] == run_ids[version]]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, drops: list[Path]) -> Runs:
    root = tmp_path_factory.mktemp("withhold")
    data = DataDir(root / "data")
    results, snapshots = [], []
    for version in range(3):
        folder = root / f"observation_{version}"  # --all-stores reads <path>/<store key>/
        for store in ("shop_a", "shop_b"):
            shutil.copytree(drops[version], folder / store)
        if version == 1:
            _land_a_duplicate_sku_row(data.build)
        if version == 2:
            with duckdb.connect(str(data.build)) as con:
                assert con.execute(
                    f"delete from raw_aliexpress.listing_skus where _dlt_load_id = '{FAULT}'"
                ).fetchall() == [(1,)]
        moment = BACKLOG_OBSERVATIONS[version].isoformat()
        command = cli(
            "run",
            "--all-stores",
            "--source",
            "files",
            "--path",
            str(folder),
            "--observed-at",
            moment,
            "--as-of",
            moment,
        )
        results.append(run_cli(command, data, LISTING_PULSE__STORES=STORES))
        snapshots.append(root / f"published_{version}.duckdb")
        shutil.copyfile(data.published, snapshots[-1])
    return Runs(data, results, snapshots)


def _land_a_duplicate_sku_row(build: Path) -> None:
    with duckdb.connect(str(build)) as con:
        con.execute(
            f"insert into raw_aliexpress.listing_skus select * replace ('{FAULT}' as _dlt_load_id) "
            "from raw_aliexpress.listing_skus where store_key = 'shop_b' and _dlt_valid_to is null "
            "and product_id = (select distinct product_id from raw_aliexpress.listing_skus "
            "where store_key = 'shop_b' order by product_id limit 1 offset 100) "
            "order by id limit 1"
        )


def cards(runs: Runs, version: int, store: str) -> dict[str, int]:
    rows = runs.rows(version, f"select card_key, value from marts.kpi_cards where store_key = '{store}'")
    return {key: int(value) for key, value in rows if key in CARD_KEYS}


def test_a_clean_run_publishes_every_store_fresh(runs: Runs) -> None:
    assert runs.results[0].returncode == PUBLISHED_WITH_WARNINGS, runs.results[0].stderr[-3000:]
    assert runs.rows(0, "select store_key, status, withheld_reason, as_of from marts.published_store_status") == [
        ("shop_a", "fresh", None, at(0)),
        ("shop_b", "fresh", None, at(0)),
    ]
    assert cards(runs, 0, "shop_a") == cards(runs, 0, "shop_b") == EXPECTED_CARDS[0]


def test_the_store_whose_rows_fail_a_test_is_withheld_and_the_other_publishes(runs: Runs) -> None:
    result = runs.results[1]
    assert result.returncode == PUBLISHED_STORES_WITHHELD, result.stderr[-3000:]
    run_id = runs.log(1)[-1]["run_id"]
    assert runs.rows(
        1, "select store_key, status, withheld_reason, as_of, data_as_of, run_id from marts.published_store_status"
    ) == [
        ("shop_a", "fresh", None, at(1), at(1), run_id),
        ("shop_b", "withheld", REASON, at(0), at(0), run_id),
    ]
    # shop_a: observation 1's cards at its as_of; shop_b: run 1's cards, kept and marked.
    assert cards(runs, 1, "shop_a") == EXPECTED_CARDS[1]
    assert cards(runs, 1, "shop_b") == EXPECTED_CARDS[0]
    assert runs.rows(
        1, "select distinct store_key, as_of, is_withheld, withheld_reason from marts.kpi_cards order by 1"
    ) == [("shop_a", at(1), False, None), ("shop_b", at(0), True, REASON)]
    # Every mart keeps shop_b's rows of run 1: its worklist of 201 listings (one was deleted at observation 1).
    assert runs.rows(1, "select store_key, count(*) from marts.aex_total_listings group by 1 order by 1") == [
        ("shop_a", 200),
        ("shop_b", 201),
    ]
    assert (
        runs.rows(1, "select count(*) from marts.aex_rejected_auditing_listings where store_key = 'shop_a'")[0][0] == 5
    )
    # Nothing of shop_b's failed build reached the published history (nor the build file's: run 3's test).
    history = "select distinct store_key, as_of from marts.kpi_card_history order by 1, 2"
    assert runs.rows(1, history) == [("shop_a", at(0)), ("shop_a", at(1)), ("shop_b", at(0))]


def test_cards_prints_why_a_store_is_withheld(
    runs: Runs, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LISTING_PULSE_PUBLISHED", str(runs.snapshots[1]))
    assert main(["cards"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert {line.endswith(REASON) for line in lines if line.startswith("shop_b")} == {True}
    assert not any(REASON in line for line in lines if line.startswith("shop_a"))


def test_stderr_the_run_log_and_the_report_name_the_withheld_store(runs: Runs) -> None:
    result = runs.results[1]
    assert "dbt build failed for store(s) shop_b, which are withheld" in result.stderr
    assert f"store shop_b withheld: {REASON}; its last published rows are kept, marked withheld" in result.stderr
    steps = [(r["step"], r["outcome"], r.get("store_key")) for r in runs.log(1)]
    assert steps == [
        ("load", "ok", None),
        ("store", "ok", "shop_a"),
        ("store", "ok", "shop_b"),
        ("parse", "ok", None),
        ("freshness", "warn", None),
        ("build", "failed", None),
        ("store", "withheld", "shop_b"),
        ("rebuild", "ok", None),
        ("publish", "ok", None),
        ("alerts", "ok", None),
        ("report", "ok", None),
        ("run", "finished", None),
    ]
    log = {(r["step"], r["outcome"]): r for r in runs.log(1)}
    assert log[("store", "withheld")]["detail"] == [FAILING_TEST]
    assert f"test {FAILING_TEST} (fail: 1 row(s))" in log[("build", "failed")]["detail"]
    assert log[("rebuild", "ok")]["withheld"] == ["shop_b"]
    assert log[("publish", "ok")]["withheld"] == ["shop_b"]
    assert (log[("run", "finished")]["exit_code"], log[("run", "finished")]["exit_name"]) == (
        25,
        "published_stores_withheld",
    )
    # The report of run 2 (written beside the published file, which run 3 has replaced since): re-rendered
    # from run 2's published file, it says why shop_b's tiles are not this run's.
    data = read_report_data(runs.snapshots[1], timedelta(days=365), FailedTests())
    shop_b = next(store for store in data.stores if store.store_key == "shop_b")
    assert shop_b.message == (
        f"Store shop_b was withheld from this run ({REASON}): its cards are those last published, "
        "as of 2026-03-08 09:00 UTC."
    )
    assert {tile.state for tile in shop_b.tiles} == {"withheld"}
    assert shop_b.message in render_html(data)


def test_a_clean_run_clears_the_withheld_mark(runs: Runs) -> None:
    assert runs.results[2].returncode == PUBLISHED_WITH_WARNINGS, runs.results[2].stderr[-3000:]
    assert runs.rows(2, "select store_key, status, withheld_reason, as_of from marts.published_store_status") == [
        ("shop_a", "fresh", None, at(2)),
        ("shop_b", "fresh", None, at(2)),
    ]
    assert runs.rows(2, "select distinct is_withheld from marts.kpi_cards") == [(False,)]
    assert cards(runs, 2, "shop_a") == cards(runs, 2, "shop_b") == EXPECTED_CARDS[2]
    # shop_b's trend, built in the build file, has no point at observation 1, the as_of it was withheld.
    assert runs.rows(2, "select distinct as_of from marts.kpi_card_history where store_key = 'shop_b' order by 1") == [
        (at(0),),
        (at(2),),
    ]
    report = (runs.data.published.parent / REPORT_NAME).read_text()
    assert 'data-role="withheld"' not in report and "was withheld" not in report


def test_publish_keeps_a_withheld_stores_previous_rows_and_marks_them(tmp_path: Path) -> None:
    # Worked by hand: version 1 publishes stores a and b at T0. Version 2's build holds a at T1 and, as a
    # build should not, one row of b; b is withheld (so its T0 rows are kept and marked, the build's row
    # dropped), and so is c, never published (no rows, a status row saying so). The worklist gained a
    # column since: b's kept row has null there. Version 3 withholds b again: its rows are still T0's,
    # marked with the new reason only.
    t0, t1 = datetime(2026, 3, 8, 9), datetime(2026, 3, 9, 9)
    build, published = tmp_path / "build.duckdb", tmp_path / "published" / "p.duckdb"

    def build_marts(cards: str, worklist: str) -> None:
        with duckdb.connect(str(build)) as con:
            con.execute("drop schema if exists marts cascade")
            con.execute("create schema marts")
            con.execute(f"create table marts.kpi_cards as {cards}")
            con.execute(f"create table marts.worklist as {worklist}")

    cards = "select * from (values {}) as cards(store_key, card_key, value, data_as_of, as_of)"
    build_marts(
        cards.format(
            f"('a', 'total', 1, timestamp '{t0 - timedelta(hours=1)}', timestamp '{t0}'), "
            f"('b', 'total', 10, timestamp '{t0 - timedelta(hours=2)}', timestamp '{t0}')"
        ),
        "select * from (values ('a', 'x'), ('b', 'y')) as worklist(store_key, item)",
    )
    assert publish(build, published, run_id="r1") == {"kpi_cards": 2, "worklist": 2, "published_store_status": 2}

    build_marts(
        cards.format(f"('a', 'total', 2, timestamp '{t1 - timedelta(hours=1)}', timestamp '{t1}')"),
        "select * from (values ('a', 'x2', 'e'), ('b', 'bad', 'e')) as worklist(store_key, item, extra)",
    )
    withheld = {"b": "test t failed", "c": "test u failed"}
    assert publish(build, published, withheld=withheld, run_id="r2") == {
        "kpi_cards": 2,
        "worklist": 2,
        "published_store_status": 3,
    }
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select * from marts.kpi_cards order by store_key").fetchall() == [
            ("a", "total", 2, t1 - timedelta(hours=1), t1, False, None),
            ("b", "total", 10, t0 - timedelta(hours=2), t0, True, "test t failed"),
        ]
        assert con.execute("select * from marts.worklist order by store_key").fetchall() == [
            ("a", "x2", "e"),
            ("b", "y", None),
        ]
        assert con.execute("select * from marts.published_store_status order by store_key").fetchall() == [
            ("a", "fresh", None, t1, t1 - timedelta(hours=1), "r2"),
            ("b", "withheld", "test t failed", t0, t0 - timedelta(hours=2), "r2"),
            ("c", "withheld", "test u failed", None, None, "r2"),
        ]

    publish(build, published, withheld={"b": "test v failed"}, run_id="r3")
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select * from marts.kpi_cards where store_key = 'b'").fetchall() == [
            ("b", "total", 10, t0 - timedelta(hours=2), t0, True, "test v failed"),
        ]
        assert con.execute("select * from marts.published_store_status order by store_key").fetchall() == [
            ("a", "fresh", None, t1, t1 - timedelta(hours=1), "r3"),
            ("b", "withheld", "test v failed", t0, t0 - timedelta(hours=2), "r3"),
        ]


def test_a_failure_concerns_the_stores_its_failing_rows_name_and_nothing_else_does(tmp_path: Path) -> None:
    # Failing-row tables as `dbt test --store-failures` leaves them, and dbt results standing in for its own.
    build = tmp_path / "b.duckdb"
    with duckdb.connect(str(build)) as con:
        con.execute("create schema dbt_test__audit")
        con.execute(
            "create table dbt_test__audit.grain as select * from (values ('a', 2), ('b', 3)) as t(store_key, n)"
        )
        con.execute("create table dbt_test__audit.recount as select 'b' as store_key, 1 as diff")
        con.execute("create table dbt_test__audit.seed_values as select 'x' as value_field, 1 as n_records")
        con.execute("create table dbt_test__audit.null_store as select null::varchar as store_key")

    def node(status: str, name: str, resource_type: str = "test") -> SimpleNamespace:
        relation = f'"b"."dbt_test__audit"."{name}"' if resource_type == "test" else None
        return SimpleNamespace(
            status=status, node=SimpleNamespace(name=name, resource_type=resource_type, relation_name=relation)
        )

    def concerned(*nodes: SimpleNamespace) -> dict[str, list[str]] | None:
        return stores_concerned(SimpleNamespace(result=SimpleNamespace(results=list(nodes))), build)

    passing = [node("success", "stg_x", "model"), node("pass", "other"), node("warn", "seed_values")]
    assert concerned(*passing, node("fail", "grain"), node("fail", "recount")) == {
        "a": ["grain"],
        "b": ["grain", "recount"],
    }
    assert concerned(node("fail", "grain"), node("fail", "seed_values")) is None  # rows without store_key
    assert concerned(node("fail", "grain"), node("fail", "null_store")) is None  # a row without its store
    assert concerned(node("fail", "grain"), node("error", "stg_x", "model")) is None  # a model failed
    assert concerned(node("fail", "a_unit_test", "unit_test")) is None  # a unit test's failure has no rows
    assert concerned(node("error", "grain")) is None  # the test itself could not run
    assert stores_concerned(SimpleNamespace(result=None), build) is None  # dbt stopped before any node
    # In the build itself (no --store-failures, so no relation), the failed tests are picked by name alone.
    unstored = SimpleNamespace(
        status="fail", node=SimpleNamespace(name="grain", resource_type="test", relation_name=None)
    )
    assert failed_tests(SimpleNamespace(result=SimpleNamespace(results=[*passing, unstored]))) == ["grain"]
    assert concerned(unstored) is None  # without its failing rows, a failure names no store

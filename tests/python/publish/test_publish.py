"""Write, audit, publish (issue 5): BI readers see the last fully tested warehouse, never a lock or half a build."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
import sqlalchemy

from ingestion.paths import PROJECT_ROOT
from ingestion.serving.publish import PublishError, publish
from ingestion.serving.run import ExitCode, run_lock
from tests.python.builders import BACKLOG_OBSERVATIONS

from .conftest import (
    BUILD_FAILED,
    EXPECTED_CARDS,
    LOCKED,
    PUBLISHED_STORES_WITHHELD,
    PUBLISHED_WITH_WARNINGS,
    STORE,
    WAIT,
    DataDir,
    ThreeRuns,
    cli,
    kill_when_paused,
    mart_contents,
    run_args,
    run_cli,
)

# kpi_cards holds one row per store and registered card; these tests load one store.
REGISTERED_CARDS = len(
    list(csv.DictReader(io.StringIO((PROJECT_ROOT / "seeds" / "kpi_card_registry.csv").read_text())))
)


def wall_clock(version: int) -> str:
    return BACKLOG_OBSERVATIONS[version].strftime("%Y-%m-%d %H:%M:%S")


def build_with_table(build: Path, select: str) -> Path:
    """A build file whose marts schema holds one table, `marts.t`, made by `select`."""
    with duckdb.connect(str(build)) as con:
        con.execute("create schema marts")
        con.execute(f"create table marts.t as {select}")
    return build


def test_exit_codes_are_the_documented_ones() -> None:
    assert {code.name: int(code) for code in ExitCode} == {
        "PUBLISHED": 0,
        "PUBLISHED_WITH_WARNINGS": PUBLISHED_WITH_WARNINGS,
        "PUBLISHED_STORES_SKIPPED": 15,
        "LOAD_FAILED": 20,
        "PUBLISHED_STORES_WITHHELD": PUBLISHED_STORES_WITHHELD,
        "BUILD_FAILED": BUILD_FAILED,
        "PUBLISH_FAILED": 40,
        "LOCKED": LOCKED,
    }
    readme = (PROJECT_ROOT / "README.md").read_text()
    for code in ExitCode:
        assert f"| {int(code)} |" in readme, f"README does not document exit code {int(code)}"


def test_reader_sees_each_version_in_turn_and_never_a_lock_or_half_a_build(three_runs: ThreeRuns) -> None:
    for result in three_runs.results:
        assert result.returncode == PUBLISHED_WITH_WARNINGS, result.stderr[-3000:]
        assert "lock" not in result.stderr.lower()
    reader = three_runs.reader
    assert reader["error_count"] == 0, reader["errors"]
    assert reader["inconsistent_count"] == 0, reader["inconsistent"]
    assert reader["versions"] == [
        {"as_of": wall_clock(version), "cards": EXPECTED_CARDS[version]} for version in range(3)
    ]
    assert reader["reads"] >= 3


def test_each_run_logs_its_steps_as_json_lines(three_runs: ThreeRuns) -> None:
    finished = [r for r in three_runs.data.log_records() if r["outcome"] != "started"]
    runs = [r for r in finished if r["step"] == "run"]
    assert [(r["exit_code"], r["exit_name"]) for r in runs] == [(10, "published_with_warnings")] * 3
    first = [r for r in finished if r["run_id"] == runs[0]["run_id"]]
    assert [(r["step"], r["outcome"]) for r in first] == [
        ("load", "ok"),
        ("parse", "ok"),
        ("freshness", "warn"),
        ("build", "ok"),
        ("publish", "ok"),
        ("alerts", "ok"),
        ("report", "ok"),
        ("run", "finished"),
    ]
    load, publish_step, alerts = first[0], first[4], first[5]
    assert load["rows"]["backlog.aliexpress.listings"] == 201
    assert load["rows"]["backlog.bigcommerce.variants"] == load["rows"]["backlog.aliexpress.listing_skus"]
    assert publish_step["rows"]["aex_total_listings"] == 201
    assert publish_step["rows"]["kpi_cards"] == REGISTERED_CARDS
    # No alert URL is configured here: the events are read, nothing is sent.
    assert alerts["rows"] == {"sent": 0, "failed": 0, "already_sent": 0}
    assert all(r["duration_s"] >= 0 and r["finished_at"] >= r["started_at"] for r in first[:7])
    assert Path(first[6]["path"]).name == "listing_pulse_report.html"


def test_published_file_has_only_marts_in_bi_types(three_runs: ThreeRuns) -> None:
    with duckdb.connect(str(three_runs.snapshots[2]), read_only=True) as con:
        schemas = {s for (s,) in con.execute("select distinct schema_name from duckdb_tables()").fetchall()}
        types = {
            t for (t,) in con.execute("select distinct data_type from duckdb_columns() where not internal").fetchall()
        }
    with duckdb.connect(str(three_runs.data.build), read_only=True) as con:
        build_types = {
            t
            for (t,) in con.execute(
                "select distinct data_type from duckdb_columns() where schema_name = 'marts'"
            ).fetchall()
        }
        computed_at = con.execute("select distinct timezone('UTC', computed_at) from marts.kpi_cards").fetchall()
    assert schemas == {"marts"}
    assert "HUGEINT" in build_types  # sum() of integers in the build file ...
    assert not any(t.endswith("]") or t.startswith(("STRUCT", "MAP", "UNION")) or "HUGEINT" in t for t in types), types
    assert "TIMESTAMP WITH TIME ZONE" in build_types  # computed_at in the build file ...
    assert {t for t in types if t.startswith("TIMESTAMP")} == {"TIMESTAMP"}  # ... is published as UTC, zone-less
    # The README's list of the types BI drivers meet.
    assert types == {"VARCHAR", "BOOLEAN", "BIGINT", "DOUBLE", "DECIMAL(18,6)", "DECIMAL(28,6)", "TIMESTAMP"}
    with duckdb.connect(str(three_runs.snapshots[2]), read_only=True) as con:
        assert con.execute("select distinct computed_at from marts.kpi_cards").fetchall() == computed_at


def test_publish_casts_hugeint_and_nested_columns(tmp_path: Path) -> None:
    published = tmp_path / "published" / "p.duckdb"
    build = build_with_table(
        tmp_path / "build.duckdb", "select sum(x) as total, [1, 2] as ids, {'a': 1} as pair from (values (1), (2)) v(x)"
    )
    with duckdb.connect(str(build)) as con:
        con.execute("create schema staging")
        con.execute("create table staging.not_published as select 1 as x")
    assert publish(build, published) == {"t": 1}
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute(
            "select column_name, data_type from duckdb_columns() where not internal order by column_index"
        ).fetchall() == [("total", "BIGINT"), ("ids", "VARCHAR"), ("pair", "VARCHAR")]
        assert con.execute("select * from marts.t").fetchall() == [(3, "[1,2]", '{"a":1}')]
        assert con.execute("select count(*) from duckdb_tables() where schema_name = 'staging'").fetchone() == (0,)
    assert sorted(p.name for p in published.parent.iterdir()) == ["p.duckdb"]  # no temp file or WAL left


def test_publish_writes_every_timestamp_as_zone_less_utc(tmp_path: Path) -> None:
    # The one convention for published timestamps: TIMESTAMP (microseconds, no zone) holding UTC. By hand:
    # 11:00 at +02:00 is 09:00 UTC; the publish runs with the process zone at Tokyo (+09:00), where a plain
    # cast to TIMESTAMP would give 18:00.
    published = tmp_path / "published" / "p.duckdb"
    build = build_with_table(
        tmp_path / "build.duckdb",
        "select timestamptz '2026-03-09 11:00:00+02' as computed_at, "
        "timestamp '2026-03-09 09:00:00' as as_of, cast('2026-03-09 09:00:00.5' as timestamp_ms) as at_ms, "
        "cast('2026-03-09 09:00:01' as timestamp_s) as at_s, cast('2026-03-09 09:00:00.000001' as timestamp_ns) as at_ns",
    )
    script = (
        "import sys, pathlib; from ingestion.serving.publish import publish; "
        "publish(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(build), str(published)],
        cwd=PROJECT_ROOT,
        env=os.environ | {"TZ": "Asia/Tokyo"},
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(published), read_only=True) as con:
        assert (
            con.execute("select data_type from duckdb_columns() where not internal order by column_index").fetchall()
            == [("TIMESTAMP",)] * 5
        )
        assert con.execute("select * from marts.t").fetchone() == (
            datetime(2026, 3, 9, 9),
            datetime(2026, 3, 9, 9),
            datetime(2026, 3, 9, 9, 0, 0, 500000),
            datetime(2026, 3, 9, 9, 0, 1),
            datetime(2026, 3, 9, 9, 0, 0, 1),
        )


def test_a_publish_that_cannot_replace_the_file_leaves_no_temp_file(tmp_path: Path) -> None:
    build = build_with_table(tmp_path / "build.duckdb", "select 1 as x")
    published = tmp_path / "published" / "listing_pulse.duckdb"
    (published / "in_the_way").mkdir(parents=True)  # a non-empty directory where the file should go
    with pytest.raises(PublishError, match="the previous published file is unchanged"):
        publish(build, published)
    assert sorted(p.name for p in published.parent.iterdir()) == ["listing_pulse.duckdb"]
    assert published.is_dir()


def test_a_failed_load_builds_and_publishes_nothing(three_runs: ThreeRuns, tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    data.published.parent.mkdir()
    shutil.copyfile(three_runs.snapshots[0], data.published)
    before = hashlib.sha256(data.published.read_bytes()).hexdigest()
    result = run_cli(cli("run", "--source", "files", "--path", str(tmp_path / "no_such_drop")), data)
    assert result.returncode == 20
    assert "load failed: --source files needs --path DIR" in result.stderr
    assert hashlib.sha256(data.published.read_bytes()).hexdigest() == before
    assert not data.build.exists()
    assert [(r["step"], r["outcome"]) for r in data.log_records()] == [
        ("load", "started"),
        ("load", "failed"),
        ("run", "finished"),
    ]


def test_a_duckdb_1x_client_opens_the_published_file(three_runs: ThreeRuns) -> None:
    python = PROJECT_ROOT / ".venv-duckdb14" / "bin" / "python"
    assert python.exists(), "the DuckDB 1.4 client venv is missing: run `make install`"
    script = (
        "import sys, duckdb; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print(duckdb.__version__); "
        'print(con.execute("select card_key, value, as_of, data_as_of from marts.kpi_cards '
        "where store_key = 'backlog' and card_key = 'aex_rejected_auditing_listings'\").fetchall())"
    )
    result = subprocess.run(
        [str(python), "-c", script, str(three_runs.snapshots[1])], capture_output=True, text=True, timeout=WAIT
    )
    assert result.returncode == 0, result.stderr
    version, row = result.stdout.splitlines()
    assert version.startswith("1.4.")
    assert row.startswith(
        "[('aex_rejected_auditing_listings', Decimal('5.000000'), datetime.datetime(2026, 3, 9, 9, 0)"
    )


def test_sqlalchemy_reads_kpi_cards_read_only(three_runs: ThreeRuns) -> None:
    url = f"duckdb:///{three_runs.snapshots[2]}?access_mode=read_only"
    assert url.startswith("duckdb:////")  # an absolute path: four slashes
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as con:
            rows = con.execute(
                sqlalchemy.text(
                    "select card_key, value from marts.kpi_cards where store_key = :store order by card_key"
                ),
                {"store": STORE},
            ).all()
            with pytest.raises(sqlalchemy.exc.DBAPIError, match="read-only"):
                con.execute(sqlalchemy.text("create table marts.scratch (x int)"))
        assert {key: int(value) for key, value in rows if key in EXPECTED_CARDS[2]} == EXPECTED_CARDS[2]
        assert len(rows) == REGISTERED_CARDS
    finally:
        engine.dispose()


def test_cards_and_sql_read_the_published_file(three_runs: ThreeRuns) -> None:
    data = three_runs.data
    cards = run_cli(cli("cards"), data)
    assert cards.returncode == 0, cards.stderr
    assert "nothing published" not in cards.stderr
    rows = [line.split()[:5] for line in cards.stdout.splitlines()]
    assert ["backlog", "aex_total_listings", "Total", "Listings", "200"] in rows  # version 3
    sql = run_cli(cli("sql", "select count(*) as n from marts.aex_total_listings"), data)
    assert (sql.returncode, sql.stdout.split()) == (0, ["n", "---", "200"])
    unknown = run_cli(cli("sql", "select * from raw_aliexpress.listings"), data)  # only marts are published
    assert unknown.returncode == 2 and "listing-pulse sql:" in unknown.stderr and "does not exist" in unknown.stderr


def test_a_failure_that_names_no_store_publishes_nothing(three_runs: ThreeRuns, tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    shutil.copyfile(three_runs.data.build, data.build)
    data.published.parent.mkdir()
    shutil.copyfile(three_runs.data.published, data.published)
    before = hashlib.sha256(data.published.read_bytes()).hexdigest()
    # A raw table without a column staging reads (its contract broken): the staging model fails to build, a
    # failure no store's rows carry, so no store can be withheld alone and nothing publishes.
    with duckdb.connect(str(data.build)) as con:
        con.execute("alter table raw_bigcommerce.variants drop column purchasing_disabled")
    result = run_cli(cli("publish", "--as-of", BACKLOG_OBSERVATIONS[2].isoformat()), data)
    assert result.returncode == BUILD_FAILED, result.stderr[-3000:]
    assert "dbt build failed; nothing was published (the published file is unchanged)" in result.stderr
    assert "model stg_bigcommerce__variants (error: " in result.stderr
    assert hashlib.sha256(data.published.read_bytes()).hexdigest() == before
    assert [r["exit_code"] for r in data.log_records() if r["step"] == "run"] == [BUILD_FAILED]
    assert not [r for r in data.log_records() if r["step"] in ("store", "rebuild", "publish")]


def test_a_second_run_exits_clearly_while_the_first_holds_the_lock(three_runs: ThreeRuns, tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    with run_lock(data.root / "listing_pulse.duckdb.lock", wait_seconds=0):
        result = run_cli(cli("publish", "--wait", "0.5"), data)
    assert result.returncode == LOCKED
    assert "another listing-pulse run holds" in result.stderr and "--wait" in result.stderr
    assert not data.build.exists() and not data.published.exists()


def test_killed_runs_leave_no_stale_lock_or_temp_file_and_a_rerun_recovers(
    three_runs: ThreeRuns, tmp_path: Path
) -> None:
    data, command = DataDir(tmp_path), run_args(three_runs.drops, 0)

    # Killed mid-load: AliExpress landed, BigCommerce not.
    kill_when_paused(command, data, "load:aliexpress")
    with duckdb.connect(str(data.build), read_only=True) as con:
        schemas = {s for (s,) in con.execute("select distinct schema_name from duckdb_tables()").fetchall()}
    assert "raw_aliexpress" in schemas and "raw_bigcommerce" not in schemas

    # Killed mid-build: once dbt finished the AliExpress-vs-BC join, before the cards.
    records = kill_when_paused(command, data, "build:fct_aliexpress_skus_vs_bigcommerce")
    assert [r["step"] for r in records if r["outcome"] == "ok"] == ["load", "parse"]
    # Killed mid-publish: the new file written, not yet renamed.
    kill_when_paused(command, data, "publish:written")
    temp_files = [p.name for p in data.published.parent.iterdir()]
    assert len(temp_files) == 1 and temp_files[0].startswith(".listing_pulse.duckdb.") and not data.published.exists()

    rerun = run_cli(command, data)
    assert rerun.returncode == PUBLISHED_WITH_WARNINGS, rerun.stderr[-3000:]
    assert "removed 1 temp file(s) an interrupted run left" in rerun.stdout
    # Nothing left behind but the published file and the report `run` writes beside it.
    assert sorted(p.name for p in data.published.parent.iterdir()) == [
        "listing_pulse.duckdb",
        "listing_pulse_report.html",
    ]
    assert mart_contents(data.published) == mart_contents(three_runs.snapshots[0])

"""A load that was killed or failed in dlt's load step never swallows the next one, and every writing
command (`load`, `build`, `run`, `publish`) takes the one lock.

The data is the `backlog_clears` scenario (ingestion/sources/sample/scenarios.py), whose three
observations were worked out by hand from its construction: 03-08 09:00 all 201 listings active;
03-09 09:00 listing 200 deleted, four listings `editingRequired` and one `auditing`; 03-11 09:00 all 200
active again.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from ingestion.cli import main
from ingestion.paths import PROJECT_ROOT
from ingestion.serving.run import ExitCode, Paths, run
from ingestion.sources.aliexpress import source as aliexpress
from ingestion.sources.bigcommerce import source as bigcommerce
from ingestion.sources.load import LoadReport, _pipeline, load_observation
from ingestion.sources.sample.scenarios import Observation, generate
from tests.python.publish.conftest import write_drop

STORE = "backlog"
AS_OF = datetime(2026, 3, 11, 9, 0, tzinfo=timezone.utc)
LOCKED = 50  # ingestion.serving.run.ExitCode.LOCKED
WAIT = 180  # seconds a subprocess may take before the test fails (never a timed assertion)


def leave_pending(observation: Observation, db_path: Path) -> None:
    """What a load killed (or failed) in dlt's load step leaves: both sources extracted and normalized
    into load packages in the pipelines dir, nothing of them in the build file."""
    jobs = (
        ("aliexpress", aliexpress.aliexpress_source(
            aliexpress.parse_capture(observation.aliexpress, STORE), STORE, observation.observed_at)),
        ("bigcommerce", bigcommerce.bigcommerce_source(
            bigcommerce.parse_capture(observation.bigcommerce, STORE), STORE, observation.observed_at)),
    )
    for source_name, source in jobs:
        pipeline = _pipeline(source_name, STORE, db_path)
        pipeline.extract(source, loader_file_format="parquet")
        pipeline.normalize()


def rows(db_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.parametrize("landed_first", [True, False], ids=["after_a_landed_load", "on_a_new_store"])
def test_a_load_after_interrupted_ones_lands_them_in_order_then_its_own(
    landed_first: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "listing_pulse.duckdb"
    monkeypatch.setenv("LISTING_PULSE_DB", str(db_path))
    first, second, third = generate("backlog_clears", AS_OF)
    if landed_first:  # 03-08 landed, the 03-09 load was killed in its load step
        load_observation(STORE, first.observed_at, first.aliexpress, first.bigcommerce, db_path)
        leave_pending(second, db_path)
        stale = "1 {} load package(s) an interrupted load left for store 'backlog' (observed at 2026-03-09T09:00:00+00:00)"
    else:  # both first loads of a new store were killed (dlt alone silently wiped them)
        leave_pending(first, db_path)
        leave_pending(second, db_path)
        stale = ("2 {} load package(s) an interrupted load left for store 'backlog' "
                 "(observed at 2026-03-08T09:00:00+00:00, 2026-03-09T09:00:00+00:00)")
    drop = write_drop(third, tmp_path / "drop")

    code = main(["load", "--source", "files", "--path", str(drop), "--observed-at", AS_OF.isoformat(), "--store", STORE])

    assert code == 0
    err = capsys.readouterr().err
    for source_name in ("aliexpress", "bigcommerce"):
        assert f"listing-pulse: completed {stale.format(source_name)}" in err, err
    # Before the fix the 03-09 package landed and this load's own 03-11 data was silently dropped (or, on
    # a new store, the pending packages were silently wiped).
    for dataset in ("raw_aliexpress", "raw_bigcommerce"):
        observed = rows(db_path, f"select distinct observed_at from {dataset}.observations order by 1")
        assert [o for (o,) in observed] == [datetime(2026, 3, day, 9, tzinfo=timezone.utc) for day in (8, 9, 11)]
    # In observation order: listing 200, deleted at 03-09, was retired then (03-09 landed before 03-11).
    retired = rows(db_path, "select count(*), min(_dlt_valid_to) from raw_aliexpress.listings where product_id not in "
                            "(select product_id from raw_aliexpress.listings where _dlt_valid_to is null)")
    assert retired == [(1, datetime(2026, 3, 9, 9, tzinfo=timezone.utc))]
    # 03-11 is current: 200 listings, every one active again.
    assert rows(db_path, "select product_status_type, count(*) from raw_aliexpress.listings "
                         "where _dlt_valid_to is null group by all") == [("onSelling", 200)]


def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISTING_PULSE_")}
    return env | {"LISTING_PULSE_DB": str(tmp_path / "listing_pulse.duckdb"), "DBT_PROFILES_DIR": str(PROJECT_ROOT)}


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "ingestion.cli", *args]


def hold_lock(tmp_path: Path) -> int:
    """Take the writers' lock as another listing-pulse process would (an flock on `<build file>.lock`)."""
    fd = os.open(tmp_path / "listing_pulse.duckdb.lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


@pytest.mark.parametrize("command", [
    ["load", "--scenario", "backlog_clears", "--as-of", AS_OF.isoformat()],
    ["build", "--as-of", AS_OF.isoformat()],
])
def test_load_and_build_exit_50_with_a_sentence_while_another_writer_holds_the_lock(
    command: list[str], tmp_path: Path
) -> None:
    fd = hold_lock(tmp_path)
    try:
        result = subprocess.run(cli(*command), env=cli_env(tmp_path), cwd=PROJECT_ROOT,
                                capture_output=True, text=True, timeout=WAIT)
    finally:
        os.close(fd)
    # Before the fix `load` ignored the lock (and landed the data under a running build) and `build` ran.
    assert result.returncode == LOCKED, result.stderr[-2000:]
    assert result.stderr.startswith("listing-pulse: another listing-pulse run holds "), result.stderr
    assert "--wait SECONDS" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "listing_pulse.duckdb").exists()  # nothing was written


def test_two_loads_at_once_queue_with_wait_and_both_land(tmp_path: Path) -> None:
    # Two stores loaded at the same moment into one build file; each waits its turn for the other.
    loads = [
        subprocess.Popen(cli("load", "--scenario", "backlog_clears", "--as-of", AS_OF.isoformat(), "--store", store,
                             "--wait", str(WAIT)),
                         env=cli_env(tmp_path), cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for store in ("store_a", "store_b")
    ]
    results = [(load.wait(timeout=WAIT), load.communicate()[1]) for load in loads]
    assert [code for code, _ in results] == [0, 0], results
    assert all("Traceback" not in err for _, err in results)
    # Each store's three observations landed (backlog_clears: 03-08, 03-09, 03-11).
    assert rows(tmp_path / "listing_pulse.duckdb",
                "select store_key, count(distinct observed_at) from raw_aliexpress.observations group by all order by 1"
                ) == [("store_a", 3), ("store_b", 3)]


def test_run_logs_the_interrupted_packages_its_load_landed_first(tmp_path: Path) -> None:
    # The loader stands in for a load that completed a stale package first; a build file dbt cannot open
    # (its folder is a file) then fails the build at once (exit 30): this test only needs the load's log line.
    said = "completed 1 aliexpress load package(s) an interrupted load left for store 'backlog' (observed at x)"
    report = LoadReport(STORE, AS_OF, completed_interrupted=[said])
    (tmp_path / "not_a_folder").write_text("")
    paths = Paths(tmp_path / "not_a_folder" / "b.duckdb", tmp_path / "published" / "p.duckdb", tmp_path / "b.lock",
                  tmp_path / "log.jsonl")

    code = run("run", AS_OF, lambda on_landed: [report], paths=paths, say=lambda line: None)

    assert code == ExitCode.BUILD_FAILED
    records = [json.loads(line) for line in paths.run_log.read_text().splitlines()]
    assert [r["detail"] for r in records if r["step"] == "load" and r["outcome"] == "ok"] == [[said]]

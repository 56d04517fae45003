"""Runs of the real `listing-pulse` command in subprocesses, on file drops of the `backlog_clears` scenario.

`backlog_clears` has three observations (09 -> 11 Mar). Each is written as a file drop, so three
consecutive `listing-pulse run --source files` publish three versions of the warehouse, with these cards
(worked out by hand from the scenario's construction, ingestion/sources/sample/scenarios.py):

  as_of 03-08 09:00  total 201, rejected/auditing 0, rejected 24h 0, listed-but-OOS-on-BC 0
  as_of 03-09 09:00  total 200 (one deleted), rejected/auditing 5 (4 rejected + 1 held in audit),
                     rejected 24h 4 (four `refuse` at 03-09 03:00), OOS 0
  as_of 03-11 09:00  total 200, rejected/auditing 0 (all five active again), rejected 24h 0, OOS 0

One session fixture makes the three runs (while a reader process reads); the other tests reuse its files.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from ingestion.paths import PROJECT_ROOT
from ingestion.sources.sample.scenarios import Observation, generate
from tests.python.builders import AS_OF, BACKLOG_OBSERVATIONS

STORE = "backlog"
CARD_KEYS = (
    "aex_total_listings",
    "aex_rejected_auditing_listings",
    "aex_rejected_listings_24h",
    "aex_xc_listed_but_oos_on_bc",
)
EXPECTED_CARDS = (
    {
        "aex_total_listings": 201,
        "aex_rejected_auditing_listings": 0,
        "aex_rejected_listings_24h": 0,
        "aex_xc_listed_but_oos_on_bc": 0,
    },
    {
        "aex_total_listings": 200,
        "aex_rejected_auditing_listings": 5,
        "aex_rejected_listings_24h": 4,
        "aex_xc_listed_but_oos_on_bc": 0,
    },
    {
        "aex_total_listings": 200,
        "aex_rejected_auditing_listings": 0,
        "aex_rejected_listings_24h": 0,
        "aex_xc_listed_but_oos_on_bc": 0,
    },
)
# Exit codes (ingestion.serving.run.ExitCode). The sample's observations are months old, so `dbt source
# freshness` reports them stale: a clean run publishes with warnings.
PUBLISHED_WITH_WARNINGS, PUBLISHED_STORES_WITHHELD, BUILD_FAILED, LOCKED = 10, 25, 30, 50
WAIT = 180  # seconds any one subprocess may take before the test fails (never a timed assertion)
# Columns that differ between two runs over the same data: when dbt computed them, which run published them.
VOLATILE_COLUMNS = {"computed_at", "run_id"}


def write_drop(observation: Observation, folder: Path) -> Path:
    """The observation's responses as a file drop (the layout in docs/architecture.md)."""
    for n, (status_type, page) in enumerate(observation.aliexpress.product_lists):
        _json(folder / "aliexpress" / "product_list" / status_type / f"{n:04d}.json", page.body)
    for n, page in enumerate(observation.aliexpress.product_infos):
        _json(folder / "aliexpress" / "product_info" / f"{n:05d}.json", page.body)
    events = folder / "aliexpress" / "audit_events" / "events.jsonl"
    events.parent.mkdir(parents=True, exist_ok=True)
    events.write_text("".join(json.dumps(page.body) + "\n" for page in observation.aliexpress.audit_events))
    for n, page in enumerate(observation.bigcommerce.catalog_pages):
        _json(folder / "bigcommerce" / "catalog_products" / f"{n:04d}.json", page.body)
    return folder


def _json(path: Path, body: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(body))


@dataclass
class DataDir:
    """One warehouse: build file, published file, run log, lock, all under `root`."""

    root: Path

    @property
    def build(self) -> Path:
        return self.root / "listing_pulse.duckdb"

    @property
    def published(self) -> Path:
        return self.root / "published" / "listing_pulse.duckdb"

    @property
    def run_log(self) -> Path:
        return self.root / "run_log.jsonl"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LISTING_PULSE_")}
        return env | {"LISTING_PULSE_DB": str(self.build), "DBT_PROFILES_DIR": str(PROJECT_ROOT)} | extra

    def log_records(self) -> list[dict]:
        if not self.run_log.exists():
            return []
        return [json.loads(line) for line in self.run_log.read_text().splitlines()]


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "ingestion.cli", *args]


def run_args(drops: list[Path], version: int) -> list[str]:
    """`listing-pulse run` for observation `version` (0, 1, 2) of the scenario, cards at its time."""
    at = BACKLOG_OBSERVATIONS[version].isoformat()
    return cli(
        "run", "--source", "files", "--path", str(drops[version]), "--observed-at", at, "--store", STORE, "--as-of", at
    )


def run_cli(command: list[str], data: DataDir, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=data.env(**env), cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=WAIT)


def kill_when_paused(command: list[str], data: DataDir, pause_at: str) -> list[dict]:
    """Start `command` with the fault-injection pause set, SIGKILL it once the run log says it paused there."""
    seen = len(data.log_records())
    process = subprocess.Popen(
        command,
        env=data.env(LISTING_PULSE_PAUSE_AT=pause_at),
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + WAIT
        while not any(r["outcome"] == "paused" and r["step"] == pause_at for r in data.log_records()[seen:]):
            assert process.poll() is None, f"the run ended (exit {process.returncode}) before pausing at {pause_at}"
            assert time.monotonic() < deadline, f"the run did not reach {pause_at}"
            time.sleep(0.1)  # polling the run log: the paused process cannot signal otherwise
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=WAIT)
    assert process.returncode == -signal.SIGKILL
    return data.log_records()[seen:]


def mart_contents(path: Path) -> dict[str, list[tuple]]:
    """Every marts table, sorted, without the columns that record when they were computed."""
    contents: dict[str, list[tuple]] = {}
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' order by table_name"
            ).fetchall()
        ]
        for table in tables:
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from duckdb_columns() where schema_name = 'marts' and table_name = ? "
                    "order by column_index",
                    [table],
                ).fetchall()
                if c not in VOLATILE_COLUMNS
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            contents[table] = sorted(con.execute(f'select {select} from marts."{table}"').fetchall(), key=repr)
    return contents


@dataclass
class ThreeRuns:
    data: DataDir
    drops: list[Path]
    results: list[subprocess.CompletedProcess[str]]
    snapshots: list[Path]  # the published file right after each run
    reader: dict = field(default_factory=dict)


@pytest.fixture(scope="session")
def drops(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("drops")
    return [
        write_drop(observation, root / f"observation_{n}")
        for n, observation in enumerate(generate("backlog_clears", AS_OF))
    ]


@pytest.fixture(scope="session")
def three_runs(tmp_path_factory: pytest.TempPathFactory, drops: list[Path]) -> Iterator[ThreeRuns]:
    """Three consecutive runs, one per observation, while reader.py reconnects and reads in a loop."""
    data = DataDir(tmp_path_factory.mktemp("three_runs"))
    report = data.root / "reader.json"
    reader = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("reader.py")),
            str(data.published),
            STORE,
            BACKLOG_OBSERVATIONS[-1].strftime("%Y-%m-%d %H:%M:%S"),
            str(report),
        ],
        cwd=PROJECT_ROOT,
        env=data.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    results, snapshots = [], []
    try:
        for version in range(3):
            results.append(run_cli(run_args(drops, version), data))
            snapshot = data.root / f"published_v{version}.duckdb"
            if data.published.exists():
                shutil.copyfile(data.published, snapshot)
            snapshots.append(snapshot)
        _, reader_stderr = reader.communicate(timeout=WAIT)  # it stops once it has read the last version
    finally:
        reader.kill()
    assert reader.returncode == 0, f"reader failed: {reader_stderr}"
    yield ThreeRuns(data, drops, results, snapshots, json.loads(report.read_text()))

"""`listing-pulse run --all-stores`: every declared store read side by side, landed one by one, built and
published once; a store that fails is reported, logged and skipped while the others publish (exit 15).

Two real runs (two dbt builds) into one build file, shared by the tests below:
  * `skipping`: stores sister_store and no_such_scenario (a store the sample cannot generate, so its read
    fails), `--quiet`, as cron would run it;
  * `plain`: the sample's own two stores (none declared), output piped (not a terminal).
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ingestion.serving import stores
from ingestion.serving.progress import Progress
from ingestion.serving.run import ExitCode, Paths, run
from ingestion.serving.stores import StoreStatus, declared_stores, load_stores
from ingestion.sources.load import LoadError, LoadRequest, StoreObservation

AS_OF = "2026-03-11T09:00:00Z"


@dataclass
class Run:
    code: int
    out: str
    err: str
    log: list[dict[str, Any]]

    def finished(self, step: str) -> list[dict[str, Any]]:
        return [r for r in self.log if r["step"] == step and r["outcome"] != "started"]


def run_all_stores(folder: Path, name: str, *args: str, stores_setting: str | None = None) -> Run:
    env = {**os.environ, "LISTING_PULSE_DB": str(folder / "b.duckdb"), "LISTING_PULSE_RUN_LOG": str(folder / name)}
    env.pop("LISTING_PULSE__STORES", None)
    if stores_setting is not None:
        env["LISTING_PULSE__STORES"] = stores_setting
    result = subprocess.run(
        [sys.executable, "-m", "ingestion.cli", "run", "--all-stores", "--source", "sample", "--as-of", AS_OF, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    log = [json.loads(line) for line in (folder / name).read_text().splitlines()]
    return Run(result.returncode, result.stdout, result.stderr, log)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    folder = tmp_path_factory.mktemp("all_stores")
    return {
        "skipping": run_all_stores(
            folder, "skipping.jsonl", "--quiet", stores_setting='["sister_store", "no_such_scenario"]'
        ),
        "plain": run_all_stores(folder, "plain.jsonl"),
    }


def test_two_sample_stores_are_built_and_published_once(runs: dict[str, Run]) -> None:
    run = runs["plain"]
    # exit 10, not 0: the sample's decoys trip merchant-data warnings on purpose (README "Two commands").
    assert run.code == 10, run.err
    assert len(run.finished("build")) == 1
    assert len(run.finished("publish")) == 1
    assert len(run.finished("report")) == 1
    store_lines = run.finished("store")
    assert [(r["store_key"], r["outcome"]) for r in store_lines] == [("default", "ok"), ("sister_store", "ok")]
    # The README's sample: default has 4,820 listings, sister_store 1,000; no record is quarantined.
    assert [r["rows"]["aliexpress.listings"] for r in store_lines] == [4820, 1000]
    assert [r["quarantined"] for r in store_lines] == [0, 0]
    # Store lines come after the load step and before the build.
    steps = [r["step"] for r in run.log if r["outcome"] != "started"]
    assert steps[: steps.index("parse")] == ["load", "store", "store"]


def test_a_failing_store_is_logged_and_skipped_while_the_others_publish(runs: dict[str, Run]) -> None:
    run = runs["skipping"]
    assert run.code == 15, run.err
    assert [(r["store_key"], r["outcome"]) for r in run.finished("store")] == [
        ("sister_store", "ok"),
        ("no_such_scenario", "failed"),
    ]
    failed = run.finished("store")[1]
    assert failed["rows"] == {}
    assert failed["detail"] == [
        "ValueError: unknown scenario 'no_such_scenario'; choose one of default, sister_store, backlog_clears"
    ]
    assert [r["outcome"] for r in run.finished("load")] == ["warn"]
    assert [r["outcome"] for r in run.finished("publish")] == ["ok"]
    assert len(run.finished("build")) == 1
    assert [(r["exit_code"], r["exit_name"]) for r in run.finished("run")] == [(15, "published_stores_skipped")]
    assert "load failed for store(s) no_such_scenario: skipped" in run.err


def test_quiet_prints_only_the_summary(runs: dict[str, Run]) -> None:
    assert runs["skipping"].out == (
        "1 store(s) landed (sister_store), 1 skipped (no_such_scenario); exit 15 published_stores_skipped\n"
    )


def test_piped_output_is_plain_lines(runs: dict[str, Run]) -> None:
    out = runs["plain"].out
    assert "\r" not in out and "\x1b" not in out
    lines = out.splitlines()
    # One line per store when read and when landed, one per dbt stage, then the run's lines and the summary.
    assert "store default: ok: 4 pass(es)" in "\n".join(lines)
    assert [line.split(":")[0] for line in lines if line.startswith("dbt ")] == ["dbt seeds", "dbt models", "dbt tests"]
    assert lines[-1] == "2 store(s) landed (default, sister_store); exit 10 published_with_warnings"


def test_every_store_is_read_at_most_concurrency_at_a_time_and_landed_one_at_a_time(monkeypatch) -> None:
    reading, landing, most_reading, overlapping_lands = 0, 0, 0, 0
    counter = threading.Lock()

    def read(request: LoadRequest, progress: Any, warehouse_lock: Any) -> list[StoreObservation]:
        nonlocal reading, most_reading
        with counter:
            reading += 1
            most_reading = max(most_reading, reading)
        time.sleep(0.05)
        with counter:
            reading -= 1
        return []

    def land(observations: list[StoreObservation], source: str, progress: Any, on_landed: Any) -> list[Any]:
        nonlocal landing, overlapping_lands
        landing += 1
        overlapping_lands += landing > 1
        time.sleep(0.01)
        landing -= 1
        return []

    monkeypatch.setattr(stores, "read_observations", read)
    monkeypatch.setattr(stores, "land_observations", land)
    statuses = load_stores(LoadRequest(source="sample"), ["s1", "s2", "s3", "s4", "s5"], 2)
    assert [(s.store_key, s.state) for s in statuses] == [(f"s{i}", "ok") for i in range(1, 6)]
    assert most_reading == 2
    assert overlapping_lands == 0


def test_the_stores_setting_is_read_from_dlt_config(monkeypatch) -> None:
    monkeypatch.setenv("LISTING_PULSE__STORES", '["shop_b", "shop_a"]')
    assert declared_stores("api") == ["shop_b", "shop_a"]
    monkeypatch.delenv("LISTING_PULSE__STORES")
    assert declared_stores("sample") == ["default", "sister_store"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_at_a_terminal_each_store_keeps_one_line_redrawn_in_place() -> None:
    screen = Terminal()
    progress = Progress(screen)
    progress.store(StoreStatus("shop_a"))
    progress.store(StoreStatus("shop_b"))
    progress.store(StoreStatus("shop_a", "ok", passes=4, pages=12, records=300, quarantined=1))
    # The third draw moves up the two lines drawn (ESC[2F), erases them, and draws both again.
    assert screen.getvalue().split("\x1b[2F\x1b[J")[-1] == (
        "\x1b[2Kstore shop_a: ok: 4 pass(es), 12 page(s), 300 record(s), 1 quarantined\n\x1b[2Kstore shop_b: waiting\n"
    )


def test_a_file_drop_store_reads_its_own_folder_and_a_missing_one_fails_alone(tmp_path: Path) -> None:
    (tmp_path / "shop_a" / "aliexpress").mkdir(parents=True)
    request = LoadRequest(source="files", path=tmp_path)
    assert stores.store_request(request, "shop_a").path == tmp_path / "shop_a"
    with pytest.raises(LoadError, match=re.escape(f"no drop folder {tmp_path / 'shop_b'} for store 'shop_b'")):
        stores.store_request(request, "shop_b")


def test_piped_each_sweep_line_and_warning_of_a_store_is_a_plain_line_and_quiet_shows_none() -> None:
    events = [
        StoreStatus("shop_a"),  # waiting: not worth a line
        StoreStatus("shop_a", "reading", message="aliexpress listings onSelling: 2 page(s), 3 listing(s)"),
        StoreStatus("shop_a", "landing", passes=4, pages=9, message="warning: a field was renamed"),
    ]
    piped, quiet = io.StringIO(), io.StringIO()
    for stream, is_quiet in ((piped, False), (quiet, True)):
        progress = Progress(stream, quiet=is_quiet)
        for status in events:
            progress.store(status)
        progress.summary("1 store(s) landed (shop_a); exit 0 published")
    assert piped.getvalue() == (
        "store shop_a: reading (aliexpress listings onSelling: 2 page(s), 3 listing(s))\n"
        "store shop_a: landing (warning: a field was renamed): 4 pass(es), 9 page(s)\n"
        "1 store(s) landed (shop_a); exit 0 published\n"
    )
    assert quiet.getvalue() == "1 store(s) landed (shop_a); exit 0 published\n"


def test_when_every_store_fails_nothing_is_built_and_the_run_exits_20(tmp_path: Path) -> None:
    paths = Paths(
        tmp_path / "b.duckdb", tmp_path / "published" / "p.duckdb", tmp_path / "b.lock", tmp_path / "log.jsonl"
    )
    failed = [StoreStatus("shop_a", "failed", message="SourceAuthError: refresh SOURCES__ALIEXPRESS__SHOP_A__SESSION")]

    code = run("run", None, lambda on_landed: failed, paths=paths, say=lambda line: None)

    assert code == ExitCode.LOAD_FAILED
    records = [json.loads(line) for line in paths.run_log.read_text().splitlines()]
    assert [(r["step"], r["outcome"]) for r in records] == [
        ("load", "started"),
        ("load", "failed"),
        ("store", "failed"),
        ("run", "finished"),
    ]
    assert records[2]["detail"] == ["SourceAuthError: refresh SOURCES__ALIEXPRESS__SHOP_A__SESSION"]
    assert not paths.build.exists() and not paths.published.exists()


def test_without_a_list_the_stores_are_the_settings_sections(tmp_path: Path) -> None:
    # A project whose secrets give shop_b and shop_a AliExpress sections and shop_c a BigCommerce one; the
    # top-level page_size is a setting every store shares, not a store.
    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "secrets.toml").write_text(
        '[sources.aliexpress]\npage_size = 20\n[sources.aliexpress.shop_b]\nsession = "x"\n'
        '[sources.aliexpress.shop_a]\nsession = "y"\n[sources.bigcommerce.shop_c]\naccess_token = "z"\n'
    )
    env = {**os.environ, "DLT_PROJECT_DIR": str(tmp_path)}
    env.pop("LISTING_PULSE__STORES", None)
    printed = subprocess.run(
        [sys.executable, "-c", "from ingestion.serving.stores import declared_stores; print(declared_stores('api'))"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert printed == "['shop_a', 'shop_b', 'shop_c']\n"

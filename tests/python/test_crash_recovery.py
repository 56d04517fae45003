"""`load` and `run` killed (SIGKILL) at seeded random moments: the next observation still lands, and the
cards equal those of a store that landed the same observations without interruption.

Each iteration is its own store of the `backlog_clears` scenario (three observations, 03-08, 03-09 and
03-11; see tests/python/publish/conftest.py for its hand-worked cards): 03-08 lands, a `load` or `run` of
03-09 is killed at a random moment, then `load` of 03-11 must land. A kill may leave 03-09 landed, half
landed (AliExpress only), pending in dlt's pipelines dir (which the next load completes), or not at all;
a reference store then lands exactly what the crashed store holds, uninterrupted, and one `publish`
builds both.
"""

from __future__ import annotations

import random
import signal
import subprocess
import threading
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from ingestion.paths import PROJECT_ROOT
from ingestion.sources.load import load_observation
from ingestion.sources.sample.scenarios import generate
from tests.python.publish.conftest import (
    AS_OF,
    CARD_KEYS,
    EXPECTED_CARDS,
    OBSERVED,
    PUBLISHED_WITH_WARNINGS,
    WAIT,
    DataDir,
    cli,
    run_cli,
    write_drop,
)

SEED = 20261204
ITERATIONS = 5
# Kill moments, from when the command starts reading the drop. Measured here, for a load: parsing until
# ~2.9 s, AliExpress extracted, normalized, loaded by ~4.3 s, BigCommerce by ~5.9 s, exit at ~7 s; a run
# then parses, builds and publishes for ~30 s more.
KILL_WITHIN = {"load": (2.0, 6.5), "run": (2.0, 35.0)}


def landed(build: Path, store: str) -> dict[str, list[datetime]]:
    """The observations each source holds for `store`."""
    with duckdb.connect(str(build), read_only=True) as con:
        return {source: [moment.replace(tzinfo=None) for (moment,) in con.execute(
            f"select distinct observed_at from raw_{source}.observations where store_key = ? order by 1", [store]
        ).fetchall()] for source in ("aliexpress", "bigcommerce")}


def cards(published: Path, store: str) -> list[tuple]:
    with duckdb.connect(str(published), read_only=True) as con:
        return con.execute(
            "select card_key, value, is_alerting, data_as_of from marts.kpi_cards where store_key = ? order by card_key",
            [store]).fetchall()


def kill_at(command: list[str], data: DataDir, seconds: float) -> None:
    """Run `command`; SIGKILL it `seconds` after it starts reading the drop (its first progress line, once
    imports are done), unless it finished by then."""
    process = subprocess.Popen(command, env=data.env(), cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    reading = threading.Event()

    def drain() -> None:  # read all of stdout, so a full pipe never stalls the process
        for line in process.stdout:
            if line.startswith("aliexpress listings:"):
                reading.set()
        reading.set()

    drainer = threading.Thread(target=drain)
    drainer.start()
    try:
        assert reading.wait(timeout=WAIT)
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=WAIT)
        drainer.join(timeout=WAIT)


def test_killed_loads_and_runs_never_cost_the_next_observation_or_the_cards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(SEED)
    data = DataDir(tmp_path / "data")
    monkeypatch.setenv("LISTING_PULSE_DB", str(data.build))  # in-process loads keep dlt's state there too
    observations = generate("backlog_clears", AS_OF)
    drops = [write_drop(observation, tmp_path / f"drop_{n}") for n, observation in enumerate(observations)]

    def files_command(command: str, version: int, store: str) -> list[str]:
        at = OBSERVED[version].isoformat()
        extra = ["--as-of", at] if command == "run" else []
        return cli(command, "--source", "files", "--path", str(drops[version]), "--observed-at", at, "--store", store, *extra)

    stores = []
    for iteration in range(ITERATIONS):
        store = f"crash_{iteration}"
        command = rng.choice(("load", "run"))
        seconds = rng.uniform(*KILL_WITHIN[command])
        first = observations[0]  # landed in-process: only what comes after it is interrupted
        load_observation(store, first.observed_at, first.aliexpress, first.bigcommerce, data.build)

        kill_at(files_command(command, 1, store), data, seconds)

        after = run_cli(files_command("load", 2, store), data)
        assert after.returncode == 0, (command, seconds, after.stderr[-3000:])
        assert "Traceback" not in after.stderr
        holds = landed(data.build, store)
        assert holds["aliexpress"][-1] == holds["bigcommerce"][-1] == OBSERVED[2].replace(tzinfo=None), holds
        stores.append((store, command, seconds, holds))

    # Reference stores: the same observations per source, landed without interruption.
    for store, _, _, holds in stores:
        for observation in observations:
            moment = observation.observed_at.replace(tzinfo=None)
            aliexpress = observation.aliexpress if moment in holds["aliexpress"] else None
            bigcommerce = observation.bigcommerce if moment in holds["bigcommerce"] else None
            if aliexpress is not None or bigcommerce is not None:
                load_observation(f"reference_{store}", observation.observed_at, aliexpress, bigcommerce, data.build)

    published = run_cli(cli("publish", "--as-of", OBSERVED[2].isoformat()), data)
    assert published.returncode == PUBLISHED_WITH_WARNINGS, published.stderr[-3000:]
    for store, command, seconds, holds in stores:
        crashed = cards(data.published, store)
        assert crashed == cards(data.published, f"reference_{store}"), (command, seconds, holds)
        # The cards at 03-11 that only its snapshot decides (hand-worked in the publish tests).
        assert {key: int(value) for key, value, _, _ in crashed if key in CARD_KEYS} == EXPECTED_CARDS[2]
    # The seeded kills exercised both commands (the seed fixes which; this guards a seed change).
    assert {command for _, command, _, _ in stores} == {"load", "run"}

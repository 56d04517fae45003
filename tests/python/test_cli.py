"""The CLI is a thin layer: every command answers --help, and errors name what to do."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ingestion.cli import main
from tests.python.conftest import Warehouse


@pytest.mark.parametrize("command", ["load", "build", "cards"])
def test_every_command_has_help(command: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ingestion.cli", command, "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert f"usage: listing-pulse {command}" in result.stdout


def test_a_bad_store_key_is_refused_before_anything_is_written(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LISTING_PULSE_DB", str(tmp_path / "x.duckdb"))
    assert main(["load", "--store", "Bad Store!"]) == 2
    assert "store key 'Bad Store!' is not allowed" in capsys.readouterr().err
    assert not (tmp_path / "x.duckdb").exists()


def test_an_older_observation_after_a_newer_one_is_refused(warehouse: Warehouse, monkeypatch, capsys) -> None:
    # sister_store was observed at 2026-03-11 09:00; loading 03-10 after it would corrupt its history.
    monkeypatch.setenv("LISTING_PULSE_DB", str(warehouse.path))
    assert main(["load", "--scenario", "sister_store", "--as-of", "2026-03-10T09:00:00Z"]) == 2
    assert "cannot be loaded after it" in capsys.readouterr().err


def test_cards_prints_every_card_of_every_store(warehouse: Warehouse, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LISTING_PULSE_DB", str(warehouse.path))
    assert main(["cards"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "store_key",
        "card_key",
        "card_name",
        "value",
        "unit",
        "time_window",
        "is_alerting",
        "data_as_of",
        "note",
    ]
    default_oversell = next(
        line for line in lines if line.startswith("default") and "aex_xc_listed_but_oos_on_bc" in line
    )
    assert " 4 " in default_oversell
    assert len(lines) == 2 + 3 * 11  # header, rule, three stores x eleven cards


def test_run_without_as_of_builds_at_a_moment_that_sees_what_it_just_loaded(tmp_path) -> None:
    # Regression: `run` once fixed as_of before loading, so a sample (or API) load observed a second later
    # was "not yet observed" and every card came out null. backlog_clears at now: 200 listings, none held.
    env = {
        **os.environ,
        "LISTING_PULSE_DB": str(tmp_path / "build.duckdb"),
        "LISTING_PULSE_PUBLISHED": str(tmp_path / "published" / "listing_pulse.duckdb"),
        "LISTING_PULSE_RUN_LOG": str(tmp_path / "run_log.jsonl"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "ingestion.cli", "run", "--source", "sample", "--scenario", "backlog_clears"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode in (0, 10), result.stderr[-2000:]
    cards = subprocess.run(
        [
            sys.executable,
            "-m",
            "ingestion.cli",
            "sql",
            "select card_key, value from marts.kpi_cards where card_key in "
            "('aex_total_listings', 'aex_rejected_auditing_listings') order by card_key",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert cards.split() == [
        "card_key",
        "value",
        "-" * len("aex_rejected_auditing_listings"),
        "-----",
        "aex_rejected_auditing_listings",
        "0",
        "aex_total_listings",
        "200",
    ]

"""DuckDB's memory limit and threads come from LISTING_PULSE_DUCKDB_MEMORY_LIMIT / _THREADS, for the loader
and for every dbt build (the `set_engine_resources` run-start hook); unset, DuckDB's defaults stand."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml  # type: ignore[import-untyped]

from ingestion.paths import PROJECT_ROOT
from ingestion.serving.dbt import invoke_dbt
from ingestion.sources.common.destination import destination, read_rows


def settings(con: duckdb.DuckDBPyConnection) -> tuple[str, int]:
    row = con.execute("select current_setting('memory_limit'), current_setting('threads')").fetchone()
    assert row is not None
    return row[0], row[1]


def test_the_loader_opens_duckdb_with_the_configured_resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db_path = tmp_path / "build.duckdb"
    duckdb.connect(str(db_path)).close()
    monkeypatch.setenv("LISTING_PULSE_DUCKDB_MEMORY_LIMIT", "700MB")
    monkeypatch.setenv("LISTING_PULSE_DUCKDB_THREADS", "1")
    assert read_rows(db_path, "select current_setting('threads')", []) == [(1,)]
    # dlt opens its own connections from these credentials
    assert destination(db_path).config_params["credentials"].global_config == {"memory_limit": "700MB", "threads": "1"}
    monkeypatch.delenv("LISTING_PULSE_DUCKDB_THREADS")
    assert destination(db_path).config_params["credentials"].global_config == {"memory_limit": "700MB"}


def test_every_build_sets_the_configured_resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hooks = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())["on-run-start"]
    assert "{{ set_engine_resources() }}" in hooks
    monkeypatch.setenv("LISTING_PULSE_DUCKDB_MEMORY_LIMIT", "700MB")
    monkeypatch.setenv("LISTING_PULSE_DUCKDB_THREADS", "1")
    compiled = invoke_dbt(["compile", "--inline", "{{ set_engine_resources() }}"], db_path=tmp_path / "build.duckdb")
    assert compiled.success
    with duckdb.connect() as con:
        default_memory, default_threads = settings(con)
        con.execute(compiled.result.results[0].node.compiled_code)
        assert settings(con) == ("667.5 MiB", 1)  # 700 MB = 700,000,000 bytes, shown in MiB
    assert (default_memory, default_threads) != ("667.5 MiB", 1)
    monkeypatch.delenv("LISTING_PULSE_DUCKDB_MEMORY_LIMIT")
    monkeypatch.delenv("LISTING_PULSE_DUCKDB_THREADS")
    unset = invoke_dbt(["compile", "--inline", "{{ set_engine_resources() }}"], db_path=tmp_path / "build.duckdb")
    assert unset.result.results[0].node.compiled_code.strip() == "select 1"  # DuckDB's own defaults stand

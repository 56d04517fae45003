"""Where things live. Set before dlt or dbt is imported, so every entry point agrees."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# dlt reads .dlt/config.toml (telemetry off) from here; dbt reads profiles.yml from here.
os.environ.setdefault("DLT_PROJECT_DIR", str(PROJECT_ROOT))
os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_ROOT))
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


def database_path() -> Path:
    """The build file dlt and dbt write (`LISTING_PULSE_DB`, default data/listing_pulse.duckdb)."""
    path = Path(os.environ.get("LISTING_PULSE_DB", "data/listing_pulse.duckdb"))
    return path if path.is_absolute() else PROJECT_ROOT / path


def pipelines_dir() -> Path:
    """dlt's working state, kept beside the build file rather than in the home directory."""
    return database_path().parent / "dlt_pipelines"


def published_path() -> Path:
    """The file BI tools read (`LISTING_PULSE_PUBLISHED`, default `published/listing_pulse.duckdb` beside the
    build file, i.e. data/published/listing_pulse.duckdb)."""
    configured = os.environ.get("LISTING_PULSE_PUBLISHED")
    if not configured:
        return database_path().parent / "published" / "listing_pulse.duckdb"
    path = Path(configured)
    return path if path.is_absolute() else PROJECT_ROOT / path


def run_log_path() -> Path:
    """JSON lines, one per step of every `run`/`publish` (`LISTING_PULSE_RUN_LOG`, default run_log.jsonl beside
    the build file)."""
    configured = os.environ.get("LISTING_PULSE_RUN_LOG")
    if not configured:
        return database_path().parent / "run_log.jsonl"
    path = Path(configured)
    return path if path.is_absolute() else PROJECT_ROOT / path


def lock_path() -> Path:
    """The lock `load`, `build`, `run` and `publish` each hold while they write the build (and published) file."""
    build = database_path()
    return build.with_name(build.name + ".lock")


def configured_source() -> str:
    """What `listing-pulse run` loads when `--source` is not given (`LISTING_PULSE_SOURCE`, default sample)."""
    return os.environ.get("LISTING_PULSE_SOURCE", "sample")

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

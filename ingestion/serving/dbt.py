"""dbt, run in-process through dbt's Python runner, and read-only queries of the build file."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from ingestion import paths

if TYPE_CHECKING:
    from dbt.cli.main import dbtRunnerResult


def utc_wall_clock(moment: datetime) -> str:
    """`as_of` as dbt receives it: a UTC wall-clock string (a cast would drop an offset, not convert it),
    to the microsecond (an observation made earlier in the same second must be seen)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


# What a scheduled run builds: every model, seed and data test; unit tests are for development and CI (`make
# test` builds them), as dbt recommends, so production builds leave them out.
PRODUCTION_BUILD = ["build", "--exclude-resource-type", "unit_test"]


def run_dbt(args: list[str], as_of: datetime | None = None, db_path: Path | None = None) -> bool:
    """Invoke one dbt command on this project against `db_path`; True when it succeeded."""
    return bool(invoke_dbt(args, as_of, db_path).success)


def invoke_dbt(
    args: list[str],
    as_of: datetime | None = None,
    db_path: Path | None = None,
    callbacks: list[Callable[[Any], None]] | None = None,
    manifest: Any | None = None,
    dbt_vars: dict[str, Any] | None = None,
    project_dir: Path = paths.PROJECT_ROOT,
) -> dbtRunnerResult:
    """Invoke one dbt command on this project against `db_path`; dbt's result, node by node.
    `callbacks` receive each of dbt's event messages as it happens; `manifest` (from `dbt parse`) spares
    dbt parsing the project again; `dbt_vars` are vars besides `as_of`. `project_dir` is another copy of
    the project (the tests edit models in one), with its own profiles.yml."""
    from dbt.cli.main import dbtRunner

    os.environ["LISTING_PULSE_DB"] = str(db_path or paths.database_path())
    command = [*args, "--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
    variables = dict(dbt_vars or {})
    if as_of is not None:
        variables["as_of"] = utc_wall_clock(as_of)
    if variables:
        command += ["--vars", json.dumps(variables)]
    try:
        return dbtRunner(manifest=manifest, callbacks=callbacks or []).invoke(command)
    finally:
        release_build_file()


def release_build_file() -> None:
    """dbt-duckdb keeps its DuckDB handle open for the life of the process; close it, so that this
    process (publishing, the tests) and others can open the file again."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


def query(sql: str, db_path: Path | None = None) -> tuple[list[str], list[tuple]]:
    """Run `sql` on a connection that can only read the file; returns column names and rows.

    Read-only stops writes to the file itself; without external access, COPY, EXPORT, ATTACH, INSTALL,
    LOAD and the file table functions (read_text, read_csv, glob, ...) fail; the locked configuration
    keeps `sql` from switching either back on."""
    with duckdb.connect(
        str(db_path or paths.database_path()), read_only=True, config={"enable_external_access": False}
    ) as con:
        con.execute("set lock_configuration = true")
        cursor = con.execute(sql)
        columns = [description[0] for description in cursor.description]
        return columns, cursor.fetchall()

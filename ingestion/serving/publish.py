"""Write, audit, publish (docs/architecture.md): what dbt's tests said, and the read-only copy of the
marts BI tools open.

dlt and dbt write the build file; BI tools never open it (DuckDB allows one writer or many readers, never
both). Once `dbt build` has passed its error-severity tests, the marts are copied into a new file that
DuckDB 1.x readers open, and that file replaces the published one in a single rename: a reader sees the
previous version or the new one, never a lock or half a build.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

MARTS_SCHEMA = "marts"
# DuckDB 2.0 writes files that DuckDB <= 1.5 cannot open; BI drivers still bundle 1.x.
STORAGE_VERSION = "v1.4.0"
# Statuses of dbt nodes (RunStatus, TestStatus, FreshnessStatus) that block publishing vs. those that warn.
ERROR_STATUSES = {"error", "fail", "runtime error"}
WARNING_STATUSES = {"warn"}


class PublishError(Exception):
    """The published file could not be written; the previous one is still in place."""


@dataclass
class DbtOutcome:
    """What one dbt invocation said, by node name."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.errors)


def dbt_outcome(result: Any) -> DbtOutcome:
    """Sort the nodes of a `dbtRunnerResult` into errors (failing error-severity tests, failed models or
    seeds) and warnings (warn-severity tests that found rows, stale sources). An invocation that did not
    get as far as running nodes (a compilation error, say) is one error carrying dbt's message."""
    outcome = DbtOutcome()
    results = getattr(result.result, "results", None)
    if results is None:
        message = result.exception or "dbt stopped before running any node (see its output above)"
        outcome.errors.append(f"dbt: {message}")
        return outcome
    for node_result in results:
        status = str(node_result.status)
        outcome.counts[status] = outcome.counts.get(status, 0) + 1
        name = _node_name(node_result)
        if status in ERROR_STATUSES:
            outcome.errors.append(f"{name} ({status}{_detail(node_result)})")
        elif status in WARNING_STATUSES:
            outcome.warnings.append(f"{name} (warn{_detail(node_result)})")
    if not outcome.errors and not result.success:
        outcome.errors.append(f"dbt: {result.exception or 'the invocation failed (see its output above)'}")
    return outcome


def _node_name(node_result: Any) -> str:
    node = node_result.node
    resource_type = str(getattr(node, "resource_type", "node"))
    if resource_type == "source":
        return f"source {node.source_name}.{node.name}"
    return f"{resource_type} {node.name}"


def _detail(node_result: Any) -> str:
    failures = getattr(node_result, "failures", None)
    if failures:
        return f": {failures} row(s)"
    message = getattr(node_result, "message", None)
    return f": {message}" if message and str(node_result.status) == "error" else ""


def bi_column(name: str, data_type: str) -> str:
    """A select expression for one mart column in a type BI drivers read: HUGEINT (what `sum()` of
    integers returns) as BIGINT, nested types (LIST, STRUCT, MAP, UNION, ARRAY) as JSON text."""
    quoted = '"' + name.replace('"', '""') + '"'
    upper = data_type.upper()
    if upper in ("HUGEINT", "UHUGEINT"):
        return f"cast({quoted} as bigint) as {quoted}"
    if upper.endswith("]") or upper.startswith(("STRUCT", "MAP", "UNION")):
        return f"cast(to_json({quoted}) as varchar) as {quoted}"
    return quoted


def temp_path(published: Path) -> Path:
    """Where the next published file is written before the rename: same directory, so the rename is atomic."""
    return published.with_name(f".{published.name}.{os.getpid()}.tmp")


def remove_stale_temp_files(published: Path) -> list[Path]:
    """Temp files (and their WALs) a killed publish left behind. Call only while holding the run lock."""
    if not published.parent.is_dir():
        return []
    stale = sorted(published.parent.glob(f".{published.name}.*.tmp*"))
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def publish(build: Path, published: Path, before_replace: Callable[[], None] | None = None) -> dict[str, int]:
    """Copy every table of the build file's `marts` schema into a new file at `published`, atomically.
    Returns the rows copied per table. On any failure the previous published file is left as it was.
    `before_replace` is called once the new file is on disk, just before it replaces the published one."""
    if not build.exists():
        raise PublishError(f"no build file at {build}: run `listing-pulse run` (or load and build) first")
    published.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path(published)
    for leftover in (temp, temp.with_name(temp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    try:
        rows = _write(build, temp)
        _fsync(temp)
        if before_replace is not None:
            before_replace()
        os.replace(temp, published)
        _fsync(published.parent)
    except (duckdb.Error, OSError) as exc:
        raise PublishError(f"could not write {published} ({exc}); the previous published file is unchanged") from exc
    finally:
        for leftover in (temp, temp.with_name(temp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return rows


def _write(build: Path, temp: Path) -> dict[str, int]:
    rows: dict[str, int] = {}
    with duckdb.connect() as con:
        con.execute(f"attach '{_literal(build)}' as build (read_only)")
        con.execute(f"attach '{_literal(temp)}' as published (storage_version '{STORAGE_VERSION}')")
        con.execute(f"create schema published.{MARTS_SCHEMA}")
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where database_name = 'build' and schema_name = ? "
                "order by table_name",
                [MARTS_SCHEMA],
            ).fetchall()
        ]
        if not tables:
            raise PublishError(f"the build file {build} has no {MARTS_SCHEMA} tables: run dbt build first")
        for table in tables:
            columns = con.execute(
                "select column_name, data_type from duckdb_columns() "
                "where database_name = 'build' and schema_name = ? and table_name = ? order by column_index",
                [MARTS_SCHEMA, table],
            ).fetchall()
            select = ", ".join(bi_column(name, data_type) for name, data_type in columns)
            con.execute(
                f'create table published.{MARTS_SCHEMA}."{table}" as select {select} from build.{MARTS_SCHEMA}."{table}"'
            )
            rows[table] = con.execute(f'select count(*) from published.{MARTS_SCHEMA}."{table}"').fetchone()[0]
        con.execute("checkpoint published")
        con.execute("detach published")
        con.execute("detach build")
    return rows


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")


def _fsync(path: Path) -> None:
    """Flush a file, or a directory's entries (so the rename survives a power cut), to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

"""Write, audit, publish (docs/architecture.md): what dbt's tests said, and the read-only copy of the
marts BI tools open.

dlt and dbt write the build file; BI tools never open it (DuckDB allows one writer or many readers, never
both). Once `dbt build` has passed its error-severity tests, the marts are copied into a new file that
DuckDB 1.x readers open, and that file replaces the published one in a single rename: a reader sees the
previous version or the new one, never a lock or half a build.

A store withheld from a run (an error-severity test failed on its rows; see withhold.py) keeps the rows the
previous published file holds for it, and `kpi_cards` and `published_store_status` say so.
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
# The mart BI tools read the cards from: published with WITHHELD_COLUMNS, and the source of
# `published_store_status` (one row per store: fresh or withheld, the as_of of its rows, the run).
CARDS_TABLE = "kpi_cards"
WITHHELD_COLUMNS = ("is_withheld", "withheld_reason")
STATUS_TABLE = "published_store_status"


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
    integers returns) as BIGINT, nested types (LIST, STRUCT, MAP, UNION, ARRAY) as JSON text, and every
    timestamp as TIMESTAMP holding UTC, without a zone (TIMESTAMPTZ reflects as zone-less through some
    drivers and shows in the reader's zone through others; one convention reads the same everywhere)."""
    quoted = '"' + name.replace('"', '""') + '"'
    upper = data_type.upper()
    if upper in ("HUGEINT", "UHUGEINT"):
        return f"cast({quoted} as bigint) as {quoted}"
    if upper == "TIMESTAMP WITH TIME ZONE":
        # timezone('UTC', ...) gives the UTC wall clock whatever the session's TimeZone is; a cast would not.
        return f"timezone('UTC', {quoted}) as {quoted}"
    if upper in ("TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"):
        return f"cast({quoted} as timestamp) as {quoted}"
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


def publish(
    build: Path,
    published: Path,
    before_replace: Callable[[], None] | None = None,
    withheld: dict[str, str] | None = None,
    run_id: str | None = None,
) -> dict[str, int]:
    """Copy every table of the build file's `marts` schema into a new file at `published`, atomically.
    `withheld` maps store keys to why they are withheld: their rows come from the current published file
    instead (none if it has none). Returns the rows written per table. On any failure the previous
    published file is left as it was. `before_replace` is called once the new file is on disk, just before
    it replaces the published one; `run_id` is recorded in `published_store_status`."""
    if not build.exists():
        raise PublishError(f"no build file at {build}: run `listing-pulse run` (or load and build) first")
    published.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path(published)
    for leftover in (temp, temp.with_name(temp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    try:
        rows = _write(build, temp, published, withheld or {}, run_id)
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


def _write(build: Path, temp: Path, previous: Path, withheld: dict[str, str], run_id: str | None) -> dict[str, int]:
    rows: dict[str, int] = {}
    with duckdb.connect() as con:
        con.execute(f"attach '{_literal(build)}' as build (read_only)")
        con.execute(f"attach '{_literal(temp)}' as published (storage_version '{STORAGE_VERSION}')")
        keep_previous = bool(withheld) and previous.exists()
        if keep_previous:
            con.execute(f"attach '{_literal(previous)}' as previous (read_only)")
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
            if table == CARDS_TABLE:
                select += ", false as is_withheld, cast(null as varchar) as withheld_reason"
            con.execute(
                f'create table published.{MARTS_SCHEMA}."{table}" as select {select} from build.{MARTS_SCHEMA}."{table}"'
            )
            if withheld and "store_key" in (name for name, _ in columns):
                _keep_withheld_rows(con, table, withheld, keep_previous)
            (rows[table],) = con.execute(f'select count(*) from published.{MARTS_SCHEMA}."{table}"').fetchone() or (0,)
        if CARDS_TABLE in tables:
            rows[STATUS_TABLE] = _write_store_status(con, withheld, run_id)
        con.execute("checkpoint published")
        con.execute("detach published")
        con.execute("detach build")
    return rows


def _columns(con: duckdb.DuckDBPyConnection, database: str, table: str) -> list[str]:
    return [
        name
        for (name,) in con.execute(
            "select column_name from duckdb_columns() "
            "where database_name = ? and schema_name = ? and table_name = ? order by column_index",
            [database, MARTS_SCHEMA, table],
        ).fetchall()
    ]


def _keep_withheld_rows(
    con: duckdb.DuckDBPyConnection, table: str, withheld: dict[str, str], keep_previous: bool
) -> None:
    """Replace the withheld stores' rows of a published table with those the previous published file holds.
    The build should hold none of theirs (it was rebuilt without them); deleting first makes sure."""
    target = f'published.{MARTS_SCHEMA}."{table}"'
    previous_columns = set(_columns(con, "previous", table)) if keep_previous else set()
    # Columns both versions have (a mart that gained a column since gets nulls in the kept rows), but the
    # withheld mark: kept rows are marked with this run's reason, whatever marked them before.
    shared = [
        column
        for column in _columns(con, "published", table)
        if column in previous_columns and column not in WITHHELD_COLUMNS
    ]
    for store, reason in withheld.items():
        con.execute(f"delete from {target} where store_key = ?", [store])
        if "store_key" not in previous_columns:
            continue
        select = ", ".join('"' + column.replace('"', '""') + '"' for column in shared)
        params: list[str] = []
        if table == CARDS_TABLE:
            select += ", true as is_withheld, ? as withheld_reason"
            params.append(reason)
        con.execute(
            f'insert into {target} by name select {select} from previous.{MARTS_SCHEMA}."{table}" where store_key = ?',
            [*params, store],
        )


def _write_store_status(con: duckdb.DuckDBPyConnection, withheld: dict[str, str], run_id: str | None) -> int:
    """One row per store of the published cards or withheld: `fresh` (this run's rows) or `withheld` (its
    previous rows, or none if it never published), with the as_of and the newest data_as_of of its cards."""
    cards = {
        store: (as_of, data_as_of)
        for store, as_of, data_as_of in con.execute(
            f"select store_key, max(as_of), max(data_as_of) from published.{MARTS_SCHEMA}.{CARDS_TABLE} group by store_key"
        ).fetchall()
    }
    status = [
        (
            store,
            "withheld" if store in withheld else "fresh",
            withheld.get(store),
            *cards.get(store, (None, None)),
            run_id,
        )
        for store in sorted(cards.keys() | withheld.keys())
    ]
    con.execute(
        f"create table published.{MARTS_SCHEMA}.{STATUS_TABLE} (store_key varchar, status varchar, "
        "withheld_reason varchar, as_of timestamp, data_as_of timestamp, run_id varchar)"
    )
    if status:
        con.executemany(f"insert into published.{MARTS_SCHEMA}.{STATUS_TABLE} values (?, ?, ?, ?, ?, ?)", status)
    return len(status)


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")


def _fsync(path: Path) -> None:
    """Flush a file, or a directory's entries (so the rename survives a power cut), to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

"""Where raw data lands: the DuckDB build file by default, or the PostgreSQL database that the `PG*`
variables name when `LISTING_PULSE_TARGET=postgres` (the same variable picks dbt's target in profiles.yml,
so dlt and dbt always agree on the warehouse)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import dlt
import duckdb
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials

TARGET_ENV = "LISTING_PULSE_TARGET"
# DuckDB settings the loader takes from the environment, as dbt's `set_engine_resources` hook does for builds.
DUCKDB_RESOURCES = {"memory_limit": "LISTING_PULSE_DUCKDB_MEMORY_LIMIT", "threads": "LISTING_PULSE_DUCKDB_THREADS"}


def target() -> str:
    return os.environ.get(TARGET_ENV, "duckdb")


def destination(db_path: Path) -> Any:
    if target() == "postgres":
        return dlt.destinations.postgres(
            credentials={
                "host": os.environ.get("PGHOST", "localhost"),
                "port": int(os.environ.get("PGPORT", "5432")),
                "username": os.environ.get("PGUSER", "postgres"),
                "password": os.environ.get("PGPASSWORD") or None,
                "database": os.environ.get("PGDATABASE", "listing_pulse"),
            }
        )
    return dlt.destinations.duckdb(DuckDbCredentials(str(db_path), global_config=duckdb_config()))


def duckdb_config() -> dict[str, str | bool | int | float | list[str]]:
    """The DuckDB resource settings given in the environment; unset ones keep DuckDB's defaults."""
    return {setting: os.environ[name] for setting, name in DUCKDB_RESOURCES.items() if os.environ.get(name)}


def loader_file_format() -> Literal["csv", "parquet"]:
    """Parquet into DuckDB; PostgreSQL takes Arrow tables as CSV through COPY."""
    return "csv" if target() == "postgres" else "parquet"


def _postgres_connection() -> Any:
    import psycopg2

    return psycopg2.connect(
        host=os.environ.get("PGHOST", "localhost"),
        port=int(os.environ.get("PGPORT", "5432")),
        user=os.environ.get("PGUSER", "postgres"),
        password=os.environ.get("PGPASSWORD") or None,
        dbname=os.environ.get("PGDATABASE", "listing_pulse"),
    )


def read_records(db_path: Path, sql: str, params: list[Any]) -> list[dict[str, Any]] | None:
    """`sql` (with `?` placeholders) on the warehouse, read-only, as dicts; None when there is no warehouse yet."""
    if target() == "postgres":
        connection = _postgres_connection()
        try:
            connection.set_session(readonly=True)
            with connection.cursor() as cursor:
                cursor.execute(sql.replace("?", "%s"), params)
                names = [column[0] for column in cursor.description]
                return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            connection.close()
    if not db_path.exists():
        return None
    with duckdb.connect(str(db_path), read_only=True, config=duckdb_config()) as con:
        cursor = con.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def read_rows(db_path: Path, sql: str, params: list[Any]) -> list[tuple[Any, ...]] | None:
    """`sql` on the warehouse, read-only, as tuples; None when there is no warehouse yet."""
    records = read_records(db_path, sql, params)
    return None if records is None else [tuple(record.values()) for record in records]


def execute(db_path: Path, statements: list[tuple[str, list[Any]]]) -> None:
    """Write statements (with `?` placeholders) in one transaction."""
    if target() == "postgres":
        connection = _postgres_connection()
        try:
            with connection, connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql.replace("?", "%s"), params)
        finally:
            connection.close()
        return
    with duckdb.connect(str(db_path), config=duckdb_config()) as con:
        con.begin()
        for sql, params in statements:
            con.execute(sql, params)
        con.commit()


def has_table(db_path: Path, dataset: str, table: str) -> bool:
    rows = read_rows(
        db_path,
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [dataset, table],
    )
    return bool(rows and rows[0][0])

"""Where raw data lands: the DuckDB build file by default, or the PostgreSQL database that the `PG*`
variables name when `LISTING_PULSE_TARGET=postgres` (the same variable picks dbt's target in profiles.yml,
so dlt and dbt always agree on the warehouse)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dlt
import duckdb

TARGET_ENV = "LISTING_PULSE_TARGET"


def target() -> str:
    return os.environ.get(TARGET_ENV, "duckdb")


def destination(db_path: Path) -> Any:
    if target() == "postgres":
        from dlt.common.configuration.specs import ConnectionStringCredentials

        credentials = ConnectionStringCredentials()
        credentials.drivername = "postgresql"
        credentials.host = os.environ.get("PGHOST", "localhost")
        credentials.port = int(os.environ.get("PGPORT", "5432"))
        credentials.username = os.environ.get("PGUSER", "postgres")
        credentials.password = os.environ.get("PGPASSWORD") or None
        credentials.database = os.environ.get("PGDATABASE", "listing_pulse")
        return dlt.destinations.postgres(credentials=credentials)
    return dlt.destinations.duckdb(str(db_path))


def loader_file_format() -> str:
    """Parquet into DuckDB; PostgreSQL takes Arrow tables as CSV through COPY."""
    return "csv" if target() == "postgres" else "parquet"


def read_rows(db_path: Path, sql: str, params: list[Any]) -> list[tuple[Any, ...]] | None:
    """`sql` (with `?` placeholders) on the warehouse, read-only; None when there is no warehouse yet."""
    if target() == "postgres":
        import psycopg2

        connection = psycopg2.connect(
            host=os.environ.get("PGHOST", "localhost"),
            port=int(os.environ.get("PGPORT", "5432")),
            user=os.environ.get("PGUSER", "postgres"),
            password=os.environ.get("PGPASSWORD") or None,
            dbname=os.environ.get("PGDATABASE", "listing_pulse"),
        )
        try:
            connection.set_session(readonly=True)
            with connection.cursor() as cursor:
                cursor.execute(sql.replace("?", "%s"), params)
                return list(cursor.fetchall())
        finally:
            connection.close()
    if not db_path.exists():
        return None
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params).fetchall()

"""The raw schemas as parquet files, for an engine that dlt cannot load into here (Spark without Delta or
Iceberg jars): `<folder>/<schema>/<table>.parquet`, registered there by the `register_raw_parquet` macro."""

from __future__ import annotations

from pathlib import Path

import duckdb

RAW_SCHEMAS = ("raw_aliexpress", "raw_bigcommerce")


def export_raw_parquet(build_file: Path, folder: Path) -> list[str]:
    """Write every raw table of the build file (dlt's own `_dlt_*` tables aside) as parquet; returns the
    `schema.table` names written."""
    written = []
    with duckdb.connect(str(build_file), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in {RAW_SCHEMAS} and table_name not like '\\_dlt%' escape '\\' order by 1, 2"
        ).fetchall()
        for schema, table in tables:
            (folder / schema).mkdir(parents=True, exist_ok=True)
            target = folder / schema / f"{table}.parquet"
            con.execute(f"copy {schema}.\"{table}\" to '{target}' (format parquet)")
            written.append(f"{schema}.{table}")
    return written

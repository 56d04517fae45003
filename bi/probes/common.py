"""Shared by check_bi.py and the Python probes (which run in the clients' own environments: standard library only)."""

from datetime import datetime
from decimal import Decimal
from pathlib import Path

# Every published column, in the order a catalogue browser lists them.
TABLE_COLUMNS = (
    "select table_name, column_name, data_type from duckdb_columns() where schema_name = 'marts' "
    "order by table_name, column_index"
)
# Must be refused: the file is opened read-only.
WRITE = "create table marts.probe_write (x integer)"


def queries(path: str | Path) -> list[str]:
    """The README's queries, one a line."""
    return [line.rstrip(";") for line in Path(path).read_text().splitlines() if line.strip()]


def cell(value: object) -> object:
    """A value as JSON: decimals as text (exact), timestamps as DuckDB prints them."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return str(value)
    return value

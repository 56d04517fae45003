"""dlt resources shared by both sources: history (scd2), events, observations and quarantine.

Rows arrive as dicts of text (see `pages.as_text`) and leave as Arrow tables, which dlt
loads as parquet: the default insert path is two orders of magnitude slower.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import dlt
import pyarrow as pa


def row_hash(row: dict[str, Any]) -> str:
    """A version hash over the row's non-null fields only.

    dlt's `add_row_hash_to_table` hashes every column of the Arrow table, so a field that is absent from
    every record of one load (e.g. `ws_display` once no listing is offline) changes the hash of every
    row and versions the whole table with identical data; hashing what the record holds does not.
    """
    present = {key: value for key, value in row.items() if value is not None}
    return hashlib.blake2b(json.dumps(present, sort_keys=True, ensure_ascii=False).encode(), digest_size=16).hexdigest()


def text_table(rows: Sequence[dict[str, Any]], leading: Sequence[str], contract: Sequence[str] = ()) -> pa.Table:
    """An all-text Arrow table: the `leading` key columns first (not null), then the `contract` columns
    staging reads (present even when no record of this load carries them: an optional field such as
    `ws_display` or `reason_code` may be absent from a whole drop), then every other field seen."""
    columns = list(dict.fromkeys([*leading, *contract]))
    seen = set(columns)
    for row in rows:
        for key in row:
            if key not in seen:
                seen.add(key)
                columns.append(key)
    schema = pa.schema([pa.field(name, pa.string(), nullable=name not in leading) for name in columns])
    return pa.Table.from_pylist(list(rows), schema=schema)


def history_resource(
    name: str,
    rows: Sequence[dict[str, Any]],
    leading: Sequence[str],
    merge_key: str | list[str],
    observed_at: datetime,
    contract: Sequence[str] = (),
) -> Any:
    """Current-state rows kept as validity intervals on observation time (dlt scd2).

    Rows of the same `merge_key` that are absent from this load are retired at `observed_at`;
    rows of other keys (other stores, listings not refetched) are left alone.
    """

    @dlt.resource(
        name=name,
        write_disposition={
            "disposition": "merge",
            "strategy": "scd2",
            "boundary_timestamp": observed_at.isoformat(),
            "row_version_column_name": "row_hash",
        },
        merge_key=merge_key,
    )
    def resource() -> Iterable[pa.Table]:
        yield text_table([{**row, "row_hash": row_hash(row)} for row in rows], [*leading, "row_hash"], contract)

    return resource()


def keyed_resource(
    name: str,
    rows: Sequence[dict[str, Any]],
    primary_key: list[str],
    schema: pa.Schema | None = None,
    leading: Sequence[str] = (),
    contract: Sequence[str] = (),
) -> Any:
    """Rows merged on their key: a second delivery of the same key collapses into one row."""

    @dlt.resource(
        name=name,
        write_disposition={"disposition": "merge", "strategy": "delete-insert"},
        primary_key=primary_key,
    )
    def resource() -> Iterable[pa.Table]:
        if schema is not None:
            yield pa.Table.from_pylist(list(rows), schema=schema)
        else:
            yield text_table(rows, leading, contract)

    return resource()


OBSERVATION_SCHEMA = pa.schema(
    [
        pa.field("store_key", pa.string(), nullable=False),
        pa.field("resource", pa.string(), nullable=False),
        pa.field("observed_at", pa.timestamp("us", tz="UTC"), nullable=False),
        ("row_count", pa.int64()),
    ]
)

QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("store_key", pa.string(), nullable=False),
        pa.field("observed_at", pa.timestamp("us", tz="UTC"), nullable=False),
        ("resource", pa.string()),
        pa.field("origin", pa.string(), nullable=False),
        pa.field("line", pa.int64(), nullable=False),
        ("reason", pa.string()),
        ("payload", pa.string()),
    ]
)


def observations_resource(store_key: str, observed_at: datetime, row_counts: dict[str, int]) -> Any:
    """One row per store, resource and observation: when each sweep saw the store, and how much."""
    rows = [
        {"store_key": store_key, "resource": resource, "observed_at": observed_at, "row_count": count}
        for resource, count in row_counts.items()
    ]
    return keyed_resource(
        "observations", rows, ["store_key", "resource", "observed_at"], schema=OBSERVATION_SCHEMA
    )


def quarantine_resource(rows: Sequence[dict[str, Any]]) -> Any:
    return keyed_resource(
        "quarantine",
        rows,
        ["store_key", "observed_at", "origin", "line"],
        schema=QUARANTINE_SCHEMA,
    )

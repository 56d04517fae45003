"""dlt resources shared by both sources: history (scd2), events, observations and quarantine.

Rows arrive as dicts of text (see `pages.as_text`) and leave as Arrow tables, which dlt
loads as parquet: the default insert path is two orders of magnitude slower.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import dlt
import pyarrow as pa

from ingestion.sources.common.destination import execute, has_table, read_records, read_rows


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
    carried: Sequence[dict[str, Any]] = (),
) -> Any:
    """Current-state rows kept as validity intervals on observation time (dlt scd2).

    Rows of the same `merge_key` that are absent from this load are retired at `observed_at`;
    rows of other keys (other stores, listings not refetched) are left alone. `carried` are current rows
    already landed (with their `row_hash`) that an incomplete sweep could not see: sent again unchanged,
    they stay current. dlt retires nothing when a load holds no row at all: see `retire_store_rows`.
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
        hashed = [{**row, "row_hash": row_hash(row)} for row in rows]
        yield text_table([*hashed, *carried], [*leading, "row_hash"], contract)

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
        ("fingerprint", pa.string()),
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


def observations_resource(store_key: str, observed_at: datetime, row_counts: dict[str, int], fingerprint: str) -> Any:
    """One row per store, resource and observation: when each sweep saw the store, how much, and a
    fingerprint of what it saw (a different capture at the same observation time is refused)."""
    rows = [
        {"store_key": store_key, "resource": resource, "observed_at": observed_at, "row_count": count,
         "fingerprint": fingerprint}
        for resource, count in row_counts.items()
    ]
    return keyed_resource(
        "observations", rows, ["store_key", "resource", "observed_at"], schema=OBSERVATION_SCHEMA
    )


def quarantine_resource(rows: Sequence[dict[str, Any]]) -> Any:
    """Quarantined records; two reasons at one place (origin and line) stay two rows (`origin` gets a suffix)."""
    seen: set[tuple[str, int]] = set()
    unique = []
    for row in rows:
        origin, count = row["origin"], 1
        while (origin, row["line"]) in seen:
            count += 1
            origin = f"{row['origin']} ({count})"
        seen.add((origin, row["line"]))
        unique.append({**row, "origin": origin})
    rows = unique
    return keyed_resource(
        "quarantine",
        rows,
        ["store_key", "observed_at", "origin", "line"],
        schema=QUARANTINE_SCHEMA,
    )


def current_rows(db_path: Path, dataset: str, table: str, store_key: str) -> list[dict[str, Any]]:
    """The store's current rows of a history table as landed (non-null fields, with their `row_hash`),
    to carry over when a sweep is incomplete."""
    if not has_table(db_path, dataset, table):
        return []
    records = read_records(
        db_path, f'select * from {dataset}."{table}" where store_key = ? and _dlt_valid_to is null', [store_key]
    )
    return [
        {name: value for name, value in record.items() if value is not None and not name.startswith("_dlt")}
        for record in records or []
    ]


def retire_store_rows(db_path: Path, dataset: str, tables: Sequence[str], store_key: str, observed_at: datetime) -> None:
    """Retire every current row of the store in `tables` at `observed_at`: a complete sweep that returned
    nothing. dlt's scd2 cannot say it (a load without rows carries no merge key to retire)."""
    execute(db_path, [
        (f'update {dataset}."{table}" set _dlt_valid_to = ? where store_key = ? and _dlt_valid_to is null',
         [observed_at, store_key])
        for table in tables
        if has_table(db_path, dataset, table)
    ])


def observation_fingerprint(db_path: Path, dataset: str, store_key: str, observed_at: datetime) -> str | None:
    """The fingerprint of the store's observation already landed at `observed_at`, if any."""
    has_column = read_rows(
        db_path,
        "select count(*) from information_schema.columns where table_schema = ? and table_name = 'observations' "
        "and column_name = 'fingerprint'",
        [dataset],
    )
    if not has_column or not has_column[0][0]:
        return None  # nothing landed yet, or landed before fingerprints were kept
    rows = read_rows(
        db_path,
        f"select max(fingerprint) from {dataset}.observations where store_key = ? and observed_at = ?",
        [store_key, observed_at],
    )
    return rows[0][0] if rows else None

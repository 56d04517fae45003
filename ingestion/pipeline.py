"""Run one observation of one store through both dlt sources into the build file."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import dlt
import duckdb

from ingestion import settings
from ingestion.aliexpress import source as aliexpress
from ingestion.bigcommerce import source as bigcommerce
from ingestion.pages import QuarantinedRecord

STORE_KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]{0,62}$")


class LoadError(Exception):
    """A load refused before anything was written, with what to do about it."""


@dataclass
class LoadReport:
    store_key: str
    observed_at: datetime
    row_counts: dict[str, int] = field(default_factory=dict)
    quarantined: list[QuarantinedRecord] = field(default_factory=list)


def check_store_key(store_key: str) -> str:
    if not STORE_KEY_PATTERN.match(store_key):
        raise LoadError(
            f"store key {store_key!r} is not allowed: use lower-case letters, digits and underscores"
        )
    return store_key


def latest_observation(db_path: Path, dataset: str, store_key: str) -> datetime | None:
    """The store's latest observation already landed in `dataset`, if any (a read-only look)."""
    if not db_path.exists():
        return None
    with duckdb.connect(str(db_path), read_only=True) as con:
        found = con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = 'observations'",
            [dataset],
        ).fetchone()
        if not found or not found[0]:
            return None
        row = con.execute(
            f"select max(observed_at) from {dataset}.observations where store_key = ?", [store_key]
        ).fetchone()
    return row[0] if row else None


def _refuse_out_of_order(db_path: Path, dataset: str, store_key: str, observed_at: datetime) -> None:
    """An older observation loaded after a newer one would silently corrupt the validity intervals."""
    latest = latest_observation(db_path, dataset, store_key)
    if latest is not None and observed_at < latest:
        raise LoadError(
            f"{dataset} already holds an observation of store {store_key!r} at {latest.isoformat()}; "
            f"an older one ({observed_at.isoformat()}) cannot be loaded after it. Load observations in time "
            "order, or rebuild the store from its first observation into a new database file."
        )


def _pipeline(source_name: str, store_key: str, db_path: Path) -> dlt.Pipeline:
    return dlt.pipeline(
        pipeline_name=f"listing_pulse_{source_name}_{store_key}",
        destination=dlt.destinations.duckdb(str(db_path)),
        dataset_name=f"raw_{source_name}",
        pipelines_dir=str(settings.pipelines_dir()),
    )


def load_observation(
    store_key: str,
    observed_at: datetime,
    aliexpress_capture: aliexpress.AliExpressCapture | None,
    bigcommerce_capture: bigcommerce.BigCommerceCapture | None,
    db_path: Path | None = None,
    on_landed: Callable[[str], None] | None = None,
) -> LoadReport:
    """Land one observation of one store. Loading the same observation twice changes nothing.
    `on_landed(source_name)` is called after each source's pipeline has landed."""
    check_store_key(store_key)
    if observed_at.tzinfo is None:
        raise LoadError("observed_at must carry a time zone")
    observed_at = observed_at.astimezone(timezone.utc)
    db_path = db_path or settings.database_path()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    report = LoadReport(store_key, observed_at)

    jobs = []
    if aliexpress_capture is not None:
        parsed_aliexpress = aliexpress.parse_capture(aliexpress_capture, store_key)
        jobs.append(("aliexpress", parsed_aliexpress, aliexpress.aliexpress_source(parsed_aliexpress, store_key, observed_at)))
    if bigcommerce_capture is not None:
        parsed_bigcommerce = bigcommerce.parse_capture(bigcommerce_capture, store_key)
        jobs.append(("bigcommerce", parsed_bigcommerce, bigcommerce.bigcommerce_source(parsed_bigcommerce, store_key, observed_at)))

    for source_name, parsed, _ in jobs:
        _refuse_out_of_order(db_path, f"raw_{source_name}", store_key, observed_at)
        report.row_counts |= {f"{source_name}.{table}": count for table, count in parsed.row_counts().items()}
        report.quarantined += parsed.quarantine
    for source_name, _, source in jobs:
        _pipeline(source_name, store_key, db_path).run(source, loader_file_format="parquet")
        if on_landed is not None:
            on_landed(source_name)
    return report

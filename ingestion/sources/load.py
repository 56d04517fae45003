"""Land one observation of one store: from the sample generator, a file drop or the live APIs, through
both dlt sources into the build file."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import dlt

from ingestion import paths
from ingestion.sources.aliexpress import source as aliexpress
from ingestion.sources.bigcommerce import source as bigcommerce
from ingestion.sources.common.captures import AliExpressCapture, BigCommerceCapture
from ingestion.sources.common.destination import destination, loader_file_format, read_rows
from ingestion.sources.common.pages import QuarantinedRecord

STORE_KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]{0,62}$")


class LoadError(Exception):
    """A load refused before anything was written, with what to do about it."""


@dataclass
class LoadReport:
    store_key: str
    observed_at: datetime
    row_counts: dict[str, int] = field(default_factory=dict)
    quarantined: list[QuarantinedRecord] = field(default_factory=list)
    # One sentence per source whose pending load packages, left by a killed or failed load, landed first.
    completed_interrupted: list[str] = field(default_factory=list)


def check_store_key(store_key: str) -> str:
    if not STORE_KEY_PATTERN.match(store_key):
        raise LoadError(
            f"store key {store_key!r} is not allowed: use lower-case letters, digits and underscores"
        )
    return store_key


def latest_observation(db_path: Path, dataset: str, store_key: str) -> datetime | None:
    """The store's latest observation already landed in `dataset`, if any (a read-only look)."""
    found = read_rows(
        db_path,
        "select count(*) from information_schema.tables where table_schema = ? and table_name = 'observations'",
        [dataset],
    )
    if not found or not found[0][0]:
        return None
    rows = read_rows(db_path, f"select max(observed_at) from {dataset}.observations where store_key = ?", [store_key])
    return rows[0][0] if rows else None


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
        destination=destination(db_path),
        dataset_name=f"raw_{source_name}",
        pipelines_dir=str(paths.pipelines_dir()),
    )


def _complete_interrupted(pipeline: dlt.Pipeline, source_name: str, store_key: str, db_path: Path) -> str | None:
    """Land, oldest first, the load packages a killed or failed load left pending, and say which.

    dlt's `run` would load only those and silently drop the data it was given (or, while the dataset does
    not exist yet, silently wipe them); completing them in order keeps the validity intervals right.
    """
    if not pipeline.has_pending_data:
        return None
    pending = sorted({*pipeline.list_extracted_load_packages(), *pipeline.list_normalized_load_packages()})
    try:
        pipeline.normalize()
        pipeline.load()
    except Exception as exc:
        raise LoadError(
            f"{len(pending)} {source_name} load package(s) an interrupted load left for store {store_key!r} "
            f"could not be completed, so this observation was not loaded: {exc}. Fix the cause and load again, "
            f"or discard them: dlt pipeline --pipelines-dir {paths.pipelines_dir()} {pipeline.pipeline_name} "
            "abort-packages"
        ) from exc
    rows = read_rows(
        db_path,
        f"select distinct observed_at from raw_{source_name}.observations where _dlt_load_id in "
        f"({', '.join('?' * len(pending))}) order by 1",
        pending,
    )
    observed = [moment.isoformat() for (moment,) in rows or []]
    return (f"completed {len(pending)} {source_name} load package(s) an interrupted load left for store "
            f"{store_key!r} (observed at {', '.join(observed)})")


def load_observation(
    store_key: str,
    observed_at: datetime,
    aliexpress_capture: AliExpressCapture | None,
    bigcommerce_capture: BigCommerceCapture | None,
    db_path: Path | None = None,
    on_landed: Callable[[str], None] | None = None,
) -> LoadReport:
    """Land one observation of one store. Loading the same observation twice changes nothing.
    `on_landed(source_name)` is called after each source's pipeline has landed."""
    check_store_key(store_key)
    if observed_at.tzinfo is None:
        raise LoadError("observed_at must carry a time zone")
    observed_at = observed_at.astimezone(timezone.utc)
    db_path = db_path or paths.database_path()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    report = LoadReport(store_key, observed_at)

    jobs = []
    if aliexpress_capture is not None:
        parsed_aliexpress = aliexpress.parse_capture(aliexpress_capture, store_key)
        jobs.append(("aliexpress", parsed_aliexpress, aliexpress.aliexpress_source(parsed_aliexpress, store_key, observed_at)))
    if bigcommerce_capture is not None:
        parsed_bigcommerce = bigcommerce.parse_capture(bigcommerce_capture, store_key)
        jobs.append(("bigcommerce", parsed_bigcommerce, bigcommerce.bigcommerce_source(parsed_bigcommerce, store_key, observed_at)))

    pipelines = {source_name: _pipeline(source_name, store_key, db_path) for source_name, _, _ in jobs}
    for source_name, pipeline in pipelines.items():
        completed = _complete_interrupted(pipeline, source_name, store_key, db_path)
        if completed:
            report.completed_interrupted.append(completed)
    for source_name, parsed, _ in jobs:
        _refuse_out_of_order(db_path, f"raw_{source_name}", store_key, observed_at)
        report.row_counts |= {f"{source_name}.{table}": count for table, count in parsed.row_counts().items()}
        report.quarantined += parsed.quarantine
    for source_name, _, source in jobs:
        pipelines[source_name].run(source, loader_file_format=loader_file_format())
        if latest_observation(db_path, f"raw_{source_name}", store_key) != observed_at:
            raise LoadError(f"the {source_name} load of store {store_key!r} at {observed_at.isoformat()} did not land")
        if on_landed is not None:
            on_landed(source_name)
    return report


SOURCES = ("sample", "files", "api")


@dataclass
class LoadRequest:
    """What one `load` lands: the options of `listing-pulse load`."""

    source: str = "sample"
    scenario: str = "default"
    as_of: datetime | None = None
    seed: int = 20260309
    path: Path | None = None
    observed_at: datetime | None = None
    store: str | None = None


def land(
    request: LoadRequest,
    progress: Callable[[str], None] = lambda line: None,
    on_landed: Callable[[str], None] | None = None,
) -> list[LoadReport]:
    """Land what `request` names; `on_landed(source)` after each source landed."""
    if request.source == "sample":
        from ingestion.sources.sample.scenarios import generate

        store_key = request.store or request.scenario
        observations = generate(request.scenario, request.as_of or datetime.now(timezone.utc), seed=request.seed)
        return [
            load_observation(store_key, o.observed_at, o.aliexpress, o.bigcommerce, on_landed=on_landed)
            for o in observations
        ]
    if request.source == "api":
        from ingestion.sources.sweep import sweep_store

        if request.path is not None or request.observed_at is not None:
            raise LoadError("--path and --observed-at apply to --source files; an API load is observed now")
        store_key = request.store or "default"
        observed_at = datetime.now(timezone.utc)
        capture = sweep_store(store_key, paths.database_path(), progress)
        return [load_observation(store_key, observed_at, capture.aliexpress, capture.bigcommerce, on_landed=on_landed)]
    if request.source == "files":
        from ingestion.sources.aliexpress.files import read_drop as read_aliexpress
        from ingestion.sources.bigcommerce.files import read_drop as read_bigcommerce

        if request.path is None or not request.path.is_dir():
            raise LoadError("--source files needs --path DIR, a folder laid out as README 'File drop' says")
        aliexpress_capture, bigcommerce_capture = read_aliexpress(request.path), read_bigcommerce(request.path)
        if aliexpress_capture is None and bigcommerce_capture is None:
            raise LoadError(f"{request.path} holds neither an aliexpress/ nor a bigcommerce/ folder")
        _say_drop(aliexpress_capture, bigcommerce_capture, progress)
        observed_at = request.observed_at or datetime.now(timezone.utc)
        store_key = request.store or "default"
        return [load_observation(store_key, observed_at, aliexpress_capture, bigcommerce_capture, on_landed=on_landed)]
    raise LoadError(f"source {request.source!r} is not one of {', '.join(SOURCES)}")


def _say_drop(
    aliexpress_capture: AliExpressCapture | None,
    bigcommerce_capture: BigCommerceCapture | None,
    progress: Callable[[str], None],
) -> None:
    """Files read per resource, as the API sweep prints pages per resource."""
    if aliexpress_capture is not None:
        progress(f"aliexpress listings: {len(aliexpress_capture.product_lists)} file(s)")
        progress(f"aliexpress product details: {len(aliexpress_capture.product_infos)} response(s)")
        progress(f"aliexpress audit outcomes: {len(aliexpress_capture.audit_events)} line(s)")
    if bigcommerce_capture is not None:
        progress(f"bigcommerce catalog products: {len(bigcommerce_capture.catalog_pages)} file(s)")
        progress(f"bigcommerce inventory items: {len(bigcommerce_capture.inventory_pages)} file(s)")

"""`run --all-stores`: every declared store read with bounded concurrency, landed one at a time.

Reading (API sweeps, file drops, the sample generator) writes nothing, so stores are read side by side,
each with its own clients (and so its own rate limits). DuckDB has one writer: stores land one after the
other, in the order their reads finish, each into its own dlt pipelines. A store whose read or load fails
is reported and skipped; the others land.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace

import dlt

from ingestion.sources.common.config import store_sections
from ingestion.sources.load import (
    LoadError,
    LoadReport,
    LoadRequest,
    StoreObservation,
    check_store_key,
    land_observations,
    read_observations,
)

# The sample's stores when none are declared: two scenarios that share BigCommerce ids (make demo).
SAMPLE_STORES = ("default", "sister_store")
DEFAULT_CONCURRENCY = 2


def declared_stores(source: str) -> list[str]:
    """`listing_pulse.stores` (dlt config: .dlt/config.toml or LISTING_PULSE__STORES); else, for the
    APIs and file drops, the stores with a settings section; else, for the sample, SAMPLE_STORES."""
    listed = dlt.config.get("listing_pulse.stores", list)
    if listed:
        return [check_store_key(str(store)) for store in listed]
    if source == "sample":
        return list(SAMPLE_STORES)
    sections = sorted({*store_sections("aliexpress"), *store_sections("bigcommerce")})
    if not sections:
        raise LoadError(
            "no stores declared: list them as `stores = [...]` under [listing_pulse] in .dlt/config.toml "
            "(or LISTING_PULSE__STORES), or give each a [sources.aliexpress.KEY] section"
        )
    return sections


def configured_concurrency() -> int:
    """How many stores are read at once (`listing_pulse.concurrency`, LISTING_PULSE__CONCURRENCY; default 2)."""
    return int(dlt.config.get("listing_pulse.concurrency", int) or DEFAULT_CONCURRENCY)


@dataclass
class StoreStatus:
    """Where one store of the run stands, for the progress display and the run log."""

    store_key: str
    state: str = "waiting"  # waiting, reading, landing, ok, failed
    passes: int = 0  # AliExpress product_status_type passes read
    pages: int = 0  # responses read, both sources
    records: int = 0  # rows landed
    quarantined: int = 0
    message: str = ""  # the latest progress line while reading; why, when failed
    reports: list[LoadReport] = field(default_factory=list)


def load_stores(
    request: LoadRequest,
    stores: list[str],
    concurrency: int,
    on_status: Callable[[StoreStatus], None] = lambda status: None,
    on_landed: Callable[[str], None] | None = None,
) -> list[StoreStatus]:
    """Read every store (`request` with its store key; the sample's scenario is the store key) at most
    `concurrency` at a time, land each as its read finishes; one status per store, in `stores` order."""
    statuses = {store: StoreStatus(store) for store in stores}
    warehouse_lock = threading.Lock()  # one writer: landing, and a sweep reading what is landed

    def read(store: str) -> list[StoreObservation]:
        statuses[store].state = "reading"
        on_status(statuses[store])
        return read_observations(store_request(request, store), _said(statuses[store], on_status), warehouse_lock)

    for status in statuses.values():  # every store shown from the start, in declared order
        on_status(status)
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = {pool.submit(read, store): store for store in stores}
        for future in as_completed(futures):
            status = statuses[futures[future]]
            try:
                observations = future.result()
                status.state, status.message = "landing", ""
                status.passes = len(
                    {name for o in observations if o.aliexpress for name, _ in o.aliexpress.product_lists}
                )
                status.pages = sum(_pages(o) for o in observations)
                on_status(status)
                with warehouse_lock:
                    status.reports = land_observations(
                        observations, request.source, _said(status, on_status), on_landed
                    )
                status.records = sum(sum(r.row_counts.values()) for r in status.reports)
                status.quarantined = sum(len(r.quarantined) for r in status.reports)
                status.state = "ok"
            except Exception as exc:  # this store is skipped; the others still land and publish
                status.state, status.message = "failed", f"{type(exc).__name__}: {exc}"
            on_status(status)
    return [statuses[store] for store in stores]


def store_request(request: LoadRequest, store: str) -> LoadRequest:
    """`request` for one store: the sample's scenario is the store key; a file drop is the folder
    `<--path>/<store key>/`."""
    if request.source == "sample":
        return replace(request, store=store, scenario=store)
    if request.source == "files":
        if request.path is None:
            raise LoadError("--source files --all-stores needs --path DIR, holding one drop folder per store")
        folder = request.path / store
        if not folder.is_dir():
            raise LoadError(f"no drop folder {folder} for store {store!r}")
        return replace(request, store=store, path=folder)
    return replace(request, store=store)


def _pages(observation: StoreObservation) -> int:
    pages = 0
    if observation.aliexpress is not None:
        capture = observation.aliexpress
        pages += len(capture.product_lists) + len(capture.product_infos) + len(capture.audit_events)
    if observation.bigcommerce is not None:
        pages += len(observation.bigcommerce.catalog_pages) + len(observation.bigcommerce.inventory_pages)
    return pages


def _said(status: StoreStatus, on_status: Callable[[StoreStatus], None]) -> Callable[[str], None]:
    def progress(line: str) -> None:
        status.message = line
        on_status(status)

    return progress

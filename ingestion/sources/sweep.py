"""One API observation of one store: sweep both APIs completely, then hand the pages to the loader.

Both sweeps finish before anything is loaded, so a sweep that fails (auth, retries exhausted, a page
without data) loads nothing: no half-committed observation.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingestion.sources.aliexpress import client as aliexpress
from ingestion.sources.bigcommerce import client as bigcommerce
from ingestion.sources.common.captures import AliExpressCapture, BigCommerceCapture
from ingestion.sources.common.http import HttpCaller


@dataclass
class StoreCapture:
    aliexpress: AliExpressCapture
    bigcommerce: BigCommerceCapture


def sweep_store(
    store_key: str,
    db_path: Path,
    progress: Callable[[str], None] = lambda line: None,
    http: Callable[[], HttpCaller] | None = None,
    warehouse_lock: AbstractContextManager[Any] | None = None,
) -> StoreCapture:
    """Sweep AliExpress then BigCommerce for `store_key` with its configured settings.

    `db_path` tells AliExpress which listing details are already landed (only new or changed ones are
    fetched); `http` builds the HTTP layer (tests inject one that never sleeps); `warehouse_lock`, when
    given, is held while that is read (sweeps running beside a load in the same process).
    """
    aliexpress_client = aliexpress.new_client(aliexpress.load_settings(store_key), http() if http else None)
    bigcommerce_client = bigcommerce.new_client(bigcommerce.load_settings(store_key), http() if http else None)
    with warehouse_lock or nullcontext():
        landed = aliexpress.read_landed(db_path, store_key)
    return StoreCapture(
        aliexpress=aliexpress.sweep(aliexpress_client, landed, progress),
        bigcommerce=bigcommerce.sweep(bigcommerce_client, progress),
    )

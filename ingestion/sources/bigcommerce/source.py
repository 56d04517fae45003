"""The BigCommerce dlt source: a full catalogue sweep each run (variants carry no date_modified)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import dlt

from ingestion.sources.bigcommerce.parse import (
    CATALOGUE,
    INVENTORY_ITEM_COLUMNS,
    INVENTORY_ITEM_KEY,
    PRODUCT_COLUMNS,
    PRODUCT_KEY,
    VARIANT_COLUMNS,
    VARIANT_KEY,
    ParsedBigCommerce,
    page_numbers,
    parse_catalog_page,
    parse_inventory_page,
)
from ingestion.sources.common.captures import BigCommerceCapture
from ingestion.sources.common.landing import history_resource, observations_resource, quarantine_resource

# The tables one sweep covers for the whole store: absent rows retire when the sweep is complete.
STORE_SWEPT = {"products": PRODUCT_KEY, "variants": VARIANT_KEY, "inventory_items": INVENTORY_ITEM_KEY}


def parse_capture(capture: BigCommerceCapture, store_key: str) -> ParsedBigCommerce:
    """Parse every page, then keep one row per key: the one read later (a later page of the sweep)."""
    parsed = ParsedBigCommerce()
    for page in capture.catalog_pages:
        parse_catalog_page(parsed, store_key, page)
    for page in capture.inventory_pages:
        parse_inventory_page(parsed, store_key, page)
    if capture.catalog_pages:
        parsed.check_pages("products", capture.catalog_pages, page_numbers, CATALOGUE)
    if capture.inventory_pages:
        parsed.check_pages("inventory_items", capture.inventory_pages, page_numbers, ("inventory_items",))
    for page in capture.unread:
        parsed.refuse("drop", page, page.error or "not read")
    for table, key in STORE_SWEPT.items():
        parsed.keep_one_per_key(table, key)
    return parsed


@dlt.source(name="bigcommerce")
def bigcommerce_source(parsed: ParsedBigCommerce, store_key: str, observed_at: datetime) -> Iterable[Any]:
    """raw_bigcommerce: `products`, `variants`, `inventory_items` (history), `observations`, `quarantine`.

    A product or variant absent from the sweep is retired at `observed_at` (deleted on BC).
    """
    carried = parsed.carried
    yield history_resource(
        "products", parsed.products, PRODUCT_KEY, "store_key", observed_at, PRODUCT_COLUMNS, carried.get("products", [])
    )
    yield history_resource(
        "variants", parsed.variants, VARIANT_KEY, "store_key", observed_at, VARIANT_COLUMNS, carried.get("variants", [])
    )
    yield history_resource(
        "inventory_items", parsed.inventory_items, INVENTORY_ITEM_KEY, "store_key", observed_at, INVENTORY_ITEM_COLUMNS,
        carried.get("inventory_items", []),
    )
    yield observations_resource(
        store_key,
        observed_at,
        {"products": len(parsed.products), "variants": len(parsed.variants), "inventory_items": len(parsed.inventory_items)},
        parsed.fingerprint(),
    )
    yield quarantine_resource([record.as_row(store_key, observed_at) for record in parsed.quarantine])

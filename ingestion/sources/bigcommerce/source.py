"""The BigCommerce dlt source: a full catalogue sweep each run (variants carry no date_modified)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import dlt

from ingestion.sources.bigcommerce.parse import (
    INVENTORY_ITEM_COLUMNS,
    INVENTORY_ITEM_KEY,
    PRODUCT_COLUMNS,
    PRODUCT_KEY,
    VARIANT_COLUMNS,
    VARIANT_KEY,
    ParsedBigCommerce,
    parse_catalog_page,
    parse_inventory_page,
)
from ingestion.sources.common.landing import history_resource, observations_resource, quarantine_resource
from ingestion.sources.common.captures import BigCommerceCapture


def parse_capture(capture: BigCommerceCapture, store_key: str) -> ParsedBigCommerce:
    parsed = ParsedBigCommerce()
    for page in capture.catalog_pages:
        parse_catalog_page(parsed, store_key, page)
    for page in capture.inventory_pages:
        parse_inventory_page(parsed, store_key, page)
    return parsed


@dlt.source(name="bigcommerce")
def bigcommerce_source(parsed: ParsedBigCommerce, store_key: str, observed_at: datetime) -> Iterable[Any]:
    """raw_bigcommerce: `products`, `variants`, `inventory_items` (history), `observations`, `quarantine`.

    A product or variant absent from the sweep is retired at `observed_at` (deleted on BC).
    """
    yield history_resource("products", parsed.products, PRODUCT_KEY, "store_key", observed_at, PRODUCT_COLUMNS)
    yield history_resource("variants", parsed.variants, VARIANT_KEY, "store_key", observed_at, VARIANT_COLUMNS)
    yield history_resource(
        "inventory_items", parsed.inventory_items, INVENTORY_ITEM_KEY, "store_key", observed_at, INVENTORY_ITEM_COLUMNS
    )
    yield observations_resource(
        store_key,
        observed_at,
        {"products": len(parsed.products), "variants": len(parsed.variants), "inventory_items": len(parsed.inventory_items)},
    )
    yield quarantine_resource([record.as_row(store_key, observed_at) for record in parsed.quarantine])

"""The AliExpress dlt source: whatever produced the pages (API, file drop, sample), the same raw tables."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import dlt

from ingestion.sources.aliexpress.parse import (
    ATTRIBUTE_COLUMNS,
    ATTRIBUTE_KEY,
    AUDIT_EVENT_COLUMNS,
    AUDIT_EVENT_KEY,
    DETAIL_COLUMNS,
    DETAIL_KEY,
    LISTING_COLUMNS,
    LISTING_KEY,
    SKU_COLUMNS,
    SKU_KEY,
    ParsedAliExpress,
    parse_audit_event,
    parse_product_info,
    parse_product_list,
)
from ingestion.sources.common.landing import history_resource, keyed_resource, observations_resource, quarantine_resource
from ingestion.sources.common.captures import AliExpressCapture


def parse_capture(capture: AliExpressCapture, store_key: str) -> ParsedAliExpress:
    parsed = ParsedAliExpress()
    for status_type, page in capture.product_lists:
        parse_product_list(parsed, store_key, status_type, page)
    for page in capture.product_infos:
        parse_product_info(parsed, store_key, page)
    for page in capture.audit_events:
        parse_audit_event(parsed, store_key, page)
    return parsed


@dlt.source(name="aliexpress")
def aliexpress_source(parsed: ParsedAliExpress, store_key: str, observed_at: datetime) -> Iterable[Any]:
    """raw_aliexpress: `listings`, `listing_skus`, `listing_details`, `listing_attributes` (history), `audit_events`
    (one row per outcome, duplicates collapse on `event_id`), `observations`, `quarantine`."""
    yield history_resource("listings", parsed.listings, LISTING_KEY, "store_key", observed_at, LISTING_COLUMNS)
    yield history_resource(
        "listing_skus", parsed.listing_skus, SKU_KEY, ["store_key", "product_id"], observed_at, SKU_COLUMNS
    )
    yield history_resource(
        "listing_details", parsed.listing_details, DETAIL_KEY, ["store_key", "product_id"], observed_at, DETAIL_COLUMNS
    )
    yield history_resource(
        "listing_attributes",
        parsed.listing_attributes,
        ATTRIBUTE_KEY,
        ["store_key", "product_id"],
        observed_at,
        ATTRIBUTE_COLUMNS,
    )
    yield keyed_resource(
        "audit_events", parsed.audit_events, list(AUDIT_EVENT_KEY), leading=AUDIT_EVENT_KEY, contract=AUDIT_EVENT_COLUMNS
    )
    yield observations_resource(
        store_key,
        observed_at,
        {
            "listings": len(parsed.listings),
            "listing_skus": len(parsed.listing_skus),
            "audit_events": len(parsed.audit_events),
        },
    )
    yield quarantine_resource([record.as_row(store_key, observed_at) for record in parsed.quarantine])

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
    PRODUCT_STATUS_TYPES,
    SKU_COLUMNS,
    SKU_KEY,
    ParsedAliExpress,
    info_product_id,
    list_page_numbers,
    listing_moment,
    parse_audit_event,
    parse_product_info,
    parse_product_list,
)
from ingestion.sources.common.captures import AliExpressCapture
from ingestion.sources.common.landing import (
    history_resource,
    keyed_resource,
    observations_resource,
    quarantine_resource,
)
from ingestion.sources.common.pages import Page

# The tables one sweep covers for the whole store: absent rows retire when the sweep is complete.
STORE_SWEPT = {"listings": LISTING_KEY}


def parse_capture(capture: AliExpressCapture, store_key: str) -> ParsedAliExpress:
    """Parse every page, then keep one row per key (README "Saving responses into a drop folder")."""
    parsed = ParsedAliExpress()
    for status_type, page in capture.product_lists:
        parse_product_list(parsed, store_key, status_type, page)
    for status_type in PRODUCT_STATUS_TYPES:
        pages = [page for pass_name, page in capture.product_lists if pass_name == status_type]
        if pages:
            parsed.check_pages("listings", pages, list_page_numbers, ("listings",))
    for page in _one_info_per_listing(parsed, capture.product_infos):
        parse_product_info(parsed, store_key, page)
    for page in capture.audit_events:
        parse_audit_event(parsed, store_key, page)
    for page in capture.unread:
        parsed.refuse("drop", page, page.error or "not read")
    parsed.keep_one_per_key("listings", LISTING_KEY, _modified_later, _seen_in_two_passes)
    parsed.keep_one_per_key("listing_skus", SKU_KEY)
    parsed.keep_one_per_key("audit_events", AUDIT_EVENT_KEY)
    return parsed


def _modified_later(kept: dict[str, Any], later: dict[str, Any]) -> bool:
    """A listing read twice in one sweep: the later `gmt_modified` wins; on a tie (or a time that cannot be
    read) the one read later, i.e. the pass read last (the API sweep's order, or a drop's fixed order
    onSelling, offline, auditing, editingRequired)."""
    kept_moment, later_moment = listing_moment(kept), listing_moment(later)
    return kept_moment is not None and later_moment is not None and kept_moment > later_moment


def _seen_in_two_passes(kept: dict[str, Any], dropped: dict[str, Any]) -> str | None:
    """A status change while the sweep paged is expected: a note, not a quarantine."""
    if kept["product_status_type"] == dropped["product_status_type"]:
        return None
    return (
        f"listing {kept['product_id']} was returned by the {dropped['product_status_type']} and "
        f"{kept['product_status_type']} passes: landed once, as {kept['product_status_type']}"
    )


def _one_info_per_listing(parsed: ParsedAliExpress, pages: list[Page]) -> list[Page]:
    """The last `product.info.get` page read for each listing (its details, SKUs and attributes come as one);
    an earlier identical page collapses, an earlier different one is quarantined as superseded."""
    last: dict[str, int] = {}
    for index, page in enumerate(pages):
        product_id = info_product_id(page)
        if product_id is not None:
            last[product_id] = index
    kept = []
    for index, page in enumerate(pages):
        product_id = info_product_id(page)
        if product_id is None or last[product_id] == index:
            kept.append(page)
        elif page.body == pages[last[product_id]].body:
            parsed.merge("listing_details")
        else:
            later = pages[last[product_id]]
            where = later.origin + (f" line {later.line}" if later.line else "")
            reason = f"superseded: product info of listing {product_id} read again at {where}, which is kept"
            parsed.refuse("listing_skus", page, reason)
    return kept


@dlt.source(name="aliexpress")
def aliexpress_source(parsed: ParsedAliExpress, store_key: str, observed_at: datetime) -> Iterable[Any]:
    """raw_aliexpress: `listings`, `listing_skus`, `listing_details`, `listing_attributes` (history), `audit_events`
    (one row per outcome, duplicates collapse on `event_id`), `observations`, `quarantine`."""
    yield history_resource(
        "listings", parsed.listings, LISTING_KEY, "store_key", observed_at, LISTING_COLUMNS, parsed.carried.get("listings", [])
    )
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
        parsed.fingerprint(),
    )
    yield quarantine_resource([record.as_row(store_key, observed_at) for record in parsed.quarantine])

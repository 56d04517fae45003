"""AliExpress API responses → raw rows. One parser per response shape, whatever produced the page.

Raw keeps field names as the API spells them and values as received (text); only records that
cannot be parsed or lack their key are quarantined.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ingestion.sources.common.pages import Page, ParsedRows, canonical_id, id_problem, text_row

PRODUCT_STATUS_TYPES = ("onSelling", "offline", "auditing", "editingRequired")
LISTING_KEY = ("store_key", "product_id")
SKU_KEY = ("store_key", "product_id", "id")
DETAIL_KEY = ("store_key", "product_id")
ATTRIBUTE_KEY = ("store_key", "product_id")
AUDIT_EVENT_KEY = ("store_key", "event_id")
# Columns the loader sets beside the payload's own (a payload field of that name is kept as payload_<name>).
LISTING_LOADER_COLUMNS = frozenset({"product_status_type"})
CHILD_LOADER_COLUMNS = frozenset({"product_id"})
SKU_CONTAINER = "aeop_ae_product_s_k_us"
ATTRIBUTE_CONTAINER = "aeop_ae_product_propertys"
# The fields staging reads: every raw table has these columns even when a load carries none of them.
LISTING_COLUMNS = (
    "product_status_type",
    "ws_display",
    "subject",
    "gmt_create",
    "gmt_modified",
    "ws_offline_date",
    "product_min_price",
    "product_max_price",
    "currency_code",
    "group_id",
)
SKU_COLUMNS = ("sku_code", "ipm_sku_stock", "sku_stock", "sku_price")
DETAIL_COLUMNS = (
    "category_id",
    "product_status_type",
    "gmt_modified",
    "aeop_ae_product_propertys",
    "image_u_r_ls",  # the listing's main images: URLs separated by ';'
    "detail",  # its description (HTML)
)
ATTRIBUTE_COLUMNS = ("attr_name_id", "attr_name", "attr_value_id", "attr_value")
AUDIT_EVENT_COLUMNS = ("product_id", "status", "time_stamp", "reason_code", "reason_message")


@dataclass
class ParsedAliExpress(ParsedRows):
    TABLES = ("listings", "listing_skus", "listing_details", "listing_attributes", "audit_events")

    listings: list[dict[str, Any]] = field(default_factory=list)
    listing_skus: list[dict[str, Any]] = field(default_factory=list)
    listing_details: list[dict[str, Any]] = field(default_factory=list)
    listing_attributes: list[dict[str, Any]] = field(default_factory=list)
    audit_events: list[dict[str, Any]] = field(default_factory=list)


def unwrap(body: Any) -> Any:
    """Drop the `<method>_response` envelope the gateway adds (absent with simplify=true)."""
    if isinstance(body, dict) and len(body) == 1:
        ((key, value),) = body.items()
        if key.endswith("_response") and key != "error_response":
            return value
    return body


def api_error(body: Any) -> str | None:
    """The gateway's error text, if this body is an error rather than data."""
    if not isinstance(body, dict):
        return None
    error = body.get("error_response")
    if isinstance(error, dict):
        return f"AliExpress error {error.get('code')}: {error.get('msg')} {error.get('sub_code') or ''}".strip()
    result = unwrap(body).get("result") if isinstance(unwrap(body), dict) else None
    if isinstance(result, dict) and result.get("success") in (False, "false"):
        return f"AliExpress error {result.get('error_code')}: {result.get('error_message')}"
    return None


def _items(container: Any, inner_key: str) -> list[Any] | None:
    """`{inner_key: [...]}` or, with simplify=true, the bare list."""
    if isinstance(container, list):
        return container
    if isinstance(container, dict):
        inner = container.get(inner_key, [])
        return inner if isinstance(inner, list) else [inner]
    return None


def product_list_items(body: Any) -> list[Any] | None:
    """The items of a `product.list.get` body (wrapped or simplify shape), or None for an error or a body
    without the items container (the API client must not treat such a page as an empty pass)."""
    if api_error(body):
        return None
    result = unwrap(body).get("result") if isinstance(unwrap(body), dict) else None
    if not isinstance(result, dict):
        return None
    return _items(result.get("aeop_a_e_product_display_d_t_o_list"), "item_display_dto")


def _result(
    parsed: ParsedAliExpress, resource: str, page: Page, incomplete: tuple[str, ...] = ()
) -> dict[str, Any] | None:
    if page.error:
        parsed.refuse(resource, page, page.error, incomplete=incomplete)
        return None
    error = api_error(page.body)
    body = unwrap(page.body)
    result = body.get("result") if isinstance(body, dict) else None
    if error or not isinstance(result, dict):
        parsed.refuse(resource, page, error or "response has no `result` object", incomplete=incomplete)
        return None
    return result


def list_page_numbers(page: Page) -> tuple[Any, Any] | None:
    """`(current_page, total_page)` of a `product.list.get` page, as it declares them."""
    body = unwrap(page.body)
    result = body.get("result") if isinstance(body, dict) else None
    return (result.get("current_page"), result.get("total_page")) if isinstance(result, dict) else None


def listing_moment(row: dict[str, Any]) -> datetime | None:
    """`gmt_modified` as a moment (GMT+8 wall-clock text; only compared with another of the same store)."""
    try:
        return datetime.strptime(row.get("gmt_modified") or "", "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def parse_product_list(parsed: ParsedAliExpress, store_key: str, status_type: str, page: Page) -> None:
    """`aliexpress.solution.product.list.get`: items carry no status; the pass that returned them does.

    A page that cannot be read, or an item without its id, makes the listing sweep incomplete: the
    listing it hid may be one already landed, so no listing is retired by this observation.
    """
    result = _result(parsed, "listings", page, incomplete=("listings",))
    if result is None:
        return
    items = _items(result.get("aeop_a_e_product_display_d_t_o_list"), "item_display_dto")
    if items is None:
        problem = "result has no `aeop_a_e_product_display_d_t_o_list`"
        if "aeop_a_e_product_display_d_t_o_list" in result:
            problem = "result's `aeop_a_e_product_display_d_t_o_list` is not a list or object"
        parsed.refuse("listings", page, problem, incomplete=("listings",))
        return
    for index, item in enumerate(items):
        where = _at(page, index)
        if not isinstance(item, dict):
            parsed.refuse("listings", where, "listing is not an object", item, incomplete=("listings",))
            continue
        product_id, reason = canonical_id(item.get("product_id"))
        if product_id is None:
            parsed.refuse(
                "listings", where, id_problem("listing", "product_id", reason), item, incomplete=("listings",)
            )
            continue
        row, notes = text_row(item, reserved=LISTING_LOADER_COLUMNS)
        row |= {"store_key": store_key, "product_id": product_id, "product_status_type": status_type}
        parsed.add("listings", row, where, notes)


def parse_product_info(parsed: ParsedAliExpress, store_key: str, page: Page) -> None:
    """`aliexpress.solution.product.info.get`: the listing's SKUs (stock) and its details (category, attributes).

    A response whose SKU or attribute container cannot be read is quarantined whole, so the listing keeps
    its last SKUs rather than losing them.
    """
    result = _result(parsed, "listing_skus", page)
    if result is None:
        return
    product_id, reason = canonical_id(result.get("product_id"))
    if product_id is None:
        parsed.refuse("listing_skus", page, id_problem("product info", "product_id", reason))
        return
    skus = _items(result.get(SKU_CONTAINER, []), "global_aeop_ae_product_sku")
    attributes = _items(result.get(ATTRIBUTE_CONTAINER, []), "global_aeop_ae_product_property")
    if skus is None or attributes is None:
        which = "SKU" if skus is None else "attribute"
        parsed.refuse("listing_skus", page, f"the {which} container is not a list or object")
        return
    details, notes = text_row(result, skip=frozenset({SKU_CONTAINER}))
    parsed.add("listing_details", {**details, "store_key": store_key, "product_id": product_id}, page, notes)
    # One row per attribute as well, so that SQL needs no engine-specific JSON functions to read them.
    for index, attribute in enumerate(attributes):
        if not isinstance(attribute, dict):
            parsed.refuse("listing_attributes", _at(page, f"attribute{index}"), "attribute is not an object", attribute)
            continue
        row, notes = text_row(attribute, reserved=CHILD_LOADER_COLUMNS)
        parsed.add("listing_attributes", {**row, "store_key": store_key, "product_id": product_id}, page, notes)
    for index, sku in enumerate(skus):
        where = _at(page, index)
        if not isinstance(sku, dict):
            parsed.refuse("listing_skus", where, "SKU is not an object", sku)
            continue
        sku_id, reason = canonical_id(sku.get("id"))
        if sku_id is None:
            parsed.refuse("listing_skus", where, id_problem("SKU", "id", reason), sku)
            continue
        row, notes = text_row(sku, reserved=CHILD_LOADER_COLUMNS)
        parsed.add(
            "listing_skus", {**row, "store_key": store_key, "product_id": product_id, "id": sku_id}, where, notes
        )


def info_product_id(page: Page) -> str | None:
    """The listing a `product.info.get` page describes, if it can be read."""
    body = unwrap(page.body)
    result = body.get("result") if isinstance(body, dict) else None
    return canonical_id(result.get("product_id"))[0] if isinstance(result, dict) else None


def audit_event_id(store_key: str, product_id: str, status: str | None, time_stamp: str | None) -> str:
    """A stable id for outcomes delivered without one, so a second delivery collapses into the first."""
    key = "|".join([store_key, product_id, status or "", time_stamp or ""])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def parse_audit_event(parsed: ParsedAliExpress, store_key: str, page: Page) -> None:
    """One audit outcome (`findaeproductstatusbyid` + listing diagnosis), one JSONL line."""
    if page.error:
        parsed.refuse("audit_events", page, page.error)
        return
    event = page.body
    product_id, reason = canonical_id(event.get("product_id")) if isinstance(event, dict) else (None, "missing")
    if product_id is None:
        parsed.refuse("audit_events", page, id_problem("audit outcome", "product_id", reason))
        return
    row, notes = text_row(event)
    row |= {"store_key": store_key, "product_id": product_id}
    if not row.get("event_id"):
        row["event_id"] = audit_event_id(store_key, product_id, row.get("status"), row.get("time_stamp"))
    parsed.add("audit_events", row, page, notes)


def _at(page: Page, index: int | str) -> Page:
    """The same page, pointing at one record inside it."""
    return Page(origin=f"{page.origin}#{index}", body=page.body, line=page.line)

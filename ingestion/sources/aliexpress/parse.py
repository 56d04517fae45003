"""AliExpress API responses → raw rows. One parser per response shape, whatever produced the page.

Raw keeps field names as the API spells them and values as received (text); only records that
cannot be parsed or lack their key are quarantined.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from typing import Any

from ingestion.sources.common.pages import Page, QuarantinedRecord, as_text, text_row

PRODUCT_STATUS_TYPES = ("onSelling", "offline", "auditing", "editingRequired")
LISTING_KEY = ("store_key", "product_id")
SKU_KEY = ("store_key", "product_id", "id")
DETAIL_KEY = ("store_key", "product_id")
ATTRIBUTE_KEY = ("store_key", "product_id")
AUDIT_EVENT_KEY = ("store_key", "event_id")
SKU_CONTAINER = "aeop_ae_product_s_k_us"
ATTRIBUTE_CONTAINER = "aeop_ae_product_propertys"
# The fields staging reads: every raw table has these columns even when a load carries none of them.
LISTING_COLUMNS = (
    "product_status_type", "ws_display", "subject", "gmt_create", "gmt_modified", "ws_offline_date",
    "product_min_price", "product_max_price", "currency_code", "group_id",
)
SKU_COLUMNS = ("sku_code", "ipm_sku_stock", "sku_stock", "sku_price")
DETAIL_COLUMNS = ("category_id", "product_status_type", "gmt_modified", "aeop_ae_product_propertys")
ATTRIBUTE_COLUMNS = ("attr_name_id", "attr_name", "attr_value_id", "attr_value")
AUDIT_EVENT_COLUMNS = ("product_id", "status", "time_stamp", "reason_code", "reason_message")


@dataclass
class ParsedAliExpress:
    listings: list[dict[str, Any]] = field(default_factory=list)
    listing_skus: list[dict[str, Any]] = field(default_factory=list)
    listing_details: list[dict[str, Any]] = field(default_factory=list)
    listing_attributes: list[dict[str, Any]] = field(default_factory=list)
    audit_events: list[dict[str, Any]] = field(default_factory=list)
    quarantine: list[QuarantinedRecord] = field(default_factory=list)

    def row_counts(self) -> dict[str, int]:
        """Rows parsed per raw table."""
        return {item.name: len(getattr(self, item.name)) for item in fields(self) if item.name != "quarantine"}


def unwrap(body: Any) -> Any:
    """Drop the `<method>_response` envelope the gateway adds (absent with simplify=true)."""
    if isinstance(body, dict) and len(body) == 1:
        (key, value), = body.items()
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



def _result(parsed: ParsedAliExpress, resource: str, page: Page) -> dict[str, Any] | None:
    if page.error:
        parsed.quarantine.append(QuarantinedRecord.of(resource, page, page.error))
        return None
    error = api_error(page.body)
    body = unwrap(page.body)
    result = body.get("result") if isinstance(body, dict) else None
    if error or not isinstance(result, dict):
        parsed.quarantine.append(QuarantinedRecord.of(resource, page, error or "response has no `result` object"))
        return None
    return result


def parse_product_list(parsed: ParsedAliExpress, store_key: str, status_type: str, page: Page) -> None:
    """`aliexpress.solution.product.list.get`: items carry no status; the pass that returned them does."""
    result = _result(parsed, "listings", page)
    if result is None:
        return
    items = _items(result.get("aeop_a_e_product_display_d_t_o_list"), "item_display_dto")
    if items is None:
        parsed.quarantine.append(QuarantinedRecord.of("listings", page, "result has no `aeop_a_e_product_display_d_t_o_list`"))
        return
    for index, item in enumerate(items):
        if not isinstance(item, dict) or item.get("product_id") in (None, ""):
            parsed.quarantine.append(QuarantinedRecord.of("listings", _at(page, index), "listing without product_id", item))
            continue
        row = {"store_key": store_key, **text_row(item), "product_status_type": status_type}
        parsed.listings.append(row)


def parse_product_info(parsed: ParsedAliExpress, store_key: str, page: Page) -> None:
    """`aliexpress.solution.product.info.get`: the listing's SKUs (stock) and its details (category, attributes)."""
    result = _result(parsed, "listing_skus", page)
    if result is None:
        return
    product_id = as_text(result.get("product_id"))
    if not product_id:
        parsed.quarantine.append(QuarantinedRecord.of("listing_skus", page, "product info without product_id"))
        return
    parsed.listing_details.append(
        {"store_key": store_key, **text_row(result, skip=frozenset({SKU_CONTAINER}))}
    )
    # One row per attribute as well, so that SQL needs no engine-specific JSON functions to read them.
    for attribute in _items(result.get(ATTRIBUTE_CONTAINER), "global_aeop_ae_product_property") or []:
        if isinstance(attribute, dict):
            parsed.listing_attributes.append({"store_key": store_key, "product_id": product_id, **text_row(attribute)})
    skus = _items(result.get(SKU_CONTAINER), "global_aeop_ae_product_sku") or []
    for index, sku in enumerate(skus):
        if not isinstance(sku, dict) or sku.get("id") in (None, ""):
            parsed.quarantine.append(QuarantinedRecord.of("listing_skus", _at(page, index), "SKU without id", sku))
            continue
        parsed.listing_skus.append({"store_key": store_key, "product_id": product_id, **text_row(sku)})


def audit_event_id(store_key: str, product_id: str, status: str | None, time_stamp: str | None) -> str:
    """A stable id for outcomes delivered without one, so a second delivery collapses into the first."""
    key = "|".join([store_key, product_id, status or "", time_stamp or ""])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def parse_audit_event(parsed: ParsedAliExpress, store_key: str, page: Page) -> None:
    """One audit outcome (`findaeproductstatusbyid` + listing diagnosis), one JSONL line."""
    if page.error:
        parsed.quarantine.append(QuarantinedRecord.of("audit_events", page, page.error))
        return
    event = page.body
    if not isinstance(event, dict) or event.get("product_id") in (None, ""):
        parsed.quarantine.append(QuarantinedRecord.of("audit_events", page, "audit outcome without product_id"))
        return
    row = {"store_key": store_key, **text_row(event)}
    if not row.get("event_id"):
        row["event_id"] = audit_event_id(store_key, row["product_id"], row.get("status"), row.get("time_stamp"))
    parsed.audit_events.append(row)


def _at(page: Page, index: int) -> Page:
    """The same page, pointing at one record inside it."""
    return Page(origin=f"{page.origin}#{index}", body=page.body, line=page.line)

"""BigCommerce v3 responses → raw rows, one parser per response shape (see aliexpress/parse.py)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from ingestion.sources.common.pages import Page, QuarantinedRecord, as_text, text_row

PRODUCT_KEY = ("store_key", "id")
VARIANT_KEY = ("store_key", "id")
INVENTORY_ITEM_KEY = ("store_key", "variant_id", "location_id")
# The fields staging reads: every raw table has these columns even when a load carries none of them.
PRODUCT_COLUMNS = ("name", "sku", "inventory_tracking", "inventory_level", "availability", "is_visible", "date_modified")
VARIANT_COLUMNS = ("product_id", "sku", "inventory_level", "purchasing_disabled")
INVENTORY_ITEM_COLUMNS = ("sku", "product_id", "location_enabled", "available_to_sell", "total_inventory_onhand", "safety_stock")


@dataclass
class ParsedBigCommerce:
    products: list[dict[str, Any]] = field(default_factory=list)
    variants: list[dict[str, Any]] = field(default_factory=list)
    inventory_items: list[dict[str, Any]] = field(default_factory=list)
    quarantine: list[QuarantinedRecord] = field(default_factory=list)

    def row_counts(self) -> dict[str, int]:
        """Rows parsed per raw table."""
        return {item.name: len(getattr(self, item.name)) for item in fields(self) if item.name != "quarantine"}



def _data(parsed: ParsedBigCommerce, resource: str, page: Page) -> list[Any] | None:
    if page.error:
        parsed.quarantine.append(QuarantinedRecord.of(resource, page, page.error))
        return None
    data = page.body.get("data") if isinstance(page.body, dict) else None
    if not isinstance(data, list):
        reason = "response has no `data` list"
        if isinstance(page.body, dict) and "title" in page.body:
            reason = f"BigCommerce error {page.body.get('status')}: {page.body.get('title')}"
        parsed.quarantine.append(QuarantinedRecord.of(resource, page, reason))
        return None
    return data


def _at(page: Page, path: str) -> Page:
    return Page(origin=f"{page.origin}#{path}", body=page.body, line=page.line)


def parse_catalog_page(parsed: ParsedBigCommerce, store_key: str, page: Page) -> None:
    """`GET /v3/catalog/products?include=variants`: products and, nested, their variants."""
    data = _data(parsed, "products", page)
    if data is None:
        return
    for index, product in enumerate(data):
        if not isinstance(product, dict) or product.get("id") in (None, ""):
            parsed.quarantine.append(QuarantinedRecord.of("products", _at(page, f"data[{index}]"), "product without id", product))
            continue
        product_id = as_text(product["id"])
        parsed.products.append({"store_key": store_key, **text_row(product, skip=frozenset({"variants"}))})
        for v_index, variant in enumerate(product.get("variants") or []):
            where = _at(page, f"data[{index}].variants[{v_index}]")
            if not isinstance(variant, dict) or variant.get("id") in (None, ""):
                parsed.quarantine.append(QuarantinedRecord.of("variants", where, "variant without id", variant))
                continue
            if "sku" not in variant:
                parsed.quarantine.append(QuarantinedRecord.of("variants", where, "variant without sku", variant))
                continue
            row = {"store_key": store_key, **text_row(variant)}
            row["product_id"] = row.get("product_id") or product_id
            parsed.variants.append(row)


def parse_inventory_page(parsed: ParsedBigCommerce, store_key: str, page: Page) -> None:
    """`GET /v3/inventory/items`: one row per variant and location."""
    data = _data(parsed, "inventory_items", page)
    if data is None:
        return
    for index, item in enumerate(data):
        identity = item.get("identity") if isinstance(item, dict) else None
        if not isinstance(identity, dict) or identity.get("variant_id") in (None, ""):
            parsed.quarantine.append(QuarantinedRecord.of("inventory_items", _at(page, f"data[{index}]"), "inventory item without variant_id", item))
            continue
        for location in item.get("locations") or []:
            settings = location.get("settings") or {}
            parsed.inventory_items.append(
                {
                    "store_key": store_key,
                    "variant_id": as_text(identity.get("variant_id")),
                    "location_id": as_text(location.get("location_id")),
                    "sku": as_text(identity.get("sku")),
                    "product_id": as_text(identity.get("product_id")),
                    **text_row(location, skip=frozenset({"location_id", "settings"})),
                    "safety_stock": as_text(settings.get("safety_stock")),
                }
            )

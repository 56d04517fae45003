"""BigCommerce v3 responses → raw rows, one parser per response shape (see aliexpress/parse.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingestion.sources.common.pages import Page, ParsedRows, as_text, canonical_id, id_problem, text_row

PRODUCT_KEY = ("store_key", "id")
VARIANT_KEY = ("store_key", "id")
INVENTORY_ITEM_KEY = ("store_key", "variant_id", "location_id")
# The fields staging reads: every raw table has these columns even when a load carries none of them.
PRODUCT_COLUMNS = ("name", "sku", "inventory_tracking", "inventory_level", "availability", "is_visible", "date_modified")
VARIANT_COLUMNS = ("product_id", "sku", "inventory_level", "purchasing_disabled")
INVENTORY_ITEM_COLUMNS = ("sku", "product_id", "location_enabled", "available_to_sell", "total_inventory_onhand", "safety_stock")


# Columns the loader sets beside the payload's own (a payload field of that name is kept as payload_<name>).
INVENTORY_LOADER_COLUMNS = frozenset({"variant_id", "location_id", "sku", "product_id", "safety_stock"})
CATALOGUE = ("products", "variants")


@dataclass
class ParsedBigCommerce(ParsedRows):
    TABLES = ("products", "variants", "inventory_items")

    products: list[dict[str, Any]] = field(default_factory=list)
    variants: list[dict[str, Any]] = field(default_factory=list)
    inventory_items: list[dict[str, Any]] = field(default_factory=list)


def _data(parsed: ParsedBigCommerce, resource: str, page: Page, incomplete: tuple[str, ...]) -> list[Any] | None:
    if page.error:
        parsed.refuse(resource, page, page.error, incomplete=incomplete)
        return None
    data = page.body.get("data") if isinstance(page.body, dict) else None
    if not isinstance(data, list):
        reason = "response has no `data` list"
        if isinstance(page.body, dict) and "title" in page.body:
            reason = f"BigCommerce error {page.body.get('status')}: {page.body.get('title')}"
        parsed.refuse(resource, page, reason, incomplete=incomplete)
        return None
    return data


def page_numbers(page: Page) -> tuple[Any, Any] | None:
    """`(current_page, total_pages)` of a v3 page, from `meta.pagination`."""
    meta = page.body.get("meta") if isinstance(page.body, dict) else None
    pagination = meta.get("pagination") if isinstance(meta, dict) else None
    return (pagination.get("current_page"), pagination.get("total_pages")) if isinstance(pagination, dict) else None


def _at(page: Page, path: str) -> Page:
    return Page(origin=f"{page.origin}#{path}", body=page.body, line=page.line)


def parse_catalog_page(parsed: ParsedBigCommerce, store_key: str, page: Page) -> None:
    """`GET /v3/catalog/products?include=variants`: products and, nested, their variants.

    A page, product or variant that cannot be read makes the catalogue sweep incomplete (nothing retires).
    """
    data = _data(parsed, "products", page, CATALOGUE)
    if data is None:
        return
    for index, product in enumerate(data):
        where = _at(page, f"data[{index}]")
        product_id, reason = canonical_id(product.get("id")) if isinstance(product, dict) else (None, "missing")
        if product_id is None:
            parsed.refuse("products", where, id_problem("product", "id", reason), product, CATALOGUE)
            continue
        row, notes = text_row(product, skip=frozenset({"variants"}))
        parsed.add("products", {**row, "store_key": store_key, "id": product_id}, where, notes)
        variants = product.get("variants")
        if not isinstance(variants, list):
            reason = "`variants` is not a list" if "variants" in product else "product without `variants` (include=variants)"
            parsed.refuse("variants", where, reason, variants, ("variants",))
            continue
        for v_index, variant in enumerate(variants):
            _parse_variant(parsed, store_key, product_id, variant, _at(page, f"data[{index}].variants[{v_index}]"))


def _parse_variant(parsed: ParsedBigCommerce, store_key: str, product_id: str, variant: Any, where: Page) -> None:
    variant_id, reason = canonical_id(variant.get("id")) if isinstance(variant, dict) else (None, "missing")
    if variant_id is None:
        parsed.refuse("variants", where, id_problem("variant", "id", reason), variant, ("variants",))
        return
    if "sku" not in variant:
        parsed.refuse("variants", where, "variant without sku", variant, ("variants",))
        return
    row, notes = text_row(variant)
    own_product_id = canonical_id(variant.get("product_id"))[0]
    row |= {"store_key": store_key, "id": variant_id, "product_id": own_product_id or product_id}
    parsed.add("variants", row, where, notes)


def parse_inventory_page(parsed: ParsedBigCommerce, store_key: str, page: Page) -> None:
    """`GET /v3/inventory/items`: one row per variant and location."""
    data = _data(parsed, "inventory_items", page, ("inventory_items",))
    if data is None:
        return
    for index, item in enumerate(data):
        where = _at(page, f"data[{index}]")
        identity = item.get("identity") if isinstance(item, dict) else None
        variant_id = canonical_id(identity.get("variant_id"))[0] if isinstance(identity, dict) else None
        if not isinstance(identity, dict) or variant_id is None:
            parsed.refuse("inventory_items", where, "inventory item without variant_id", item, ("inventory_items",))
            continue
        locations = item.get("locations")
        if not isinstance(locations, list):
            parsed.refuse("inventory_items", where, "`locations` is not a list", item, ("inventory_items",))
            continue
        for l_index, location in enumerate(locations):
            at = _at(page, f"data[{index}].locations[{l_index}]")
            location_id = canonical_id(location.get("location_id"))[0] if isinstance(location, dict) else None
            if not isinstance(location, dict) or location_id is None:
                parsed.refuse("inventory_items", at, "location is not an object" if not isinstance(location, dict)
                              else "location without location_id", location, ("inventory_items",))
                continue
            settings = location.get("settings")
            row, notes = text_row(
                location, reserved=INVENTORY_LOADER_COLUMNS, skip=frozenset({"settings"} if isinstance(settings, dict) else ())
            )
            parsed.add("inventory_items", {
                **row,
                "store_key": store_key,
                "variant_id": variant_id,
                "location_id": location_id,
                "sku": as_text(identity.get("sku")),
                "product_id": canonical_id(identity.get("product_id"))[0],
                "safety_stock": as_text(settings.get("safety_stock")) if isinstance(settings, dict) else None,
            }, at, notes)

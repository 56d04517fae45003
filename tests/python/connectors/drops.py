"""Write file-drop folders (the layout in docs/architecture.md) in the APIs' real response shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write(root: Path, relative: str, content: Any) -> Path:
    """`content` as JSON, or as-is when it is already text (to write broken files on purpose)."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def jsonl(records: list[Any]) -> str:
    return "".join((record if isinstance(record, str) else json.dumps(record)) + "\n" for record in records)


def list_item(product_id: int, gmt_modified: str, ws_display: str | None = None, **extra: Any) -> dict[str, Any]:
    item = {"product_id": product_id, "subject": f"Listing {product_id}", "gmt_create": "2025-06-01 10:00:00",
            "gmt_modified": gmt_modified, "ws_offline_date": "2026-09-01 10:00:00",
            "product_min_price": "9.90", "product_max_price": "9.90", "currency_code": "USD", "group_id": 0, **extra}
    if ws_display:
        item["ws_display"] = ws_display
    return item


def product_list(items: list[Any], simplify: bool = False) -> dict[str, Any]:
    """One product.list.get response; `simplify=True` gives the shape without the envelope and wrapper."""
    if simplify:
        return {"result": {"aeop_a_e_product_display_d_t_o_list": items, "current_page": 1, "total_page": 1,
                           "product_count": len(items), "success": True}}
    return {"aliexpress_solution_product_list_get_response": {"result": {
        "aeop_a_e_product_display_d_t_o_list": {"item_display_dto": items},
        "current_page": 1, "page_size": 50, "product_count": len(items), "total_page": 1, "success": True},
        "request_id": "drop"}}


def product_info(product_id: int, status_type: str, gmt_modified: str, skus: list[dict[str, Any]],
                 ws_display: str | None = None) -> dict[str, Any]:
    return {"aliexpress_solution_product_info_get_response": {"result": {
        "product_id": product_id, "category_id": 200000346, "product_status_type": status_type,
        "ws_display": ws_display, "gmt_modified": gmt_modified,
        "aeop_ae_product_s_k_us": {"global_aeop_ae_product_sku": skus},
        "aeop_ae_product_propertys": {"global_aeop_ae_product_property": [
            {"attr_name_id": 2, "attr_name": "Brand Name", "attr_value": "Acme"}]},
        "success": True}}}


def sku(sku_id: str, code: str, stock: Any) -> dict[str, Any]:
    return {"id": sku_id, "sku_code": code, "ipm_sku_stock": stock, "sku_stock": True, "sku_price": "9.90",
            "currency_code": "USD"}


def catalog_page(products: list[dict[str, Any]], page: int = 1, total_pages: int = 1) -> dict[str, Any]:
    return {"data": products, "meta": {"pagination": {"total": len(products), "count": len(products), "per_page": 250,
                                                      "current_page": page, "total_pages": total_pages}}}

"""Write file-drop folders (the layout in docs/architecture.md) in the APIs' real response shapes, and load them."""

from __future__ import annotations

import json
from datetime import timedelta  # noqa: F401  (tests build times with drops.timedelta)
from pathlib import Path
from typing import Any

from ingestion.cli import main


def write(root: Path, relative: str, content: Any) -> Path:
    """`content` as JSON, or as-is when it is already text (to write broken files on purpose)."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def load_drop(drop: Path, store: str, observed_at: str, *extra: str) -> int:
    """`listing-pulse load --source files` of `drop` as `store`; the exit code."""
    return main(
        ["load", "--source", "files", "--path", str(drop), "--store", store, "--observed-at", observed_at, *extra]
    )


def jsonl(records: list[Any]) -> str:
    return "".join((record if isinstance(record, str) else json.dumps(record)) + "\n" for record in records)


def list_item(product_id: int, gmt_modified: str, ws_display: str | None = None, **extra: Any) -> dict[str, Any]:
    item = {
        "product_id": product_id,
        "subject": f"Listing {product_id}",
        "gmt_create": "2025-06-01 10:00:00",
        "gmt_modified": gmt_modified,
        "ws_offline_date": "2026-09-01 10:00:00",
        "product_min_price": "9.90",
        "product_max_price": "9.90",
        "currency_code": "USD",
        "group_id": 0,
        **extra,
    }
    if ws_display:
        item["ws_display"] = ws_display
    return item


def product_list(items: list[Any], simplify: bool = False, page: int = 1, total_pages: int = 1) -> dict[str, Any]:
    """One product.list.get response; `simplify=True` gives the shape without the envelope and wrapper."""
    if simplify:
        return {
            "result": {
                "aeop_a_e_product_display_d_t_o_list": items,
                "current_page": page,
                "total_page": total_pages,
                "product_count": len(items),
                "success": True,
            }
        }
    return {
        "aliexpress_solution_product_list_get_response": {
            "result": {
                "aeop_a_e_product_display_d_t_o_list": {"item_display_dto": items},
                "current_page": page,
                "page_size": 50,
                "product_count": len(items),
                "total_page": total_pages,
                "success": True,
            },
            "request_id": "drop",
        }
    }


def product_info(
    product_id: int, status_type: str, gmt_modified: str, skus: list[dict[str, Any]], ws_display: str | None = None
) -> dict[str, Any]:
    return {
        "aliexpress_solution_product_info_get_response": {
            "result": {
                "product_id": product_id,
                "category_id": 200000346,
                "product_status_type": status_type,
                "ws_display": ws_display,
                "gmt_modified": gmt_modified,
                "aeop_ae_product_s_k_us": {"global_aeop_ae_product_sku": skus},
                "aeop_ae_product_propertys": {
                    "global_aeop_ae_product_property": [
                        {"attr_name_id": 2, "attr_name": "Brand Name", "attr_value": "Acme"}
                    ]
                },
                "success": True,
            }
        }
    }


def sku(sku_id: str, code: str, stock: Any) -> dict[str, Any]:
    return {
        "id": sku_id,
        "sku_code": code,
        "ipm_sku_stock": stock,
        "sku_stock": True,
        "sku_price": "9.90",
        "currency_code": "USD",
    }


def catalog_page(products: list[dict[str, Any]], page: int = 1, total_pages: int = 1) -> dict[str, Any]:
    return {
        "data": products,
        "meta": {
            "pagination": {
                "total": len(products),
                "count": len(products),
                "per_page": 250,
                "current_page": page,
                "total_pages": total_pages,
            }
        },
    }


PASSES = ("onSelling", "offline", "auditing", "editingRequired")


def listing_drop(root: Path, passes: dict[str, list[list[Any]]]) -> Path:
    """All four listing passes, each a list of pages (a list of items each); a pass not named is empty."""
    for status_type in PASSES:
        pages = passes.get(status_type, [[]])
        for number, items in enumerate(pages, start=1):
            write(
                root,
                f"aliexpress/product_list/{status_type}/page-{number:03}.json",
                product_list(items, page=number, total_pages=len(pages)),
            )
    return root


def catalog_drop(root: Path, pages: list[list[dict[str, Any]]], inventory: list[dict[str, Any]] | None = None) -> Path:
    for number, products in enumerate(pages, start=1):
        write(root, f"bigcommerce/catalog_products/page-{number:03}.json", catalog_page(products, number, len(pages)))
    if inventory is not None:
        write(root, "bigcommerce/inventory_items/page-001.json", {"data": inventory, "meta": {}})
    return root


def inventory_item(variant_id: int, product_id: int, sku_code: str, locations: Any) -> dict[str, Any]:
    return {"identity": {"sku": sku_code, "variant_id": variant_id, "product_id": product_id}, "locations": locations}


def location(location_id: int, available: int) -> dict[str, Any]:
    return {
        "location_id": location_id,
        "location_enabled": True,
        "available_to_sell": available,
        "total_inventory_onhand": available,
        "settings": {"safety_stock": 0},
    }

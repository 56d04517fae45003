"""Read saved BigCommerce responses from a file-drop folder (docs/architecture.md) as the same pages
the API client yields.

    DIR/bigcommerce/catalog_products/*.json    one catalog/products?include=variants page per file
    DIR/bigcommerce/inventory_items/*.json     optional, one inventory/items page per file
"""

from __future__ import annotations

from pathlib import Path

from ingestion.sources.common.captures import BigCommerceCapture
from ingestion.sources.common.pages import Page, read_pages, unread_entries

FOLDERS = ("catalog_products", "inventory_items")


def read_drop(folder: Path) -> BigCommerceCapture | None:
    """The capture under `folder/bigcommerce`, or None when the drop holds no BigCommerce responses.

    A missing catalog_products/ folder yields an error page (the catalogue was not saved, so nothing is
    retired); a missing inventory_items/ folder is a sweep without multi-location stock.
    """
    root = folder / "bigcommerce"
    if not root.is_dir():
        return None
    catalogue = root / "catalog_products"
    capture = BigCommerceCapture(
        catalog_pages=list(read_pages(catalogue, (".json",))),
        inventory_pages=list(read_pages(root / "inventory_items", (".json",))),
        unread=list(unread_entries(root, FOLDERS)),
    )
    if not catalogue.is_dir():
        capture.catalog_pages.append(
            Page(origin=str(catalogue), error="folder missing: the catalogue was not saved, so no product is retired")
        )
    return capture

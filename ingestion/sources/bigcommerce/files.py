"""Read saved BigCommerce responses from a file-drop folder (docs/architecture.md) as the same pages
the API client yields.

    DIR/bigcommerce/catalog_products/*.json    one catalog/products?include=variants page per file
    DIR/bigcommerce/inventory_items/*.json     optional, one inventory/items page per file
"""

from __future__ import annotations

from pathlib import Path

from ingestion.sources.common.captures import BigCommerceCapture
from ingestion.sources.common.pages import read_pages


def read_drop(folder: Path) -> BigCommerceCapture | None:
    root = folder / "bigcommerce"
    if not root.is_dir():
        return None
    return BigCommerceCapture(
        catalog_pages=list(read_pages(root / "catalog_products")),
        inventory_pages=list(read_pages(root / "inventory_items")),
    )

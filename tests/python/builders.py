"""Constants and payload builders shared by the Python tests, so every test speaks of the same moments.

`AS_OF` is the moment the shared warehouses are built at; `BACKLOG_OBSERVATIONS` are the three observations
of the `backlog_clears` scenario generated around it (as_of - 3d, - 2d, as_of).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

AS_OF = datetime(2026, 3, 11, 9, 0, tzinfo=timezone.utc)
BACKLOG_OBSERVATIONS = (
    datetime(2026, 3, 8, 9, 0, tzinfo=timezone.utc),
    datetime(2026, 3, 9, 9, 0, tzinfo=timezone.utc),
    AS_OF,
)


def bc_product(pid: int, sku: str, tracking: str, level: int, variants: list[tuple[int, str, int]]) -> dict[str, Any]:
    """One product of a BigCommerce `catalog/products?include=variants` page, with its variants given as
    (variant id, SKU, inventory level)."""
    return {"id": pid, "name": f"Product {pid}", "type": "physical", "sku": sku, "inventory_tracking": tracking,
            "inventory_level": level, "availability": "available", "is_visible": True,
            "date_modified": "2026-03-01T10:00:00+00:00",
            "variants": [{"id": vid, "product_id": pid, "sku": vsku, "inventory_level": vlevel,
                          "purchasing_disabled": False} for vid, vsku, vlevel in variants]}

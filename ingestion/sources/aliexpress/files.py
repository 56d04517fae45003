"""Read saved AliExpress responses from a file-drop folder (docs/architecture.md) as the same pages
the API client yields.

    DIR/aliexpress/product_list/<product_status_type>/*.json   one product.list.get response per file
    DIR/aliexpress/product_info/*.json | *.jsonl               one product.info.get response per file or line
    DIR/aliexpress/audit_events/*.jsonl                        one audit outcome per line
"""

from __future__ import annotations

from pathlib import Path

from ingestion.sources.aliexpress.parse import PRODUCT_STATUS_TYPES
from ingestion.sources.common.captures import AliExpressCapture
from ingestion.sources.common.pages import read_pages


def read_drop(folder: Path) -> AliExpressCapture | None:
    """The capture under `folder/aliexpress`, or None when the drop holds no AliExpress responses."""
    root = folder / "aliexpress"
    if not root.is_dir():
        return None
    capture = AliExpressCapture()
    for status_type in PRODUCT_STATUS_TYPES:
        for page in read_pages(root / "product_list" / status_type):
            capture.product_lists.append((status_type, page))
    capture.product_infos = list(read_pages(root / "product_info"))
    capture.audit_events = list(read_pages(root / "audit_events"))
    return capture

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
from ingestion.sources.common.http import SourceError
from ingestion.sources.common.pages import Page, read_pages, unread_entries

FOLDERS = ("product_list", "product_info", "audit_events")


def read_drop(folder: Path) -> AliExpressCapture | None:
    """The capture under `folder/aliexpress`, or None when the drop holds no AliExpress responses.

    A pass folder that is missing yields an error page (the pass was not saved, so the sweep is
    incomplete); a folder under product_list/ that is not a `product_status_type` refuses the load,
    naming it (its listings have no status the cards know); anything else not read is listed in `unread`.
    """
    root = folder / "aliexpress"
    if not root.is_dir():
        return None
    lists = root / "product_list"
    folders = sorted(lists.iterdir()) if lists.is_dir() else []
    unknown = [path for path in folders if path.is_dir() and path.name not in PRODUCT_STATUS_TYPES]
    if unknown:
        raise SourceError(
            f"{', '.join(map(str, unknown))}: not a product_status_type folder (one of {', '.join(PRODUCT_STATUS_TYPES)}, "
            "spelled exactly so); rename or remove it. Nothing was loaded."
        )
    capture = AliExpressCapture()
    if lists.is_dir():
        capture.product_lists += [("", page) for page in unread_entries(lists, PRODUCT_STATUS_TYPES)]
    for status_type in PRODUCT_STATUS_TYPES:
        pass_folder = lists / status_type
        if not pass_folder.is_dir():
            missing = Page(origin=str(pass_folder), error="pass folder missing: the pass was not saved, so no listing is retired")
            capture.product_lists.append((status_type, missing))
        for page in read_pages(pass_folder, (".json",)):
            capture.product_lists.append((status_type, page))
    capture.product_infos = list(read_pages(root / "product_info"))
    capture.audit_events = list(read_pages(root / "audit_events", (".jsonl",)))
    capture.unread = list(unread_entries(root, FOLDERS))
    return capture

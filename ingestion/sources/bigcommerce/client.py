"""BigCommerce REST v3 client: one full catalogue sweep of a store, as `Page`s for parse.py.

Paging reads `meta.pagination.total_pages` and asks for `page=N`; `links.next` is relative and drops the
query string (`include=variants`), so it is never followed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import dlt
import requests

from ingestion.sources.common.captures import BigCommerceCapture
from ingestion.sources.common.config import resolve, setting_name
from ingestion.sources.common.http import HttpCaller, SourceError
from ingestion.sources.common.pages import Page

API_URL = "https://api.bigcommerce.com"
PAGE_LIMIT = 250


@dataclass(frozen=True)
class BigCommerceSettings:
    """One store's BigCommerce settings (see README "Connecting your stores")."""

    store_key: str
    store_hash: str
    access_token: str = field(repr=False)
    api_url: str = API_URL
    load_inventory: bool = False

    def setting(self, name: str) -> str:
        return setting_name("bigcommerce", self.store_key, name)


def _settings(
    store_hash: str = dlt.config.value,
    access_token: str = dlt.secrets.value,
    api_url: str = API_URL,
    load_inventory: bool = False,
) -> dict[str, Any]:
    return dict(locals())


def load_settings(store_key: str) -> BigCommerceSettings:
    """Settings from `[sources.bigcommerce.<store_key>]`, falling back to `[sources.bigcommerce]`."""
    return BigCommerceSettings(store_key=store_key, **resolve(_settings, "bigcommerce", store_key))


class BigCommerceClient:
    def __init__(self, settings: BigCommerceSettings, http: HttpCaller) -> None:
        self.settings = settings
        self.http = http
        self.http.secrets = tuple(s for s in (settings.access_token,) if s)

    def pages(self, path: str, params: dict[str, Any], resource: str) -> list[Page]:
        """Every page of `GET /stores/{hash}/v3/{path}`, page 1 to `meta.pagination.total_pages`.

        A page without a `data` list stops the sweep (nothing loaded): a partial catalogue would retire
        products that still exist.
        """
        base = f"{self.settings.api_url.rstrip('/')}/stores/{self.settings.store_hash}/v3/{path}"
        pages: list[Page] = []
        number, total = 1, 1
        while number <= total:
            body = self.http.json(
                "GET",
                base,
                what=f"BigCommerce {path} page {number}",
                auth_setting=f"{self.settings.setting('access_token')} (and {self.settings.setting('store_hash')})",
                params={**params, "page": number},
                headers={"X-Auth-Token": self.settings.access_token, "Accept": "application/json"},
            )
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise SourceError(
                    f"BigCommerce {path} page {number} came back without a `data` list; nothing was loaded."
                )
            pages.append(Page(f"api:{resource}?page={number}", body))
            pagination = (body.get("meta") or {}).get("pagination") or {}
            try:
                total = int(pagination.get("total_pages", number))
            except (TypeError, ValueError):
                total = number
            number += 1
        return pages


def sweep(client: BigCommerceClient, progress: Callable[[str], None] = lambda line: None) -> BigCommerceCapture:
    """The whole catalogue with variants (variants carry no date_modified: always a full sweep), and
    multi-location inventory when `load_inventory` is set."""
    capture = BigCommerceCapture()
    capture.catalog_pages = client.pages(
        "catalog/products", {"include": "variants", "limit": PAGE_LIMIT}, "catalog_products"
    )
    rows = sum(len(page.body["data"]) for page in capture.catalog_pages)
    progress(f"bigcommerce catalog products: {len(capture.catalog_pages)} page(s), {rows} product(s)")
    if client.settings.load_inventory:
        capture.inventory_pages = client.pages("inventory/items", {"limit": PAGE_LIMIT}, "inventory_items")
        rows = sum(len(page.body["data"]) for page in capture.inventory_pages)
        progress(f"bigcommerce inventory items: {len(capture.inventory_pages)} page(s), {rows} item(s)")
    return capture


def new_client(settings: BigCommerceSettings, http: HttpCaller | None = None) -> BigCommerceClient:
    return BigCommerceClient(settings, http or HttpCaller(requests.Session()))

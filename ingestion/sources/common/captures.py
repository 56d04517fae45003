"""One sweep of one store as pages: what the API clients, the file-drop readers and the sample generator
all produce, and the only thing the parsers read. Both sources' shapes live here so that a producer of
pages (the sample generator) depends on this contract, not on another source."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingestion.sources.common.pages import Page


@dataclass
class AliExpressCapture:
    """The responses of one sweep of one store.

    `product_lists` holds every `product.list.get` page of all four `product_status_type` passes,
    each with the pass that returned it: a listing absent from them all is retired.
    `product_infos` may cover only new or changed listings: SKUs are retired per listing.
    """

    product_lists: list[tuple[str, Page]] = field(default_factory=list)
    product_infos: list[Page] = field(default_factory=list)
    audit_events: list[Page] = field(default_factory=list)
    unread: list[Page] = field(default_factory=list)  # a drop's entries the reader does not take, with why


@dataclass
class BigCommerceCapture:
    """All `catalog/products?include=variants` pages of one sweep, and `inventory/items` pages if loaded."""

    catalog_pages: list[Page] = field(default_factory=list)
    inventory_pages: list[Page] = field(default_factory=list)
    unread: list[Page] = field(default_factory=list)  # a drop's entries the reader does not take, with why

"""An in-memory AliExpress store and its BigCommerce source catalogue, rendered as API pages.

Scenarios (scenarios.py) build a `SampleStore`, change it between observations, and call
`capture()` to get exactly the pages the real APIs return.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ingestion.sources.common.captures import ALIEXPRESS_TZ, AliExpressCapture, BigCommerceCapture
from ingestion.sources.common.pages import Page

LIST_PAGE_SIZE = 50
INFO_LINES_PER_FILE = 1000
PRODUCT_STATUS_TYPES = ("onSelling", "offline", "auditing", "editingRequired")  # the list passes, in sweep order
CATALOG_PAGE_SIZE = 250
CATEGORIES = (200000346, 200000345, 100003109, 200118010)
BRAND_ATTRIBUTE = {"attr_name_id": 2, "attr_name": "Brand Name"}

# (product_status_type, ws_display) of each lifecycle state a scenario fills.
ACTIVE = ("onSelling", None)
AUDITING = ("auditing", None)
EDITING_REQUIRED = ("editingRequired", None)
VIOLATE_OFFLINE = ("offline", "violate_offline")
PUNISH_OFFLINE = ("offline", "punish_offline")
EXPIRED = ("offline", "expire_offline")


def aliexpress_time(moment: datetime) -> str:
    return moment.astimezone(ALIEXPRESS_TZ).strftime("%Y-%m-%d %H:%M:%S")


def bigcommerce_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass
class Sku:
    id: int
    sku_code: str
    ipm_sku_stock: int
    price: str


@dataclass
class Listing:
    index: int
    product_id: int
    state: tuple[str, str | None]
    created: datetime
    modified: datetime
    offline_date: datetime
    category_id: int
    skus: list[Sku]
    has_brand: bool = True
    deleted: bool = False


@dataclass
class Variant:
    id: int
    product_id: int
    sku: str
    inventory_level: int
    locations: list[tuple[int, bool, int]] | None = None  # (location_id, enabled, available_to_sell)


@dataclass
class Product:
    id: int
    name: str
    sku: str
    inventory_tracking: str
    inventory_level: int
    modified: datetime
    variants: list[Variant]


@dataclass
class SampleStore:
    """Listing `i` syndicates BigCommerce product `i`; shapes and stock come from `seed` alone, so two
    stores built from one seed share BC ids and SKU codes (as agencies' sister stores do)."""

    as_of: datetime
    seed: int
    product_id_base: int
    listings: list[Listing] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def build(
        cls, as_of: datetime, seed: int, product_id_base: int, states: list[tuple[tuple[str, str | None], int]]
    ) -> SampleStore:
        store = cls(as_of=as_of, seed=seed, product_id_base=product_id_base)
        rng = random.Random(seed)
        index = 0
        for state, count in states:
            for _ in range(count):
                store._add(rng, index, state)
                index += 1
        return store

    def _add(self, rng: random.Random, i: int, state: tuple[str, str | None]) -> None:
        created = self.as_of - timedelta(days=rng.randint(30, 400), minutes=rng.randint(0, 1439))
        sku_count = rng.choice((1, 1, 2, 3))
        base_sku = f"LP-{i:05d}"
        codes = [base_sku] if sku_count == 1 else [f"{base_sku}-{k}" for k in range(1, sku_count + 1)]
        levels = [rng.randint(5, 150) for _ in codes]
        tracking = rng.choices(("variant", "product", "none"), weights=(80, 15, 5))[0]
        if sku_count == 1 and tracking == "variant":
            tracking = "product"  # a product without options tracks stock on the product
        product_id = 1000 + i
        variants = [
            Variant(100000 + i * 10 + k, product_id, code, level) for k, (code, level) in enumerate(zip(codes, levels))
        ]
        self.products.append(
            Product(product_id, f"Sample product {i}", base_sku, tracking, sum(levels), created, variants)
        )
        price = f"{rng.randint(3, 90)}.{rng.randint(0, 99):02d}"
        # The feed keeps AliExpress stock in sync with BC; scenarios then break it where they need to.
        skus = [Sku(200000 + i * 10 + k, code, level, price) for k, (code, level) in enumerate(zip(codes, levels))]
        self.listings.append(
            Listing(
                index=i,
                product_id=self.product_id_base + i,
                state=state,
                created=created,
                modified=created,
                offline_date=self.as_of + timedelta(days=rng.randint(3, 120)),
                category_id=rng.choice(CATEGORIES),
                skus=skus,
            )
        )

    def in_state(self, state: tuple[str, str | None]) -> list[Listing]:
        return [listing for listing in self.listings if listing.state == state and not listing.deleted]

    def product_of(self, listing: Listing) -> Product:
        return self.products[listing.index]

    def move(self, listing: Listing, state: tuple[str, str | None], at: datetime) -> None:
        listing.state = state
        listing.modified = at

    def outcome(
        self, listing: Listing, status: str, at: datetime, reason: tuple[str, str] | None = None
    ) -> dict[str, Any]:
        """An audit outcome as the file drop's audit_events lines carry it (no event_id: a stable hash is used)."""
        event: dict[str, Any] = {
            "product_id": listing.product_id,
            "status": status,
            "time_stamp": aliexpress_time(at),
        }
        if reason:
            event["reason_code"], event["reason_message"] = reason
        self.events.append(event)
        return event

    # ---- rendering ---------------------------------------------------------------------------
    def capture(self, delivered_events: list[dict[str, Any]]) -> tuple[AliExpressCapture, BigCommerceCapture]:
        aliexpress = AliExpressCapture(
            product_lists=list(self.list_pages()),
            product_infos=list(self.info_pages()),
            audit_events=[
                Page("sample/audit_events", dict(event), line=number)
                for number, event in enumerate(delivered_events, start=1)
            ],
        )
        return aliexpress, BigCommerceCapture(
            catalog_pages=list(self.catalog_pages()), inventory_pages=list(self.inventory_pages())
        )

    def write_drop(self, folder: Path, delivered_events: list[dict[str, Any]]) -> None:
        """The same pages as `capture()`, written page by page as a file drop (docs/architecture.md), so a
        large store never sits in memory as pages; product.info.get responses go 1,000 to a JSONL file."""

        def write(path: Path, lines: Iterable[Any]) -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w") as file:
                file.writelines(json.dumps(line) + "\n" for line in lines)

        root = folder / "aliexpress"
        for status_type in PRODUCT_STATUS_TYPES:  # an empty pass is still a pass that was saved
            (root / "product_list" / status_type).mkdir(parents=True, exist_ok=True)
        for number, (status_type, page) in enumerate(self.list_pages(), start=1):
            write(root / "product_list" / status_type / f"{number:06d}.json", [page.body])
        infos = self.info_pages()
        for number in itertools.count(1):
            chunk = [page.body for page in itertools.islice(infos, INFO_LINES_PER_FILE)]
            if not chunk:
                break
            write(root / "product_info" / f"{number:06d}.jsonl", chunk)
        write(root / "audit_events" / "events.jsonl", delivered_events)
        for number, page in enumerate(self.catalog_pages(), start=1):
            write(folder / "bigcommerce" / "catalog_products" / f"{number:06d}.json", [page.body])
        for number, page in enumerate(self.inventory_pages(), start=1):
            write(folder / "bigcommerce" / "inventory_items" / f"{number:06d}.json", [page.body])

    def list_pages(self) -> Iterator[tuple[str, Page]]:
        """Every product.list.get page of the four passes, each with its pass."""
        live = [listing for listing in self.listings if not listing.deleted]
        for status_type in PRODUCT_STATUS_TYPES:
            in_pass = [listing for listing in live if listing.state[0] == status_type]
            pages = max(1, -(-len(in_pass) // LIST_PAGE_SIZE))
            for number in range(1, pages + 1):
                chunk = in_pass[(number - 1) * LIST_PAGE_SIZE : number * LIST_PAGE_SIZE]
                body = {
                    "aliexpress_solution_product_list_get_response": {
                        "result": {
                            "aeop_a_e_product_display_d_t_o_list": {
                                "item_display_dto": [self._list_item(listing) for listing in chunk]
                            },
                            "current_page": number,
                            "page_size": LIST_PAGE_SIZE,
                            "product_count": len(in_pass),
                            "total_page": pages,
                            "success": True,
                        },
                        "request_id": f"sample-{status_type}-{number}",
                    }
                }
                yield status_type, Page(f"sample/product_list/{status_type}/{number}", body)

    def info_pages(self) -> Iterator[Page]:
        for listing in self.listings:
            if not listing.deleted:
                yield Page(f"sample/product_info/{listing.product_id}", self._info(listing))

    def _list_item(self, listing: Listing) -> dict[str, Any]:
        prices = [float(sku.price) for sku in listing.skus]
        item: dict[str, Any] = {
            "product_id": listing.product_id,
            "subject": f"Sample product {listing.index}",
            "gmt_create": aliexpress_time(listing.created),
            "gmt_modified": aliexpress_time(listing.modified),
            "ws_offline_date": aliexpress_time(listing.offline_date),
            "product_min_price": f"{min(prices):.2f}",
            "product_max_price": f"{max(prices):.2f}",
            "currency_code": "USD",
            "group_id": 0,
        }
        if listing.state[1]:
            item["ws_display"] = listing.state[1]
        return item

    def _info(self, listing: Listing) -> dict[str, Any]:
        properties = [{"attr_name_id": 10, "attr_name": "Material", "attr_value": "Cotton"}]
        if listing.has_brand:
            properties.append({**BRAND_ATTRIBUTE, "attr_value": "Acme"})
        return {
            "aliexpress_solution_product_info_get_response": {
                "result": {
                    "product_id": listing.product_id,
                    "category_id": listing.category_id,
                    "product_status_type": listing.state[0],
                    "ws_display": listing.state[1],
                    "gmt_modified": aliexpress_time(listing.modified),
                    "ws_offline_date": aliexpress_time(listing.offline_date),
                    "image_u_r_ls": ";".join(
                        f"https://ae01.alicdn.com/kf/sample-{listing.product_id}-{n}.jpg" for n in range(1, 7)
                    ),
                    "detail": f"<p>Sample product {listing.index}: cotton, machine washable.</p>",
                    "aeop_ae_product_s_k_us": {
                        "global_aeop_ae_product_sku": [
                            {
                                "id": str(sku.id),
                                "sku_code": sku.sku_code,
                                "ipm_sku_stock": sku.ipm_sku_stock,
                                "sku_stock": sku.ipm_sku_stock > 0,
                                "sku_price": sku.price,
                                "currency_code": "USD",
                            }
                            for sku in listing.skus
                        ]
                    },
                    "aeop_ae_product_propertys": {"global_aeop_ae_product_property": properties},
                    "success": True,
                }
            }
        }

    def catalog_pages(self) -> Iterator[Page]:
        pages = max(1, -(-len(self.products) // CATALOG_PAGE_SIZE))
        for number in range(1, pages + 1):
            chunk = self.products[(number - 1) * CATALOG_PAGE_SIZE : number * CATALOG_PAGE_SIZE]
            body = {
                "data": [self._product(product) for product in chunk],
                "meta": {
                    "pagination": {
                        "total": len(self.products),
                        "count": len(chunk),
                        "per_page": CATALOG_PAGE_SIZE,
                        "current_page": number,
                        "total_pages": pages,
                        "links": {"current": f"?page={number}&limit={CATALOG_PAGE_SIZE}"},
                    }
                },
            }
            yield Page(f"sample/catalog_products/{number}", body)

    def inventory_pages(self) -> Iterator[Page]:
        located = [variant for product in self.products for variant in product.variants if variant.locations]
        if located:
            body = {
                "data": [
                    {
                        "identity": {"sku": variant.sku, "variant_id": variant.id, "product_id": variant.product_id},
                        "locations": [
                            {
                                "location_id": location_id,
                                "location_enabled": enabled,
                                "available_to_sell": available,
                                "total_inventory_onhand": available,
                                "settings": {"safety_stock": 0},
                            }
                            for location_id, enabled, available in variant.locations or []
                        ],
                    }
                    for variant in located
                ],
                "meta": {"pagination": {"total": len(located), "current_page": 1, "total_pages": 1}},
            }
            yield Page("sample/inventory_items/1", body)

    def _product(self, product: Product) -> dict[str, Any]:
        return {
            "id": product.id,
            "name": product.name,
            "type": "physical",
            "sku": product.sku,
            "inventory_tracking": product.inventory_tracking,
            "inventory_level": product.inventory_level,
            "availability": "available",
            "is_visible": True,
            "date_modified": bigcommerce_time(product.modified),
            "variants": [
                {
                    "id": variant.id,
                    "product_id": variant.product_id,
                    "sku": variant.sku,
                    "inventory_level": variant.inventory_level,
                    "purchasing_disabled": False,
                }
                for variant in product.variants
            ],
        }

"""Two file drops of one store, in the real response shapes, loaded through the CLI and built once by dbt.

Drop 1 is captured at T1 = 2026-03-10 09:00Z; drop 2 at T2 = 2026-03-11 09:00Z, after: listing 3007 was
deleted, BigCommerce variant 422 (SKU BC-2B) was deleted, and listing 3004 went from auditing to
editingRequired (rejected) with a `refuse` outcome. Drop 2 carries product_info only for the changed
listing, as the API client fetches it. One `dbt build` at as_of = T2 (module fixture) serves every test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingestion.serving.dbt import run_dbt
from tests.python.builders import AS_OF, bc_product
from tests.python.connectors import drops
from tests.python.connectors.conftest import rows

STORE = "drop_shop"
T1 = "2026-03-10T09:00:00Z"
T2 = "2026-03-11T09:00:00Z"

# (product_id, status_type, ws_display, gmt_modified (GMT+8), [(sku id, sku_code, ipm_sku_stock)])
LISTINGS_T1 = [
    (3001, "onSelling", None, "2026-03-01 10:00:00", [("8001", "BC-1", 10)]),
    (3002, "onSelling", None, "2026-03-01 11:00:00", [("8002", "BC-2A", 4), ("8003", "BC-2B", 6)]),
    (3003, "onSelling", None, "2026-03-01 12:00:00", [("8004", "bc-3 ", 5)]),  # case and space differ from BC
    (3004, "auditing", None, "2026-03-09 10:00:00", [("8005", "BC-4", 2)]),
    (3005, "offline", "violate_offline", "2026-03-02 10:00:00", [("8006", "BC-5", 3)]),
    (3006, "offline", "expire_offline", "2026-03-03 10:00:00", [("8007", "BC-6", 1)]),
    (3007, "onSelling", None, "2026-03-04 10:00:00", [("8008", "BC-7", 9)]),
]
PRODUCTS_T1 = [  # (id, sku, tracking, product level, variants)
    (41, "BC-1", "product", 0, [(411, "BC-1", 0)]),
    (42, "BC-2", "variant", 10, [(421, "BC-2A", 4), (422, "BC-2B", 6)]),
    (43, "BC-3", "variant", 7, [(431, "BC-3", 7)]),
    (44, "BC-4", "variant", 0, [(441, "BC-4", 0)]),
    (45, "BC-5", "none", 0, [(451, "BC-5", 0)]),
    (46, "BC-6", "variant", 1, [(461, "BC-6", 1)]),
    (47, "BC-7", "variant", 9, [(471, "BC-7", 9)]),
]
OLD_REFUSE = {
    "product_id": 3005,
    "status": "refuse",
    "time_stamp": "2026-03-09 12:00:00",
    "reason_code": "IP_INFRINGEMENT",
}
NEW_REFUSE = {
    "product_id": 3004,
    "status": "refuse",
    "time_stamp": "2026-03-11 14:00:00",
    "reason_code": "MISSING_REQUIRED_ATTRIBUTE",
    "reason_message": "Brand Name is required",
}


def write_drop(
    root: Path, listings: list[tuple], products: list[tuple], infos: list[int], outcomes: list[dict]
) -> Path:
    for status_type in ("onSelling", "offline", "auditing", "editingRequired"):
        items = [drops.list_item(pid, modified, ws) for pid, st, ws, modified, _ in listings if st == status_type]
        drops.write(root, f"aliexpress/product_list/{status_type}/page-001.json", drops.product_list(items))
    drops.write(
        root,
        "aliexpress/product_info/infos.jsonl",
        drops.jsonl(
            [
                drops.product_info(pid, st, modified, [drops.sku(*s) for s in skus], ws)
                for pid, st, ws, modified, skus in listings
                if pid in infos
            ]
        ),
    )
    drops.write(root, "aliexpress/audit_events/outcomes.jsonl", drops.jsonl(outcomes))
    drops.write(
        root,
        "bigcommerce/catalog_products/page-001.json",
        drops.catalog_page([bc_product(*product) for product in products]),
    )
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("drops")
    db_path = folder / "listing_pulse.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LISTING_PULSE_DB", str(db_path))
        drop_1 = write_drop(folder / "t1", LISTINGS_T1, PRODUCTS_T1, [pid for pid, *_ in LISTINGS_T1], [OLD_REFUSE])
        listings_t2 = [row for row in LISTINGS_T1 if row[0] != 3007]
        listings_t2[3] = (3004, "editingRequired", None, "2026-03-11 14:00:00", [("8005", "BC-4", 2)])
        products_t2 = [p if p[0] != 42 else (42, "BC-2", "variant", 4, [(421, "BC-2A", 4)]) for p in PRODUCTS_T1]
        drop_2 = write_drop(folder / "t2", listings_t2, products_t2, [3004], [OLD_REFUSE, NEW_REFUSE])
        for drop, observed_at in ((drop_1, T1), (drop_2, T2)):
            assert drops.load_drop(drop, STORE, observed_at) == 0
        assert run_dbt(["build"], as_of=AS_OF, db_path=db_path), "dbt build failed"
        yield db_path


def card(db_path: Path, card_key: str) -> object:
    return rows(db_path, "select value from marts.kpi_cards where store_key = ? and card_key = ?", STORE, card_key)[0][
        0
    ]


def test_cards_match_the_hand_computed_values(built: Path) -> None:
    # Current at T2: 3001-3006 (3007 was retired at T2) -> 6.
    assert card(built, "aex_total_listings") == 6
    # auditing or rejected at T2: 3004 (editingRequired -> rejected) and 3005 (offline + violate_offline) -> 2.
    assert card(built, "aex_rejected_auditing_listings") == 2
    # refuse transitions in (T2 - 24h, T2]: 3004's at 2026-03-11 14:00 GMT+8 = 06:00Z (no earlier outcome) -> 1.
    # 3005's refuse at 2026-03-09 12:00 GMT+8 = 04:00Z lies outside the window (and arrived twice: one row).
    assert card(built, "aex_rejected_listings_24h") == 1
    # Active listings' SKUs with AliExpress stock > 0 whose BC variant is out of stock:
    #   8001 BC-1: product-tracked, product level 0 -> counted;
    #   8003 BC-2B: its variant 422 was deleted at T2 -> nothing to fulfil -> counted;
    #   8002 BC-2A (4), 8004 "bc-3 " matched to BC-3 after trim/case (7): in stock; 3004-3006 not active;
    #   3007's SKU 8008 left with its listing -> 2.
    assert card(built, "aex_xc_listed_but_oos_on_bc") == 2
    assert rows(built, "select count(*) from raw_aliexpress.audit_events where store_key = ?", STORE) == [(2,)]


def test_second_drop_retires_and_changes_at_its_observation_time(built: Path) -> None:
    t1, t2 = datetime(2026, 3, 10, 9, tzinfo=UTC), datetime(2026, 3, 11, 9, tzinfo=UTC)

    def utc(value: datetime | None) -> datetime | None:
        return None if value is None else value.astimezone(UTC)

    versions = [
        (pid, state, utc(since), utc(until))
        for pid, state, since, until in rows(
            built,
            "select product_id, lifecycle_state, valid_from, valid_to from intermediate.int_aliexpress__listing_versions "
            "where store_key = ? and product_id in ('3004', '3007') order by product_id, valid_from",
            STORE,
        )
    ]
    assert versions == [
        ("3004", "auditing", t1, t2),
        ("3004", "rejected", t2, None),  # the status change, seen at the drop that showed it
        ("3007", "active", t1, t2),  # the deleted listing, retired at the drop that missed it
    ]
    variants = [
        (vid, utc(since), utc(until))
        for vid, since, until in rows(
            built,
            "select bc_variant_id, valid_from, valid_to from staging.stg_bigcommerce__variants "
            "where store_key = ? and bc_variant_id in ('421', '422') order by all",
            STORE,
        )
    ]
    assert variants == [("421", t1, None), ("422", t1, t2)]
    # listings not refetched in drop 2 keep their SKUs; 3004's SKUs are versioned with its details
    assert rows(
        built, "select count(*) from raw_aliexpress.listing_skus where store_key = ? and _dlt_valid_to is null", STORE
    ) == [(8,)]

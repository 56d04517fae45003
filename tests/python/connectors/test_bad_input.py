"""A file drop holding every kind of bad input the raw contract names (docs/architecture.md):
what cannot be parsed or lacks its key is
quarantined (file, line, reason, payload) and everything else lands as received; loading it twice changes
nothing; the command names each quarantined file and exits 3 unless --allow-quarantine."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.python.builders import bc_product
from tests.python.connectors import drops
from tests.python.connectors.conftest import rows, table_snapshot

OBSERVED_AT = "2026-03-10T09:00:00Z"


@pytest.fixture
def odd_drop(tmp_path: Path) -> Path:
    root = tmp_path / "drop"
    ae = "aliexpress"
    drops.write(
        root,
        f"{ae}/product_list/onSelling/01.json",
        drops.product_list(
            [
                drops.list_item(2001, "2026-03-01 10:00:00", brand_new_field="kept"),  # a new column
                drops.list_item(2002, "2026/03/02 9:00"),  # a timestamp in an unexpected format
                {"subject": "no id"},  # a listing without product_id
            ]
        ),
    )
    drops.write(root, f"{ae}/product_list/onSelling/02.json", '{"aliexpress_solution_product_list_get_response": {"res')
    drops.write(
        root,
        f"{ae}/product_list/offline/01.json",
        drops.product_list([drops.list_item(2003, "2026-03-03 10:00:00", ws_display="mystery_offline")], simplify=True),
    )
    drops.write(root, f"{ae}/product_list/auditing/01.json", {"unexpected": "shape"})  # no `result`
    drops.write(
        root,
        f"{ae}/product_info/infos.jsonl",
        drops.jsonl(
            [
                drops.product_info(
                    2001,
                    "onSelling",
                    "2026-03-01 10:00:00",
                    [
                        drops.sku("7001", "", 5),  # empty sku_code
                        drops.sku("7002", "DUP-1", "12 pcs"),  # non-integer stock
                        {"sku_code": "NO-ID", "ipm_sku_stock": 1},  # a SKU without id
                    ],
                ),
                '{"aliexpress_solution_product_info_get_response": {"result": {"product_id": 2002,',  # not JSON
                drops.product_info(
                    2003, "offline", "2026-03-03 10:00:00", [drops.sku("7003", "X-3", None)]
                ),  # missing stock
            ]
        ),
    )
    refuse = {
        "product_id": 2001,
        "status": "refuse",
        "time_stamp": "2026-03-09 10:00:00",
        "reason_code": "IMAGE_QUALITY",
    }
    drops.write(
        root,
        f"{ae}/audit_events/outcomes.jsonl",
        drops.jsonl(
            [
                refuse,
                refuse,  # a duplicate delivery
                {"product_id": 2001, "status": "auditing", "time_stamp": "2026-03-08 10:00:00"},  # out of order
                {"product_id": 2003, "status": "escalated", "time_stamp": "2026-03-09 11:00:00"},  # unknown status
                "{not json",
                {"status": "refuse"},  # without product_id
            ]
        ),
    )
    drops.write(
        root,
        "bigcommerce/catalog_products/01.json",
        drops.catalog_page(
            [
                bc_product(31, "DUP-1", "variant", 4, [(311, "DUP-1", 4), (312, "DUP-1", 0)]),  # duplicate SKU
                {"name": "no id"},  # a product without id
                {
                    "id": 32,
                    "name": "P32",
                    "sku": "X-3",
                    "inventory_tracking": "product",
                    "inventory_level": "n/a",
                    "variants": [{"id": 321, "product_id": 32, "inventory_level": 1}],
                },  # a variant without sku
            ],
            total_pages=2,
        ),
    )
    drops.write(root, "bigcommerce/catalog_products/02.json", {"meta": {"pagination": {"total_pages": 2}}})  # no data
    return root


def load(drop: Path, *extra: str) -> int:
    return drops.load_drop(drop, "odd_shop", OBSERVED_AT, *extra)


def test_bad_input_is_quarantined_and_the_rest_lands_as_received(
    odd_drop: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert load(odd_drop) == 3
    err = capsys.readouterr().err
    assert "12 record(s) quarantined" in err and "--allow-quarantine" in err
    assert f"{odd_drop}/aliexpress/product_list/onSelling/02.json: not valid JSON" in err
    assert f"{odd_drop}/aliexpress/audit_events/outcomes.jsonl line 5: not valid JSON" in err

    def where(origin: str) -> str:
        return origin.replace(str(odd_drop) + "/", "")

    quarantined = [
        (resource, where(origin), line, reason.split(":")[0])
        for resource, origin, line, reason in rows(
            db_path, "select resource, origin, line, reason from raw_aliexpress.quarantine order by all"
        )
    ]
    assert quarantined == [
        ("audit_events", "aliexpress/audit_events/outcomes.jsonl", 5, "not valid JSON"),
        ("audit_events", "aliexpress/audit_events/outcomes.jsonl", 6, "audit outcome without product_id"),
        ("listing_skus", "aliexpress/product_info/infos.jsonl", 2, "not valid JSON"),
        ("listing_skus", "aliexpress/product_info/infos.jsonl#2", 1, "SKU without id"),
        ("listings", "aliexpress/product_list/auditing/01.json", 0, "response has no `result` object"),
        ("listings", "aliexpress/product_list/editingRequired", 0, "pass folder missing"),  # not saved: nothing retires
        ("listings", "aliexpress/product_list/onSelling/01.json#2", 0, "listing without product_id"),
        ("listings", "aliexpress/product_list/onSelling/02.json", 0, "not valid JSON"),
    ]
    # the raw payload is kept, truncated JSON included
    assert rows(db_path, "select payload from raw_aliexpress.quarantine where line = 5") == [("{not json\n",)]
    assert [
        (r, where(o), reason)
        for r, o, reason in rows(
            db_path, "select resource, origin, reason from raw_bigcommerce.quarantine order by all"
        )
    ] == [
        ("products", "bigcommerce/catalog_products/01.json#data[1]", "product without id"),
        # page 2 has no `data` and does not say which page it is: page 2 of 2 counts as not read
        (
            "products",
            "bigcommerce/catalog_products/01.json#pages",
            "pages missing: 2 page(s) declared, page(s) 2 not read",
        ),
        ("products", "bigcommerce/catalog_products/02.json", "response has no `data` list"),
        ("variants", "bigcommerce/catalog_products/01.json#data[2].variants[0]", "variant without sku"),
    ]

    # everything parseable lands as received
    assert rows(
        db_path,
        "select product_id, product_status_type, ws_display, gmt_modified, brand_new_field "
        "from raw_aliexpress.listings order by all",
    ) == [
        ("2001", "onSelling", None, "2026-03-01 10:00:00", "kept"),
        ("2002", "onSelling", None, "2026/03/02 9:00", None),
        ("2003", "offline", "mystery_offline", "2026-03-03 10:00:00", None),  # simplify shape, unknown ws_display
    ]
    assert rows(db_path, "select id, sku_code, ipm_sku_stock from raw_aliexpress.listing_skus order by all") == [
        ("7001", "", "5"),
        ("7002", "DUP-1", "12 pcs"),
        ("7003", "X-3", None),
    ]
    assert rows(
        db_path, "select product_id, status, time_stamp, reason_code from raw_aliexpress.audit_events order by all"
    ) == [
        ("2001", "auditing", "2026-03-08 10:00:00", None),
        ("2001", "refuse", "2026-03-09 10:00:00", "IMAGE_QUALITY"),  # the duplicate delivery collapsed
        ("2003", "escalated", "2026-03-09 11:00:00", None),
    ]
    assert rows(db_path, "select id, sku, inventory_level from raw_bigcommerce.variants order by all") == [
        ("311", "DUP-1", "4"),
        ("312", "DUP-1", "0"),
    ]
    assert rows(db_path, "select id, inventory_level from raw_bigcommerce.products order by all") == [
        ("31", "4"),
        ("32", "n/a"),
    ]


def test_loading_the_same_drop_twice_changes_nothing(odd_drop: Path, db_path: Path) -> None:
    assert load(odd_drop, "--allow-quarantine") == 0
    before = {schema: table_snapshot(db_path, schema, skip=()) for schema in ("raw_aliexpress", "raw_bigcommerce")}
    assert load(odd_drop, "--allow-quarantine") == 0
    assert {schema: table_snapshot(db_path, schema, skip=()) for schema in before} == before

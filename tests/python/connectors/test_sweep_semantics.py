"""What one sweep says, loaded from file drops (and one hand-built API capture) into the raw tables.

A listing in two passes is one listing; a complete empty sweep retires; an incomplete one retires nothing;
a source absent from a drop carries over. Raw history only (no dbt build): the current state of a key is
its row with `_dlt_valid_to` null.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingestion.sources.common.captures import AliExpressCapture
from ingestion.sources.common.pages import Page
from ingestion.sources.load import load_observation
from tests.python.builders import bc_product
from tests.python.connectors import drops
from tests.python.connectors.conftest import rows
from tests.python.connectors.drops import load_drop

T1 = "2026-03-10T09:00:00Z"
T2 = "2026-03-11T09:00:00Z"


def listings(db_path: Path, store: str) -> list[tuple]:
    """Every listing version of the store: (product_id, status, current?)."""
    return rows(
        db_path,
        "select product_id, product_status_type, _dlt_valid_to is null from raw_aliexpress.listings "
        "where store_key = ? order by all",
        store,
    )


def current(db_path: Path, table: str, key: str, store: str) -> list[str]:
    return [
        r[0]
        for r in rows(
            db_path, f"select {key} from {table} where store_key = ? and _dlt_valid_to is null order by all", store
        )
    ]


def item(product_id: object, modified: str = "2026-03-01 10:00:00", **extra: object) -> dict:
    return drops.list_item(product_id, modified, **extra)  # type: ignore[arg-type]


# A. A listing returned by two passes of one sweep


def test_a_listing_in_two_passes_of_a_drop_is_one_listing(tmp_path: Path, db_path: Path) -> None:
    drop = drops.listing_drop(
        tmp_path / "d",
        {
            # 5001 went offline while the sweep paged: the offline pass shows the later gmt_modified -> offline.
            "onSelling": [[item(5001, "2026-03-01 10:00:00"), item(5002), item(5003, "2026-03-05 10:00:00")]],
            "offline": [[item(5001, "2026-03-01 11:00:00", ws_display="user_offline")]],
            # 5003: the same gmt_modified in two passes -> the fixed pass order decides, auditing after onSelling.
            "auditing": [[item(5003, "2026-03-05 10:00:00")]],
        },
    )
    assert load_drop(drop, "two_passes", T1) == 0
    assert listings(db_path, "two_passes") == [
        ("5001", "offline", True),
        ("5002", "onSelling", True),
        ("5003", "auditing", True),
    ]
    # the same drop again changes nothing (one state, no second version)
    assert load_drop(drop, "two_passes", T1) == 0
    assert len(listings(db_path, "two_passes")) == 3


def test_in_an_api_sweep_the_pass_read_last_wins(db_path: Path) -> None:
    # capture order: offline read first, onSelling read last, same gmt_modified -> onSelling.
    capture = AliExpressCapture(
        product_lists=[
            ("offline", Page("api:list?offline", drops.product_list([item(5101)]))),
            ("onSelling", Page("api:list?onSelling", drops.product_list([item(5101)]))),
            ("auditing", Page("api:list?auditing", drops.product_list([]))),
            ("editingRequired", Page("api:list?editingRequired", drops.product_list([]))),
        ]
    )
    load_observation("api_order", datetime(2026, 3, 10, 9, tzinfo=UTC), capture, None, db_path)
    assert listings(db_path, "api_order") == [("5101", "onSelling", True)]


# B. A complete sweep that returns nothing is an observation of nothing


def test_four_complete_empty_passes_retire_every_listing(tmp_path: Path, db_path: Path) -> None:
    assert load_drop(drops.listing_drop(tmp_path / "t1", {"onSelling": [[item(5201), item(5202)]]}), "emptied", T1) == 0
    assert load_drop(drops.listing_drop(tmp_path / "t2", {}), "emptied", T2) == 0
    assert listings(db_path, "emptied") == [("5201", "onSelling", False), ("5202", "onSelling", False)]
    retired = rows(db_path, "select distinct _dlt_valid_to from raw_aliexpress.listings where store_key = 'emptied'")
    assert retired == [(datetime(2026, 3, 11, 9, tzinfo=UTC),)]


def test_an_empty_catalogue_retires_products_variants_and_inventory(tmp_path: Path, db_path: Path) -> None:
    product = bc_product(61, "BC-61", "variant", 3, [(611, "BC-61", 3)])
    stock = [drops.inventory_item(611, 61, "BC-61", [drops.location(1, 3)])]
    assert load_drop(drops.catalog_drop(tmp_path / "t1", [[product]], stock), "bc_emptied", T1) == 0
    assert load_drop(drops.catalog_drop(tmp_path / "t2", [[]], []), "bc_emptied", T2) == 0
    for table, key in (("products", "id"), ("variants", "id"), ("inventory_items", "variant_id")):
        assert current(db_path, f"raw_bigcommerce.{table}", key, "bc_emptied") == [], table


def test_a_sweep_without_inventory_items_retires_them_and_an_absent_source_carries_over(
    tmp_path: Path, db_path: Path
) -> None:
    product = bc_product(62, "BC-62", "variant", 3, [(621, "BC-62", 3)])
    stock = [drops.inventory_item(621, 62, "BC-62", [drops.location(1, 3)])]
    assert load_drop(drops.catalog_drop(tmp_path / "t1", [[product]], stock), "no_stock", T1) == 0
    # T2: the catalogue again, no inventory_items folder -> multi-location stock no longer applies
    assert load_drop(drops.catalog_drop(tmp_path / "t2", [[product]]), "no_stock", T2) == 0
    assert current(db_path, "raw_bigcommerce.inventory_items", "variant_id", "no_stock") == []
    assert current(db_path, "raw_bigcommerce.products", "id", "no_stock") == ["62"]
    # T3: only AliExpress in the drop -> BigCommerce not observed, its state carries over
    assert load_drop(drops.listing_drop(tmp_path / "t3", {}), "no_stock", "2026-03-12T09:00:00Z") == 0
    assert current(db_path, "raw_bigcommerce.products", "id", "no_stock") == ["62"]
    assert current(db_path, "raw_bigcommerce.variants", "id", "no_stock") == ["621"]


# C. An incomplete pass retires nothing


def test_an_unreadable_listing_page_retires_nothing(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    t1 = drops.listing_drop(tmp_path / "t1", {"onSelling": [[item(5301)], [item(5302)]], "offline": [[item(5303)]]})
    assert load_drop(t1, "broken_page", T1) == 0
    t2 = drops.listing_drop(tmp_path / "t2", {"onSelling": [[item(5301, "2026-03-10 10:00:00")], []]})
    drops.write(t2, "aliexpress/product_list/onSelling/page-002.json", '{"aliexpress_solution_product_list_get_resp')
    assert load_drop(t2, "broken_page", T2) == 3
    assert "page-002.json: not valid JSON" in capsys.readouterr().err
    # 5301 was read (a new version); 5302 sat on the unreadable page and 5303 on a complete pass: the sweep is
    # incomplete, so neither is retired.
    assert current(db_path, "raw_aliexpress.listings", "product_id", "broken_page") == ["5301", "5302", "5303"]
    assert current(db_path, "raw_aliexpress.listings", "gmt_modified", "broken_page")[-1] == "2026-03-10 10:00:00"
    assert len(listings(db_path, "broken_page")) == 4  # 5301 twice (changed), 5302 and 5303 once


def test_an_unreadable_catalogue_page_retires_nothing(tmp_path: Path, db_path: Path) -> None:
    first = bc_product(63, "BC-63", "variant", 1, [(631, "BC-63", 1)])
    second = bc_product(64, "BC-64", "variant", 1, [(641, "BC-64", 1)])
    assert load_drop(drops.catalog_drop(tmp_path / "t1", [[first], [second]]), "broken_catalogue", T1) == 0
    t2 = drops.catalog_drop(tmp_path / "t2", [[first], []])
    drops.write(t2, "bigcommerce/catalog_products/page-002.json", '{"data": [{"id": 64, "na')
    assert load_drop(t2, "broken_catalogue", T2) == 3
    assert current(db_path, "raw_bigcommerce.products", "id", "broken_catalogue") == ["63", "64"]
    assert current(db_path, "raw_bigcommerce.variants", "id", "broken_catalogue") == ["631", "641"]


def test_a_page_missing_from_a_pass_or_the_catalogue_retires_nothing(tmp_path: Path, db_path: Path) -> None:
    product = bc_product(65, "BC-65", "variant", 1, [(651, "BC-65", 1)])
    t1 = drops.listing_drop(tmp_path / "t1", {"onSelling": [[item(5311)], [item(5312)]]})
    assert load_drop(drops.catalog_drop(t1, [[], [product]]), "missing_page", T1) == 0
    # T2: page 2 of 2 of the onSelling pass and of the catalogue were not saved; page 1 says there are 2
    t2 = drops.listing_drop(tmp_path / "t2", {"onSelling": [[item(5311)], []]})
    drops.catalog_drop(t2, [[], []])
    for missing in ("aliexpress/product_list/onSelling/page-002.json", "bigcommerce/catalog_products/page-002.json"):
        (t2 / missing).unlink()
    assert load_drop(t2, "missing_page", T2) == 3
    assert current(db_path, "raw_aliexpress.listings", "product_id", "missing_page") == ["5311", "5312"]
    assert current(db_path, "raw_bigcommerce.products", "id", "missing_page") == ["65"]
    assert [
        reason
        for (reason,) in rows(db_path, "select reason from raw_aliexpress.quarantine where store_key = 'missing_page'")
    ] == ["pages missing: 2 page(s) declared, page(s) 2 not read"]


# D. Nothing in a drop is silently skipped


def test_a_bom_and_crlf_are_read(tmp_path: Path, db_path: Path) -> None:
    drop = drops.listing_drop(tmp_path / "d", {})
    page = drops.json.dumps(drops.product_list([item(5401)]), indent=1).replace("\n", "\r\n")
    (drop / "aliexpress/product_list/onSelling/page-001.json").write_bytes(b"\xef\xbb\xbf" + page.encode())
    outcome = drops.json.dumps({"product_id": 5401, "status": "approved", "time_stamp": "2026-03-09 10:00:00"})
    (drop / "aliexpress/audit_events").mkdir(parents=True)
    (drop / "aliexpress/audit_events/o.jsonl").write_bytes(
        b"\xef\xbb\xbf" + (outcome + "\r\n" + outcome + "\r\n").encode()
    )
    assert load_drop(drop, "bom_shop", T1) == 0
    assert current(db_path, "raw_aliexpress.listings", "product_id", "bom_shop") == ["5401"]
    assert rows(db_path, "select product_id, status from raw_aliexpress.audit_events where store_key = 'bom_shop'") == [
        ("5401", "approved")
    ]


def test_an_unknown_pass_folder_refuses_the_load(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drop = drops.listing_drop(tmp_path / "d", {"onSelling": [[item(5501)]]})
    drops.write(drop, "aliexpress/product_list/onselling/page-001.json", drops.product_list([item(5502)]))
    assert load_drop(drop, "typo_shop", T1) == 2
    err = capsys.readouterr().err
    assert "product_list/onselling" in err and "onSelling, offline, auditing, editingRequired" in err
    assert not db_path.exists() or rows(
        db_path,
        "select count(*) from information_schema.tables "
        "where table_schema = 'raw_aliexpress' and table_name = 'listings'",
    ) == [(0,)]


def test_files_the_reader_does_not_take_are_named(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    t1 = drops.listing_drop(tmp_path / "t1", {"onSelling": [[item(5601), item(5602)]]})
    assert load_drop(t1, "stray_shop", T1) == 0
    t2 = drops.listing_drop(tmp_path / "t2", {"onSelling": [[item(5601)]]})
    strays = {
        "aliexpress/product_list/onSelling/page-002.JSON": drops.product_list(
            [item(5602)]
        ),  # a page in a name not read
        "aliexpress/product_info/infos.ndjson": "{}\n",
        "aliexpress/product_info/older/info.json": "{}",
        "aliexpress/notes.txt": "saved by hand",
        "bigcommerce/catalog_products/page-001.json": drops.catalog_page([]),
        "bigcommerce/catalogue_products/page-001.json": drops.catalog_page([]),
        "README.txt": "what this drop holds",
    }
    for relative, content in strays.items():
        drops.write(t2, relative, content)
    assert load_drop(t2, "stray_shop", T2) == 3
    out = capsys.readouterr()
    named = [
        "aliexpress/product_list/onSelling/page-002.JSON: not read: only *.json files are read here",
        "aliexpress/product_info/infos.ndjson: not read: only *.json and *.jsonl files are read here",
        "aliexpress/product_info/older: not read: a sub-folder",
        "aliexpress/notes.txt: not read",
        "bigcommerce/catalogue_products: not read: bigcommerce/ holds only catalog_products, inventory_items",
        "README.txt (a drop holds only aliexpress/ and bigcommerce/)",
    ]
    for entry in named:
        assert f"{t2}/{entry}" in out.out + out.err, entry
    # the .JSON page might hold listings: the onSelling pass is incomplete, 5602 is not retired
    assert current(db_path, "raw_aliexpress.listings", "product_id", "stray_shop") == ["5601", "5602"]


# E. Duplicates and repeats


def test_the_same_record_twice_collapses_and_two_different_ones_keep_the_later(tmp_path: Path, db_path: Path) -> None:
    drop = drops.listing_drop(tmp_path / "d", {"onSelling": [[item(5701), item(5702)], [item(5702)]]})
    drops.catalog_drop(
        drop,
        [
            [bc_product(71, "BC-71", "variant", 1, [(711, "BC-71", 1)])],
            [bc_product(71, "BC-71", "variant", 2, [(711, "BC-71", 2)])],  # page overlap, changed meanwhile
        ],
    )
    assert load_drop(drop, "dup_shop", T1) == 3
    assert listings(db_path, "dup_shop") == [("5701", "onSelling", True), ("5702", "onSelling", True)]
    # the later page wins; the earlier record is kept in quarantine with the reason
    assert rows(db_path, "select id, inventory_level from raw_bigcommerce.products where store_key = 'dup_shop'") == [
        ("71", "2")
    ]
    assert rows(db_path, "select id, inventory_level from raw_bigcommerce.variants where store_key = 'dup_shop'") == [
        ("711", "2")
    ]
    quarantined = rows(
        db_path,
        "select resource, origin, reason from raw_bigcommerce.quarantine where store_key = 'dup_shop' order by all",
    )
    assert [(r, o.replace(str(drop) + "/", ""), reason.split(":")[0]) for r, o, reason in quarantined] == [
        ("products", "bigcommerce/catalog_products/page-001.json#data[0]", "superseded"),
        ("variants", "bigcommerce/catalog_products/page-001.json#data[0].variants[0]", "superseded"),
    ]


def test_a_different_drop_at_an_observation_already_loaded_is_refused(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert load_drop(drops.listing_drop(tmp_path / "a", {"onSelling": [[item(5801)]]}), "same_time", T1) == 0
    assert load_drop(drops.listing_drop(tmp_path / "b", {"onSelling": [[item(5802)]]}), "same_time", T1) == 2
    assert "already holds a different observation" in capsys.readouterr().err
    assert listings(db_path, "same_time") == [("5801", "onSelling", True)]


def test_an_observation_in_the_future_is_refused(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    future = (datetime.now(UTC).replace(microsecond=0) + drops.timedelta(minutes=10)).isoformat()
    assert load_drop(drops.listing_drop(tmp_path / "a", {}), "future_shop", future) == 2
    assert "in the future" in capsys.readouterr().err


# F. Numbers as producers write them


def test_ids_written_as_floats_or_strings_are_one_id(tmp_path: Path, db_path: Path) -> None:
    drop = drops.listing_drop(
        tmp_path / "d",
        {
            "onSelling": [[item(1005006000000004.0), item(" 1005006000000005 ")]],
            "offline": [[item(5901.5), item(12000036000000001.0)]],
        },
    )
    drops.write(
        drop,
        "aliexpress/product_info/infos.jsonl",
        drops.jsonl(
            [
                drops.product_info(
                    "1005006000000004",
                    "onSelling",
                    "2026-03-01 10:00:00",  # type: ignore[arg-type]
                    [drops.sku(" 12000036000000001", "BIG", 9223372036854775807)],
                ),
            ]
        ),
    )
    assert load_drop(drop, "id_shop", T1) == 3
    assert current(db_path, "raw_aliexpress.listings", "product_id", "id_shop") == [
        "1005006000000004",
        "1005006000000005",
    ]
    assert rows(
        db_path, "select product_id, id, ipm_sku_stock from raw_aliexpress.listing_skus where store_key = 'id_shop'"
    ) == [("1005006000000004", "12000036000000001", "9223372036854775807")]
    reasons = rows(db_path, "select reason from raw_aliexpress.quarantine where store_key = 'id_shop' order by all")
    # 12000036000000001.0 as a double is 12000036000000000: its digits are no longer the id's
    assert reasons == [
        ("listing product_id 1.2000036e+16 is a float beyond 2^53",),
        ("listing product_id 5901.5 is not a whole number",),
    ]


# G. No traceback on any input


def test_valid_json_of_the_wrong_shape_is_quarantined(tmp_path: Path, db_path: Path) -> None:
    drop = drops.listing_drop(tmp_path / "d", {"onSelling": [[item(6001, gmtModified="2026-01-01 00:00:00")]]})
    drops.write(
        drop, "aliexpress/product_list/offline/page-002.json", {"result": {"aeop_a_e_product_display_d_t_o_list": 5}}
    )
    drops.write(
        drop,
        "aliexpress/product_info/infos.jsonl",
        drops.jsonl(
            [
                {"result": {"product_id": 6001, "aeop_ae_product_s_k_us": "none", "aeop_ae_product_propertys": []}},
                {
                    "result": {
                        "product_id": 6002,
                        "aeop_ae_product_s_k_us": {"global_aeop_ae_product_sku": [1]},
                        "aeop_ae_product_propertys": {"global_aeop_ae_product_property": ["Brand"]},
                    }
                },
                [1, 2],
            ]
        ),
    )
    drops.catalog_drop(
        drop,
        [
            [
                {"id": 81, "sku": "BC-81", "variants": 5},
                {"id": 82, "sku": "BC-82", "variants": [[1]]},
                [83],
            ]
        ],
        [
            drops.inventory_item(811, 81, "BC-81", {}),
            drops.inventory_item(812, 81, "BC-81", [5, {"location_id": 2, "settings": [1]}]),
            {"identity": [1]},
        ],
    )
    assert load_drop(drop, "shape_shop", T1) == 3
    reasons = [
        r for (r,) in rows(db_path, "select reason from raw_aliexpress.quarantine where store_key = 'shape_shop'")
    ]
    assert sorted(reasons) == [
        "SKU is not an object",
        "attribute is not an object",
        "response has no `result` object",
        "result's `aeop_a_e_product_display_d_t_o_list` is not a list or object",
        "the SKU container is not a list or object",
    ]
    # the listing kept its own `gmt_modified`; the colliding `gmtModified` lands beside it
    assert rows(
        db_path, "select gmt_modified, gmt_modified_2 from raw_aliexpress.listings where store_key = 'shape_shop'"
    ) == [("2026-03-01 10:00:00", "2026-01-01 00:00:00")]
    reasons = [
        r for (r,) in rows(db_path, "select reason from raw_bigcommerce.quarantine where store_key = 'shape_shop'")
    ]
    assert sorted(reasons) == sorted(
        [
            "inventory item without variant_id",
            "location is not an object",
            "product without id",
            "variant without id",
            "`locations` is not a list",
            "`variants` is not a list",
        ]
    )
    assert current(db_path, "raw_bigcommerce.products", "id", "shape_shop") == ["81", "82"]
    assert rows(
        db_path,
        "select variant_id, location_id, safety_stock, settings from raw_bigcommerce.inventory_items "
        "where store_key = 'shape_shop'",
    ) == [("812", "2", None, "[1]")]


# H. A record cannot choose its store or a lineage column


def test_payload_fields_named_like_loader_columns_are_kept_under_a_prefix(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drop = drops.listing_drop(
        tmp_path / "d",
        {"onSelling": [[item(6101, store_key="other_shop", _dlt_id="x", row_hash="y", product_status_type="offline")]]},
    )
    drops.catalog_drop(
        drop,
        [[bc_product(91, "BC-91", "variant", 1, [(911, "BC-91", 1)]) | {"store_key": "other_shop"}]],
        [drops.inventory_item(911, 91, "BC-91", [drops.location(1, 1) | {"sku": "OTHER", "store_key": "x"}])],
    )
    assert load_drop(drop, "lineage_shop", T1) == 0
    assert rows(db_path, "select distinct store_key from raw_aliexpress.listings") == [("lineage_shop",)]
    assert rows(
        db_path,
        "select product_status_type, payload_store_key, payload_dlt_id, payload_row_hash, "
        "payload_product_status_type from raw_aliexpress.listings",
    ) == [("onSelling", "other_shop", "x", "y", "offline")]
    assert rows(db_path, "select store_key, payload_store_key from raw_bigcommerce.products") == [
        ("lineage_shop", "other_shop")
    ]
    assert rows(db_path, "select store_key, sku, payload_sku from raw_bigcommerce.inventory_items") == [
        ("lineage_shop", "BC-91", "OTHER")
    ]
    assert "field 'store_key' is a column the loader sets: kept as 'payload_store_key'" in capsys.readouterr().out

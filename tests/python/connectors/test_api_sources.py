"""Both API clients against the fake APIs on loopback: raw tables row for row, retries, the incremental
second run, idempotency, and auth errors that stop at once and load nothing."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from ingestion.cli import main
from ingestion.sources.common.http import SourceAuthError
from ingestion.sources.load import load_observation
from ingestion.sources.sweep import sweep_store
from tests.python.builders import bc_product
from tests.python.connectors import fake_apis
from tests.python.connectors.conftest import STORE, Recorder, rows, table_snapshot
from tests.python.connectors.fake_apis import FakeApis, FakeListing, error, throttled

RUN_1 = datetime(2026, 3, 11, 1, 0, tzinfo=timezone.utc)
RUN_2 = datetime(2026, 3, 11, 2, 0, tzinfo=timezone.utc)
RUN_3 = datetime(2026, 3, 11, 3, 0, tzinfo=timezone.utc)


def sku(sku_id: str, code: str, stock: int) -> dict[str, object]:
    return {"id": sku_id, "sku_code": code, "ipm_sku_stock": stock, "sku_stock": stock > 0, "sku_price": "9.90"}


def seed_store(fake: FakeApis) -> None:
    fake.listings = {
        1001: FakeListing("onSelling", "2026-03-05 10:00:00", [sku("5001", "SKU-A", 10), sku("5002", "SKU-B", 0)]),
        1002: FakeListing("onSelling", "2026-03-06 10:00:00", [sku("5003", "SKU-C", 5)]),
        1003: FakeListing("auditing", "2026-03-07 10:00:00", [sku("5004", "SKU-D", 3)], audit=("auditing", "2026-03-07 10:00:00")),
        1004: FakeListing("offline", "2026-03-08 10:00:00", [sku("5005", "SKU-E", 2)], ws_display="violate_offline",
                          audit=("refuse", "2026-03-08 10:00:00")),
        1005: FakeListing("editingRequired", "2026-03-09 10:00:00", [sku("5006", "SKU-F", 1)], audit=("refuse", "2026-03-09 10:00:00")),
        1006: FakeListing("onSelling", "2026-03-10 12:00:00", [sku("5007", "SKU-G", 7)]),
    }
    fake.products = [
        bc_product(11, "SKU-A", "variant", 10, [(111, "SKU-A", 10), (112, "SKU-B", 0)]),
        bc_product(12, "SKU-C", "product", 5, [(121, "SKU-C", 5)]),
        bc_product(13, "SKU-G", "variant", 0, [(131, "SKU-G", 0)]),
    ]


def run(db_path: Path, recorder: Recorder, observed_at: datetime) -> list[str]:
    lines: list[str] = []
    capture = sweep_store(STORE, db_path, lines.append, http=recorder.http)
    report = load_observation(STORE, observed_at, capture.aliexpress, capture.bigcommerce, db_path)
    assert report.quarantined == []
    return lines


def current(db_path: Path, sql: str) -> list[tuple]:
    return rows(db_path, sql + " order by all")


def test_first_sweep_lands_every_table_row_for_row_through_retries(fake: FakeApis, db_path: Path, recorder: Recorder) -> None:
    seed_store(fake)
    fake.faults = [
        ("list onSelling 2", error(500)),
        ("info 1002", throttled()),
        ("bc catalog/products 2", error(429, {"X-Rate-Limit-Time-Reset-Ms": "1500", "X-Rate-Limit-Requests-Left": "0"})),
    ]
    lines = run(db_path, recorder, RUN_1)

    assert fake.calls == [
        "list onSelling 1", "list onSelling 2", "list onSelling 2",  # 500, then retried
        "list offline 1", "list auditing 1", "list editingRequired 1",
        "info 1001", "info 1002", "info 1002",  # ApiCallLimit, then retried
        "info 1003", "info 1004", "info 1005", "info 1006",
        # status differs from the (absent) landed one and is not onSelling, in pass order
        "audit 1004", "audit 1003", "audit 1005",
        "bc catalog/products 1", "bc catalog/products 2", "bc catalog/products 2",  # 429, then retried
    ]
    # 500 and throttling back off 2 s (first step of the policy); 429 waits X-Rate-Limit-Time-Reset-Ms.
    assert recorder.sleeps == [2.0, 2.0, 1.5]
    assert recorder.log.requests == 19
    assert "aliexpress listings onSelling: 2 page(s), 3 listing(s)" in lines
    assert "bigcommerce catalog products: 2 page(s), 3 product(s)" in lines

    assert current(db_path, "select product_id, product_status_type, ws_display, gmt_modified from raw_aliexpress.listings "
                   "where _dlt_valid_to is null") == [
        ("1001", "onSelling", None, "2026-03-05 10:00:00"),
        ("1002", "onSelling", None, "2026-03-06 10:00:00"),
        ("1003", "auditing", None, "2026-03-07 10:00:00"),
        ("1004", "offline", "violate_offline", "2026-03-08 10:00:00"),
        ("1005", "editingRequired", None, "2026-03-09 10:00:00"),
        ("1006", "onSelling", None, "2026-03-10 12:00:00"),
    ]
    assert current(db_path, "select product_id, id, sku_code, ipm_sku_stock from raw_aliexpress.listing_skus") == [
        ("1001", "5001", "SKU-A", "10"), ("1001", "5002", "SKU-B", "0"), ("1002", "5003", "SKU-C", "5"),
        ("1003", "5004", "SKU-D", "3"), ("1004", "5005", "SKU-E", "2"), ("1005", "5006", "SKU-F", "1"),
        ("1006", "5007", "SKU-G", "7"),
    ]
    assert current(db_path, "select product_id, status, time_stamp from raw_aliexpress.audit_events") == [
        ("1003", "auditing", "2026-03-07 10:00:00"),
        ("1004", "refuse", "2026-03-08 10:00:00"),
        ("1005", "refuse", "2026-03-09 10:00:00"),
    ]
    assert current(db_path, "select id, sku, inventory_tracking, inventory_level from raw_bigcommerce.products") == [
        ("11", "SKU-A", "variant", "10"), ("12", "SKU-C", "product", "5"), ("13", "SKU-G", "variant", "0"),
    ]
    assert current(db_path, "select id, product_id, sku, inventory_level from raw_bigcommerce.variants") == [
        ("111", "11", "SKU-A", "10"), ("112", "11", "SKU-B", "0"), ("121", "12", "SKU-C", "5"), ("131", "13", "SKU-G", "0"),
    ]


def test_second_run_fetches_only_changes_and_retires_what_disappeared(fake: FakeApis, db_path: Path, recorder: Recorder) -> None:
    seed_store(fake)
    run(db_path, recorder, RUN_1)

    fake.calls.clear()
    fake.listings[1002].gmt_modified = "2026-03-11 08:00:00"
    fake.listings[1002].skus = [sku("5003", "SKU-C", 0)]
    fake.listings[1003] = FakeListing("onSelling", "2026-03-11 07:00:00", [sku("5004", "SKU-D", 3)],
                                      audit=("approved", "2026-03-11 07:00:00"))
    del fake.listings[1004]
    fake.products[0]["variants"].pop()  # variant 112 (SKU-B) deleted on BigCommerce
    run(db_path, recorder, RUN_2)

    assert [call for call in fake.calls if not call.startswith("list")] == [
        # changed since the landed details, oldest change first
        "info 1003", "info 1002",
        # unchanged, but modified within the 60-minute overlap before the newest landed change
        # (2026-03-10 12:00 - 60 min = 11:00 <= 1006's 12:00)
        "info 1006",
        "audit 1003",  # its status changed (auditing -> onSelling); 1005 is unchanged and not auditing
        "bc catalog/products 1", "bc catalog/products 2",
    ]
    run_2 = "2026-03-11 02:00:00+00"
    assert rows(db_path, "select product_id, product_status_type, strftime(_dlt_valid_to at time zone 'UTC', '%Y-%m-%d %H:%M:%S+00') "
                "from raw_aliexpress.listings where _dlt_valid_to is not null order by all") == [
        ("1002", "onSelling", run_2),  # gmt_modified changed: a new version
        ("1003", "auditing", run_2),
        ("1004", "offline", run_2),  # deleted: retired at the observation that missed it
    ]
    assert current(db_path, "select product_id, product_status_type from raw_aliexpress.listings where _dlt_valid_to is null") == [
        ("1001", "onSelling"), ("1002", "onSelling"), ("1003", "onSelling"), ("1005", "editingRequired"), ("1006", "onSelling"),
    ]
    assert current(db_path, "select id, ipm_sku_stock from raw_aliexpress.listing_skus where product_id = '1002'") == [
        ("5003", "0"), ("5003", "5"),
    ]
    assert current(db_path, "select product_id, status, time_stamp from raw_aliexpress.audit_events where product_id = '1003'") == [
        ("1003", "approved", "2026-03-11 07:00:00"), ("1003", "auditing", "2026-03-07 10:00:00"),
    ]
    assert rows(db_path, "select id from raw_bigcommerce.variants where _dlt_valid_to is not null") == [("112",)]

    # Third run, nothing changed: only the overlap refetches (1003 at 07:00 and 1002 at 08:00 are within
    # 60 minutes of the newest landed change, 08:00), no audit call, and no raw row changes.
    before = {schema: table_snapshot(db_path, schema) for schema in ("raw_aliexpress", "raw_bigcommerce")}
    fake.calls.clear()
    run(db_path, recorder, RUN_3)
    assert [call for call in fake.calls if call.startswith(("info", "audit"))] == ["info 1003", "info 1002"]
    assert {schema: table_snapshot(db_path, schema) for schema in before} == before


def test_a_large_backfill_resumes_on_the_next_run(fake: FakeApis, db_path: Path, recorder: Recorder,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    seed_store(fake)
    monkeypatch.setenv("SOURCES__ALIEXPRESS__SHOP_A__MAX_DETAIL_CALLS", "4")
    lines = run(db_path, recorder, RUN_1)
    assert "aliexpress product details: 4 call(s) for new or changed listings, 2 deferred to the next run (max_detail_calls)" in lines
    assert rows(db_path, "select product_id from raw_aliexpress.listing_details order by all") == [
        ("1001",), ("1002",), ("1003",), ("1004",),  # oldest gmt_modified first
    ]
    fake.calls.clear()
    run(db_path, recorder, RUN_2)
    # the two deferred listings have no landed details: fetched first; then the overlap window
    # (1004's 2026-03-08 10:00 is the newest landed change, so it is within 60 minutes of itself)
    assert [call for call in fake.calls if call.startswith("info")] == ["info 1005", "info 1006", "info 1004"]
    assert rows(db_path, "select count(*) from raw_aliexpress.listing_details where _dlt_valid_to is null") == [(6,)]


def test_multi_location_inventory_is_swept_when_enabled(
    fake: FakeApis, db_path: Path, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_store(fake)
    fake.inventory = [
        {"identity": {"sku": "SKU-A", "variant_id": 111, "product_id": 11},
         "locations": [{"location_id": 1, "location_enabled": True, "available_to_sell": 3, "total_inventory_onhand": 4,
                        "settings": {"safety_stock": 1}},
                       {"location_id": 2, "location_enabled": False, "available_to_sell": 9, "total_inventory_onhand": 9,
                        "settings": {"safety_stock": 0}}]},
        {"identity": {"sku": "SKU-C", "variant_id": 121, "product_id": 12},
         "locations": [{"location_id": 1, "location_enabled": True, "available_to_sell": 0, "total_inventory_onhand": 0,
                        "settings": {"safety_stock": 0}}]},
        {"identity": {"sku": "SKU-G", "variant_id": 131, "product_id": 13}, "locations": []},
    ]
    monkeypatch.setenv("SOURCES__BIGCOMMERCE__SHOP_A__LOAD_INVENTORY", "true")
    lines = run(db_path, recorder, RUN_1)
    assert fake.calls[-2:] == ["bc inventory/items 1", "bc inventory/items 2"]  # 3 items, 2 a page
    assert "bigcommerce inventory items: 2 page(s), 3 item(s)" in lines
    assert current(db_path, "select variant_id, location_id, sku, location_enabled, available_to_sell, safety_stock "
                   "from raw_bigcommerce.inventory_items") == [
        ("111", "1", "SKU-A", "true", "3", "1"), ("111", "2", "SKU-A", "false", "9", "0"), ("121", "1", "SKU-C", "true", "0", "0"),
    ]


def test_rejection_reasons_come_from_the_diagnosis_api_when_configured(
    fake: FakeApis, db_path: Path, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_store(fake)
    fake.listings[1004].problem = ("MISSING_REQUIRED_ATTRIBUTE", "Brand Name is required")
    monkeypatch.setenv("SOURCES__ALIEXPRESS__SHOP_A__DIAGNOSIS_METHOD", fake_apis.DIAGNOSIS_METHOD)
    run(db_path, recorder, RUN_1)
    # only refused listings are diagnosed; 1005's diagnosis has no problem listed, so no reason
    assert [call for call in fake.calls if call.startswith(("audit", "diagnosis"))] == [
        "audit 1004", "diagnosis 1004", "audit 1003", "audit 1005", "diagnosis 1005",
    ]
    assert current(db_path, "select product_id, status, reason_code, reason_message from raw_aliexpress.audit_events") == [
        ("1003", "auditing", None, None),
        ("1004", "refuse", "MISSING_REQUIRED_ATTRIBUTE", "Brand Name is required"),
        ("1005", "refuse", None, None),
    ]


@pytest.mark.parametrize(
    ("break_it", "message", "calls"),
    [
        (lambda fake, env: setattr(fake, "session", "a-newer-session"),
         "AliExpress rejected the session token (IllegalAccessToken): refresh SOURCES__ALIEXPRESS__SHOP_A__SESSION",
         ["list onSelling 1"]),
        (lambda fake, env: env.setenv("SOURCES__ALIEXPRESS__SHOP_A__APP_SECRET", "wrong-secret"),
         "AliExpress rejected the signature (IncompleteSignature): check SOURCES__ALIEXPRESS__SHOP_A__APP_SECRET",
         ["list onSelling 1"]),
        (lambda fake, env: env.setenv("SOURCES__BIGCOMMERCE__SHOP_A__ACCESS_TOKEN", "revoked-token"),
         "BigCommerce catalog/products page 1: HTTP 401, credentials refused. Check SOURCES__BIGCOMMERCE__SHOP_A__ACCESS_TOKEN",
         None),
    ],
    ids=["expired-session", "bad-secret", "bc-401"],
)
def test_auth_errors_stop_at_once_name_the_setting_and_load_nothing(
    fake: FakeApis, db_path: Path, recorder: Recorder, monkeypatch: pytest.MonkeyPatch, break_it, message, calls
) -> None:
    seed_store(fake)
    break_it(fake, monkeypatch)
    with pytest.raises(SourceAuthError) as raised:
        sweep_store(STORE, db_path, http=recorder.http)
    assert message in str(raised.value)
    for secret in (fake_apis.APP_SECRET, fake_apis.SESSION, fake_apis.ACCESS_TOKEN, "wrong-secret", "revoked-token"):
        assert secret not in str(raised.value)
    if calls is not None:
        assert fake.calls == calls  # no retry storm: the first refusal stops the sweep
    else:
        assert fake.calls[-1] == "bc catalog/products 1" and fake.calls.count("bc catalog/products 1") == 1
    assert recorder.sleeps == []
    assert not db_path.exists()  # the AliExpress sweep had finished, yet nothing of it was loaded


def test_cli_api_load_reports_an_auth_error_without_secrets(
    fake: FakeApis, db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_store(fake)
    fake.session = "rotated"
    assert main(["load", "--source", "api", "--store", STORE]) == 2
    out, err = capsys.readouterr()
    assert "refresh SOURCES__ALIEXPRESS__SHOP_A__SESSION" in err
    assert fake_apis.SESSION not in out + err and fake_apis.APP_SECRET not in out + err
    assert not db_path.exists()


def test_cli_api_load_prints_progress_and_counts(fake: FakeApis, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_store(fake)
    assert main(["load", "--source", "api", "--store", STORE]) == 0
    out = capsys.readouterr().out
    assert "aliexpress listings onSelling: 2 page(s), 3 listing(s)" in out
    assert "aliexpress audit outcomes: 3 call(s)" in out
    assert "  aliexpress.listing_skus: 7 row(s)" in out
    assert "  bigcommerce.variants: 4 row(s)" in out


def test_missing_settings_name_the_env_var(fake: FakeApis, db_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("SOURCES__BIGCOMMERCE__SHOP_A__STORE_HASH")
    assert main(["load", "--source", "api", "--store", STORE]) == 2
    assert "set SOURCES__BIGCOMMERCE__SHOP_A__STORE_HASH" in capsys.readouterr().err
    assert fake.calls == []  # settings are checked before any call


def test_api_load_refuses_file_drop_options(fake: FakeApis, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["load", "--source", "api", "--store", STORE, "--observed-at", "2026-03-11T09:00:00Z"]) == 2
    assert "--observed-at apply to --source files" in capsys.readouterr().err
    assert fake.calls == []

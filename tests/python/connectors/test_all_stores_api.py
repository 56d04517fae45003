"""`run --all-stores` with the live-API source against the fake APIs on loopback: two stores swept side by
side, each with its own settings and clients, landed one at a time into one build file; a store without
settings fails alone. Loads only (no dbt build): the build and publish are tests/python/test_all_stores.py's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingestion.serving.stores import load_stores
from ingestion.sources.load import LoadRequest
from tests.python.connectors import fake_apis
from tests.python.connectors.conftest import rows
from tests.python.connectors.test_api_sources import seed_store


def test_two_api_stores_land_side_by_side_and_a_store_without_settings_is_skipped(
    fake: fake_apis.FakeApis, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_store(fake)
    # shop_b: its own settings section (as env vars), pointing at the same fake APIs as shop_a.
    for name, value in list(os.environ.items()):
        if name.startswith(("SOURCES__ALIEXPRESS__SHOP_A__", "SOURCES__BIGCOMMERCE__SHOP_A__")):
            monkeypatch.setenv(name.replace("__SHOP_A__", "__SHOP_B__"), value)

    statuses = load_stores(LoadRequest(source="api"), ["shop_a", "shop_b", "shop_c"], concurrency=2)

    assert [(s.store_key, s.state) for s in statuses] == [("shop_a", "ok"), ("shop_b", "ok"), ("shop_c", "failed")]
    assert "set SOURCES__ALIEXPRESS__SHOP_C__APP_KEY" in statuses[2].message
    # seed_store: six listings (1001-1006) and four BigCommerce variants (111, 112, 121, 131), for each store.
    for status in statuses[:2]:
        assert status.reports[0].row_counts["aliexpress.listings"] == 6
        assert status.reports[0].row_counts["bigcommerce.variants"] == 4
        assert status.passes == 4  # the four product_status_type passes
    assert rows(
        db_path,
        "select store_key, count(*) from raw_aliexpress.listings where _dlt_valid_to is null group by 1 order by 1",
    ) == [("shop_a", 6), ("shop_b", 6)]

"""File-drop inputs whose effect shows after dbt: 64-bit stock reaches staging as a number, and two different
records with one key in one sweep are named by a merchant-data warn test. One warehouse and one dbt build
for the module, a store_key per case."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingestion.serving.dbt import invoke_dbt
from tests.python.builders import bc_product
from tests.python.connectors import drops
from tests.python.connectors.conftest import rows

OBSERVED_AT = "2026-03-10T09:00:00Z"
AS_OF = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
BIG = 9223372036854775807  # the largest 64-bit integer
TESTED = ("stg_aliexpress__listing_skus", "stg_bigcommerce__variants", "stg_bigcommerce__inventory_items")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("built_drops")
    db_path = folder / "listing_pulse.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LISTING_PULSE_DB", str(db_path))
        wide = drops.listing_drop(folder / "wide", {"onSelling": [[drops.list_item(6201, "2026-03-01 10:00:00")]]})
        drops.write(
            wide,
            "aliexpress/product_info/infos.jsonl",
            drops.jsonl(
                [drops.product_info(6201, "onSelling", "2026-03-01 10:00:00", [drops.sku("9201", "BC-W", BIG)])]
            ),
        )
        drops.catalog_drop(
            wide,
            [[bc_product(92, "BC-W", "variant", 3000000000, [(921, "BC-W", 3000000000)])]],
            [drops.inventory_item(921, 92, "BC-W", [drops.location(1, 5000000000)])],
        )
        assert drops.load_drop(wide, "wide_numbers", OBSERVED_AT) == 0

        twice = drops.catalog_drop(
            folder / "twice",
            [
                [bc_product(72, "BC-72", "variant", 1, [(721, "BC-72", 1)])],
                [bc_product(72, "BC-72", "variant", 2, [(721, "BC-72", 2)])],  # changed while the catalogue was paged
            ],
        )
        assert drops.load_drop(twice, "read_twice", OBSERVED_AT) == 3  # the earlier record quarantined

        result = invoke_dbt(
            ["build", "--select", *(f"+{model}" for model in TESTED), "+warn_superseded_records"],
            as_of=AS_OF,
            db_path=db_path,
        )
        assert result.result is not None, f"dbt build did not run: {result.exception}"
        yield db_path, {node.node.name: str(node.status) for node in result.result.results}


def test_64_bit_stock_reaches_staging_as_a_number(built: tuple[Path, dict[str, str]]) -> None:
    db_path, statuses = built
    assert all(statuses[model] == "success" for model in TESTED), statuses
    assert rows(
        db_path, "select sku_stock from staging.stg_aliexpress__listing_skus where store_key = 'wide_numbers'"
    ) == [(BIG,)]
    assert rows(
        db_path,
        "select variant_inventory_level from staging.stg_bigcommerce__variants where store_key = 'wide_numbers'",
    ) == [(3000000000,)]
    assert rows(
        db_path,
        "select available_to_sell from staging.stg_bigcommerce__inventory_items where store_key = 'wide_numbers'",
    ) == [(5000000000,)]


def test_two_different_records_with_one_key_warn(built: tuple[Path, dict[str, str]]) -> None:
    db_path, statuses = built
    assert statuses["warn_superseded_records"] == "warn"
    # page 2 was read later: its product and variant landed; page 1's pair is in quarantine (2 rows)
    assert rows(db_path, "select inventory_level from raw_bigcommerce.variants where store_key = 'read_twice'") == [
        ("2",)
    ]
    assert rows(
        db_path,
        "select count(*) from raw_bigcommerce.quarantine where store_key = 'read_twice' and reason like 'superseded:%'",
    ) == [(2,)]

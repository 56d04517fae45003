"""Every reconciliation test is itself tested: inject the fault it guards against into a copy of the built
warehouse and check that this test, by name, fails (and that it passes on the unmodified copy)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from ingestion.serving.dbt import invoke_dbt
from tests.python.builders import AS_OF
from tests.python.conftest import Warehouse

# test name -> SQL that breaks exactly what the test guards, in the copy of the warehouse.
FAULTS: dict[str, str] = {
    # the card and its worklist agree with each other, but not with the catalogue
    "assert_aex_total_listings_equals_distinct_current_listings":
        "delete from marts.aex_total_listings where store_key = 'default' and product_id = '1005006000000007';"
        "update marts.kpi_cards set value = value - 1 where store_key = 'default' and card_key = 'aex_total_listings'",
    # a state bucket that lost a listing
    "assert_aex_total_listings_equals_sum_of_states":
        "update marts.kpi_card_breakdowns set value = value - 1 "
        "where store_key = 'default' and card_key = 'aex_total_listings' and bucket = 'expired'",
    # a rejected listing missing from the worklist and the card
    "assert_aex_rejected_auditing_listings_matches_catalogue":
        "delete from marts.aex_rejected_auditing_listings where store_key = 'default' and lifecycle_state = 'rejected' "
        "and product_id = (select min(product_id) from marts.aex_rejected_auditing_listings "
        "where store_key = 'default' and lifecycle_state = 'rejected');"
        "update marts.kpi_cards set value = value - 1 where store_key = 'default' and card_key = 'aex_rejected_auditing_listings'",
    # a refuse -> refuse counted as a second transition
    "assert_aex_rejected_listings_24h_rows_have_qualifying_transitions":
        "update marts.aex_rejected_listings_24h set transition_count = 2 "
        "where store_key = 'default' and product_id = '1005006000004651';"
        "update marts.kpi_cards set value = value + 1 where store_key = 'default' and card_key = 'aex_rejected_listings_24h'",
    # the card counts a transition the outcomes do not hold
    "assert_aex_rejected_listings_24h_equals_transitions_recounted":
        "update marts.kpi_cards set value = value + 1 where store_key = 'default' and card_key = 'aex_rejected_listings_24h'",
    # an in-stock SKU counted as an oversell, consistently in card and worklist
    "assert_aex_xc_listed_but_oos_on_bc_counted_rows_satisfy_rule":
        "insert into marts.aex_xc_listed_but_oos_on_bc by name select store_key, product_id, sku_id, sku_code, bc_sku, "
        "bc_variant_id, bc_product_id, aliexpress_stock, bc_inventory_tracking, bc_stock_source, bc_stock, is_bc_deleted, "
        "bc_oos_since, 'counted' as oversell_status, null as exclusion_reason, true as is_counted, 1 as aliexpress_skus_on_bc_sku "
        "from marts.fct_aliexpress_skus_vs_bigcommerce where store_key = 'default' and match_status = 'matched' "
        "and is_buyable_on_aliexpress and not is_bc_oos limit 1;"
        "update marts.kpi_cards set value = value + 1 where store_key = 'default' and card_key = 'aex_xc_listed_but_oos_on_bc'",
    # an oversold SKU the card missed (e.g. a SKU code with a non-breaking space left unmatched)
    "assert_aex_xc_listed_but_oos_on_bc_equals_recount_from_staging":
        "update marts.kpi_cards set value = value - 1 where store_key = 'default' and card_key = 'aex_xc_listed_but_oos_on_bc'",
    # an AliExpress SKU lost by the join
    "assert_every_aliexpress_sku_in_join_once":
        "delete from marts.fct_aliexpress_skus_vs_bigcommerce where store_key = 'sister_store' "
        "and sku_id = (select min(sku_id) from marts.fct_aliexpress_skus_vs_bigcommerce where store_key = 'sister_store')",
    # a sibling card's ratio off
    "assert_aex_listing_rejection_rate_equals_rejected_over_total":
        "update marts.kpi_cards set value = 0.5 where store_key = 'default' and card_key = 'aex_listing_rejection_rate'",
    # a counted oversell the drift worklist lost (drift compared only per-variant stock)
    "assert_aex_xc_catalogue_drift_vs_bc_includes_every_counted_oversell":
        "delete from marts.aex_xc_catalogue_drift_vs_bc where store_key = 'default' and is_bc_oos",
    # a card missing for one store
    "assert_kpi_cards_cover_registry":
        "delete from marts.kpi_cards where store_key = 'sister_store' and card_key = 'aex_total_listings'",
}

# Merchant-data tests warn rather than fail; they too must fire on the fault they describe.
WARNINGS: dict[str, str] = {
    "warn_unmapped_listing_status":
        "update intermediate.int_aliexpress__listings_at_as_of set lifecycle_state = 'unknown', "
        "product_status_type = 'draft' where store_key = 'sister_store' and product_id = '1005007000000000'",
    # the sample whitelists LP-BUFFER-01 for every store (`*`); a row for one store, in other case, overlaps it
    "warn_overlapping_seed_rows":
        "insert into seeds.oos_whitelist values ('default', ' lp-buffer-01', 'separate_fulfilment', null)",
}


def statuses(db_path: Path, names: list[str]) -> dict[str, str]:
    result = invoke_dbt(["test", "--select", *names], as_of=AS_OF, db_path=db_path)
    assert result.result is not None, f"dbt test did not run: {result.exception}"
    return {node.node.name: str(node.status) for node in result.result.results}


@pytest.fixture(scope="module")
def pristine(warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("pristine") / "listing_pulse.duckdb"
    shutil.copyfile(warehouse.path, copy)
    return copy


def faulty_copy(pristine: Path, folder: Path, fault_sql: str) -> Path:
    copy = folder / "listing_pulse.duckdb"
    shutil.copyfile(pristine, copy)
    with duckdb.connect(str(copy)) as con:
        for statement in fault_sql.split(";"):
            changed = con.execute(statement).fetchall()
            assert changed != [(0,)], f"the fault changed nothing: {statement}"
    return copy


def test_every_guarded_test_passes_on_the_unmodified_warehouse(pristine: Path) -> None:
    names = [*FAULTS, *WARNINGS]
    assert statuses(pristine, names) == {name: "pass" for name in names}


@pytest.mark.parametrize("test_name", list(FAULTS))
def test_reconciliation_test_fails_on_its_fault(pristine: Path, tmp_path: Path, test_name: str) -> None:
    copy = faulty_copy(pristine, tmp_path, FAULTS[test_name])
    assert statuses(copy, [test_name]) == {test_name: "fail"}


@pytest.mark.parametrize("test_name", list(WARNINGS))
def test_merchant_data_test_warns_on_its_fault(pristine: Path, tmp_path: Path, test_name: str) -> None:
    copy = faulty_copy(pristine, tmp_path, WARNINGS[test_name])
    assert statuses(copy, [test_name]) == {test_name: "warn"}

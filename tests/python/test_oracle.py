"""The independent oracle (tests/python/oracle.py: pandas over the raw tables and the seed files) agrees with
marts.kpi_cards and the worklists, card by card and row key by row key, for every scenario store."""

from __future__ import annotations

import pytest

from tests.python import oracle
from tests.python.conftest import AS_OF, Warehouse

SCENARIO_STORES = ("default", "sister_store", "backlog_clears")
WORKLIST_KEYS = {
    "aex_total_listings": "select product_id from marts.aex_total_listings where store_key = ?",
    "aex_rejected_auditing_listings": "select product_id from marts.aex_rejected_auditing_listings where store_key = ?",
    "aex_rejected_listings_24h": "select product_id from marts.aex_rejected_listings_24h where store_key = ?",
    "aex_xc_listed_but_oos_on_bc": "select product_id, sku_id from marts.aex_xc_listed_but_oos_on_bc where store_key = ? and is_counted",
}


def published(warehouse: Warehouse, store_key: str) -> dict[str, oracle.Card]:
    result = {}
    for card_key, sql in WORKLIST_KEYS.items():
        value = warehouse.card(store_key, card_key)
        distinct_listings = warehouse.card(store_key, card_key, "distinct_listings")
        keys = {row[0] if len(row) == 1 else tuple(row) for row in warehouse.rows(sql, store_key)}
        result[card_key] = oracle.Card(
            None if value is None else int(value), keys, None if distinct_listings is None else int(distinct_listings)
        )
    return result


def test_the_oracle_reproduces_the_card_pages_worked_examples(warehouse: Warehouse) -> None:
    # The oracle is itself checked against the hand-worked values of test_scenario_cards.py: 4,820 listings,
    # 340 auditing + 120 rejected = 460, 38 rejection transitions over 37 listings, 4 oversold SKUs.
    cards = oracle.cards(warehouse.path, "default", AS_OF.replace(tzinfo=None))
    assert cards["aex_total_listings"].value == 4820
    assert cards["aex_rejected_auditing_listings"].value == 460
    assert (cards["aex_rejected_listings_24h"].value, len(cards["aex_rejected_listings_24h"].keys)) == (38, 37)
    assert cards["aex_xc_listed_but_oos_on_bc"].value == 4


@pytest.mark.parametrize("store_key", SCENARIO_STORES)
def test_the_warehouse_agrees_with_the_oracle(warehouse: Warehouse, store_key: str) -> None:
    assert published(warehouse, store_key) == oracle.cards(warehouse.path, store_key, AS_OF.replace(tzinfo=None))

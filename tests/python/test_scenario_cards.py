"""Every card of every scenario store against the cards' worked examples (models/docs.md, README).

Each expected value is worked out by hand from the construction in ingestion/sources/sample/scenarios.py;
the comment beside it says how. A naive rule gives a different number, because of the decoys.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.python.builders import AS_OF, BACKLOG_OBSERVATIONS
from tests.python.conftest import Warehouse

# ---- aex_total_listings (card page 002: 4,820 total, 4,310 active; gap 510 = 340 + 120 + 50) ----------


def test_total_listings_counts_every_state(warehouse: Warehouse) -> None:
    # 4,310 onSelling + 340 auditing + 60 editingRequired + 40 violate_offline + 20 punish_offline
    # + 50 expire_offline = 4,820.
    assert warehouse.card("default", "aex_total_listings") == 4820


def test_total_listings_breakdown_and_gap(warehouse: Warehouse) -> None:
    breakdown = dict(
        warehouse.rows(
            "select bucket, value from marts.kpi_card_breakdowns "
            "where store_key = 'default' and card_key = 'aex_total_listings'"
        )
    )
    # rejected = editingRequired 60 + violate_offline 40 + punish_offline 20 = 120.
    assert breakdown == {"active": 4310, "auditing": 340, "rejected": 120, "expired": 50}
    assert 4820 - breakdown["active"] == 510


def test_total_listings_excludes_a_listing_deleted_from_the_sweep(warehouse: Warehouse) -> None:
    # backlog_clears: 201 listings at the first observation; listing 200 is absent from the second
    # sweep, so it is retired: 200 afterwards (a count of distinct ids ever seen would say 201).
    assert [value for _, value in warehouse.history("backlog_clears", "aex_total_listings")] == [201, 200, 200]


# ---- aex_rejected_auditing_listings (card page 001: 0 -> 5 -> 0) ---------------------------------------


def test_rejected_auditing_is_the_standing_pool(warehouse: Warehouse) -> None:
    # default: 340 auditing + 120 rejected = 460 (listings rejected before the audit feed began have no
    # outcome at all, so counting `refuse` outcomes instead would give fewer).
    assert warehouse.card("default", "aex_rejected_auditing_listings") == 460
    # sister_store: 30 auditing + 15 editingRequired = 45.
    assert warehouse.card("sister_store", "aex_rejected_auditing_listings") == 45


def test_rejected_auditing_goes_zero_five_zero(warehouse: Warehouse) -> None:
    # 03-08: all 201 active -> 0. 03-09: 4 editingRequired (low-resolution images) + 1 auditing
    # (missing brand) -> 5. 03-11: all five back onSelling -> 0.
    history = warehouse.history("backlog_clears", "aex_rejected_auditing_listings")
    assert [as_of for as_of, _ in history] == [moment.replace(tzinfo=None) for moment in BACKLOG_OBSERVATIONS]
    assert [value for _, value in history] == [0, 5, 0]


def test_rejected_auditing_worklist_rows_say_state_reason_and_action(warehouse: Warehouse) -> None:
    rows = warehouse.rows(
        "select lifecycle_state, last_rejection_cause, suggested_action is not null "
        "from marts.aex_rejected_auditing_listings where store_key = 'default' and product_id = ?",
        str(1005006000000000 + 4310 + 340 + 35),  # rejected[35]: re-rejected for image quality
    )
    assert rows == [("rejected", "image_quality", True)]


# ---- aex_rejected_listings_24h (card page 000: 38 overnight, mostly a missing brand, vs 1-2 a day) ------


def test_rejected_24h_counts_transitions_in_the_window(warehouse: Warehouse) -> None:
    # 35 listings refused once for a missing brand (one of them delivered twice: collapses; one refused
    # again without resubmission: no second transition) = 35, plus one listing refused, approved and
    # refused again = 2, plus one refused exactly at as_of (window is (as_of-24h, as_of]) = 1 -> 38.
    # Decoys not counted: a refuse exactly at as_of-24h; a listing refused at -30h and again at -3h.
    assert warehouse.card("default", "aex_rejected_listings_24h") == 38
    # 35 + 1 + 1 = 37 listings.
    assert warehouse.card("default", "aex_rejected_listings_24h", "distinct_listings") == 37


def test_rejected_24h_worklist_sums_to_the_card(warehouse: Warehouse) -> None:
    per_listing = warehouse.rows(
        "select transition_count, count(*) from marts.aex_rejected_listings_24h "
        "where store_key = 'default' group by transition_count order by 1"
    )
    assert per_listing == [(1, 36), (2, 1)]


def test_rejected_24h_causes_and_top_share(warehouse: Warehouse) -> None:
    causes = warehouse.rows(
        "select bucket, value, round(share, 4), is_top_bucket from marts.kpi_card_breakdowns "
        "where store_key = 'default' and card_key = 'aex_rejected_listings_24h' order by value desc"
    )
    # missing brand 35 of 38 = 0.9211; image quality 2 (the re-rejected listing, twice); IP 1.
    assert causes == [
        ("missing_required_attribute", 35, 0.9211, True),
        ("image_quality", 2, 0.0526, False),
        ("intellectual_property", 1, 0.0263, False),
    ]


def test_rejected_24h_spike_against_the_median_of_seven_windows(warehouse: Warehouse) -> None:
    # Previous windows 1..7: [2 (the -24h and -30h decoys), 1, 2, 1, 1, 2, 1] -> median 1;
    # 38 >= 5 and 38 > 3 x 1 -> spike.
    assert warehouse.card("default", "aex_rejected_listings_24h", "spike_baseline_median") == 1
    assert warehouse.card("default", "aex_rejected_listings_24h", "is_spike") is True
    # sister_store: one rejection at -5h; 1 < 5 -> no spike.
    assert warehouse.card("sister_store", "aex_rejected_listings_24h") == 1
    assert warehouse.card("sister_store", "aex_rejected_listings_24h", "is_spike") is False


def test_rejected_24h_on_the_day_of_the_backlog(warehouse: Warehouse) -> None:
    # 03-09: four refuse outcomes at 03-09 03:00, inside (03-08 09:00, 03-09 09:00]; the auditing hold is
    # no rejection -> 4. 03-11: nothing refused in (03-10 09:00, 03-11 09:00] -> 0 (the catalogue move
    # of listing 3 back to active becomes a derived `auditing` outcome, not a rejection).
    assert [value for _, value in warehouse.history("backlog_clears", "aex_rejected_listings_24h")] == [0, 4, 0]


def test_a_move_out_of_rejected_without_outcome_is_a_derived_auditing_outcome(warehouse: Warehouse) -> None:
    derived = warehouse.rows(
        "select product_id, outcome_status, outcome_at from intermediate.int_aliexpress__audit_outcomes "
        "where store_key = 'backlog_clears' and is_derived"
    )
    # listings[3] (product 1005008000000003) left editingRequired between the 03-09 and 03-11 sweeps
    # with no approval received: one derived auditing outcome at the 03-11 observation.
    assert derived == [("1005008000000003", "auditing", AS_OF.replace(tzinfo=None))]


# ---- aex_xc_listed_but_oos_on_bc (card page 003: 4) ----------------------------------------------------


def test_oversell_counts_distinct_aliexpress_skus(warehouse: Warehouse) -> None:
    # Counted: a variant at 0 and a variant at -2 of one listing (2), a product-level-tracked product at 0
    # (1), a SKU whose AliExpress code differs only in case and spaces (1) -> 4 SKUs on 3 listings.
    assert warehouse.card("default", "aex_xc_listed_but_oos_on_bc") == 4
    assert warehouse.card("default", "aex_xc_listed_but_oos_on_bc", "distinct_listings") == 3


def test_oversell_decoys_are_not_counted(warehouse: Warehouse) -> None:
    statuses = dict(
        warehouse.rows(
            "select match_status, count(*) from marts.fct_aliexpress_skus_vs_bigcommerce "
            "where store_key = 'default' and match_status <> 'matched' group by match_status"
        )
    )
    # 'ZZ-NOT-ON-BC' and 'LP-RETIRED-SKU' match nothing; one SKU code is empty; one SKU is carried by two
    # BC variants. Every other SKU matches a variant SKU exactly once (a simple product's base variant
    # repeats the product's SKU, which is never matched).
    assert statuses == {"no_bc_match": 2, "no_sku_code": 1, "ambiguous_bc_sku": 1}
    worklist = warehouse.rows(
        "select sku_code, oversell_status, exclusion_reason from marts.aex_xc_listed_but_oos_on_bc "
        "where store_key = 'default' and not is_counted"
    )
    # The whitelisted buffer SKU stays visible with its reason. Not in the worklist at all: tracking
    # `none` at 0, AliExpress stock 0, multi-location stock 3 despite inventory_level 0, an auditing listing.
    assert worklist == [("LP-BUFFER-01", "excluded", "buffer_stock")]


def test_oversell_multi_location_stock_wins(warehouse: Warehouse) -> None:
    rows = warehouse.rows(
        "select bc_stock_source, bc_stock, is_bc_oos from marts.fct_aliexpress_skus_vs_bigcommerce "
        "where store_key = 'default' and bc_stock_source = 'locations'"
    )
    # inventory_level 0, locations: enabled 3 + disabled 9 -> 3, in stock.
    assert rows == [("locations", 3, False)]


# ---- stores stay apart ---------------------------------------------------------------------------------


def test_two_stores_sharing_bc_ids_and_skus_keep_their_own_cards(warehouse: Warehouse) -> None:
    # sister_store shares the default store's BC product ids, variant ids and SKU codes but has its own
    # listings and stock: 1,000 listings; two single-SKU listings OOS on BC that are in stock in default.
    assert warehouse.card("sister_store", "aex_total_listings") == 1000
    assert warehouse.card("sister_store", "aex_xc_listed_but_oos_on_bc") == 2
    assert warehouse.card("default", "aex_xc_listed_but_oos_on_bc") == 4
    shared_bc_ids = warehouse.value(
        "select count(*) from (select bc_variant_id from marts.fct_aliexpress_skus_vs_bigcommerce "
        "where store_key = 'default' intersect select bc_variant_id from marts.fct_aliexpress_skus_vs_bigcommerce "
        "where store_key = 'sister_store')"
    )
    assert shared_bc_ids > 1000  # the premise: the two stores really do reuse BC ids


@pytest.mark.parametrize(
    "card_key", ["aex_total_listings", "aex_rejected_auditing_listings", "aex_xc_listed_but_oos_on_bc"]
)
def test_a_store_not_yet_observed_has_null_cards(warehouse: Warehouse, card_key: str) -> None:
    # default was first observed at 03-11; the build at 03-08 must say "unknown", not 0.
    history = dict(warehouse.history("default", card_key))
    assert history[BACKLOG_OBSERVATIONS[0].replace(tzinfo=None)] is None
    assert history[AS_OF.replace(tzinfo=None)] is not None


def test_alerts_follow_the_default_profile(warehouse: Warehouse) -> None:
    alerting = dict(warehouse.rows("select card_key, is_alerting from marts.kpi_cards where store_key = 'default'"))
    # value > 0 alerts for every card with a `>0` trigger (all non-zero in this store); Total, Active and
    # the rejection rate have no trigger; completeness alerts below 1.
    assert alerting == {
        "aex_total_listings": False,
        "aex_active_listings": False,
        "aex_listing_rejection_rate": False,
        "aex_rejected_auditing_listings": True,
        "aex_rejected_listings_24h": True,
        "aex_xc_listed_but_oos_on_bc": True,
        "aex_oos_listings": True,
        "aex_listings_expiring_soon": True,
        "aex_xc_catalogue_drift_vs_bc": True,
        "aex_required_attribute_completeness": True,  # < 1: 35 listings lack their brand
        "aex_listing_quality_score": False,  # no trigger
    }


# ---- sibling cards ---------------------------------------------------------------------------------------


def test_active_listings_and_the_stuck_gap(warehouse: Warehouse) -> None:
    # Active counts onSelling listings (4,310, the card page's figure); Total - Active = 510 stuck.
    assert warehouse.card("default", "aex_active_listings") == 4310
    assert warehouse.card("default", "aex_total_listings") - warehouse.card("default", "aex_active_listings") == 510


def test_oos_listings_are_active_with_no_aliexpress_stock(warehouse: Warehouse) -> None:
    # One active single-SKU listing was given ipm_sku_stock 0 (the "not buyable" decoy); all other
    # active SKUs carry the stock of their BC variant, which the generator draws from 5..150.
    assert warehouse.card("default", "aex_oos_listings") == 1


def test_listing_rejection_rate_is_rejected_over_total(warehouse: Warehouse) -> None:
    # 120 rejected / 4,820 listings.
    assert round(float(warehouse.card("default", "aex_listing_rejection_rate")), 6) == round(120 / 4820, 6)
    assert warehouse.card("default", "aex_listing_rejection_rate", "distinct_listings") == 120


def test_catalogue_drift_compares_with_the_stock_that_counts(warehouse: Warehouse) -> None:
    # The feed keeps AliExpress stock equal to BC's; drift is where a scenario broke that, on the BC stock
    # that counts for active matched listings: the oversold listing's two variants (BC 0 and -2), the
    # case/space SKU (BC 0), the whitelisted SKU (BC 0), the multi-location SKU (3 available) and the
    # product-tracked oversell (product level 0: every counted oversell is drift) = 6.
    # Not drift: tracking none, the unbuyable SKU (0 = 0), product-tracked SKUs within their product's pool
    # (the generator gives the product the sum of its variants' levels).
    assert warehouse.card("default", "aex_xc_catalogue_drift_vs_bc") == 6
    # sister_store: its two single-SKU variants set to 0 on BC.
    assert warehouse.card("sister_store", "aex_xc_catalogue_drift_vs_bc") == 2


def test_expiring_soon_counts_active_listings_ending_within_seven_days(warehouse: Warehouse) -> None:
    # Recomputed here from the generator's own list pages: onSelling items whose ws_offline_date (GMT+8
    # text) falls in (as_of, as_of + 7 days].
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from ingestion.sources.sample.scenarios import generate

    (observation,) = generate("default", AS_OF)
    shanghai = ZoneInfo("Asia/Shanghai")
    expected = 0
    for status_type, page in observation.aliexpress.product_lists:
        if status_type != "onSelling":
            continue
        for item in page.body["aliexpress_solution_product_list_get_response"]["result"][
            "aeop_a_e_product_display_d_t_o_list"
        ]["item_display_dto"]:
            ends = datetime.strptime(item["ws_offline_date"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=shanghai)
            expected += AS_OF < ends <= AS_OF + timedelta(days=7)
    assert expected > 0
    assert warehouse.card("default", "aex_listings_expiring_soon") == expected


def test_required_attribute_completeness(warehouse: Warehouse) -> None:
    # The 35 listings of the overnight spike lost their Brand Name (attr_name_id 2, required in every
    # category by seeds/required_attributes.csv): 4,785 of 4,820 complete.
    assert warehouse.card("default", "aex_required_attribute_completeness", "distinct_listings") == 35
    assert round(float(warehouse.card("default", "aex_required_attribute_completeness")), 6) == round(4785 / 4820, 6)
    # backlog_clears: the listing held for a missing brand on 03-09 had it restored by 03-11.
    history = [float(value) for _, value in warehouse.history("backlog_clears", "aex_required_attribute_completeness")]
    assert history == [1.0, 199 / 200, 1.0]


def test_listing_quality_score(warehouse: Warehouse) -> None:
    # Every sample listing has 6 images, a description and a 16-19 character subject ("Sample product N"),
    # so only two components can fall short (default weights: required_attributes 0.30, sku_codes 0.15).
    # default: the 35 listings of the overnight spike lack their brand (score 0.70) and one decoy SKU has a
    # blank code (0.85): mean = (4,820 - 35 x 0.30 - 0.15) / 4,820 = 4,809.35 / 4,820 = 0.997790.
    assert round(float(warehouse.card("default", "aex_listing_quality_score")), 6) == 0.997790
    assert warehouse.card("default", "aex_listing_quality_score", "distinct_listings") == 36
    scores = warehouse.rows(
        "select quality_score, count(*) from marts.aex_listing_quality_score "
        "where store_key = 'default' group by quality_score order by quality_score"
    )
    assert [(float(score), count) for score, count in scores] == [(0.7, 35), (0.85, 1), (1.0, 4784)]
    # backlog_clears: the listing held for a missing brand on 03-09 scores 0.70 among 200 (one deleted):
    # (200 - 0.30) / 200 = 0.9985; all complete on 03-08 (201) and 03-11.
    history = [float(value) for _, value in warehouse.history("backlog_clears", "aex_listing_quality_score")]
    assert history == [1.0, 0.9985, 1.0]

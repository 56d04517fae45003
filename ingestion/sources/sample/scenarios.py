"""Named sample stores. Each reproduces the cards' worked examples (models/docs.md, README) and holds
the decoys a naive implementation would count. The expected values are worked out by hand in
tests/python/test_scenario_cards.py, from the construction below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ingestion.sources.common.captures import AliExpressCapture, BigCommerceCapture
from ingestion.sources.sample.store import (
    ACTIVE,
    AUDITING,
    EDITING_REQUIRED,
    EXPIRED,
    PUNISH_OFFLINE,
    VIOLATE_OFFLINE,
    SampleStore,
)

MISSING_BRAND = ("MISSING_REQUIRED_ATTRIBUTE", "Required attribute 'Brand Name' is missing")
IMAGE_QUALITY = ("IMAGE_QUALITY", "Main image resolution is below 800x800")
IP_INFRINGEMENT = ("IP_INFRINGEMENT", "Suspected intellectual property infringement")
PROHIBITED = ("PROHIBITED_GOODS", "Product is prohibited on AliExpress")
RESTRICTED = ("RESTRICTED_GOODS", "Product category is restricted")
OLD_REASONS = (IMAGE_QUALITY, MISSING_BRAND, RESTRICTED, ("TITLE_KEYWORD_STUFFING", "Title repeats keywords"))


@dataclass
class Observation:
    observed_at: datetime
    aliexpress: AliExpressCapture
    bigcommerce: BigCommerceCapture


def hours(value: float) -> timedelta:
    return timedelta(hours=value)


def _history(store: SampleStore, listings, status: str, before: timedelta) -> None:
    """Give listings the approval (or auditing) outcome that preceded today's story."""
    for listing in listings:
        store.outcome(listing, status, store.as_of - before)


def default(as_of: datetime, seed: int) -> list[Observation]:
    """4,820 listings: 4,310 active, 340 auditing, 120 rejected, 50 expired (Total Listings, 14 Mar);
    38 rejection transitions in the last 24h on 37 listings, 35 for a missing brand, against 1-2 a day
    before (Rejected 24h, 09 Mar); 4 AliExpress SKUs on 3 listings active and buyable but OOS on BC
    (Listed but OOS on BC, 17 Mar). Rejected / Auditing reads 340 + 120 = 460."""
    store = SampleStore.build(
        as_of,
        seed,
        product_id_base=1005006000000000,
        states=[
            (ACTIVE, 4310),
            (AUDITING, 340),
            (EDITING_REQUIRED, 60),
            (VIOLATE_OFFLINE, 40),
            (PUNISH_OFFLINE, 20),
            (EXPIRED, 50),
        ],
    )
    active, auditing = store.in_state(ACTIVE), store.in_state(AUDITING)
    rejected = store.in_state(EDITING_REQUIRED) + store.in_state(VIOLATE_OFFLINE) + store.in_state(PUNISH_OFFLINE)
    _history(store, active, "approved", timedelta(days=25))
    _history(store, auditing, "auditing", hours(30))
    _history(store, rejected[:56], "approved", timedelta(days=60))
    t = lambda h: as_of - hours(h)  # noqa: E731  (hours before as_of)

    # The overnight spike: 35 listings rejected for a missing brand, 30 minutes apart.
    for j, listing in enumerate(rejected[:35]):
        listing.has_brand = False
        store.outcome(listing, "refuse", t(0.5 + 0.5 * j), MISSING_BRAND)
    store.events.append(dict(store.events[-35]))  # decoy: rejected[0]'s outcome delivered twice
    store.outcome(rejected[1], "refuse", t(0.25), MISSING_BRAND)  # decoy: refuse -> refuse, no resubmission
    # A fixed-and-re-rejected listing: two transitions, one listing.
    store.outcome(rejected[35], "refuse", t(20), IMAGE_QUALITY)
    store.outcome(rejected[35], "approved", t(12))
    store.outcome(rejected[35], "refuse", t(6), IMAGE_QUALITY)
    store.outcome(rejected[36], "refuse", t(0), IP_INFRINGEMENT)  # exactly at as_of: in the window
    store.outcome(rejected[37], "refuse", t(24), PROHIBITED)  # decoy: exactly as_of - 24h: out
    store.outcome(rejected[38], "refuse", t(30), RESTRICTED)  # decoy: first refuse before the window,
    store.outcome(rejected[38], "refuse", t(3), RESTRICTED)  # the repeat inside it is no transition
    # The usual 1-2 a day: windows 2..7 before as_of (window 1 already holds rejected[37] and [38]).
    for listing, h in zip(rejected[39:47], (60, 84, 86, 108, 132, 156, 158, 180)):
        store.outcome(listing, "refuse", t(h), OLD_REASONS[listing.index % len(OLD_REASONS)])
    for day, listing in enumerate(rejected[47:54], start=8):
        store.outcome(listing, "refuse", t(24 * day + 6), OLD_REASONS[day % len(OLD_REASONS)])
    # The rest were rejected weeks ago; the oldest before the audit feed began (no outcome at all).
    for k, listing in enumerate(rejected[54:100]):
        store.outcome(listing, "refuse", t(24 * (20 + k)), OLD_REASONS[k % len(OLD_REASONS)])

    _oversell(store, active, auditing)
    aliexpress, bigcommerce = store.capture(store.events)
    return [Observation(as_of, aliexpress, bigcommerce)]


def _oversell(store: SampleStore, active, auditing) -> None:
    """Four counted SKUs on three listings, and one decoy for each rule that must not count."""

    def bc(listing):
        return store.product_of(listing)

    # Counted: variant tracking at 0 and at -2 (two SKUs of one listing).
    listing = next(candidate for candidate in active if len(candidate.skus) >= 2)
    product = bc(listing)
    product.inventory_tracking = "variant"
    product.variants[0].inventory_level = 0
    product.variants[1].inventory_level = -2
    counted = [listing]
    # Counted: product-level tracking at 0 (its variants' own levels are ignored).
    listing = next(candidate for candidate in active if len(candidate.skus) == 1)
    bc(listing).inventory_tracking, bc(listing).inventory_level = "product", 0
    counted.append(listing)
    # Counted: the AliExpress sku_code differs from BC's only in case and white space.
    listing = next(candidate for candidate in active if len(candidate.skus) == 1 and candidate not in counted)
    bc(listing).inventory_tracking, bc(listing).variants[0].inventory_level = "variant", 0
    listing.skus[0].sku_code = f"  {listing.skus[0].sku_code.lower()} "
    counted.append(listing)

    singles = [candidate for candidate in active if len(candidate.skus) == 1 and candidate not in counted]
    # Decoy: BC does not track stock (tracking none) at zero.
    none_tracked = singles[0]
    bc(none_tracked).inventory_tracking, bc(none_tracked).inventory_level = "none", 0
    bc(none_tracked).variants[0].inventory_level = 0
    # Decoy: whitelisted (buffer stock) SKU, out of stock on BC: excluded, shown with its reason.
    whitelisted = singles[1]
    whitelisted.skus[0].sku_code = "LP-BUFFER-01"
    bc(whitelisted).sku = bc(whitelisted).variants[0].sku = "LP-BUFFER-01"
    bc(whitelisted).inventory_tracking, bc(whitelisted).variants[0].inventory_level = "variant", 0
    # Decoy: active but no AliExpress stock: not buyable, so not an oversell.
    unbuyable = singles[2]
    unbuyable.skus[0].ipm_sku_stock = 0
    bc(unbuyable).inventory_tracking, bc(unbuyable).variants[0].inventory_level = "variant", 0
    # Decoy: an AliExpress SKU code BC does not know, and one with no SKU code at all.
    singles[3].skus[0].sku_code = "ZZ-NOT-ON-BC"
    singles[4].skus[0].sku_code = ""
    # Decoy: two BC variants carry one SKU: ambiguous, never guessed (one of them is at 0).
    ambiguous = singles[5]
    twin = bc(singles[6])
    bc(ambiguous).inventory_tracking = twin.inventory_tracking = "variant"
    twin.variants[0].sku = twin.sku = ambiguous.skus[0].sku_code
    twin.variants[0].inventory_level = 0
    singles[6].skus[0].sku_code = "LP-RETIRED-SKU"
    # Decoy: inventory_level 0 but multi-location stock available: multi-location wins.
    located = singles[7]
    bc(located).inventory_tracking = "variant"
    variant = bc(located).variants[0]
    variant.inventory_level = 0
    variant.locations = [(1, True, 3), (2, False, 9)]
    # Decoy: out of stock on BC, but the listing is in audit, not active.
    held = next(candidate for candidate in auditing if len(candidate.skus) == 1)
    bc(held).inventory_tracking, bc(held).variants[0].inventory_level = "variant", 0


def sister_store(as_of: datetime, seed: int) -> list[Observation]:
    """Shares the default store's BC product ids, variant ids and SKU codes (same seed), with its own
    AliExpress listings, states and stock: 1,000 listings (950 active, 30 auditing, 15 rejected,
    5 expired), one rejection in the last 24h, two SKUs OOS on BC that are in stock in the default store."""
    store = SampleStore.build(
        as_of,
        seed,
        product_id_base=1005007000000000,
        states=[(ACTIVE, 950), (AUDITING, 30), (EDITING_REQUIRED, 15), (EXPIRED, 5)],
    )
    active, rejected = store.in_state(ACTIVE), store.in_state(EDITING_REQUIRED)
    _history(store, active, "approved", timedelta(days=25))
    store.outcome(rejected[0], "refuse", as_of - hours(5), IMAGE_QUALITY)
    for k, listing in enumerate(rejected[1:]):
        store.outcome(listing, "refuse", as_of - timedelta(days=10 + k), OLD_REASONS[k % len(OLD_REASONS)])
    for listing in [candidate for candidate in active[20:] if len(candidate.skus) == 1][:2]:
        product = store.product_of(listing)
        product.inventory_tracking = "variant"
        product.variants[0].inventory_level = 0
    aliexpress, bigcommerce = store.capture(store.events)
    return [Observation(as_of, aliexpress, bigcommerce)]


def backlog_clears(as_of: datetime, seed: int) -> list[Observation]:
    """Rejected / Auditing goes 0 -> 5 -> 0 over three observations (09 -> 11 Mar): at as_of - 3d all
    201 listings are active; at as_of - 2d one listing is deleted, four are rejected for low-resolution
    images and one is held in audit for a missing brand; at as_of all five are active again (one of them
    with no approval outcome received: a derived `auditing` outcome)."""
    first, second = as_of - timedelta(days=3), as_of - timedelta(days=2)
    store = SampleStore.build(as_of, seed, product_id_base=1005008000000000, states=[(ACTIVE, 201)])
    listings = store.in_state(ACTIVE)
    for listing in listings:
        store.outcome(listing, "approved", first - timedelta(days=30))
    observations = [Observation(first, *store.capture(store.events))]

    listings[200].deleted = True
    for listing in listings[:4]:
        store.move(listing, EDITING_REQUIRED, second - hours(6))
    store.move(listings[4], AUDITING, second - hours(5))
    listings[4].has_brand = False
    delivered = [store.outcome(listing, "refuse", second - hours(6), IMAGE_QUALITY) for listing in listings[:4]]
    delivered.append(store.outcome(listings[4], "auditing", second - hours(5), MISSING_BRAND))
    observations.append(Observation(second, *store.capture(delivered)))

    for listing in listings[:5]:
        store.move(listing, ACTIVE, as_of - hours(20))
    listings[4].has_brand = True
    # listings[3] is active again but no outcome says so: the catalogue move is all there is.
    delivered = [store.outcome(listing, "approved", as_of - hours(20)) for listing in (*listings[:3], listings[4])]
    observations.append(Observation(as_of, *store.capture(delivered)))
    return observations


SCENARIOS: dict[str, Callable[[datetime, int], list[Observation]]] = {
    "default": default,
    "sister_store": sister_store,
    "backlog_clears": backlog_clears,
}


def generate(scenario: str, as_of: datetime, seed: int = 20260309) -> list[Observation]:
    """The observations of a named scenario around `as_of` (UTC), oldest first."""
    try:
        build = SCENARIOS[scenario]
    except KeyError:
        raise ValueError(f"unknown scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}") from None
    return build(as_of, seed)

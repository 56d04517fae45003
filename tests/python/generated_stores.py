"""Seeded random small stores for the oracle: each a few listings and BC products observed three times, with
what breaks naive implementations: status churn, deleted listings and variants, duplicate and late audit
outcomes, refuse -> refuse, outcomes on the 24h window's edges to the second, times sent with an offset or as
epoch milliseconds, every BC tracking mode, multi-location stock, SKU codes in odd case and whitespace, and
the sample whitelist's SKU. Rendered as real API responses (the sample store's captures), for the real loader.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ingestion.sources.common.captures import AliExpressCapture, BigCommerceCapture
from ingestion.sources.load import load_observation
from ingestion.sources.sample.scenarios import Observation
from ingestion.sources.sample.store import (
    ACTIVE,
    AUDITING,
    EDITING_REQUIRED,
    EXPIRED,
    PUNISH_OFFLINE,
    VIOLATE_OFFLINE,
    Listing,
    SampleStore,
)

REASONS = (
    ("MISSING_BRAND", "Brand attribute missing"),
    ("IMAGE_QUALITY", "Main image too small"),
    ("IP_INFRINGEMENT", "Suspected IP"),
)
STATES = (ACTIVE, ACTIVE, ACTIVE, AUDITING, EDITING_REQUIRED, VIOLATE_OFFLINE, PUNISH_OFFLINE, EXPIRED)
WHITELISTED_SKU = "LP-BUFFER-01"  # seeds/oos_whitelist.csv, for every store


def odd_spelling(rng: random.Random, code: str) -> str:
    return rng.choice(
        (code, code.lower(), f" {code}\t", f"\u00a0{code}\n", f"\u3000{code.lower()}\u200b", f"\r\n{code} ")
    )


def time_text(rng: random.Random, moment: datetime, default: str) -> str:
    """Mostly the GMT+8 wall clock AliExpress sends; sometimes UTC with `Z`, an offset, or epoch milliseconds."""
    utc = moment.astimezone(UTC)
    return rng.choice(
        (
            default,
            default,
            default,
            utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
            moment.astimezone(timezone(timedelta(hours=-5))).isoformat(),
            str(int(utc.timestamp() * 1000)),
        )
    )


def generate(seed: int, as_of: datetime, listings: frozenset[int] | None = None) -> list[Observation]:
    """The store of `seed` observed three times; with `listings`, only those listings (by index), their BC
    products and their audit outcomes are captured, the store otherwise drawn exactly as in full (how
    tests/python/fuzz_stores.py shrinks a store that disagrees with the oracle)."""
    rng = random.Random(seed)
    store = SampleStore.build(as_of, seed, 1005008000000000 + seed * 1000, _listing_states(rng))
    observed = [
        as_of - timedelta(days=2, seconds=rng.randint(0, 3600)),
        as_of - timedelta(days=1, seconds=rng.randint(0, 3600)),
        as_of,
    ]

    whitelisted = rng.choice(store.listings)
    for listing in store.listings:
        product = store.product_of(listing)
        product.inventory_tracking = rng.choice(("variant", "product", "none"))
        for sku, variant in zip(listing.skus, product.variants):
            if listing is whitelisted and sku is listing.skus[0]:
                sku.sku_code = variant.sku = WHITELISTED_SKU
            sku.ipm_sku_stock = rng.choice((0, 3, 12))
            sku.sku_code = odd_spelling(rng, sku.sku_code)
        _shuffle_bc_stock(rng, store, listing)

    events_at: list[tuple[datetime, dict[str, Any]]] = []
    for listing in store.listings:
        events_at += _outcomes(rng, store, listing, as_of)

    deliveries = [(_deliveries(rng, at, observed), event) for at, event in events_at]
    observations = []
    for number, moment in enumerate(observed):
        if number:
            _churn(rng, store, moment)
        delivered = [event for numbers, event in deliveries if number in numbers]
        aliexpress, bigcommerce = _capture(store, delivered, listings)
        observations.append(Observation(moment, aliexpress, bigcommerce))
    return observations


def load(store_key: str, seed: int, as_of: datetime, db_path: Path, listings: frozenset[int] | None = None) -> None:
    """Every observation of the store of `seed` (only `listings`, if given), landed by the real loader."""
    for observation in generate(seed, as_of, listings):
        load_observation(store_key, observation.observed_at, observation.aliexpress, observation.bigcommerce, db_path)


def listing_count(seed: int) -> int:
    """How many listings the store of `seed` has (indices 0 to n - 1)."""
    return sum(count for _, count in _listing_states(random.Random(seed)))


def _listing_states(rng: random.Random) -> list[tuple[tuple[str, str | None], int]]:
    return [*((state, rng.randint(0, 2)) for state in STATES), (ACTIVE, 2)]


def _capture(
    store: SampleStore, delivered: list[dict[str, Any]], listings: frozenset[int] | None
) -> tuple[AliExpressCapture, BigCommerceCapture]:
    if listings is None:
        return store.capture(delivered)
    kept = [listing for listing in store.listings if listing.index in listings]
    product_ids = {listing.product_id for listing in kept}
    subset = replace(store, listings=kept, products=[store.product_of(listing) for listing in kept])
    return subset.capture([event for event in delivered if event["product_id"] in product_ids])


def _shuffle_bc_stock(rng: random.Random, store: SampleStore, listing: Listing) -> None:
    product = store.product_of(listing)
    product.inventory_level = rng.choice((0, 0, 4))
    for variant in product.variants:
        variant.inventory_level = rng.choice((0, -1, 5))
        variant.locations = rng.choice(
            (None, None, [(1, True, rng.choice((0, 2))), (2, rng.random() < 0.5, rng.choice((0, 6)))])
        )


def _outcomes(
    rng: random.Random, store: SampleStore, listing: Listing, as_of: datetime
) -> list[tuple[datetime, dict[str, Any]]]:
    """A few outcomes per listing: random times over three days, and the window's edges to the second."""
    moments = [as_of - timedelta(seconds=rng.randint(60, 3 * 86400)) for _ in range(rng.randint(0, 4))]
    edge = rng.choice((None, timedelta(hours=24), timedelta(hours=24, seconds=-1), timedelta(0), timedelta(seconds=1)))
    if edge is not None:
        moments.append(as_of - edge)
    result = []
    for moment in sorted(moments):
        status = rng.choice(("refuse", "refuse", "approved", "auditing"))
        event = store.outcome(listing, status, moment, rng.choice(REASONS) if status == "refuse" else None)
        event["time_stamp"] = time_text(rng, moment, event["time_stamp"])
        result.append((moment, event))
    return result


def _deliveries(rng: random.Random, at: datetime, observed: list[datetime]) -> set[int]:
    """The observations that deliver an outcome: the first after it happened, sometimes the next one instead
    (late), sometimes a later one again (a duplicate delivery)."""
    first = next(n for n, moment in enumerate(observed) if moment >= at)
    if rng.random() < 0.2 and first + 1 < len(observed):
        first += 1
    return {first} | {n for n in range(first + 1, len(observed)) if rng.random() < 0.3}


def _churn(rng: random.Random, store: SampleStore, moment: datetime) -> None:
    """Between sweeps: listings change state or vanish, BC stock moves, a variant is deleted."""
    for listing in store.listings:
        roll = rng.random()
        if roll < 0.25:
            store.move(listing, rng.choice(STATES), moment)
        elif roll < 0.3:
            listing.deleted = True
        if rng.random() < 0.3:
            _shuffle_bc_stock(rng, store, listing)
        product = store.product_of(listing)
        if len(product.variants) > 1 and rng.random() < 0.15:
            product.variants.pop(rng.randrange(len(product.variants)))

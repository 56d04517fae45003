"""The sample generator is deterministic and speaks the API shapes the parsers read."""

from __future__ import annotations

import hashlib
import json

import pytest

from ingestion.sources.aliexpress.source import parse_capture as parse_aliexpress
from ingestion.sources.bigcommerce.source import parse_capture as parse_bigcommerce
from ingestion.sources.sample.scenarios import SCENARIOS, Observation, generate
from tests.python.builders import AS_OF


def fingerprint(observations: list[Observation]) -> str:
    """A hash of every page body the scenario renders, in order."""
    digest = hashlib.sha256()
    for observation in observations:
        digest.update(observation.observed_at.isoformat().encode())
        pages = [page for _, page in observation.aliexpress.product_lists]
        pages += observation.aliexpress.product_infos + observation.aliexpress.audit_events
        pages += observation.bigcommerce.catalog_pages + observation.bigcommerce.inventory_pages
        for page in pages:
            digest.update(json.dumps([page.origin, page.line, page.body], sort_keys=True).encode())
    return digest.hexdigest()


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_same_seed_same_bytes(scenario: str) -> None:
    assert fingerprint(generate(scenario, AS_OF, seed=7)) == fingerprint(generate(scenario, AS_OF, seed=7))


def test_another_seed_another_store() -> None:
    assert fingerprint(generate("default", AS_OF, seed=7)) != fingerprint(generate("default", AS_OF, seed=8))


def test_unknown_scenario_names_the_choices() -> None:
    with pytest.raises(ValueError, match="default, sister_store, backlog_clears"):
        generate("nope", AS_OF)


def test_default_store_parses_without_quarantine_into_every_state() -> None:
    (observation,) = generate("default", AS_OF)
    aliexpress = parse_aliexpress(observation.aliexpress, "default")
    bigcommerce = parse_bigcommerce(observation.bigcommerce, "default")
    assert aliexpress.quarantine == [] and bigcommerce.quarantine == []
    passes: dict[tuple[str, str | None], int] = {}
    for row in aliexpress.listings:
        key = (row["product_status_type"], row.get("ws_display"))
        passes[key] = passes.get(key, 0) + 1
    assert passes == {
        ("onSelling", None): 4310,
        ("auditing", None): 340,
        ("editingRequired", None): 60,
        ("offline", "violate_offline"): 40,
        ("offline", "punish_offline"): 20,
        ("offline", "expire_offline"): 50,
    }
    # Every AliExpress SKU has a BC variant of the same index (one listing <-> one BC product).
    assert len(aliexpress.listing_skus) == len(bigcommerce.variants)
    assert {row["inventory_tracking"] for row in bigcommerce.products} == {"none", "product", "variant"}
    # AliExpress times are GMT+8 wall-clock text, BigCommerce's carry their offset.
    assert aliexpress.audit_events[0]["time_stamp"][10] == " "
    assert bigcommerce.products[0]["date_modified"].endswith("+00:00")

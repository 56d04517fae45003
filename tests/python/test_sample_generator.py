"""The sample generator is deterministic and speaks the API shapes the parsers read."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from ingestion.sources.aliexpress.files import read_drop as read_aliexpress
from ingestion.sources.aliexpress.source import parse_capture as parse_aliexpress
from ingestion.sources.bigcommerce.files import read_drop as read_bigcommerce
from ingestion.sources.bigcommerce.source import parse_capture as parse_bigcommerce
from ingestion.sources.common.captures import AliExpressCapture
from ingestion.sources.common.pages import Page
from ingestion.sources.sample.scenarios import SCENARIOS, Observation, generate
from ingestion.sources.sample.store import ACTIVE, AUDITING, EXPIRED, SampleStore
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


def test_a_written_drop_reads_back_as_the_same_pages(tmp_path: Path) -> None:
    """`write_drop` (the benchmark's large stores) streams the pages `capture()` holds in memory: read back
    by the file-drop readers, every page body is there once, and each list page sits in its pass's folder."""
    store = SampleStore.build(AS_OF, 5, 1005007000000000, [(ACTIVE, 120), (AUDITING, 3), (EXPIRED, 2)])
    store.outcome(store.listings[0], "approved", AS_OF)
    store.outcome(store.listings[121], "refuse", AS_OF, ("IMAGE_QUALITY", "low"))
    store.products[1].variants[0].locations = [(1, True, 4), (2, False, 9)]
    aliexpress_capture, bigcommerce_capture = store.capture(store.events)
    store.write_drop(tmp_path, store.events)
    aliexpress, bigcommerce = read_aliexpress(tmp_path), read_bigcommerce(tmp_path)
    assert aliexpress is not None and bigcommerce is not None

    def bodies(pages: list[Page]) -> list[str]:
        return sorted(json.dumps(page.body, sort_keys=True) for page in pages)

    def passes(capture: AliExpressCapture) -> list[tuple[str, str]]:
        return sorted((status, json.dumps(page.body, sort_keys=True)) for status, page in capture.product_lists)

    # 120 active listings fill 3 pages of 50, the other passes one page each (editingRequired's is empty)
    assert len(aliexpress.product_lists) == 6 and passes(aliexpress) == passes(aliexpress_capture)
    assert bodies(aliexpress.product_infos) == bodies(aliexpress_capture.product_infos)
    assert len(list((tmp_path / "aliexpress" / "product_info").iterdir())) == 1  # 125 lines, 1,000 to a file
    assert bodies(aliexpress.audit_events) == bodies(aliexpress_capture.audit_events) and len(store.events) == 2
    assert bodies(bigcommerce.catalog_pages) == bodies(bigcommerce_capture.catalog_pages)
    assert bodies(bigcommerce.inventory_pages) == bodies(bigcommerce_capture.inventory_pages) != []
    assert aliexpress.unread == [] and bigcommerce.unread == []

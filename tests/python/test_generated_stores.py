"""Seeded random stores (tests/python/generated_stores.py), each its own store_key in one warehouse, landed by
the real loader and built once: the independent oracle must agree with the warehouse on every store.
A hand-built store beside them holds the edge cases a random store rarely hits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ingestion.serving.dbt import run_dbt
from ingestion.sources.load import load_observation
from ingestion.sources.sample.store import ACTIVE, EDITING_REQUIRED, SampleStore
from tests.python import generated_stores, oracle
from tests.python.conftest import Warehouse
from tests.python.test_oracle import published

AS_OF = datetime(2026, 3, 11, 9, 0, 0, tzinfo=UTC)
SEEDS = range(1, 9)
MISSING_BRAND = ("MISSING_BRAND", "Brand attribute missing")
IMAGE_QUALITY = ("IMAGE_QUALITY", "Main image too small")


def load_edge_store(db_path: Path) -> None:
    """`edge_cases`: listing 0 refused for a missing brand at as_of - 30h, then refused again for image quality
    at as_of - 2h without resubmission (one transition, outside the 24h window, so the 24h card is 0; the
    reason to fix now is image quality). Observed once, at as_of - 1h, listing 0 editingRequired."""
    store = SampleStore.build(AS_OF, 99, 1005008999000000, [(EDITING_REQUIRED, 1), (ACTIVE, 1)])
    listing = store.listings[0]
    events = [
        store.outcome(listing, "refuse", AS_OF - timedelta(hours=30), MISSING_BRAND),
        store.outcome(listing, "refuse", AS_OF - timedelta(hours=2), IMAGE_QUALITY),
    ]
    aliexpress, bigcommerce = store.capture(events)
    load_observation("edge_cases", AS_OF - timedelta(hours=1), aliexpress, bigcommerce, db_path)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    db_path = tmp_path_factory.mktemp("generated") / "listing_pulse.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LISTING_PULSE_DB", str(db_path))  # dlt's pipeline state lives beside the file
        for seed in SEEDS:
            generated_stores.load(f"generated_{seed}", seed, AS_OF, db_path)
        load_edge_store(db_path)
        assert run_dbt(["build"], as_of=AS_OF, db_path=db_path), "dbt build failed"
        yield Warehouse(db_path)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_oracle_agrees_on_a_generated_store(generated: Warehouse, seed: int) -> None:
    store_key = f"generated_{seed}"
    assert published(generated, store_key) == oracle.cards(generated.path, store_key, AS_OF.replace(tzinfo=None))


def test_the_backlog_shows_the_latest_refuse_reason_after_a_refuse_without_resubmission(generated: Warehouse) -> None:
    rows = generated.rows(
        "select last_rejection_reason_code, last_rejection_cause from marts.aex_rejected_auditing_listings "
        "where store_key = 'edge_cases' and product_id = '1005008999000000'"
    )
    assert rows == [("IMAGE_QUALITY", "image_quality")]
    # refuse at -30h is the only transition (the -2h refuse repeats it): nothing in (as_of - 24h, as_of].
    assert generated.card("edge_cases", "aex_rejected_listings_24h") == 0

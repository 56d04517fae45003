"""The pieces of `make fuzz-stores` that need no build: shrinking, and a generated store cut to some listings."""

from __future__ import annotations

from tests.python import generated_stores
from tests.python.fuzz_stores import shrink
from tests.python.test_generated_stores import AS_OF


def test_shrink_drops_every_listing_the_failure_does_not_need_one_build_per_round() -> None:
    rounds = []

    def still_fails(candidates: list[frozenset[int]]) -> list[bool]:
        rounds.append(len(candidates))
        return [{2, 5} <= candidate for candidate in candidates]

    # The failure needs listings 2 and 5. Each round drops the first listing whose removal keeps it:
    # 0, then 1, 3, 4, 6, 7 (six rounds of 8, 7, 6, 5, 4, 3 candidates), then a round of 2 where neither
    # can go: seven builds in all.
    assert shrink(frozenset(range(8)), still_fails) == {2, 5}
    assert rounds == [8, 7, 6, 5, 4, 3, 2]


def test_shrink_keeps_a_store_whose_every_listing_is_needed() -> None:
    assert shrink(frozenset({0, 1}), lambda candidates: [False] * len(candidates)) == {0, 1}


def listed_ids(observation: generated_stores.Observation) -> set[int]:
    return {
        item["product_id"]
        for _, page in observation.aliexpress.product_lists
        for item in page.body["aliexpress_solution_product_list_get_response"]["result"][
            "aeop_a_e_product_display_d_t_o_list"
        ]["item_display_dto"]
    }


def test_a_store_cut_to_some_listings_keeps_only_theirs_as_drawn_in_full() -> None:
    seed, kept = 3, frozenset({0, 1})
    full, cut = generated_stores.generate(seed, AS_OF), generated_stores.generate(seed, AS_OF, kept)
    ids = {1005008000000000 + seed * 1000 + index for index in kept}  # generate's product id base + index
    assert generated_stores.listing_count(seed) > len(kept)
    for whole, part in zip(full, cut, strict=True):
        assert part.observed_at == whole.observed_at
        assert listed_ids(part) == listed_ids(whole) & ids  # the kept listings still live, nothing else
        assert {page.body["product_id"] for page in part.aliexpress.audit_events} <= ids
        assert [page.body for page in part.aliexpress.audit_events] == [
            page.body for page in whole.aliexpress.audit_events if page.body["product_id"] in ids
        ]
        bc_ids = {product["id"] for page in part.bigcommerce.catalog_pages for product in page.body["data"]}
        assert bc_ids == {1000 + index for index in kept}  # SampleStore: BC product 1000 + i backs listing i
        infos = {page.origin: page.body for page in whole.aliexpress.product_infos}
        assert all(infos[page.origin] == page.body for page in part.aliexpress.product_infos)

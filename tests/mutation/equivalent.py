"""Mutants no test can tell from the model, each reviewed by hand: (model, mutation id) -> why.

A mutation id is `operator@line:column` of the model file (tests/mutation/operators.py); when a model is
edited the ids below the edit move, and tests/python/test_mutation_sample.py fails until this list follows.
"Equivalent" here means no input the upstream models can produce tells the mutant apart."""

from __future__ import annotations

EQUIVALENT: dict[tuple[str, str], str] = {
    ("aex_xc_catalogue_drift_vs_bc", "drop_condition@26:9"): (
        "fct_aliexpress_skus_vs_bigcommerce joins BigCommerce to `matched` SKUs only, so any other SKU has a null "
        "`bc_stock_source`, which `bc_stock_source <> 'untracked'` already leaves out"
    ),
    ("aex_xc_catalogue_drift_vs_bc", "drop_condition@27:9"): (
        "an `untracked` SKU has no BC stock (null `bc_stock`: int_bigcommerce__variant_stock gives tracking `none` "
        "none) and is never out of stock, so every other condition is false or null for it"
    ),
    ("int_aliexpress__listing_versions", "drop_condition@40:13"): (
        "without it a listing whose ws_display is `*` itself also matches the seed's `*` row as an exact match: "
        "the row any_display finds, so the same state and action"
    ),
    ("int_aliexpress__listing_versions", "coalesce_default@40:46"): (
        "a null ws_display is unlike `*` whether it reads as '' or as '?'"
    ),
    ("int_aliexpress__listings_at_as_of", "boundary@29:33"): "a SKU with 0 units adds 0 to the stock either way",
    ("int_aliexpress__audit_outcomes", "distinct@29:12"): (
        "stores_with_feed only tells stores with a feed, whose rows `stores_with_feed.store_key is null` drops, "
        "from those without: a repeated row repeats only rows that are dropped"
    ),
    ("int_aliexpress__audit_outcomes", "drop_condition@77:17"): (
        "no refuse lies after the latest refuse at or before the move and at or before the move: the condition "
        "never removes a row"
    ),
    ("int_aliexpress__audit_outcomes", "drop_condition@100:13"): (
        "`previous_state <> 'rejected'` is already null, so false, for a first version"
    ),
    **{
        ("int_bigcommerce__variant_stock", mutant): (
            "more change points: at a moment nothing of the variant changed its stock is the stock around it, so "
            "the first out-of-stock moment after the last in-stock one stays"
        )
        for mutant in ("and_or@56:55", "drop_condition@56:12", "drop_condition@56:59")
    },
    **{
        ("int_bigcommerce__variant_stock", mutant): (
            "a change point at a null time, which `changed_at <= as_of` (and the valid_at join) drops"
        )
        for mutant in ("join_kind@55:5", "drop_condition@69:5")
    },
    ("int_bigcommerce__variant_stock", "distinct@50:18"): (
        "variant_ids feeds a `union`, which drops the repeated change points again"
    ),
    **{
        ("int_bigcommerce__variant_stock", mutant): (
            "a repeated change point repeats rows of one moment with the same stock (the located stock summed "
            "there doubles; its sign, all that is read, stays): the same first out-of-stock moment"
        )
        for mutant in ("distinct@45:5", "distinct@57:5", "distinct@63:5")
    },
    ("int_bigcommerce__variant_stock", "boundary@137:50"): (
        "the last in-stock moment is in stock: counting it adds nothing to the first out-of-stock moment after it"
    ),
    ("int_bigcommerce__variant_stock", "and_or@252:43"): (
        "the stock at as_of is the stock at the last change point before it, so a variant in stock now has no "
        "out-of-stock start to show"
    ),
    **{
        ("int_bigcommerce__variant_stock", mutant): (
            "BigCommerce sends variants inside their product (catalog/products?include=variants): a variant "
            "version exists only while one of its product does, so the join never misses"
        )
        for mutant in ("join_kind@107:5", "join_kind@162:5")
    },
    ("aex_listing_quality_score", "join_kind@72:5"): (
        "aex_required_attribute_completeness holds only listings whose details are valid at as_of (it inner-joins "
        "the same versions), so every row finds its details"
    ),
    ("aex_required_attribute_completeness", "distinct@31:12"): (
        "an attribute with several values (a multi-select) repeats its rows, and every count and list read from "
        "them is distinct"
    ),
    **{
        ("fct_aliexpress_skus_vs_bigcommerce", mutant): (
            "override_rank and whitelist_rank keep one row per SKU, and an exactly repeated seed row is the same row"
        )
        for mutant in ("distinct@27:12", "distinct@35:12")
    },
}

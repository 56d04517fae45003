"""Mutants no test can tell from the model, each reviewed by hand: (model, mutation id) -> why.

A mutation id is `operator@line:column` of the model file (tests/mutation/operators.py); when a model is
edited the ids below the edit move, and tests/python/test_mutation_sample.py fails until this list follows.
"Equivalent" here means no input the upstream models can produce tells the mutant apart."""

from __future__ import annotations

EQUIVALENT: dict[tuple[str, str], str] = {
    ("aex_listing_quality_score", "join_kind@59:5"): (
        "a listing whose category requires nothing then joins one row of nulls: `count(distinct ...)` of nulls "
        "is 0, what `coalesce(..., 0)` gives it without the row, so its counts and score are the same"
    ),
    ("aex_listing_quality_score", "distinct@42:12"): (
        "filled_attributes feeds only `count(distinct filled_attributes.attribute_id)`: a repeated row counts once "
        "either way"
    ),
    ("aex_required_attribute_completeness", "distinct@30:12"): (
        "`filled` only decides whether a required attribute has a match (`where filled.attribute_id is null`): a "
        "repeated match adds no missing row"
    ),
    ("aex_xc_catalogue_drift_vs_bc", "drop_condition@26:9"): (
        "fct_aliexpress_skus_vs_bigcommerce joins BigCommerce to `matched` SKUs only, so any other SKU has a null "
        "`bc_stock_source`, which `bc_stock_source <> 'untracked'` already leaves out"
    ),
    ("aex_xc_catalogue_drift_vs_bc", "drop_condition@27:9"): (
        "an `untracked` SKU has no BC stock (null `bc_stock`: int_bigcommerce__variant_stock gives tracking `none` "
        "none) and is never out of stock, so every other condition is false or null for it"
    ),
}

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
}

"""Which stores a failed `dbt build` concerns, so that `run` withholds those stores and publishes the others.

`run` builds with `--store-failures`: dbt keeps each test's failing rows in a table of the build file
(`node.relation_name`). A failing error-severity test concerns the stores its failing rows name in
`store_key`. Anything else that failed (a model, a seed, a unit test, a test on a table without
`store_key` such as a seed's, a failing row whose `store_key` is null) concerns no single store: then
nothing is published.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from ingestion.serving.publish import ERROR_STATUSES


def stores_concerned(result: Any, build: Path) -> dict[str, list[str]] | None:
    """Store key -> the names of the failed tests whose failing rows are that store's, for the failures of
    a `dbtRunnerResult` from `dbt build --store-failures` on `build`; None when some failure concerns no
    single store."""
    results = getattr(result.result, "results", None)
    if results is None:  # dbt stopped before running any node
        return None
    failed_tests: list[tuple[str, str]] = []
    for node_result in results:
        if str(node_result.status) not in ERROR_STATUSES:
            continue
        node = node_result.node
        relation = getattr(node, "relation_name", None)
        if str(node_result.status) != "fail" or str(node.resource_type) != "test" or not relation:
            return None
        failed_tests.append((node.name, relation))
    if not failed_tests:  # the invocation failed outside any node
        return None
    concerned: dict[str, list[str]] = {}
    with duckdb.connect(str(build), read_only=True) as con:
        for name, relation in failed_tests:
            columns = [column[0] for column in con.execute(f"select * from {relation} limit 0").description]
            if "store_key" not in columns:
                return None
            stores = [store for (store,) in con.execute(f"select distinct store_key from {relation}").fetchall()]
            if not stores or None in stores:
                return None
            for store in stores:
                concerned.setdefault(store, []).append(name)
    return concerned

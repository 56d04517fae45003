"""Which stores a failed `dbt build` concerns, so that `run` withholds those stores and publishes the others.

A failing error-severity test concerns the stores its failing rows name in `store_key`: after a failed
build, `run` runs the failed tests again with `--store-failures`, which keeps their failing rows in a table
of the build file (`node.relation_name`); every build paying for a table per test would slow the main job
for the rare failure. Anything else that failed (a model, a seed, a unit test, a test on a table without
`store_key` such as a seed's, a failing row whose `store_key` is null) concerns no single store: then
nothing is published.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from ingestion.serving.publish import ERROR_STATUSES


def failed_tests(result: Any) -> list[str] | None:
    """The names of the tests a `dbtRunnerResult` failed; None when something else failed too (a model, a
    seed, a unit test, a test that could not run) or dbt stopped early."""
    results = getattr(result.result, "results", None)
    if results is None:  # dbt stopped before running any node
        return None
    failed: list[str] = []
    for node_result in results:
        if str(node_result.status) not in ERROR_STATUSES:
            continue
        if str(node_result.status) != "fail" or str(node_result.node.resource_type) != "test":
            return None
        failed.append(node_result.node.name)
    return failed or None  # nothing failed in a node: the invocation failed outside them


def stores_concerned(result: Any, build: Path) -> dict[str, list[str]] | None:
    """Store key -> the names of the failed tests whose failing rows are that store's, for the failures of
    a `dbtRunnerResult` from `dbt test --store-failures` on `build`; None when some failure concerns no
    single store."""
    failed = failed_tests(result)
    if failed is None:
        return None
    relations = {
        node_result.node.name: getattr(node_result.node, "relation_name", None) for node_result in result.result.results
    }
    concerned: dict[str, list[str]] = {}
    with duckdb.connect(str(build), read_only=True) as con:
        for name in failed:
            relation = relations[name]
            if not relation:
                return None
            columns = [column[0] for column in con.execute(f"select * from {relation} limit 0").description]
            if "store_key" not in columns:
                return None
            stores = [store for (store,) in con.execute(f"select distinct store_key from {relation}").fetchall()]
            if not stores or None in stores:
                return None
            for store in stores:
                concerned.setdefault(store, []).append(name)
    return concerned

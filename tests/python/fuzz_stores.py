"""Many seeded random stores against the independent oracle, each disagreement shrunk to a small store
(`make fuzz-stores`).

test_generated_stores.py checks eight seeds in `make test`; this checks as many as asked: every seed its own
store_key in one warehouse, landed by the real loader, built once (seeds and models, then the data tests), then each main card's value, distinct
listings and worklist keys against the oracle (a failing dbt test is listed too: it names no store). The
first seed that disagrees is shrunk: its listings are dropped one
at a time (every candidate its own store in one build) for as long as some card still disagrees, until no
single listing can go. It prints every disagreeing seed and its
cards, the listings the first one shrank to, and exits 1.

    python -m tests.python.fuzz_stores --stores 100 --first 1
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from ingestion.serving.dbt import invoke_dbt
from ingestion.serving.publish import dbt_outcome
from tests.python import generated_stores, oracle
from tests.python.conftest import Warehouse
from tests.python.test_generated_stores import AS_OF
from tests.python.test_oracle import published

Store = tuple[int, frozenset[int] | None]  # a seed, and the listings kept (None: all of them)


def build(folder: Path, stores: dict[str, Store]) -> Path:
    """The stores landed into a new warehouse in `folder`, its seeds and models built once without the tests
    (so that a failing test skips nothing downstream); a model that fails stops the run."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    db_path = folder / "listing_pulse.duckdb"
    os.environ["LISTING_PULSE_DB"] = str(db_path)  # dlt keeps its pipeline state beside the file
    for store_key, (seed, listings) in stores.items():
        generated_stores.load(store_key, seed, AS_OF, db_path, listings)
    built = invoke_dbt(
        ["build", "--quiet", "--exclude-resource-type", "test", "unit_test"], as_of=AS_OF, db_path=db_path
    )
    if errors := dbt_outcome(built).errors:
        sys.exit(f"dbt build failed: {'; '.join(errors)}")
    return db_path


def failed_tests(db_path: Path) -> list[str]:
    """The dbt data tests that fail on the built warehouse."""
    tests = invoke_dbt(["test", "--quiet", "--exclude-resource-type", "unit_test"], as_of=AS_OF, db_path=db_path)
    return dbt_outcome(tests).errors


def disagreements(db_path: Path, store_key: str) -> list[str]:
    """The main cards of the store whose value, distinct listings or worklist keys differ from the oracle's."""
    expected = oracle.cards(db_path, store_key, AS_OF.replace(tzinfo=None))
    actual = published(Warehouse(db_path), store_key)
    return [card for card in expected if actual[card] != expected[card]]


def shrink(listings: frozenset[int], still_fails: Callable[[list[frozenset[int]]], list[bool]]) -> frozenset[int]:
    """The set reached by dropping one listing at a time while the store still fails. `still_fails` judges a
    round's candidates together (one build for all), so a store of n listings takes at most n builds."""
    while listings:
        candidates = [listings - {index} for index in sorted(listings)]
        smaller = next((c for c, fails in zip(candidates, still_fails(candidates), strict=True) if fails), None)
        if smaller is None:
            break
        listings = smaller
    return listings


def shrink_seed(folder: Path, seed: int) -> frozenset[int]:
    def still_fails(candidates: list[frozenset[int]]) -> list[bool]:
        stores = {f"shrink_{number}": (seed, listings) for number, listings in enumerate(candidates)}
        db_path = build(folder, stores)
        return [bool(disagreements(db_path, store_key)) for store_key in stores]

    return shrink(frozenset(range(generated_stores.listing_count(seed))), still_fails)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stores", type=int, default=100, help="how many seeds (default 100)")
    parser.add_argument("--first", type=int, default=1, help="the first seed (default 1)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    folder = Path(tempfile.mkdtemp(prefix="listing-pulse-fuzz-"))
    seeds = range(args.first, args.first + args.stores)
    db_path = build(folder / "all", {f"generated_{seed}": (seed, None) for seed in seeds})
    failed = failed_tests(db_path)
    failing = {seed: found for seed in seeds if (found := disagreements(db_path, f"generated_{seed}"))}
    print(f"{len(seeds)} generated stores (seeds {seeds.start}-{seeds.stop - 1}): {len(failed)} dbt test(s) failed")
    for test in failed:
        print(f"  {test}")
    print(f"{len(failing)} store(s) disagree with the oracle")
    for seed, cards in failing.items():
        print(f"seed {seed}: {', '.join(cards)}")
    if failing:
        # The first one shrunk (a build per round); `--first SEED --stores 1` shrinks another.
        seed = next(iter(failing))
        listings = sorted(shrink_seed(folder / "shrink", seed))
        cards_left = disagreements(build(folder / "small", {"small": (seed, frozenset(listings))}), "small")
        print(f"seed {seed} shrunk to listings {listings}, which still disagree on: {', '.join(cards_left)}")
        print(f"  the store: tests.python.generated_stores.generate({seed}, AS_OF, frozenset({listings}))")
    shutil.rmtree(folder, ignore_errors=True)
    return 1 if failing or failed else 0


if __name__ == "__main__":
    sys.exit(main())

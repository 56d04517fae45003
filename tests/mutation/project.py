"""A copy of the dbt project in a scratch folder, where one model or seed file at a time is edited and dbt
runs on a copy of a built warehouse: how the fault-injection tests and the mutation tool run the project with
one file changed, leaving the repository and the built warehouse untouched."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ingestion import paths
from ingestion.serving.dbt import invoke_dbt
from tests.python.builders import AS_OF

if TYPE_CHECKING:
    from dbt.cli.main import dbtRunnerResult

# What dbt reads: the Python tests under tests/ are no part of it.
PROJECT_FILES = (
    "dbt_project.yml",
    "profiles.yml",
    "models",
    "macros",
    "seeds",
    "tests/reconciliation",
    "tests/merchant_data",
)


class ProjectCopy:
    """The project copied to `folder`/project; dbt runs on `folder`/listing_pulse.duckdb, which `reset` copies
    from `built` (one path for every run: dbt parses the project again whenever the profile's file changes,
    and only the edited file when it does not)."""

    def __init__(self, folder: Path, built: Path) -> None:
        self.root = folder / "project"
        self.built = built
        self.db_path = folder / "listing_pulse.duckdb"
        for name in PROJECT_FILES:
            source, target = paths.PROJECT_ROOT / name, self.root / name
            if source.is_dir():
                shutil.copytree(source, target)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)

    def read(self, relative: str) -> str:
        return (self.root / relative).read_text()

    @contextmanager
    def edited(self, relative: str, text: str) -> Iterator[None]:
        """`relative` (e.g. models/marts/cards/aex_total_listings.sql) holds `text` until the block ends."""
        file = self.root / relative
        original = file.read_text()
        file.write_text(text)
        try:
            yield
        finally:
            file.write_text(original)

    def reset(self) -> None:
        shutil.copyfile(self.built, self.db_path)

    def dbt(self, args: list[str]) -> dbtRunnerResult:
        """One dbt command on the copy of the project and warehouse, at the tests' as_of."""
        return invoke_dbt(args, as_of=AS_OF, db_path=self.db_path, project_dir=self.root)


def statuses(result: dbtRunnerResult) -> dict[str, str]:
    """Node name -> status of every model, seed, data test and unit test dbt ran (run-start hooks left out)."""
    assert result.result is not None, f"dbt did not run: {result.exception}"
    return {
        node.node.name: str(node.status)
        for node in result.result.results  # type: ignore[union-attr]
        if node.node.resource_type in {"model", "seed", "test", "unit_test"}
    }

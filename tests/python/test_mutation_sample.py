"""Mutation testing in CI: a fixed sample of the card models' mutants (tests/mutation/mutate.py `sample`), each
built on a copy of the session's warehouse in a copy of the project where only that model differs, must be
killed by the dbt tests or the oracle. `make mutate` builds every mutant (tests/MUTATION.md)."""

from __future__ import annotations

import re

import pytest

from ingestion import paths
from ingestion.sources.sample.scenarios import SCENARIOS
from tests.mutation.equivalent import EQUIVALENT
from tests.mutation.mutate import MODELS, Mutator, model_mutations, name_of, sample
from tests.mutation.operators import EDGE_MACROS, Mutation
from tests.mutation.project import ProjectCopy
from tests.python.conftest import Warehouse


@pytest.fixture(scope="module")
def mutator(warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Mutator:
    return Mutator(ProjectCopy(tmp_path_factory.mktemp("mutants"), warehouse.path), SCENARIOS)


def mutant_id(value: str | Mutation) -> str:
    return value.id if isinstance(value, Mutation) else name_of(value)


@pytest.mark.parametrize(("model", "mutation"), sample(), ids=mutant_id)
def test_sampled_mutant_is_killed(mutator: Mutator, model: str, mutation: Mutation) -> None:
    result = mutator.run(model, mutation)
    assert result.outcome == "killed", (
        f"{result.model} {result.id} ({result.mutation}): {result.outcome} {result.detail}"
    )


def test_every_equivalent_mutant_listed_exists() -> None:
    # A model edited since its mutants were reviewed moves their ids: the list must be reviewed again.
    mutants = {(name_of(model), mutation.id) for model in MODELS for mutation in model_mutations(model)}
    assert set(EQUIVALENT) - mutants == set()


@pytest.mark.parametrize("macro", list(EDGE_MACROS))
def test_window_edge_mutants_start_from_the_macros_sql(macro: str) -> None:
    # operators.EDGE_MACROS writes in_window and valid_at out as macros/business_rules.sql does; if a macro
    # changes, its mutants must change with it.
    source = (paths.PROJECT_ROOT / "macros" / "business_rules.sql").read_text()
    found = re.search(rf"macro {macro}\((.*?)\) -%\}}\s*(.*?)\s*\{{%- endmacro", source, re.DOTALL)
    assert found is not None
    arguments = [f"{{{{ {argument.strip()} }}}}" for argument in found.group(1).split(",")]
    assert EDGE_MACROS[macro][0].format(*arguments) == found.group(2)

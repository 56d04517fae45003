"""Mutation testing of the models' SQL (`make mutate`): does the test suite notice when a card is wrong?

Every mutation (tests/mutation/operators.py) of every card, intermediate and core model is built, one at a
time, in a copy of the project where only that model file differs, on a copy of the scenario warehouse (the
stores of STORES loaded and built once at the tests' as_of): `dbt build --select <model>+` runs the mutant,
everything downstream, their error-severity data tests and the unit tests of each. A mutant is
  invalid    when the mutated model does not compile or bind (the model or its unit test errors so);
  killed     when dbt fails (a data test, a unit test or a model), when the warehouse then disagrees with
             the independent oracle (tests/python/oracle.py) on a main card's value, distinct listings or
             worklist keys for any store, or when its build runs past TIMEOUT;
  equivalent when it survives and tests/mutation/equivalent.py explains why no test can tell it apart;
  survived   otherwise.
Results go to target/mutation/results.json (a run of some models replaces theirs) and the report, per model,
to tests/MUTATION.md between its markers.

    python -m tests.mutation.mutate                          # every model (~12 minutes on 2 cores)
    python -m tests.mutation.mutate --models aex_oos_listings  # some models; the report keeps the others
    python -m tests.mutation.mutate --report-only            # the report again, e.g. after equivalent.py changed
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import shutil
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

from ingestion import paths
from ingestion.sources.sample.scenarios import SCENARIOS
from tests.mutation.equivalent import EQUIVALENT
from tests.mutation.operators import Mutation, mutations
from tests.mutation.project import ProjectCopy
from tests.python import oracle
from tests.python.builders import AS_OF
from tests.python.conftest import Warehouse, load_scenario
from tests.python.test_oracle import published

if TYPE_CHECKING:
    from dbt.cli.main import dbtRunnerResult

CARD_MODELS = (
    *sorted(
        str(path.relative_to(paths.PROJECT_ROOT)) for path in paths.PROJECT_ROOT.glob("models/marts/cards/aex_*.sql")
    ),
    "models/marts/cards/kpi_card_values.sql",
)
KEY_CARD_MODELS = tuple(f"models/marts/cards/{card}.sql" for card in oracle.CARDS)
MODELS = (
    *CARD_MODELS,
    *sorted(str(path.relative_to(paths.PROJECT_ROOT)) for path in paths.PROJECT_ROOT.glob("models/intermediate/*.sql")),
    "models/marts/core/fct_aliexpress_skus_vs_bigcommerce.sql",
)
FOLDER = paths.PROJECT_ROOT / "target" / "mutation"
REPORT = paths.PROJECT_ROOT / "tests" / "MUTATION.md"
BEGIN, END = "<!-- mutate:begin -->", "<!-- mutate:end -->"
# What DuckDB and dbt say when SQL does not compile or bind, as opposed to failing on the data.
NOT_COMPILED = re.compile(r"Parser Error|Binder Error|Catalog Error|Compilation Error|syntax error", re.IGNORECASE)
OUTCOMES = ("invalid", "killed", "survived", "equivalent")
# The mutation warehouse's stores, key -> (scenario, options of `generate`): each sample scenario under its own
# name, and backlog_clears again under a second key from another seed (its listings' ids with other SKUs and
# stock), so that a join that forgets store_key meets rows of the same ids that say something else.
STORES: dict[str, tuple[str, dict[str, int]]] = {
    **{scenario: (scenario, {}) for scenario in SCENARIOS},
    "backlog_twin": ("backlog_clears", {"seed": 7}),
}
# A mutant whose build takes longer (a normal one takes at most ~35 s on a busy machine) has lost a join key and
# multiplies rows.
TIMEOUT = 90
# CI builds this many mutants of the card models, the same ones every run (tests/python/test_mutation_sample.py).
SAMPLE_SIZE, SAMPLE_SEED = 8, 20260309


@dataclass
class Result:
    model: str
    id: str
    operator: str
    mutation: str
    outcome: str  # invalid, killed or survived (the report calls a survivor listed in equivalent.py equivalent)
    detail: str  # what killed it, or the error of an invalid one
    seconds: float


def name_of(model: str) -> str:
    return Path(model).stem


def model_mutations(model: str) -> list[Mutation]:
    return mutations((paths.PROJECT_ROOT / model).read_text())


def sample() -> list[tuple[str, Mutation]]:
    """The card models' mutants CI builds: a fixed random sample of those not listed as equivalent."""
    candidates = [
        (model, mutation)
        for model in CARD_MODELS
        for mutation in model_mutations(model)
        if (name_of(model), mutation.id) not in EQUIVALENT
    ]
    return random.Random(SAMPLE_SEED).sample(candidates, SAMPLE_SIZE)


def build_scenario_warehouse(folder: Path) -> Path:
    """Every store of STORES loaded into folder/listing_pulse.duckdb and built once at AS_OF."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    project = ProjectCopy(folder / "project", folder / "listing_pulse.duckdb")
    os.environ["LISTING_PULSE_DB"] = str(project.db_path)  # dlt keeps its pipeline state beside the file
    for store, (scenario, options) in STORES.items():
        load_scenario(scenario, AS_OF, project.db_path, store, **options)
    assert project.dbt(["build"]).success, "the scenario warehouse does not build"
    shutil.copyfile(project.db_path, project.built)
    return project.built


def serve(connection: Connection, folder: Path, built: Path) -> None:
    """A worker process: a Mutator on its own copy of the project, building the mutants it is sent."""
    mutator = Mutator(ProjectCopy(folder, built), STORES)
    connection.send("ready")
    while (job := connection.recv()) is not None:
        connection.send(mutator.run(*job))


class Worker:
    """A Mutator in a child process, so that a mutant whose build runs away (a join that lost its key
    multiplies rows) can be stopped: after TIMEOUT seconds the process is killed and a new one started, and
    the mutant counts as killed (no build of it would finish)."""

    def __init__(self, folder: Path, built: Path) -> None:
        self.folder, self.built, self.started = folder, built, 0
        self.start()

    def start(self) -> None:
        self.started += 1
        self.connection, child = multiprocessing.Pipe()
        context = multiprocessing.get_context("spawn")  # a fresh interpreter, not a fork of dbt's threads
        self.process = context.Process(target=serve, args=(child, self.folder / f"worker-{self.started}", self.built))
        self.process.start()
        assert self.connection.recv() == "ready"

    def run(self, model: str, mutation: Mutation) -> Result:
        self.connection.send((model, mutation))
        if self.connection.poll(TIMEOUT):
            return self.connection.recv()
        self.process.kill()
        self.process.join()
        self.start()
        description = mutation.describe((paths.PROJECT_ROOT / model).read_text())
        return Result(
            name_of(model), mutation.id, mutation.operator, description, "killed", f"timed out ({TIMEOUT} s)", TIMEOUT
        )

    def close(self) -> None:
        self.connection.send(None)
        self.process.join()


class Mutator:
    """Builds mutants in a copy of the project on copies of its built warehouse, and judges them against the
    oracle's cards of `stores`."""

    def __init__(self, project: ProjectCopy, stores: Iterable[str]) -> None:
        self.project = project
        built = project.built
        self.expected = {store: oracle.cards(built, store, AS_OF.replace(tzinfo=None)) for store in stores}
        assert not self.disagreements(built), "the unmutated warehouse disagrees with the oracle"

    def disagreements(self, db_path: Path) -> list[str]:
        """store/card for every card whose value or worklist keys differ from the oracle's."""
        found = []
        for store, expected in self.expected.items():
            actual = published(Warehouse(db_path), store)
            found += [f"{store}/{card}" for card in expected if actual[card] != expected[card]]
        return found

    def run(self, model: str, mutation: Mutation) -> Result:
        text = self.project.read(model)
        self.project.reset()
        started = time.monotonic()
        with self.project.edited(model, mutation.apply(text)):
            result = self.project.dbt(["build", "--select", f"{name_of(model)}+", "--quiet"])
        outcome, detail = self.judge(result, name_of(model))
        return Result(
            name_of(model),
            mutation.id,
            mutation.operator,
            mutation.describe(text),
            outcome,
            detail,
            round(time.monotonic() - started, 1),
        )

    def judge(self, result: dbtRunnerResult, name: str) -> tuple[str, str]:
        """invalid, killed or survived, and what says so."""
        if result.result is None:
            return "invalid", str(result.exception).splitlines()[0]
        failed = []
        for node_result in result.result.results:
            node, status, message = node_result.node, str(node_result.status), str(node_result.message or "")
            if status not in {"error", "fail"}:
                continue
            is_the_model = node.name == name or getattr(node, "tested_node_unique_id", "").endswith(f".{name}")
            if status == "error" and is_the_model and NOT_COMPILED.search(message):
                return "invalid", " ".join(message.split())[:160]
            failed.append(node.name)
        if failed:
            return "killed", "dbt: " + ", ".join(sorted(failed)[:3]) + (
                f" (+{len(failed) - 3})" if len(failed) > 3 else ""
            )
        disagreements = self.disagreements(self.project.db_path)
        if disagreements:
            return "killed", "oracle: " + ", ".join(disagreements)
        return "survived", ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", help="model names (default: every card, intermediate and core model)")
    parser.add_argument("--report-only", action="store_true", help="write the report from the saved results")
    args = parser.parse_args()
    results_file = FOLDER / "results.json"
    saved = json.loads(results_file.read_text()) if results_file.exists() else {"results": [], "runs": []}
    if not args.report_only:
        chosen = [model for model in MODELS if not args.models or name_of(model) in args.models]
        started = time.monotonic()
        if (FOLDER / "mutants").exists():
            shutil.rmtree(FOLDER / "mutants")
        worker = Worker(FOLDER / "mutants", build_scenario_warehouse(FOLDER / "scenarios"))
        results = []
        for model in chosen:
            for mutation in model_mutations(model):
                result = worker.run(model, mutation)
                print(
                    f"{result.model:42} {result.id:28} {result.outcome:10} {result.seconds:5.1f}s {result.detail[:60]}"
                )
                results.append(asdict(result))
        worker.close()
        names = {name_of(model) for model in chosen}
        saved["results"] = [r for r in saved["results"] if r["model"] not in names] + results
        saved["runs"].append(
            {"models": sorted(names), "mutants": len(results), "minutes": round((time.monotonic() - started) / 60, 1)}
        )
        results_file.write_text(json.dumps(saved, indent=1))
    write_report(saved)


def table_cell(text: str) -> str:
    return text.replace("|", "\\|")


def write_report(saved: dict) -> None:
    """The per-model table, the survivors and the equivalent mutants, between the report's markers."""
    results = [Result(**result) for result in saved["results"]]
    for result in results:
        if result.outcome == "survived" and (result.model, result.id) in EQUIVALENT:
            result.outcome, result.detail = "equivalent", EQUIVALENT[(result.model, result.id)]
    lines = [
        BEGIN,
        "",
        "| model | mutants | invalid | killed | survived | equivalent | kill rate | minutes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for model in [*(name_of(model) for model in MODELS), "all"]:
        mine = [result for result in results if model in {result.model, "all"}]
        count = {outcome: sum(r.outcome == outcome for r in mine) for outcome in OUTCOMES}
        judged = count["killed"] + count["survived"]
        rate = f"{100 * count['killed'] / judged:.0f}%" if judged else "-"
        minutes = sum(r.seconds for r in mine) / 60
        name = f"**{model}**" if model in {name_of(key) for key in KEY_CARD_MODELS} or model == "all" else f"`{model}`"
        lines.append(
            f"| {name} | {len(mine)} | {count['invalid']} | {count['killed']} | {count['survived']} "
            f"| {count['equivalent']} | {rate} | {minutes:.1f} |"
        )
    full_runs = [run for run in saved["runs"] if len(run["models"]) == len(MODELS)]
    if full_runs:
        run = full_runs[-1]
        lines += [
            "",
            f"Last full run: {run['mutants']} mutants in {run['minutes']} minutes (warehouse build included).",
        ]
    for title, outcome in (
        ("Survivors", "survived"),
        ("Equivalent mutants", "equivalent"),
        ("Invalid mutants", "invalid"),
    ):
        chosen = [result for result in results if result.outcome == outcome]
        lines += ["", f"### {title}", ""]
        if not chosen:
            lines.append("None.")
            continue
        if outcome == "survived":
            lines += ["| model | mutation | what it does |", "| --- | --- | --- |"]
            lines += [f"| `{r.model}` | `{r.id}` | {table_cell(r.mutation)} |" for r in chosen]
        else:
            lines += ["| model | mutation | what it does | why |", "| --- | --- | --- | --- |"]
            lines += [f"| `{r.model}` | `{r.id}` | {table_cell(r.mutation)} | {table_cell(r.detail)} |" for r in chosen]
    lines += ["", END]
    text = REPORT.read_text() if REPORT.exists() else f"{BEGIN}\n{END}\n"
    before, rest = text.split(BEGIN)
    after = rest.split(END)[1]
    REPORT.write_text(before + "\n".join(lines) + after)


if __name__ == "__main__":
    main()

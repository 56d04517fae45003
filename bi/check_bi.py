"""Open the published file with every BI client the README names, each from its own pinned environment.

`make check-bi` installs the clients (pins in bi/<client>/ and requirements-duckdb14.lock) and runs this
script, which prints a table client -> version -> result. Each client opens the file read-only, lists
the columns of every published table (through SQLAlchemy's reflection where a BI tool would), runs the
README's queries (bi/readme_queries.sql) and must be refused a write; its answers are compared with what
the build's own DuckDB reads from the same file. `--client NAME` runs one light client and prints its
answers and problems as JSON: tests/python/publish/test_bi_clients.py runs the light clients that way.

The clients live in bi/ (not tests/ or bench/) because they are neither pytest tests nor timings: each is
a small pinned project of its own (pip lock file, or package.json + package-lock.json) that a user can
copy to connect their tool the tested way.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from probes.common import TABLE_COLUMNS, WRITE, queries

ROOT = Path(__file__).resolve().parents[1]
BI = ROOT / "bi"
QUERIES = BI / "readme_queries.sql"
PROBES = BI / "probes"
PUBLISHED = ROOT / "data" / "published" / "listing_pulse.duckdb"
INSTALL_TIMEOUT = 600  # seconds for one `npm install`
PROBE_TIMEOUT = 120  # seconds for one client to answer
# `npm run sources` stalled in our trial; this long without finishing counts as stalled.
EVIDENCE_SOURCES_TIMEOUT = 120
# DuckDB-Wasm (which Evidence's `sources` step writes parquet with) downloads its parquet extension from here.
DUCKDB_EXTENSIONS_HOST = "extensions.duckdb.org"


@dataclass
class Outcome:
    """One client's row of the table: `problems` empty means it works; `note` explains what was not run."""

    client: str
    version: str = "-"
    problems: list[str] = field(default_factory=list)
    note: str = ""
    answers: dict = field(default_factory=dict)

    @property
    def result(self) -> str:
        if self.problems:
            return "FAIL: " + "; ".join(self.problems)
        return self.note or "ok"


def run(command: list[str], timeout: float = PROBE_TIMEOUT, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)


def probe_json(command: list[str], **kwargs) -> dict:
    result = run(command, **kwargs)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines() or [f"exit {result.returncode}"]
        raise RuntimeError(next((line for line in reversed(lines) if "Error" in line), lines[-1]).strip())
    return json.loads(result.stdout)


# ---- what the clients see, each from its own environment --------------------------------------------


def duckdb_python(python: Path) -> Callable[[Path], dict]:
    return lambda published: probe_json([str(python), str(PROBES / "duckdb_python.py"), str(published), str(QUERIES)])


def sqlalchemy_client(python: Path) -> Callable[[Path], dict]:
    return lambda published: probe_json(
        [str(python), str(PROBES / "sqlalchemy_client.py"), str(published), str(QUERIES)]
    )


def duckdb_cli(published: Path) -> dict:
    binary = ROOT / ".venv-bi-duckdb-cli" / "bin" / "duckdb"

    def sql(query: str) -> subprocess.CompletedProcess[str]:
        return run([str(binary), "-readonly", "-json", str(published), "-c", query])

    def rows(query: str) -> list[list]:
        result = sql(query)
        if result.returncode != 0:
            raise RuntimeError(result.stderr.strip())
        return [list(row.values()) for row in json.loads(result.stdout or "[]")]  # no rows: no output

    columns: dict[str, list[list[str]]] = {}
    for table, column, data_type in rows(TABLE_COLUMNS):
        columns.setdefault(table, []).append([column, data_type])
    version = run([str(binary), "--version"]).stdout.split()[0]
    return {
        "version": f"duckdb CLI {version}",
        "columns": columns,
        "results": [rows(q) for q in queries(QUERIES)],
        "write_refused": sql(WRITE).returncode != 0,
    }


def node_api(published: Path) -> dict:
    project = BI / "node-api"
    return probe_json(["node", str(project / "probe.mjs"), str(published), str(QUERIES)], cwd=project)


# ---- comparing with the build's DuckDB -------------------------------------------------------------


def canonical(value: object, data_type: str) -> object:
    """A value as its type means it, whatever the client's encoding (text, number, ISO date). Timestamps
    keep milliseconds: a JavaScript Date (Evidence) holds no finer."""
    if value is None:
        return None
    if data_type.startswith(("DECIMAL", "DOUBLE", "FLOAT")):
        return round(float(value), 6)
    if data_type in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT"):
        return int(value)
    if data_type == "BOOLEAN":
        return value in (True, "true")
    if data_type == "TIMESTAMP":
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    return str(value)


def column_problems(answers: dict, expected: dict, *, reflected: bool) -> list[str]:
    """How the tables and columns a client lists differ from the reference. `reflected`: listed through
    SQLAlchemy, whose type names are not DuckDB's, so names are compared, and timestamps must reflect
    zone-less (the README's convention) and no type as unknown (NullType)."""
    found = []
    if sorted(answers["columns"]) != sorted(expected["columns"]):
        found.append(f"tables {sorted(answers['columns'])} != {sorted(expected['columns'])}")
    for table, columns in expected["columns"].items():
        got = answers["columns"].get(table, [])
        if [name for name, _ in got] != [name for name, _ in columns]:
            found.append(f"columns of {table} differ")
        elif not reflected and got != columns:
            found += [
                f"{table}.{name} is {got_type}, not {data_type}"
                for (name, got_type), (_, data_type) in zip(got, columns)
                if got_type != data_type
            ]
        elif reflected:
            found += [
                f"{table}.{name} reflects as {got_type}"
                for (name, got_type), (_, data_type) in zip(got, columns)
                if got_type == "NULL" or (data_type == "TIMESTAMP" and got_type != "TIMESTAMP")
            ]
    return found


def row_problems(results: list[list[list]], expected: dict) -> list[str]:
    """How the rows a client returned for the README's queries differ from the reference's."""
    found = []
    for n, (rows, expected_rows, types) in enumerate(zip(results, expected["results"], expected["types"])):
        if [[canonical(v, t) for v, t in zip(row, types)] for row in rows] != [
            [canonical(v, t) for v, t in zip(row, types)] for row in expected_rows
        ]:
            found.append(f"README query {n + 1}: its {len(rows)} rows differ from the reference's {len(expected_rows)}")
    if len(results) != len(expected["results"]):
        found.append(f"{len(results)} README queries answered, not {len(expected['results'])}")
    return found


def check(
    client: str, read: Callable[[Path], dict], published: Path, expected: dict, *, reflected: bool = False
) -> Outcome:
    """Run one client; it works when it lists every table's columns, returns the README queries' rows as
    the reference does, and is refused a write."""
    outcome = Outcome(client)
    try:
        outcome.answers = read(published)
    except (RuntimeError, OSError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        outcome.problems.append(str(exc))
        return outcome
    outcome.version = outcome.answers["version"]
    outcome.problems = column_problems(outcome.answers, expected, reflected=reflected)
    outcome.problems += row_problems(outcome.answers["results"], expected)
    if not outcome.answers["write_refused"]:
        outcome.problems.append("a write was not refused: not opened read-only")
    return outcome


# ---- the heavy clients (make check-bi only) --------------------------------------------------------


def superset(published: Path, expected: dict) -> list[Outcome]:
    """Superset's own connection test, then reflection through Superset's SQLAlchemy and duckdb-engine."""
    bin_dir = ROOT / ".venv-bi-superset" / "bin"
    outcome = Outcome("Superset `superset test-db`")
    with tempfile.TemporaryDirectory(prefix="check-bi-superset-") as home:
        env = os.environ | {"SUPERSET_SECRET_KEY": "check-bi-only", "SUPERSET_HOME": home}
        result = run(
            [
                str(bin_dir / "superset"),
                "test-db",
                "--connect-args",
                "{}",
                f"duckdb:///{published}?access_mode=read_only",
            ],
            env=env,
            stdin=subprocess.DEVNULL,
        )
    version = run(
        [str(bin_dir / "python"), "-c", "from importlib.metadata import version; print(version('apache-superset'))"]
    ).stdout.strip()
    outcome.version = f"apache-superset {version}"
    inspector_lines = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("- get_")]
    if result.returncode != 0 or "Connected successfully" not in result.stdout:
        outcome.problems.append(f"exit {result.returncode}: {(result.stderr or result.stdout).strip()[-300:]}")
    elif not inspector_lines or not all(line.endswith("True") for line in inspector_lines):
        outcome.problems.append(f"inspector functions: {inspector_lines}")
    else:
        outcome.note = f"ok (connected, SELECT 1, {len(inspector_lines)} inspector functions True)"
    reflection = check(
        "Superset's SQLAlchemy: reflection + README queries",
        sqlalchemy_client(bin_dir / "python"),
        published,
        expected,
        reflected=True,
    )
    return [outcome, reflection]


def evidence(published: Path, expected: dict) -> list[Outcome]:
    """The minimal project in bi/evidence, installed from its lock in a temp dir, with a symlink to the file
    in its source folder as the README says (Evidence joins `filename` onto that folder). The connector is
    checked directly; then `npm run sources` (which also writes parquet through DuckDB-Wasm) gets
    EVIDENCE_SOURCES_TIMEOUT."""
    connector = Outcome("Evidence DuckDB connector")
    sources = Outcome("Evidence `npm run sources`")
    with tempfile.TemporaryDirectory(prefix="check-bi-evidence-") as temp:
        project = Path(temp) / "evidence"
        shutil.copytree(BI / "evidence", project, ignore=shutil.ignore_patterns("node_modules", ".evidence"))
        (project / "sources" / "listing_pulse" / "listing_pulse.duckdb").symlink_to(published)
        install = run(["npm", "install", "--no-audit", "--no-fund"], timeout=INSTALL_TIMEOUT, cwd=project)
        if install.returncode != 0:
            connector.problems.append(f"npm install failed: {install.stderr.strip()[-300:]}")
            return [connector]
        try:
            answers = probe_json(["node", "connector_probe.cjs"], cwd=project)
            connector.version = answers["version"]
            # Its source query is the README's first query; Evidence reads by column name.
            if [name for name, _ in answers["columns"]] != [
                "store_key",
                "card_key",
                "value",
                "is_alerting",
                "data_as_of",
            ]:
                connector.problems.append(f"columns {answers['columns']}")
            connector.problems += row_problems(answers["results"], {**expected, "results": expected["results"][:1]})
        except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
            connector.problems.append(str(exc))
        # npm starts Evidence as a grandchild: its own process group, so a time-out stops all of it.
        process = subprocess.Popen(
            ["npm", "run", "sources"],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(timeout=EVIDENCE_SOURCES_TIMEOUT)
            parquet = project / ".evidence" / "template" / "static" / "data" / "listing_pulse" / "kpi_cards"
            if process.returncode != 0 or not any(parquet.glob("*.parquet")):
                sources.problems.append(f"exit {process.returncode}: {output.strip()[-300:]}")
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            reachable = _resolves(DUCKDB_EXTENSIONS_HOST)
            sources.note = (
                f"stalled after {EVIDENCE_SOURCES_TIMEOUT} s: DuckDB-Wasm fetches its parquet extension "
                f"from {DUCKDB_EXTENSIONS_HOST}, "
                + ("reachable here, so it is something else" if reachable else "unreachable here (offline)")
            )
            if reachable:
                sources.problems.append(sources.note)
        sources.version = connector.version
    return [connector, sources]


def _resolves(host: str) -> bool:
    try:
        socket.getaddrinfo(host, 443)
        return True
    except OSError:
        return False


# ---- the table -------------------------------------------------------------------------------------

# name -> (what the table calls it, how it reads the file, whether its columns come from SQLAlchemy)
LIGHT: dict[str, tuple[str, Callable[[Path], dict], bool]] = {
    "duckdb-python-1.4": ("DuckDB Python 1.4", duckdb_python(ROOT / ".venv-duckdb14" / "bin" / "python"), False),
    "duckdb-cli-1.4": ("DuckDB CLI 1.4", duckdb_cli, False),
    "node-api-1.4": ("@duckdb/node-api 1.4", node_api, False),
    "sqlalchemy-2.0": (
        "SQLAlchemy 2.0 (pandas, Jupyter): reflection + README queries",
        sqlalchemy_client(Path(sys.executable)),
        True,
    ),
    "sqlalchemy-1.4": (
        "SQLAlchemy 1.4 (Superset's) on DuckDB 1.4: reflection + README queries",
        sqlalchemy_client(ROOT / ".venv-bi-sqlalchemy14" / "bin" / "python"),
        True,
    ),
}
# Neither PyPI, npm nor Debian carries these; the README gives the facts their JDBC drivers need.
NOT_INSTALLABLE = {
    "Metabase (DuckDB driver plugin)": "not run: no package registry carries Metabase or its DuckDB plugin",
    "DBeaver (DuckDB JDBC)": "not run: no package registry carries DBeaver",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--published", type=Path, default=PUBLISHED)
    parser.add_argument("--client", choices=sorted(LIGHT), help="run one light client, print its answers as JSON")
    args = parser.parse_args()
    published = args.published.resolve()
    if not published.exists():
        parser.error(f"no published file at {published}: run `make demo` (or `listing-pulse run`) first")
    expected = duckdb_python(Path(sys.executable))(published)  # the build's DuckDB reading the same file
    if args.client:
        name, read, reflected = LIGHT[args.client]
        outcome = check(name, read, published, expected, reflected=reflected)
        print(
            json.dumps(
                {"client": name, "version": outcome.version, "problems": outcome.problems, "answers": outcome.answers}
            )
        )
        return 1 if outcome.problems else 0
    outcomes = [check(name, read, published, expected, reflected=reflected) for name, read, reflected in LIGHT.values()]
    outcomes += superset(published, expected)
    outcomes += evidence(published, expected)
    outcomes += [Outcome(name, note=note) for name, note in NOT_INSTALLABLE.items()]
    print(f"\nBI clients on {published} (reference: {expected['version']} reading the same file)\n")
    print("| client | version | result |\n| --- | --- | --- |")
    for outcome in outcomes:
        print(f"| {outcome.client} | {outcome.version} | {outcome.result} |")
    return 1 if any(outcome.problems for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())

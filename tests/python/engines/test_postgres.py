"""The same project on a real PostgreSQL server: dlt's postgres destination lands the sample stores,
`dbt build --target postgres` runs every model and test, and `kpi_cards` equals the DuckDB build of the
same observations, card by card.

Run by `make test-postgres` (which installs Debian's PostgreSQL when it is missing); the server is a
throwaway cluster in a temporary folder, on loopback, on its own port and socket folder, and is stopped
and removed when the test ends, whether it passed or not.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingestion.serving.dbt import invoke_dbt
from ingestion.serving.publish import dbt_outcome
from tests.python.builders import AS_OF
from tests.python.conftest import load_scenario

pytestmark = pytest.mark.postgres


STORES = ("default", "sister_store", "backlog_clears")
CARD_COLUMNS = (
    "store_key, card_key, value, distinct_listings, is_alerting, is_spike, time_window, "
    "window_start, window_end, data_as_of"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_postgres(command: list[str]) -> list[str]:
    """initdb and the server refuse to run as root: run them as Debian's `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def throwaway_cluster() -> Iterator[dict[str, str]]:
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not binaries:
        pytest.fail("PostgreSQL is not installed: `make test-postgres` installs Debian's postgresql")
    bin_dir = Path(binaries[-1])
    # Its own folder under /tmp: pytest's tmp_path sits below a root-only folder the server user cannot enter.
    folder = Path(tempfile.mkdtemp(prefix="listing-pulse-postgres-"))
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    port = str(free_port())
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    try:
        run(as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]))
        run(
            as_postgres(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(folder / "server.log"),
                    "-o",
                    options,
                    "-w",
                    "start",
                ]
            )
        )
        env = {
            "PGHOST": "127.0.0.1",
            "PGPORT": port,
            "PGUSER": "postgres",
            "PGPASSWORD": "unused-with-trust",
            "PGDATABASE": "listing_pulse",
            # A statement that runs away (a plan gone quadratic) fails the test by name instead of stalling CI.
            "PGOPTIONS": "-c statement_timeout=120s -c lock_timeout=60s",
        }
        run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", port, "-U", "postgres", "listing_pulse"])
        yield env
    finally:
        subprocess.run(
            as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)


def run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(command)} failed: {done.stderr or done.stdout}"


@contextmanager
def environment(**values: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def load_stores(db_path: Path) -> None:
    """Land every sample store's observations."""
    for store in STORES:
        load_scenario(store, AS_OF, db_path)


def build(engine: str, record_property: Callable[[str, object], None], db_path: Path | None = None) -> list[str]:
    """`dbt build` at AS_OF; its result counts and wall time go to pytest's summary (tests/python/engines/
    conftest.py). Returns the nodes that failed (errors only: the sample's merchant-data warnings are expected
    on every engine)."""
    started = time.monotonic()
    outcome = dbt_outcome(invoke_dbt(["build"], as_of=AS_OF, db_path=db_path))
    counts = ", ".join(f"{status} {count}" for status, count in sorted(outcome.counts.items()))
    record_property(f"dbt build on {engine}", f"{counts} in {time.monotonic() - started:.1f} s")
    return outcome.errors


def normalised(rows: list[tuple]) -> list[tuple]:
    """Values as both engines' drivers agree on them: numbers as Decimal rounded to 6 places, times naive UTC."""

    def cell(value: object) -> object:
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return round(Decimal(str(value)), 6)
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    return sorted(tuple(cell(value) for value in row) for row in rows)


def test_postgres_builds_every_model_and_test_with_duckdbs_card_values(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    with environment(LISTING_PULSE_DB=str(tmp_path / "duckdb" / "listing_pulse.duckdb")):
        duckdb_file = Path(os.environ["LISTING_PULSE_DB"])
        load_stores(duckdb_file)
        assert build("duckdb", record_property, db_path=duckdb_file) == []
        with duckdb.connect(str(duckdb_file), read_only=True) as con:
            expected = con.execute(f"select {CARD_COLUMNS} from marts.kpi_cards").fetchall()

    with (
        throwaway_cluster() as server,
        environment(
            LISTING_PULSE_TARGET="postgres", LISTING_PULSE_DB=str(tmp_path / "pg_state" / "unused.duckdb"), **server
        ),
    ):
        load_stores(Path(os.environ["LISTING_PULSE_DB"]))
        assert build("postgres", record_property) == []
        import psycopg2

        with (
            psycopg2.connect(
                host=server["PGHOST"], port=server["PGPORT"], user="postgres", dbname="listing_pulse"
            ) as connection,
            connection.cursor() as cursor,
        ):
            cursor.execute(f"select {CARD_COLUMNS} from marts.kpi_cards")
            actual = cursor.fetchall()

    # Every store and card is present on both engines (3 stores x the registry's cards), and equal.
    assert len(expected) == len(actual) > 0
    assert normalised(actual) == normalised(expected)

"""`listing-pulse sql` only reads: no statement can write a file, attach another database, load code or
read files beside the warehouse, and each refusal is one line on stderr with exit 2."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from ingestion.cli import main


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A build file and a published file holding one mart of two rows, and a text file beside them."""
    build, published = tmp_path / "listing_pulse.duckdb", tmp_path / "published" / "listing_pulse.duckdb"
    published.parent.mkdir()
    for path in (build, published):
        with duckdb.connect(str(path)) as con:
            con.execute("create schema marts")
            con.execute("create table marts.aex_total_listings as select * from (values ('a', 201), ('b', 200)) v(store_key, n)")
    secret = tmp_path / "notes.txt"
    secret.write_text("not for sql\n")
    monkeypatch.setenv("LISTING_PULSE_DB", str(build))
    monkeypatch.setenv("LISTING_PULSE_PUBLISHED", str(published))
    return {"build": build, "published": published, "notes": secret, "dir": tmp_path}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_select_on_the_marts_works(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", "select store_key, n from marts.aex_total_listings order by store_key"]) == 0
    assert capsys.readouterr().out.split() == ["store_key", "n", "---------", "---", "a", "201", "b", "200"]


# Each statement below worked before the fix (or, for INSTALL and LOAD, failed only for want of network
# or of the extension file) and must now fail on the file system or configuration guard.
REFUSED = {
    "copy_over_the_build_file": ("copy (select 1 as x) to '{build}'", "file system operations are disabled"),
    "copy_a_mart_out": ("copy marts.aex_total_listings to '{dir}/out.csv'", "file system operations are disabled"),
    "attach_read_write": ("attach '{dir}/other.duckdb' as other (read_write)", "file system operations are disabled"),
    "install": ("install httpfs", "file system operations are disabled"),
    "load": ("load httpfs", "Loading external extensions is disabled"),
    "read_text": ("select content from read_text('{notes}')", "file system operations are disabled"),
    "read_csv": ("select * from read_csv('{notes}')", "file system operations are disabled"),
    "glob": ("select * from glob('{dir}/*')", "file system operations are disabled"),
    "export_database": ("export database '{dir}/export'", "file system operations are disabled"),
    "reenable_external_access": ("set enable_external_access = true", "the configuration has been locked"),
    "unlock_the_lock": ("set lock_configuration = false", "the configuration has been locked"),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_statements_that_touch_anything_but_the_warehouse_fail_in_one_line(
    case: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    statement, reason = REFUSED[case]
    before = {name: digest(files[name]) for name in ("build", "published")}

    code = main(["sql", statement.format(**files)])

    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("listing-pulse sql: ") and reason in err, err
    assert {name: digest(files[name]) for name in ("build", "published")} == before
    assert sorted(p.name for p in files["dir"].iterdir()) == ["listing_pulse.duckdb", "notes.txt", "published"]


def test_a_refused_file_access_says_sql_only_reads(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", f"select * from read_text('{files['notes']}')"]) == 2
    assert capsys.readouterr().err == (
        f'listing-pulse sql: Permission Error: Cannot access file "{files["notes"]}" - file system operations are '
        "disabled by configuration (sql only reads the warehouse: no files, extensions, other databases or settings)\n"
    )

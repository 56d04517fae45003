"""House rules for the dbt models that sqlfluff cannot check.

- Every `ref()` and `source()` is an import CTE (`name as (select * from {{ ref('x') }})`), as jaffle-shop
  writes them: a model's inputs are readable at its top, and lineage is the first thing a reviewer sees.
- No engine-specific SQL in models: what differs between DuckDB, PostgreSQL and Spark goes through dbt's
  cross-database macros or a macro of ours dispatched per adapter (`adapter.dispatch`), so the same models
  run on a server warehouse.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODELS = sorted((ROOT / "models").rglob("*.sql"))

CALL = re.compile(r"\{\{\s*(ref|source)\(")
IMPORT_CTE = re.compile(
    r"^\s*(?:with\s+)?\w+\s+as\s*\(\s*select\s+\*\s+from\s+\{\{\s*(?:ref|source)\([^)]*\)\s*\}\}\s*\)", re.M
)

# Syntax DuckDB accepts and PostgreSQL or Spark do not (or spell differently).
ENGINE_SPECIFIC = {
    r"::\s*[a-z]": "a `::` cast: use cast(... as {{ dbt.type_...() }})",
    r"\btry_cast\s*\(": "try_cast: use {{ dbt.safe_cast(...) }}",
    r"\bqualify\b": "qualify: filter a window in an outer select",
    r"\blist_\w+\s*\(|\bstruct_\w+\s*\(": "DuckDB list/struct functions",
    r"\bstrftime\s*\(|\bstrptime\s*\(": "strftime/strptime: use a dispatched macro",
    r"\bepoch_ms\s*\(": "epoch_ms: use a dispatched macro",
    r"\bnow\s*\(\s*\)": "now(): use {{ dbt.current_timestamp() }}",
    r"\binterval\s+'": "interval literals: use {{ dbt.dateadd(...) }}",
    r"\b(arg_max|arg_min|count_if|any_value)\s*\(": "DuckDB aggregate: use a window or a dispatched macro",
}


def sql_without_comments(path: Path) -> str:
    text = re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.S)
    return re.sub(r"--[^\n]*", "", text)


@pytest.mark.parametrize("path", MODELS, ids=lambda p: str(p.relative_to(ROOT)))
def test_refs_are_import_ctes(path: Path) -> None:
    sql = sql_without_comments(path)
    calls = len(CALL.findall(sql))
    imports = len(IMPORT_CTE.findall(sql))
    assert calls == imports, (
        f"{path.name}: {calls - imports} ref()/source() call(s) outside an import CTE; "
        "write `name as (select * from {{ ref('name') }})` at the top and select from `name`"
    )


@pytest.mark.parametrize("path", MODELS, ids=lambda p: str(p.relative_to(ROOT)))
def test_models_use_portable_sql(path: Path) -> None:
    sql = sql_without_comments(path).lower()
    found = [why for pattern, why in ENGINE_SPECIFIC.items() if re.search(pattern, sql)]
    assert not found, f"{path.name}: {'; '.join(found)}"


def test_the_rules_catch_what_they_name(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sql"
    bad.write_text("select x::int from {{ ref('a') }} qualify row_number() over () = 1")
    good = tmp_path / "good.sql"
    good.write_text("with a as (\n    select * from {{ ref('a') }}\n)\n\nselect cast(x as int) from a")
    with pytest.raises(AssertionError, match="outside an import CTE"):
        test_refs_are_import_ctes(bad)
    with pytest.raises(AssertionError, match=r"cast.*qualify"):
        test_models_use_portable_sql(bad)
    test_refs_are_import_ctes(good)
    test_models_use_portable_sql(good)


def test_unit_test_names_fit_postgres_relation_names() -> None:
    # dbt names a unit test's relation after the test; PostgreSQL cuts identifiers at 63 bytes and dbt
    # then refuses to run it, so a long name only fails under `make test-postgres`. Caught here instead.
    names = [
        name
        for path in (ROOT / "models").rglob("*unit_tests.yml")
        for name in re.findall(r"^  - name: (\S+)", path.read_text(), flags=re.M)
    ]
    assert names, "no unit tests found"
    assert [name for name in names if len(name) > 63] == []

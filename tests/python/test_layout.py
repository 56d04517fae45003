"""The package's imports run one way: cli -> serving -> sources / report -> sources.common -> paths.

A source package (aliexpress, bigcommerce, sample) imports only sources.common and itself; report never
imports sources or serving; nothing below the CLI imports it. Checked from the source text, so a
violating import fails here before it can tangle the layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "ingestion"

# module prefix -> prefixes it may import (besides itself)
ALLOWED = {
    "ingestion.cli": ("ingestion.serving", "ingestion.sources", "ingestion.report", "ingestion.paths"),
    "ingestion.serving": ("ingestion.sources", "ingestion.report", "ingestion.paths"),
    "ingestion.report": ("ingestion.paths",),
    "ingestion.sources.load": ("ingestion.sources", "ingestion.paths"),
    "ingestion.sources.sweep": ("ingestion.sources", "ingestion.paths"),
    "ingestion.sources.aliexpress": ("ingestion.sources.common", "ingestion.paths"),
    "ingestion.sources.bigcommerce": ("ingestion.sources.common", "ingestion.paths"),
    "ingestion.sources.sample": ("ingestion.sources.common", "ingestion.paths"),
    "ingestion.sources.common": ("ingestion.paths",),
    "ingestion.sources": ("ingestion.paths",),  # the package itself; new modules there need a rule above
    "ingestion.paths": (),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str | None:
    matches = [prefix for prefix in ALLOWED if module == prefix or module.startswith(prefix + ".")]
    return max(matches, key=len) if matches else None


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ingestion"):
            names |= {node.module} if node.module != "ingestion" else {f"ingestion.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names if a.name.startswith("ingestion")}
    return names


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_imports_run_one_way(path: Path) -> None:
    module = module_name(path)
    layer = layer_of(module)
    if layer is None:  # the package root's __init__
        assert module == "ingestion"
        return
    wrong = [
        name
        for name in imported(path)
        if layer_of(name) != layer and not any(name == ok or name.startswith(ok + ".") for ok in ALLOWED[layer])
    ]
    assert not wrong, f"{module} ({layer}) imports {wrong}: imports run cli -> serving -> sources/report -> common"


def test_every_module_has_a_layer() -> None:
    assert all(layer_of(module_name(p)) for p in MODULES if module_name(p) != "ingestion")

"""Which cards failed their dbt tests, from dbt's `run_results.json` and `manifest.json`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

FAILED_STATUSES = {"fail", "error"}
CARDS_MODEL = "kpi_cards"


@dataclass
class FailedTests:
    """Failed or errored tests by the model they test; `note` says where the results came from."""

    by_model: dict[str, list[str]] = field(default_factory=dict)
    note: str = "no dbt test results found"

    def for_card(self, worklist_model: str) -> list[str]:
        """Tests that failed on the card's worklist model or on kpi_cards itself."""
        return sorted({*self.by_model.get(worklist_model, []), *self.by_model.get(CARDS_MODEL, [])})


def read_failed_tests(target_dir: Path) -> FailedTests:
    """The failed tests of the last dbt invocation that wrote `target_dir` (none when it holds no results)."""
    results_path, manifest_path = target_dir / "run_results.json", target_dir / "manifest.json"
    if not results_path.exists() or not manifest_path.exists():
        return FailedTests(note=f"no dbt test results in {target_dir}")
    results = json.loads(results_path.read_text())
    nodes = json.loads(manifest_path.read_text()).get("nodes", {})
    failed = FailedTests(note=f"dbt test results from {results_path} ({_generated_at(results)})")
    for result in results.get("results", []):
        unique_id = result.get("unique_id", "")
        if not unique_id.startswith("test.") or result.get("status") not in FAILED_STATUSES:
            continue
        node = nodes.get(unique_id, {})
        name = node.get("name", unique_id)
        for parent in node.get("depends_on", {}).get("nodes", []):
            if parent.startswith("model."):
                failed.by_model.setdefault(parent.split(".")[-1], []).append(name)
    return failed


def _generated_at(results: dict) -> str:
    text = results.get("metadata", {}).get("generated_at", "")
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return "time unknown"

"""The report without a browser: escaping, errors, the command."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from ingestion.cli import main
from ingestion.report import ReportError, render_report
from ingestion.report.data import ReportData, Store, Tile
from ingestion.report.render import render_html
from ingestion.serving.dbt import invoke_dbt
from tests.python import builders

AS_OF = builders.AS_OF.replace(tzinfo=None)  # the report reads zone-less UTC times from the marts


def test_everything_from_the_warehouse_is_escaped() -> None:
    hostile = "<script>alert(1)</script>"
    tile = Tile(
        store_key="default", card_key="aex_total_listings", card_name=hostile, value=1, distinct_listings=1,
        unit=hostile, time_window="RT", window_start=None, window_end=AS_OF, alert_trigger="-",
        is_alerting=False, is_spike=False, roles=[hostile], data_as_of=AS_OF, as_of=AS_OF,
        trend=[(AS_OF, 1)],
    )
    html = render_html(ReportData(Path("x.duckdb"), AS_OF, [Store("default", [tile], [], [])], timedelta(hours=2), hostile))
    assert hostile not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="does not exist"):
        render_report(tmp_path / "nothing.duckdb", tmp_path / "report.html")


def test_report_command_writes_the_file(report_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out" / "report.html"
    assert main(["report", "--db", str(report_db), "--out", str(out), "--dbt-target", str(tmp_path)]) == 0
    assert out.stat().st_size > 1_000_000  # plotly.js is inlined
    assert f"written to {out}" in capsys.readouterr().out
    assert main(["report", "--db", str(tmp_path / "missing.duckdb")]) == 2


def test_lineage_ends_at_the_report_and_bi_exposures(tmp_path: Path) -> None:
    result = invoke_dbt(["ls", "--resource-type", "exposure", "--output", "name", "--target-path", str(tmp_path)])
    assert result.success
    assert sorted(result.result) == ["bi_dashboards", "operator_report"]
    parents = invoke_dbt(
        ["ls", "--select", "+exposure:operator_report", "--resource-type", "model", "--output", "name",
         "--target-path", str(tmp_path)]
    )
    assert {"kpi_cards", "kpi_card_history", "kpi_card_breakdowns", "aex_rejected_listings_24h"} <= set(parents.result)

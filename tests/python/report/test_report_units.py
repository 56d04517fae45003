"""The report without a browser: escaping, errors, the command."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from ingestion import paths
from ingestion.cli import main, parser
from ingestion.report import ReportError, render_report
from ingestion.report.data import ReportData, Store, Tile, read_report_data
from ingestion.report.dbt_results import FailedTests
from ingestion.report.render import default_stale_after, render_html
from ingestion.serving.dbt import invoke_dbt
from tests.python import builders

AS_OF = builders.AS_OF.replace(tzinfo=None)  # the report reads zone-less UTC times from the marts


def test_everything_from_the_warehouse_is_escaped() -> None:
    hostile = "<script>alert(1)</script>"
    tile = Tile(
        store_key="default",
        card_key="aex_total_listings",
        card_name=hostile,
        value=1,
        distinct_listings=1,
        unit=hostile,
        time_window="RT",
        window_start=None,
        window_end=AS_OF,
        alert_trigger="-",
        is_alerting=False,
        is_spike=False,
        roles=[hostile],
        data_as_of=AS_OF,
        as_of=AS_OF,
        trend=[(AS_OF, 1)],
    )
    html = render_html(
        ReportData(Path("x.duckdb"), AS_OF, [Store("default", [tile], [], [])], timedelta(hours=2), hostile)
    )
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
        [
            "ls",
            "--select",
            "+exposure:operator_report",
            "--resource-type",
            "model",
            "--output",
            "name",
            "--target-path",
            str(tmp_path),
        ]
    )
    assert {"kpi_cards", "kpi_card_history", "kpi_card_breakdowns", "aex_rejected_listings_24h"} <= set(parents.result)


def test_stale_after_defaults_to_the_dbt_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The report's staleness default is the models' `stale_after_hours`, read from dbt_project.yml: a project
    # that sets 6 makes both the command's default and render_report's 6 hours (they were a separate 2).
    (tmp_path / "dbt_project.yml").write_text("vars:\n  stale_after_hours: 6\n")
    monkeypatch.setattr(paths, "PROJECT_ROOT", tmp_path)
    assert parser().parse_args(["report"]).stale_after_hours == 6
    assert default_stale_after() == timedelta(hours=6)


def test_tiles_follow_the_registry_display_order(tmp_path: Path) -> None:
    # Two cards whose registry puts aex_xc_listed_but_oos_on_bc (display_order 1) before aex_total_listings (2):
    # the tiles come in that order, not alphabetically nor in a list kept in the report's code.
    database = tmp_path / "cards.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema marts")
        con.execute("create schema seeds")
        con.execute(
            "create table marts.kpi_cards as select 'default' as store_key, card_key, card_key as card_name, "
            "1 as value, 1 as distinct_listings, 'count' as unit, 'RT' as time_window, "
            "null::timestamp as window_start, timestamp '2026-03-11 09:00' as window_end, '-' as alert_trigger, "
            "false as is_alerting, false as is_spike, 'owner' as roles, timestamp '2026-03-11 09:00' as data_as_of, "
            "null::varchar as null_reason, "
            "timestamp '2026-03-11 09:00' as as_of "
            "from (values ('aex_total_listings'), ('aex_xc_listed_but_oos_on_bc')) as cards(card_key)"
        )
        con.execute(
            "create table seeds.kpi_card_registry as select * from (values "
            "('aex_total_listings', 'aex_total_listings', 2), "
            "('aex_xc_listed_but_oos_on_bc', 'aex_xc_listed_but_oos_on_bc', 1)) "
            "as registry(card_key, worklist_model, display_order)"
        )
    data = read_report_data(database, timedelta(hours=2), FailedTests())
    assert [tile.card_key for tile in data.stores[0].tiles] == ["aex_xc_listed_but_oos_on_bc", "aex_total_listings"]


def test_withheld_stores_say_so_with_or_without_earlier_cards(tmp_path: Path) -> None:
    # The published file after a run that withheld b (its cards of 03-10 kept) and c (never published, so no
    # cards at all); a was published fresh at 03-11.
    database = tmp_path / "published.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.kpi_cards as select store_key, 'aex_total_listings' as card_key, 'Total' as card_name, "
            "1 as value, 1 as distinct_listings, 'count' as unit, 'RT' as time_window, null::timestamp as window_start, "
            "as_of as window_end, '-' as alert_trigger, false as is_alerting, false as is_spike, 'owner' as roles, "
            "as_of as data_as_of, null::varchar as null_reason, as_of "
            "from (values ('a', timestamp '2026-03-11 09:00'), ('b', timestamp '2026-03-10 09:00')) as s(store_key, as_of)"
        )
        con.execute(
            "create table marts.published_store_status as select * from (values "
            "('a', 'fresh', null, timestamp '2026-03-11 09:00'), ('b', 'withheld', 'test t failed', timestamp '2026-03-10 09:00'), "
            "('c', 'withheld', 'test u failed', null)) as s(store_key, status, withheld_reason, as_of)"
        )
    data = read_report_data(database, timedelta(days=2), FailedTests())
    assert [(store.store_key, store.message, [tile.state for tile in store.tiles]) for store in data.stores] == [
        ("a", None, ["ok"]),
        (
            "b",
            "Store b was withheld from this run (test t failed): its cards are those last published, as of 2026-03-10 09:00 UTC.",
            ["withheld"],
        ),
        (
            "c",
            "Store c was withheld from this run (test u failed): it has never been published, so it has no cards yet.",
            [],
        ),
    ]
    html = render_html(data)
    assert html.count('data-role="withheld"') == 1 and "Last published as of 2026-03-10 09:00 UTC" in html

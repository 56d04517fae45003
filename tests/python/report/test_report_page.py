"""The report as headless Chromium shows it: the numbers of kpi_cards, alert and degraded states, no request."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from ingestion.report.data import WORKLIST_ROWS
from ingestion.report.render import render_report

SCREENSHOT = Path(__file__).resolve().parents[3] / "docs" / "report.png"
ALERT_RED = "rgb(201, 42, 42)"


def tile(opened: Any, store_key: str, card_key: str) -> Any:
    return opened.page.locator(f'article.tile[data-store="{store_key}"][data-card="{card_key}"]')


def shown_number(text: str, unit: str) -> float:
    """The number a tile shows: "4,820" is 4820, "2.5%" is 0.025 (to the tile's one decimal of a percent)."""
    text = text.strip().replace(",", "")
    return float(text[:-1]) / 100 if unit == "ratio" else int(text)


def test_page_loads_with_no_console_error_and_no_request(opened: Any) -> None:
    assert opened.errors == []
    assert opened.requests == [opened.url]
    # The charts really rendered (plotly.js ran from the file itself).
    assert opened.page.locator(".js-plotly-plot").count() >= 3
    # The build's own run_results.json was read, and every test passed: no tile says it failed.
    assert "run_results.json" in opened.page.locator("footer").inner_text()
    assert opened.page.locator('article.tile[data-state="failed"]').count() == 0


def test_every_tile_shows_the_value_in_kpi_cards(opened: Any, kpi_cards: list[dict[str, Any]]) -> None:
    assert opened.page.locator("article.tile").count() == len(kpi_cards)
    for card in kpi_cards:
        value = tile(opened, card["store_key"], card["card_key"]).locator('[data-role="value"]')
        assert value.count() == 1, (card["store_key"], card["card_key"])
        if card["value"] is None:
            assert value.inner_text() == "–"
        else:
            expected = round(float(card["value"]), 3) if card["unit"] == "ratio" else card["value"]
            shown = shown_number(value.inner_text(), card["unit"])
            assert round(shown, 3) == expected, (card["store_key"], card["card_key"], shown, card["value"])


def test_alerting_cards_are_marked_by_word_and_colour(opened: Any, kpi_cards: list[dict[str, Any]]) -> None:
    alerting = [card for card in kpi_cards if card["is_alerting"] and card["store_key"] != "stale_store"]
    assert {card["card_key"] for card in alerting if card["store_key"] == "default"} >= {
        "aex_rejected_auditing_listings",
        "aex_rejected_listings_24h",
        "aex_xc_listed_but_oos_on_bc",
    }
    for card in kpi_cards:
        element = tile(opened, card["store_key"], card["card_key"])
        colour = element.evaluate("node => getComputedStyle(node).borderTopColor")
        word = element.locator('[data-role="state"]').inner_text().lower()
        if card in alerting:
            assert element.get_attribute("data-state") == "alerting"
            assert word == "alerting" and colour == ALERT_RED
        else:
            assert word != "alerting" and colour != ALERT_RED


def test_each_alerting_card_has_its_worklist_first_rows_and_the_count_of_the_rest(opened: Any, sql: Any) -> None:
    section = opened.page.locator("#store-default")
    for card_key in ("aex_rejected_auditing_listings", "aex_rejected_listings_24h", "aex_xc_listed_but_oos_on_bc"):
        ((total,),) = sql(f"select count(*) from marts.{card_key} where store_key = 'default'")
        worklist = section.locator(f'details[data-worklist="{card_key}"]')
        assert worklist.locator("tbody tr").count() == min(total, WORKLIST_ROWS)
        more = worklist.locator('[data-role="more"]')
        if total > WORKLIST_ROWS:
            assert more.inner_text() == f"and {total - WORKLIST_ROWS:,} more"
        else:
            assert more.count() == 0
    assert section.locator('details[data-worklist="aex_total_listings"]').count() == 0


def test_trend_line_plots_kpi_card_history(opened: Any, sql: Any) -> None:
    history = sql(
        "select value from marts.kpi_card_history where store_key = 'backlog_clears' "
        "and card_key = 'aex_rejected_auditing_listings' order by as_of"
    )
    assert [value for (value,) in history] == [5, 0]  # the backlog clears between the two as_of
    plotted = opened.page.evaluate(
        "document.getElementById('trend-backlog_clears-aex_rejected_auditing_listings').data[0].y"
    )
    assert plotted == [5, 0]


def test_rejection_causes_and_lifecycle_gap_charts(opened: Any, sql: Any) -> None:
    ((top_cause, top_share),) = sql(
        "select bucket, share from marts.kpi_card_breakdowns where store_key = 'default' "
        "and card_key = 'aex_rejected_listings_24h' and is_top_bucket"
    )
    causes = opened.page.locator("#causes-default")
    assert f"top is {top_cause.replace('_', ' ')}, {top_share:.0%}" in causes.inner_text()
    ((total, active),) = sql(
        "select sum(value), sum(case when bucket = 'active' then value end) from marts.kpi_card_breakdowns "
        "where store_key = 'default' and card_key = 'aex_total_listings'"
    )
    lifecycle = opened.page.locator("#lifecycle-default")
    assert lifecycle.get_attribute("data-gap") == str(total - active)
    assert f"gap of {total - active:,} listings" in lifecycle.inner_text()
    stacked = opened.page.evaluate("document.getElementById('lifecycle-default').data.map(t => [t.name, t.x[0]])")
    assert sum(value for _, value in stacked) == total and stacked[0][0] == "active"


def test_empty_store_shows_its_message(opened: Any, kpi_cards: list[dict[str, Any]]) -> None:
    total = next(c for c in kpi_cards if c["store_key"] == "empty_store" and c["card_key"] == "aex_total_listings")
    assert total["value"] == 0
    message = opened.page.locator('#store-empty_store [data-message="store"]')
    assert "has no listings on AliExpress" in message.inner_text()
    assert opened.page.locator('#store-default [data-message="store"]').count() == 0


def test_stale_source_says_stale_and_since_when(opened: Any, kpi_cards: list[dict[str, Any]]) -> None:
    for card in kpi_cards:
        element = tile(opened, card["store_key"], card["card_key"])
        if card["store_key"] == "stale_store":
            assert card["as_of"] - card["data_as_of"] == timedelta(hours=6)
            assert element.get_attribute("data-state") == "stale"
            stale = element.locator('[data-role="stale"]').inner_text()
            assert stale.startswith(f"Stale since {card['data_as_of']:%Y-%m-%d %H:%M} UTC")
        else:
            assert element.locator('[data-role="stale"]').count() == 0


def test_stale_threshold_is_configurable(report_db: Path, tmp_path: Path) -> None:
    data = render_report(report_db, tmp_path / "report.html", stale_after=timedelta(hours=12), dbt_target=tmp_path)
    stale_store = next(store for store in data.stores if store.store_key == "stale_store")
    assert {tile.state for tile in stale_store.tiles} == {"ok"}


def test_card_that_failed_its_tests_shows_no_number(report_db: Path, tmp_path: Path, open_report: Any) -> None:
    test_id = "test.listing_pulse.assert_oos_rows_are_out_of_stock_on_bc.0123456789"
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {
                "nodes": {
                    test_id: {
                        "name": "assert_oos_rows_are_out_of_stock_on_bc",
                        "depends_on": {"nodes": ["model.listing_pulse.aex_xc_listed_but_oos_on_bc"]},
                    }
                }
            }
        )
    )
    (tmp_path / "run_results.json").write_text(
        json.dumps(
            {
                "metadata": {"generated_at": "2026-03-11T09:01:00Z"},
                "results": [{"unique_id": test_id, "status": "fail"}],
            }
        )
    )
    render_report(report_db, tmp_path / "report.html", dbt_target=tmp_path)
    opened = open_report(tmp_path / "report.html")
    assert opened.errors == [] and opened.requests == [opened.url]
    failed = tile(opened, "default", "aex_xc_listed_but_oos_on_bc")
    assert failed.get_attribute("data-state") == "failed"
    assert failed.locator('[data-role="failed"]').inner_text() == "Failed its tests"
    assert "assert_oos_rows_are_out_of_stock_on_bc" in failed.inner_text()
    assert failed.locator('[data-role="value"]').count() == 0
    assert opened.page.locator('details[data-worklist="aex_xc_listed_but_oos_on_bc"]').count() == 0
    # The other cards of the store keep their numbers.
    assert tile(opened, "default", "aex_rejected_listings_24h").locator('[data-role="value"]').count() == 1


def test_screenshot_of_the_default_store(opened: Any) -> None:
    SCREENSHOT.parent.mkdir(exist_ok=True)
    opened.page.locator("#store-default .overview").screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000

"""Render the report as one self-contained HTML file: plotly.js inlined, no fonts, no CDN, no request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jinja2
import plotly
from plotly.offline import get_plotlyjs

from ingestion import paths
from ingestion.report import charts
from ingestion.report.data import ReportData, Store, Tile, read_report_data
from ingestion.report.dbt_results import read_failed_tests

REPORT_NAME = "listing_pulse_report.html"
DBT_TARGET = paths.PROJECT_ROOT / "target"
STATE_WORDS = {
    "ok": "OK",
    "alerting": "Alerting",
    "stale": "Stale",
    "withheld": "Withheld",
    "failed": "Failed its tests",
    "no_data": "No data",
}


def default_database() -> Path:
    """The published file if there is one (what BI reads), else the build file."""
    published = paths.published_path()
    return published if published.exists() else paths.database_path()


def _number(value: int | float | None, unit: str = "count") -> str:
    """A value as the tile shows it: ratios as a percentage, counts with thousands separators."""
    if value is None:
        return "–"
    return f"{value:.1%}" if unit == "ratio" else f"{value:,}"


def _when(moment: datetime | None) -> str:
    return "–" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("ingestion.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters |= {"number": _number, "when": _when}
    return environment


def _charts(store: Store) -> dict[str, dict[str, Any]]:
    """The figures of one store, by the id of the element that shows them."""
    figures: dict[str, dict[str, Any]] = {}
    for tile in store.tiles:
        if tile.trend:
            figures[f"trend-{store.store_key}-{tile.card_key}"] = charts.trend(tile.trend, tile.unit)
    if store.lifecycle and store.gap is not None:
        figures[f"lifecycle-{store.store_key}"] = charts.lifecycle_gap(store.lifecycle, store.gap)
    if store.causes:
        figures[f"causes-{store.store_key}"] = charts.rejection_causes(store.causes)
    return figures


def render_html(data: ReportData) -> str:
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            data=data,
            charts={store.store_key: _charts(store) for store in data.stores},
            state_words=STATE_WORDS,
            plotly_js=get_plotlyjs(),
            plotly_version=plotly.__version__,
            generated_at=datetime.now(UTC),
        )
    )


def default_stale_after() -> timedelta:
    """The models' staleness threshold (the dbt var `stale_after_hours`), so the report and the build agree."""
    return timedelta(hours=paths.dbt_var_default("stale_after_hours"))


def render_report(
    database: Path,
    out: Path,
    stale_after: timedelta | None = None,
    dbt_target: Path = DBT_TARGET,
) -> ReportData:
    """Read `database` read-only and write the report to `out`; returns what it showed. A source older than
    `stale_after` (default: `default_stale_after()`) at a card's as_of marks the card stale."""
    data = read_report_data(database, stale_after or default_stale_after(), read_failed_tests(dbt_target))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(data), encoding="utf-8")
    return data


def tile_summary(tile: Tile) -> str:
    """One line per tile for the command's output."""
    return f"{tile.store_key:<20} {tile.card_key:<32} {_number(tile.value, tile.unit):>8}  {STATE_WORDS[tile.state]}"

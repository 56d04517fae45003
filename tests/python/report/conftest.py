"""One warehouse for every report test: four stores, one `dbt build` without tests and one with, one rendered page.

Stores: `default` (the card pages' worked examples, three cards alerting), `backlog_clears` (observed
three times, so the trend has a point at as_of - 2d and one at as_of), `empty_store` (observed, no
listings) and `stale_store` (last observed 6 h before as_of, past the 2 h stale threshold).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.report import render_report
from ingestion.serving.dbt import run_dbt
from ingestion.sources.load import load_observation
from ingestion.sources.sample.scenarios import generate
from ingestion.sources.sample.store import ACTIVE, SampleStore
from tests.python.builders import AS_OF

STALE_OBSERVED_AT = AS_OF - timedelta(hours=6)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _load_sample_store(store_key: str, observed_at: datetime, seed: int, product_id_base: int, listings: int, db: Path) -> None:
    store = SampleStore.build(observed_at, seed, product_id_base, states=[(ACTIVE, listings)] if listings else [])
    load_observation(store_key, observed_at, *store.capture(store.events), db_path=db)


@pytest.fixture(scope="session")
def report_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The warehouse; its dbt artifacts (run_results.json, manifest.json) are in `target/` beside it, not in
    the project's target/, which other tests' fault injections overwrite."""
    db = tmp_path_factory.mktemp("report") / "report.duckdb"
    target = ["--target-path", str(db.parent / "target")]
    previous = os.environ.get("LISTING_PULSE_DB")
    os.environ["LISTING_PULSE_DB"] = str(db)  # dlt's pipeline state lives beside the build file
    try:
        for scenario in ("default", "backlog_clears"):
            for observation in generate(scenario, AS_OF):
                load_observation(scenario, observation.observed_at, observation.aliexpress, observation.bigcommerce, db_path=db)
        _load_sample_store("empty_store", AS_OF, seed=7, product_id_base=1005009000000000, listings=0, db=db)
        _load_sample_store("stale_store", STALE_OBSERVED_AT, seed=8, product_id_base=1005009100000000, listings=20, db=db)
        # kpi_card_history gets an earlier point (backlog_clears: 5 rejected/auditing), then the full build.
        assert run_dbt(["build", "--exclude-resource-type", "test", *target], as_of=AS_OF - timedelta(days=2), db_path=db)
        assert run_dbt(["build", *target], as_of=AS_OF, db_path=db), "dbt build failed"
        yield db
    finally:
        if previous is None:
            os.environ.pop("LISTING_PULSE_DB", None)
        else:
            os.environ["LISTING_PULSE_DB"] = previous


@pytest.fixture(scope="session")
def report_html(report_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report_html") / "report.html"
    render_report(report_db, out, stale_after=timedelta(hours=2), dbt_target=report_db.parent / "target")
    return out


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class OpenedPage:
    """A report opened from disk, with every console error and every request it made."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.route("**/*", self._route)
        self.page.goto(self.url, wait_until="load")
        self.page.wait_for_function(
            "document.querySelectorAll('script[data-chart]').length"
            " === document.querySelectorAll('.js-plotly-plot').length"
        )

    def _route(self, route: Any) -> None:
        self.requests.append(route.request.url)
        if route.request.url == self.url:
            route.continue_()
        else:
            route.abort()


@pytest.fixture(scope="session")
def opened(open_report: Any, report_html: Path) -> OpenedPage:
    """The report of the test warehouse, open in headless Chromium."""
    return open_report(report_html)


@pytest.fixture(scope="session")
def open_report(browser: Any) -> Iterator[Any]:
    """Open another report file; the pages close at the end of the session."""
    pages: list[OpenedPage] = []

    def open_(path: Path) -> OpenedPage:
        pages.append(OpenedPage(browser, path))
        return pages[-1]

    yield open_
    for opened_page in pages:
        opened_page.page.close()


def cards(db: Path) -> list[dict[str, Any]]:
    """kpi_cards as the warehouse holds it: the numbers the page must show."""
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute("select * from marts.kpi_cards order by store_key, card_key")
        names = [description[0] for description in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


@pytest.fixture(scope="session")
def kpi_cards(report_db: Path) -> list[dict[str, Any]]:
    return cards(report_db)


@pytest.fixture(scope="session")
def sql(report_db: Path) -> Any:
    """Run one query on the test warehouse, read-only; returns its rows."""

    def run(text: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(report_db), read_only=True) as con:
            return con.execute(text, params or []).fetchall()

    return run

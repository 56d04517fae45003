"""What the report shows, read from a DuckDB file opened read-only: cards, their trend, breakdowns and worklists."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from ingestion.paths import PROJECT_ROOT
from ingestion.report.dbt_results import FailedTests

WORKLIST_ROWS = 50
REGISTRY_SEED = PROJECT_ROOT / "seeds" / "kpi_card_registry.csv"
# How a worklist is ordered (what to act on first), by worklist model; others by product_id when they have one.
WORKLIST_ORDER = {
    "aex_total_listings": "product_id",
    "aex_rejected_auditing_listings": "hours_in_state desc, product_id",
    "aex_rejected_listings_24h": "transition_count desc, last_rejected_at desc, product_id",
    "aex_xc_listed_but_oos_on_bc": "is_counted desc, product_id, sku_id",
}
CARD_COLUMNS = (
    "store_key, card_key, card_name, value, distinct_listings, unit, time_window, window_start, window_end, "
    "alert_trigger, is_alerting, is_spike, roles, data_as_of, null_reason, as_of"
)


class ReportError(Exception):
    """The report cannot be made from this file, with what to do about it."""


@dataclass
class Worklist:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass
class Withheld:
    """A store the latest publish withheld (published_store_status): why, and the as_of of the rows kept."""

    reason: str
    as_of: datetime | None  # None: it had never been published, so nothing was kept


@dataclass
class Tile:
    store_key: str
    card_key: str
    card_name: str
    value: int | float | None
    distinct_listings: int | None
    unit: str
    time_window: str
    window_start: datetime | None
    window_end: datetime
    alert_trigger: str
    is_alerting: bool
    is_spike: bool
    roles: list[str]
    data_as_of: datetime | None
    as_of: datetime
    null_reason: str | None = None
    is_withheld: bool = False
    stale_since: datetime | None = None
    failed_tests: list[str] = field(default_factory=list)
    trend: list[tuple[datetime, int | float]] = field(default_factory=list)
    worklist: Worklist | None = None

    @property
    def state(self) -> str:
        """One word for the tile: failed, withheld, no_data, stale, alerting or ok (the first that applies)."""
        if self.failed_tests:
            return "failed"
        if self.is_withheld:
            return "withheld"
        if self.data_as_of is None:
            return "no_data"
        if self.stale_since is not None:
            return "stale"
        return "alerting" if self.is_alerting else "ok"


@dataclass
class Bucket:
    name: str
    value: int
    share: float
    is_top: bool


@dataclass
class Store:
    store_key: str
    tiles: list[Tile]
    lifecycle: list[Bucket]
    causes: list[Bucket]
    withheld: Withheld | None = None

    def tile(self, card_key: str) -> Tile | None:
        return next((tile for tile in self.tiles if tile.card_key == card_key), None)

    @property
    def message(self) -> str | None:
        """Why this store's cards are not this run's, or why it has nothing to show, if so."""
        if self.withheld is not None:
            kept = (
                f"its cards are those last published, as of {self.withheld.as_of:%Y-%m-%d %H:%M} UTC"
                if self.withheld.as_of is not None
                else "it has never been published, so it has no cards yet"
            )
            return f"Store {self.store_key} was withheld from this run ({self.withheld.reason}): {kept}."
        total = self.tile("aex_total_listings")
        if total is None:
            return None
        if total.data_as_of is None:
            return f"Store {self.store_key} has not been observed at or before {total.as_of:%Y-%m-%d %H:%M} UTC: no cards yet."
        if total.value == 0 and not total.failed_tests:
            return f"Store {self.store_key} has no listings on AliExpress (observed {total.data_as_of:%Y-%m-%d %H:%M} UTC)."
        return None

    @property
    def gap(self) -> int | float | None:
        """Total - Active: listings that exist but cannot sell."""
        total = self.tile("aex_total_listings")
        if total is None or total.value is None:
            return None
        active = next((bucket.value for bucket in self.lifecycle if bucket.name == "active"), 0)
        return total.value - active


@dataclass
class ReportData:
    database: Path
    as_of: datetime | None  # None: no store has cards (every one withheld before it was ever published)
    stores: list[Store]
    stale_after: timedelta
    tests_note: str


def number(value: Decimal | float | int | None) -> int | float | None:
    """A card value as Python holds it: whole numbers as int (kpi_cards.value is a decimal), ratios as float."""
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


@dataclass
class RegistryEntry:
    worklist_model: str
    display_order: int


def _registry(con: duckdb.DuckDBPyConnection, tables: set[str]) -> dict[str, RegistryEntry]:
    """Each card's worklist model and tile position: from the build file's seed table, else (the published file
    holds only marts) from the seed's CSV."""
    if "seeds.kpi_card_registry" in tables:
        rows = con.execute("select card_key, worklist_model, display_order from seeds.kpi_card_registry").fetchall()
    elif REGISTRY_SEED.exists():
        with REGISTRY_SEED.open(newline="") as registry:
            rows = [
                (row["card_key"], row["worklist_model"], int(row["display_order"])) for row in csv.DictReader(registry)
            ]
    else:
        rows = []
    return {card_key: RegistryEntry(model, order) for card_key, model, order in rows}


def _card_rank(tile: Tile, registry: dict[str, RegistryEntry]) -> tuple[float, str]:
    """Tiles in the registry's `display_order`; a card the registry does not list follows, by key."""
    entry = registry.get(tile.card_key)
    return (entry.display_order if entry else float("inf"), tile.card_key)


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("select table_schema || '.' || table_name from information_schema.tables").fetchall()
    return {row[0] for row in rows}


def _records(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    names = [description[0] for description in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _worklist(con: duckdb.DuckDBPyConnection, model: str, store_key: str) -> Worklist:
    """The first WORKLIST_ROWS rows of one store's worklist, and how many there are."""
    table = f'marts."{model}"'
    columns = [row[0] for row in con.execute(f"select * exclude (store_key) from {table} limit 0").description]
    order = WORKLIST_ORDER.get(model, "product_id" if "product_id" in columns else "all")
    rows = con.execute(
        f"select * exclude (store_key) from {table} where store_key = ? order by {order} limit {WORKLIST_ROWS}",
        [store_key],
    ).fetchall()
    (total,) = con.execute(f"select count(*) from {table} where store_key = ?", [store_key]).fetchone() or (0,)
    return Worklist(columns, rows, int(total))


def read_report_data(database: Path, stale_after: timedelta, failed: FailedTests) -> ReportData:
    """Everything the page shows, from `database` opened read-only (a writer holding it makes this fail)."""
    if not database.exists():
        raise ReportError(
            f"{database} does not exist: run `listing-pulse load` and `listing-pulse build` first, or pass --db"
        )
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as exc:
        raise ReportError(f"cannot open {database} read-only ({exc}); is a build writing it right now?") from None
    with con:
        tables = _tables(con)
        if "marts.kpi_cards" not in tables:
            raise ReportError(f"{database} has no marts.kpi_cards: run `listing-pulse build` first")
        cards = _records(con, f"select {CARD_COLUMNS} from marts.kpi_cards order by store_key, card_key")
        withheld: dict[str, Withheld] = {}
        if "marts.published_store_status" in tables:  # the published file (serving/publish.py) has it
            for row in _records(
                con,
                "select store_key, withheld_reason, as_of from marts.published_store_status where status = 'withheld'",
            ):
                withheld[row["store_key"]] = Withheld(row["withheld_reason"], row["as_of"])
        if not cards and not withheld:
            raise ReportError(f"marts.kpi_cards in {database} is empty: load a store and build first")

        registry = _registry(con, tables)
        worklists = {card["card_key"]: card["card_key"] for card in cards}
        worklists |= {card_key: entry.worklist_model for card_key, entry in registry.items()}

        history: dict[tuple[str, str], list[tuple[datetime, int | float]]] = {}
        if "marts.kpi_card_history" in tables:
            for row in _records(
                con,
                "select store_key, card_key, as_of, value from marts.kpi_card_history "
                "where value is not null order by as_of",
            ):
                value = number(row["value"])
                if value is not None:
                    history.setdefault((row["store_key"], row["card_key"]), []).append((row["as_of"], value))

        buckets: dict[tuple[str, str], list[Bucket]] = {}
        if "marts.kpi_card_breakdowns" in tables:
            for row in _records(
                con,
                "select store_key, card_key, bucket, value, share, is_top_bucket from marts.kpi_card_breakdowns "
                "order by store_key, card_key, value desc, bucket",
            ):
                buckets.setdefault((row["store_key"], row["card_key"]), []).append(
                    Bucket(
                        row["bucket"] or "unknown", int(row["value"]), float(row["share"]), bool(row["is_top_bucket"])
                    )
                )

        stores: dict[str, list[Tile]] = {}
        for card in cards:
            tile = Tile(
                store_key=card["store_key"],
                card_key=card["card_key"],
                card_name=card["card_name"],
                value=number(card["value"]),
                distinct_listings=card["distinct_listings"],
                unit=card["unit"],
                time_window=card["time_window"],
                window_start=card["window_start"],
                window_end=card["window_end"],
                alert_trigger=card["alert_trigger"],
                is_alerting=bool(card["is_alerting"]),
                is_spike=bool(card["is_spike"]),
                roles=[role.strip() for role in (card["roles"] or "").split(",") if role.strip()],
                data_as_of=card["data_as_of"],
                as_of=card["as_of"],
                null_reason=card["null_reason"],
                is_withheld=card["store_key"] in withheld,
                failed_tests=failed.for_card(worklists[card["card_key"]]),
                trend=history.get((card["store_key"], card["card_key"]), []),
            )
            if tile.data_as_of is not None and tile.as_of - tile.data_as_of > stale_after:
                tile.stale_since = tile.data_as_of
            model = worklists[tile.card_key]
            if tile.is_alerting and not tile.failed_tests and f"marts.{model}" in tables:
                tile.worklist = _worklist(con, model, tile.store_key)
            stores.setdefault(tile.store_key, []).append(tile)
        for store_key in withheld:  # a store withheld before it was ever published has no cards, only its message
            stores.setdefault(store_key, [])

    return ReportData(
        database=database,
        as_of=max((card["as_of"] for card in cards), default=None),
        stores=[
            Store(
                store_key,
                sorted(tiles, key=lambda tile: _card_rank(tile, registry)),
                lifecycle=buckets.get((store_key, "aex_total_listings"), []),
                causes=buckets.get((store_key, "aex_rejected_listings_24h"), []),
                withheld=withheld.get(store_key),
            )
            for store_key, tiles in sorted(stores.items())
        ],
        stale_after=stale_after,
        tests_note=failed.note,
    )

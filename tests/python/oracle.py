"""An independent oracle for the four main cards: plain pandas over the raw tables (raw_aliexpress.*,
raw_bigcommerce.*) and the seed CSV files, written from the card rules, not from the dbt models.

For one store at `as_of` it gives each card's value, the keys of the worklist rows behind it and how many
listings those are (kpi_cards' distinct_listings):
  aex_total_listings              every listing current at as_of                  keys: product_id
  aex_rejected_auditing_listings  current listings in auditing or rejected        keys: product_id
  aex_rejected_listings_24h       rejection transitions in (as_of - 24h, as_of]   keys: product_id
  aex_xc_listed_but_oos_on_bc     active AliExpress SKUs with stock whose BC SKU   keys: (product_id, sku_id)
                                  is out of stock, not whitelisted
A card is None when the store has no observation at or before as_of of a source the card reads.
It assumes the project's default vars (`oos_grace_minutes` 0, so no case is pending).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
ALIEXPRESS_TZ = ZoneInfo("Asia/Shanghai")
CARDS = (
    "aex_total_listings",
    "aex_rejected_auditing_listings",
    "aex_rejected_listings_24h",
    "aex_xc_listed_but_oos_on_bc",
)
# Whitespace around a SKU code: what str.strip() removes, plus zero-width spaces and byte-order marks.
EXTRA_WHITESPACE = "\u200b\ufeff"
OFFSET_AT_END = re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*([zZ]|[+-]\d{2}(:?\d{2})?)\s*$")


@dataclass
class Card:
    value: int | None
    keys: set
    distinct_listings: int | None  # the listings behind the value: distinct product ids among the keys


def card(value: int | None, keys: set) -> Card:
    listings = {key[0] if isinstance(key, tuple) else key for key in keys}
    return Card(value, keys, None if value is None else len(listings))


def sku_key(code: object) -> str | None:
    if not isinstance(code, str):
        return None
    stripped = code.strip().strip(EXTRA_WHITESPACE).strip()
    return stripped.upper() or None


def aliexpress_time(text: object) -> datetime | None:
    """An AliExpress time as naive UTC: epoch milliseconds, an ISO time with its own offset, else GMT+8."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    try:
        if re.fullmatch(r"\d{13}", text):
            return datetime(1970, 1, 1) + timedelta(milliseconds=int(text))
        if OFFSET_AT_END.search(text):
            return datetime.fromisoformat(text.replace("z", "Z")).astimezone(UTC).replace(tzinfo=None)
        return datetime.fromisoformat(text).replace(tzinfo=ALIEXPRESS_TZ).astimezone(UTC).replace(tzinfo=None)
    except ValueError:
        return None


def integer(text: object) -> int | None:
    try:
        return int(str(text).strip())
    except ValueError:
        return None


def _table(con: duckdb.DuckDBPyConnection, name: str, store_key: str) -> pd.DataFrame:
    schema, table = name.split(".")
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
    ).fetchone()
    if not exists or not exists[0]:
        return pd.DataFrame()
    frame = con.execute(f"select * from {name} where store_key = ?", [store_key]).df()
    for column in ("_dlt_valid_from", "_dlt_valid_to", "observed_at"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_localize(None)
    return frame


def _valid_at(frame: pd.DataFrame, moment: datetime) -> pd.DataFrame:
    if frame.empty:
        return frame
    valid_to = frame["_dlt_valid_to"]
    return frame[(frame["_dlt_valid_from"] <= moment) & (valid_to.isna() | (valid_to > moment))]


def _observed(observations: pd.DataFrame, moment: datetime) -> bool:
    return not observations.empty and bool((observations["observed_at"] <= moment).any())


def _lifecycle_state(status_type: object, display: object, seed: pd.DataFrame) -> str:
    display = display if isinstance(display, str) else ""
    for _, row in seed.iterrows():
        if row["product_status_type"] == status_type and row["ws_display"] != "*" and row["ws_display"] == display:
            return str(row["lifecycle_state"])
    for _, row in seed.iterrows():
        if row["product_status_type"] == status_type and row["ws_display"] == "*":
            return str(row["lifecycle_state"])
    return "unknown"


def _listing_versions(listings: pd.DataFrame, seed: pd.DataFrame) -> pd.DataFrame:
    """One row per listing version; a listing in two passes of one sweep keeps its first (status, display)."""
    if listings.empty:
        return pd.DataFrame(columns=["product_id", "valid_from", "valid_to", "state"])
    ordered = listings.sort_values(
        ["product_id", "_dlt_valid_from", "product_status_type", "ws_display"], na_position="last"
    )
    versions = ordered.drop_duplicates(["product_id", "_dlt_valid_from"], keep="first").copy()
    states = {
        (s, d): _lifecycle_state(s, d, seed)
        for s, d in set(zip(versions["product_status_type"], versions["ws_display"].fillna("")))
    }
    versions["state"] = [
        states[(s, d if isinstance(d, str) else "")]
        for s, d in zip(versions["product_status_type"], versions["ws_display"])
    ]
    return versions.rename(columns={"_dlt_valid_from": "valid_from", "_dlt_valid_to": "valid_to"})[
        ["product_id", "valid_from", "valid_to", "state"]
    ]


def _outcomes(events: pd.DataFrame, versions: pd.DataFrame) -> list[tuple[str, datetime, str, str]]:
    """(product_id, time, event_id, status): received outcomes, plus those the catalogue implies."""
    received = []
    for row in events.drop_duplicates("event_id").itertuples() if not events.empty else []:
        moment = aliexpress_time(row.time_stamp)
        if moment is not None:
            received.append((row.product_id, moment, row.event_id, row.status))
    derived = []
    for product_id, history in versions.sort_values("valid_from").groupby("product_id"):
        previous = None
        for version in history.itertuples():
            if previous == "rejected" and version.state != "rejected":
                # Left rejected: unless an outcome other than refuse arrived since the last refuse, a resubmission.
                mine = [o for o in received if o[0] == product_id and o[1] <= version.valid_from]
                refuses = [o[1] for o in mine if o[3] == "refuse"]
                last_refuse = max(refuses) if refuses else None
                if not any(o[3] != "refuse" and (last_refuse is None or o[1] > last_refuse) for o in mine):
                    derived.append(
                        (
                            product_id,
                            version.valid_from,
                            f"derived-auditing:{product_id}:{version.valid_from}",
                            "auditing",
                        )
                    )
            if not received and previous is not None and previous != "rejected" and version.state == "rejected":
                derived.append(
                    (product_id, version.valid_from, f"derived-refuse:{product_id}:{version.valid_from}", "refuse")
                )
            previous = version.state
    return received + derived


def _rejections_24h(outcomes: list[tuple[str, datetime, str, str]], as_of: datetime) -> Card:
    """A rejection is a refuse whose predecessor in the listing's history is absent or not a refuse."""
    value, listings = 0, set()
    by_listing: dict[str, list[tuple[datetime, str, str]]] = {}
    for product_id, moment, event_id, status in outcomes:
        by_listing.setdefault(product_id, []).append((moment, event_id, status))
    for product_id, history in by_listing.items():
        previous = None
        for moment, _, status in sorted(history):
            if status == "refuse" and previous != "refuse" and as_of - timedelta(hours=24) < moment <= as_of:
                value += 1
                listings.add(product_id)
            previous = status
    return card(value, listings)


def _oversells(
    con: duckdb.DuckDBPyConnection, store_key: str, as_of: datetime, active: set[str], current: set[str]
) -> Card:
    skus = _valid_at(_table(con, "raw_aliexpress.listing_skus", store_key), as_of)
    variants_all = _table(con, "raw_bigcommerce.variants", store_key)
    variants = _valid_at(variants_all, as_of)
    products = _valid_at(_table(con, "raw_bigcommerce.products", store_key), as_of).set_index("id")
    locations = _valid_at(_table(con, "raw_bigcommerce.inventory_items", store_key), as_of)
    overrides = pd.read_csv(SEEDS / "sku_map_overrides.csv", dtype=str)
    whitelist = pd.read_csv(SEEDS / "oos_whitelist.csv", dtype=str)

    def seed_value(seed: pd.DataFrame, code_column: str, value_column: str, key: str | None) -> str | None:
        rows = seed[seed[code_column].map(sku_key) == key] if key else seed.iloc[0:0]
        for scope in (store_key, "*"):
            in_scope = rows[rows["store_key"] == scope]
            if not in_scope.empty:
                return str(sorted(in_scope[value_column].astype(str))[0])
        return None

    current_variants: dict[str, list] = {}
    for variant in variants.itertuples():
        current_variants.setdefault(sku_key(variant.sku), []).append(variant)
    current_ids = set(variants["id"]) if not variants.empty else set()
    deleted_keys = set()
    if not variants_all.empty:
        gone = variants_all[(variants_all["_dlt_valid_to"] <= as_of) & ~variants_all["id"].isin(current_ids)]
        deleted_keys = {sku_key(code) for code in gone["sku"]}

    def out_of_stock(variant) -> bool:
        product = products.loc[variant.product_id] if variant.product_id in products.index else None
        tracking = product["inventory_tracking"] if product is not None else None
        if tracking == "none":
            return False
        here = locations[locations["variant_id"] == variant.id] if not locations.empty else locations
        if not here.empty:
            enabled = here[here["location_enabled"].str.lower() == "true"]
            return sum(integer(v) or 0 for v in enabled["available_to_sell"]) <= 0
        level = (
            integer(product["inventory_level"])
            if tracking == "product" and product is not None
            else integer(variant.inventory_level)
        )
        return level is not None and level <= 0

    keys = set()
    for sku in skus.itertuples():
        if sku.product_id not in active or sku.product_id not in current:
            continue
        stock = integer(sku.ipm_sku_stock)
        if stock is None or stock <= 0:
            continue
        key = sku_key(
            seed_value(overrides, "aliexpress_sku_code", "bigcommerce_sku", sku_key(sku.sku_code))
        ) or sku_key(sku.sku_code)
        if key is None:
            continue
        matches = current_variants.get(key, [])
        is_oos = (len(matches) == 1 and out_of_stock(matches[0])) or (not matches and key in deleted_keys)
        if is_oos and seed_value(whitelist, "sku_code", "exclusion_reason", key) is None:
            keys.add((sku.product_id, sku.id))
    return card(len(keys), keys)


def cards(db_path: Path, store_key: str, as_of: datetime) -> dict[str, Card]:
    """The four main cards of `store_key` at `as_of` (naive UTC), from the raw tables and the seeds."""
    seed = pd.read_csv(SEEDS / "aliexpress_lifecycle_states.csv", dtype=str, keep_default_na=False)
    with duckdb.connect(str(db_path), read_only=True) as con:
        aliexpress_seen = _observed(_table(con, "raw_aliexpress.observations", store_key), as_of)
        bigcommerce_seen = _observed(_table(con, "raw_bigcommerce.observations", store_key), as_of)
        if not aliexpress_seen:
            return {key: card(None, set()) for key in CARDS}
        versions = _listing_versions(_table(con, "raw_aliexpress.listings", store_key), seed)
        now = versions[
            (versions["valid_from"] <= as_of) & (versions["valid_to"].isna() | (versions["valid_to"] > as_of))
        ]
        current = set(now["product_id"])
        in_audit = set(now[now["state"].isin(["auditing", "rejected"])]["product_id"])
        active = set(now[now["state"] == "active"]["product_id"])
        result = {
            "aex_total_listings": card(len(current), current),
            "aex_rejected_auditing_listings": card(len(in_audit), in_audit),
            "aex_rejected_listings_24h": _rejections_24h(
                _outcomes(_table(con, "raw_aliexpress.audit_events", store_key), versions), as_of
            ),
        }
        result["aex_xc_listed_but_oos_on_bc"] = (
            _oversells(con, store_key, as_of, active, current) if bigcommerce_seen else card(None, set())
        )
    return result

"""Alert delivery: the kpi_alert_events of one as_of, one message each, sent through Apprise.

Apprise URLs are read per store through dlt's config providers: `[alerts.<store_key>] urls = [...]` in
.dlt/secrets.toml (env `ALERTS__<STORE_KEY>__URLS`), else `[alerts] urls` (env `ALERTS__URLS`). A URL holds
tokens or passwords, so it is only ever shown redacted (`redact`). A failed delivery is retried a few times
and reported; it never raises. Each (event, URL) delivered is remembered in a ledger beside the run log, so
publishing the same as_of again sends nothing twice.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import apprise
import duckdb
from dlt.common.configuration.inject import with_config

from ingestion.serving.dbt import utc_wall_clock

LEDGER_NAME = "alerts_delivered.jsonl"  # beside the run log
WORKLIST_ROWS = 5
RETRY_DELAYS = (0.5, 1.0)  # seconds slept before the 2nd and 3rd attempt: three attempts in all
EVENT_WORDS = {
    "started": "started alerting",
    "stopped": "stopped alerting",
    "spiked": "spiked",
    "still_alerting": "is still alerting",
}
# Columns that name a worklist row, then those that say why it is on the list; the first present are shown.
ROW_NAMES = ("sku_code", "product_id")
ROW_DETAILS = ("listing_title", "last_rejection_reason", "missing_attributes", "oversell_status", "causes")
# Worklists that also list rows the card does not count: only the counted ones are work.
COUNTED_ROWS = {"is_counted": "is_counted", "is_complete": "not is_complete"}
MODEL_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass
class AlertEvent:
    event_id: str
    store_key: str
    card_key: str
    card_name: str
    event: str
    value: Decimal | None
    previous_value: Decimal | None
    worklist_size: Decimal | None
    worklist_model: str | None
    as_of: datetime


@dataclass
class Message:
    event_id: str
    store_key: str
    title: str
    body: str


@dataclass
class Delivery:
    """What one delivery did: messages sent and failed (one per event and URL), and why each failed."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0  # already delivered by an earlier run at the same as_of
    detail: list[str] = field(default_factory=list)


def alert_urls(store_key: str) -> list[str]:
    """The Apprise URLs for one store: `[alerts.<store_key>] urls`, else `[alerts] urls`, else none."""

    def spec(urls: list[str] | None = None) -> list[str]:
        return list(urls or [])

    return with_config(spec, sections=("alerts", store_key))()


def redact(url: str) -> str:
    """`scheme://host` of an Apprise URL, from Apprise's privacy URL (which masks the tokens some services
    keep where the host would be, e.g. Slack's); never a password, token or path."""
    plugin = apprise.Apprise.instantiate(url)
    scheme = url.split("://", 1)[0] if "://" in url else "?"
    if plugin is None:
        return f"{scheme}://(not a valid Apprise URL)"
    private = urlsplit(plugin.url(privacy=True))
    return f"{private.scheme}://{private.netloc.rpartition('@')[2]}"


def send(url: str, title: str, body: str, sleep: Callable[[float], None] = time.sleep) -> bool:
    """Notify one Apprise URL, trying again after each of RETRY_DELAYS; True once it was accepted."""
    for delay in (*RETRY_DELAYS, None):
        notifier = apprise.Apprise()
        if not notifier.add(url):
            return False  # not a valid URL: trying again cannot help
        if notifier.notify(title=title, body=body):
            return True
        if delay is not None:
            sleep(delay)
    return False


def read_events(published: Path, as_of: datetime) -> list[AlertEvent]:
    """The alert events of `as_of` in the published file (none when it has no kpi_alert_events yet)."""
    with duckdb.connect(str(published), read_only=True) as con:
        found = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'marts' "
            "and table_name = 'kpi_alert_events'"
        ).fetchone()
        if not found or not found[0]:
            return []
        rows = con.execute(
            "select event_id, store_key, card_key, card_name, event, value, previous_value, worklist_size, "
            "worklist_model, as_of from marts.kpi_alert_events where as_of = cast(? as timestamp) "
            "order by store_key, card_key",
            [utc_wall_clock(as_of)],
        ).fetchall()
    return [AlertEvent(*row) for row in rows]


def worklist_lines(published: Path, event: AlertEvent) -> list[str]:
    """The top rows of the card's worklist: causes with their shares for a card broken down by cause,
    else the first rows of its worklist mart, each named by SKU or listing with why it is listed."""
    with duckdb.connect(str(published), read_only=True) as con:
        causes = con.execute(
            "select bucket, value, share from marts.kpi_card_breakdowns "
            "where store_key = ? and card_key = ? and dimension = 'cause' order by value desc, bucket limit ?",
            [event.store_key, event.card_key, WORKLIST_ROWS],
        ).fetchall()
        if causes:
            return [f"{cause}: {number(value)} ({float(share):.0%})" for cause, value, share in causes]
        if not event.worklist_model or not MODEL_NAME.match(event.worklist_model):
            return []
        table = f"marts.{event.worklist_model}"
        columns = [row[0] for row in con.execute(f"describe {table}").fetchall()]
        filters = ["store_key = ?", *(condition for column, condition in COUNTED_ROWS.items() if column in columns)]
        names = [column for column in ROW_NAMES if column in columns][:1]
        details = [column for column in ROW_DETAILS if column in columns][:2]
        if not names:
            return []
        rows = con.execute(
            f"select {', '.join(names + details)} from {table} where {' and '.join(filters)} "
            f"order by {names[0]} limit {WORKLIST_ROWS}",
            [event.store_key],
        ).fetchall()
    return [" - ".join(str(cell) for cell in row if cell is not None) for row in rows]


def number(value: Decimal | float | None) -> str:
    """A value as people read it: whole numbers without decimals, others to 4 places."""
    if value is None:
        return "none"
    return f"{value:.0f}" if value == int(value) else f"{value:.4f}".rstrip("0")


def change(event: AlertEvent) -> str:
    if event.previous_value is None:
        return "no earlier value"
    delta = (event.value or 0) - event.previous_value
    return f"was {number(event.previous_value)}, {'+' if delta >= 0 else '-'}{number(abs(delta))}"


def message(event: AlertEvent, worklist: Sequence[str], report: Path) -> Message:
    """One alert event as a message naming the store, the card, its value and change, and the worklist."""
    title = f"listing-pulse: {event.card_name} {EVENT_WORDS[event.event]} for store {event.store_key}"
    lines = [
        f"Store: {event.store_key}",
        f"Card: {event.card_name} ({event.card_key})",
        f"Value: {number(event.value)} ({change(event)}) as of {event.as_of:%Y-%m-%d %H:%M} UTC",
        f"Worklist: {number(event.worklist_size)} row(s)" + (f", top {len(worklist)}:" if worklist else ""),
        *(f"  {line}" for line in worklist),
        f"Report: {report}",
    ]
    return Message(event.event_id, event.store_key, title, "\n".join(lines))


def ledger_key(event_id: str, url: str) -> str:
    """An (event, URL) pair as the ledger keeps it: the URL hashed, so the ledger holds no secret."""
    return f"{event_id}:{hashlib.sha256(url.encode()).hexdigest()[:16]}"


def delivered(ledger: Path) -> set[str]:
    if not ledger.exists():
        return set()
    return {json.loads(line)["key"] for line in ledger.read_text().splitlines() if line.strip()}


def deliver(
    messages: Sequence[Message],
    ledger: Path,
    urls_for: Callable[[str], list[str]] = alert_urls,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """Send each message to its store's URLs, skipping pairs the ledger says were delivered."""
    outcome = Delivery()
    done = delivered(ledger)
    for item in messages:
        for url in urls_for(item.store_key):
            key = ledger_key(item.event_id, url)
            if key in done:
                outcome.skipped += 1
            elif send(url, item.title, item.body, sleep):
                outcome.sent += 1
                with ledger.open("a") as file:
                    file.write(json.dumps({"key": key}) + "\n")
            else:
                outcome.failed += 1
                outcome.detail.append(f"{item.store_key}: {item.title!r} not delivered to {redact(url)}")
    return outcome


def deliver_events(published: Path, as_of: datetime, report: Path, ledger: Path, **options: Any) -> Delivery:
    """The events of `as_of` in the published file, delivered (`options` go to `deliver`)."""
    messages = [message(event, worklist_lines(published, event), report) for event in read_events(published, as_of)]
    return deliver(messages, ledger, **options)


def sample_message(store_key: str) -> Message:
    """What `listing-pulse alerts test` sends: a message shaped like a real one, marked as a test."""
    return Message(
        "test",
        store_key,
        f"listing-pulse: test alert for store {store_key}",
        f"Store: {store_key}\nThis is a test message from `listing-pulse alerts test`: alerts reach this channel.",
    )

"""The unit every source hands to its parser: one API response (or one JSONL line).

The HTTP clients, the file-drop readers and the sample generator all produce `Page`s,
so one parser per API shape serves them all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Page:
    """One response body, or the reason it could not be parsed.

    `origin` names where it came from (a file path or an endpoint and page number);
    `line` is the 1-based line for JSONL input.
    """

    origin: str
    body: Any = None
    error: str | None = None
    raw: str | None = None
    line: int | None = None

    @classmethod
    def from_text(cls, text: str, origin: str, line: int | None = None) -> Page:
        try:
            return cls(origin=origin, body=json.loads(text), line=line)
        except ValueError as exc:
            return cls(origin=origin, error=f"not valid JSON: {exc}", raw=text, line=line)


@dataclass(frozen=True)
class QuarantinedRecord:
    """Input that cannot be parsed or lacks its key, kept with the reason."""

    resource: str
    origin: str
    line: int | None
    reason: str
    payload: str | None

    @classmethod
    def of(cls, resource: str, page: Page, reason: str, record: Any = None) -> QuarantinedRecord:
        """`record` (one item of the page) or, when None, the whole page, with the reason."""
        payload = payload_of(page) if record is None else as_text(record)
        return cls(resource=resource, origin=page.origin, line=page.line, reason=reason, payload=payload)

    def as_row(self, store_key: str, observed_at: datetime) -> dict[str, Any]:
        return {
            "store_key": store_key,
            "observed_at": observed_at,
            "resource": self.resource,
            "origin": self.origin,
            "line": self.line if self.line is not None else 0,
            "reason": self.reason,
            "payload": self.payload,
        }


def as_text(value: Any) -> str | None:
    """Raw columns keep what the API sent, as text: staging casts it (and tests what fails to cast)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # what json.dumps writes for a finite float, without its overhead
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def text_row(record: dict[str, Any], skip: frozenset[str] = frozenset()) -> dict[str, str | None]:
    """Every field of an API record as text, nested values as JSON; new fields are kept too."""
    return {key: as_text(value) for key, value in record.items() if key not in skip}


def payload_of(page: Page) -> str | None:
    return page.raw if page.body is None else as_text(page.body)


def read_pages(folder: Path) -> Iterator[Page]:
    """Every `*.json` file (one response) and every `*.jsonl` line (one record) in `folder`, sorted by name.

    A file or line that is not JSON still yields a `Page`, carrying the error, so it is quarantined
    rather than lost or fatal; a bad line spoils only itself.
    """
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        if path.suffix == ".json":
            yield Page.from_text(path.read_text(encoding="utf-8", errors="replace"), origin=str(path))
        elif path.suffix == ".jsonl":
            with path.open(encoding="utf-8", errors="replace") as lines:
                for number, line in enumerate(lines, start=1):
                    if line.strip():
                        yield Page.from_text(line, origin=str(path), line=number)

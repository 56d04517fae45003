"""The unit every source hands to its parser: one API response (or one JSONL line).

The HTTP clients, the file-drop readers and the sample generator all produce `Page`s,
so one parser per API shape serves them all.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, ClassVar

from dlt.common.normalizers.naming.snake_case import NamingConvention

NAMING = NamingConvention()
# Columns the loader sets on every row; a payload field of that name is renamed (see `text_row`).
LOADER_COLUMNS = frozenset({"store_key", "row_hash"})


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


@dataclass
class ParsedRows:
    """Raw rows per table parsed from one sweep of one store, and what the sweep said beside them.

    `incomplete` names the tables whose sweep missed something (a page that cannot be read, a record
    without its key): those retire nothing. `notes` are warnings for the load's output (renamed fields,
    a listing seen in two passes); `merged` counts per table the records that landed as one with another
    of their key (an identical repeat from paging overlap, a listing seen in two passes).
    """

    TABLES: ClassVar[tuple[str, ...]] = ()  # the raw tables, as a subclass declares them

    quarantine: list[QuarantinedRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    incomplete: set[str] = field(default_factory=set)
    merged: dict[str, int] = field(default_factory=dict)
    origins: dict[str, list[Page]] = field(default_factory=dict)
    carried: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # see landing.current_rows

    def add(self, table: str, row: dict[str, Any], where: Page, notes: Sequence[str] = ()) -> None:
        getattr(self, table).append(row)
        self.origins.setdefault(table, []).append(where)
        self.notes += [f"{where.origin}{f' line {where.line}' if where.line else ''}: {note}" for note in notes]

    def refuse(
        self, table: str, where: Page, reason: str, record: Any = None, incomplete: tuple[str, ...] = ()
    ) -> None:
        """Quarantine `record` (or the whole page); `incomplete` names the sweeps it leaves incomplete."""
        self.quarantine.append(QuarantinedRecord.of(table, where, reason, record))
        self.incomplete.update(incomplete)

    def row_counts(self) -> dict[str, int]:
        """Rows parsed per raw table."""
        return {table: len(getattr(self, table)) for table in self.TABLES}

    def check_pages(
        self,
        table: str,
        pages: list[Page],
        numbers: Callable[[Page], tuple[Any, Any] | None],
        incomplete: tuple[str, ...],
    ) -> None:
        """A sweep whose pages declare how many there are (`numbers(page)` is `(current, total)`) and miss one is
        incomplete: a page that was never saved hides its records as surely as one that cannot be read."""
        seen, total = set(), 0
        for page in pages:
            try:
                current, declared = map(int, numbers(page) or ())
            except (TypeError, ValueError):
                continue
            seen.add(current)
            total = max(total, declared)
        missing = sorted(set(range(1, total + 1)) - seen)
        if missing:
            where = Page(origin=f"{pages[0].origin}#pages")
            shown = ", ".join(map(str, missing))
            self.refuse(
                table,
                where,
                f"pages missing: {total} page(s) declared, page(s) {shown} not read",
                incomplete=incomplete,
            )

    def merge(self, table: str) -> None:
        self.merged[table] = self.merged.get(table, 0) + 1

    def fingerprint(self) -> str:
        """A hash of every row and quarantined record parsed from the capture, whatever order it was read in."""
        digest = hashlib.blake2b(digest_size=16)
        for table in self.TABLES:
            digest.update(table.encode())
            for text in sorted(json.dumps(row, sort_keys=True) for row in getattr(self, table)):
                digest.update(text.encode())
        for record in sorted(json.dumps(asdict(record), sort_keys=True) for record in self.quarantine):
            digest.update(record.encode())
        return digest.hexdigest()

    def keep_one_per_key(
        self,
        table: str,
        key: tuple[str, ...],
        prefer_earlier: Callable[[dict[str, Any], dict[str, Any]], bool] = lambda kept, later: False,
        expected: Callable[[dict[str, Any], dict[str, Any]], str | None] = lambda kept, dropped: None,
    ) -> None:
        """One row per key: the row read later wins unless `prefer_earlier(kept, later)`. An identical
        repeat collapses; a different one is quarantined as superseded, unless `expected` explains the
        difference (then it is a note)."""
        rows, wheres = getattr(self, table), self.origins.get(table, [])
        chosen: dict[tuple[Any, ...], int] = {}
        for index, row in enumerate(rows):
            row_key = tuple(row.get(column) for column in key)
            if row_key not in chosen:
                chosen[row_key] = index
                continue
            earlier = chosen[row_key]
            winner, loser = (earlier, index) if prefer_earlier(rows[earlier], row) else (index, earlier)
            chosen[row_key] = winner
            same = rows[winner] == rows[loser]
            note = None if same else expected(rows[winner], rows[loser])
            if same or note is not None:
                self.merge(table)
                self.notes += [note] if note else []
            else:
                shown = ", ".join(f"{column}={row.get(column)}" for column in key if column != "store_key")
                reason = f"superseded: {table} {shown} read again at {wheres[winner].origin}, which is kept"
                self.quarantine.append(QuarantinedRecord.of(table, wheres[loser], reason, rows[loser]))
        keep = sorted(chosen.values())
        setattr(self, table, [rows[index] for index in keep])
        self.origins[table] = [wheres[index] for index in keep]


def id_problem(what: str, field_name: str, reason: str | None) -> str:
    """The quarantine reason for a record whose id `canonical_id` refused: `listing without product_id`."""
    return f"{what} without {field_name}" if reason == "missing" else f"{what} {field_name} {reason}"


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


def text_row(
    record: dict[str, Any], reserved: frozenset[str] = frozenset(), skip: frozenset[str] = frozenset()
) -> tuple[dict[str, str | None], list[str]]:
    """Every field of an API record as text, nested values as JSON; new fields are kept too. Also returns
    a note for each field that had to be renamed.

    Names are normalised here as dlt would normalise them (`gmtModified` -> `gmt_modified`), so that two
    fields that collide after normalisation are both kept (the later-sorted one gets a `_2` suffix) instead
    of failing the load; a name spelled as its normal form keeps it. A field named like a column the loader
    sets (`store_key`, `row_hash`, dlt's `_dlt_*`, or `reserved`) is kept as `payload_<name>`: a record
    cannot choose its store or its lineage.
    """
    row: dict[str, str | None] = {}
    notes: list[str] = []
    loader_columns = LOADER_COLUMNS | reserved
    for key in sorted((key for key in record if key not in skip), key=lambda key: normal_name(key) != key):
        name = normal_name(key)
        if name in loader_columns or name.startswith("_dlt"):
            name = normal_name(f"payload_{name}")
            notes.append(f"field {key!r} is a column the loader sets: kept as {name!r}")
        if name in row:
            taken, suffix = name, 2
            while f"{taken}_{suffix}" in row:
                suffix += 1
            name = f"{taken}_{suffix}"
            notes.append(f"field {key!r} collides with {taken!r} once names are normalised: kept as {name!r}")
        row[name] = as_text(record[key])
    return row, notes


@functools.lru_cache(maxsize=65536)
def normal_name(key: str) -> str:
    """The column name dlt would give the field (cached: every record repeats the same few dozen names)."""
    return NAMING.normalize_identifier(key) if key.strip() else "_"


def canonical_id(value: Any) -> tuple[str | None, str | None]:
    """An id as one text whatever the producer wrote (`1005006000000004`, `1005006000000004.0`,
    `" 1005006000000004 "`), or None and the reason it is not an id.

    Whole numbers lose their decimal part and spaces; floats beyond 2^53 are refused (the digits are no
    longer the id's); text that is not a number (an alphanumeric id) is kept as written, trimmed.
    """
    if value is None or value == "" or isinstance(value, (bool, dict, list)):
        shown = "missing" if value in (None, "") else f"{as_text(value)} is not a number or text"
        return None, shown
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, float):
        if value.is_integer() and abs(value) <= 2**53:
            return str(int(value)), None
        reason = "is a float beyond 2^53" if value.is_integer() else "is not a whole number"
        return None, f"{value!r} {reason}"
    text = str(value).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        return (text, None) if text else (None, "missing")
    if number.is_finite() and number == number.to_integral_value():
        return str(int(number)), None
    return text, None


def payload_of(page: Page) -> str | None:
    return page.raw if page.body is None else as_text(page.body)


def read_pages(folder: Path, suffixes: tuple[str, ...] = (".json", ".jsonl")) -> Iterator[Page]:
    """Every `*.json` file (one response) and every `*.jsonl` line (one record) in `folder`, sorted by name.

    A file or line that is not JSON still yields a `Page`, carrying the error, so it is quarantined
    rather than lost or fatal; a bad line spoils only itself. A UTF-8 BOM and CRLF line ends are read.
    Whatever else the folder holds (sub-folders, other suffixes, `*.JSON`) yields a `Page` with the
    reason it was not read: nothing in a drop is skipped without a word.
    """
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        if path.is_dir():
            yield Page(origin=str(path), error=f"not read: a sub-folder (pages sit directly in {folder.name}/)")
        elif path.suffix not in suffixes:
            taken = " and ".join(f"*{suffix}" for suffix in suffixes)
            yield Page(
                origin=str(path), error=f"not read: only {taken} files are read here (suffixes are case-sensitive)"
            )
        elif path.suffix == ".json":
            try:
                text = path.read_text(encoding="utf-8-sig", errors="replace")
            except OSError as exc:
                yield Page(origin=str(path), error=f"cannot be read: {exc.strerror}")
                continue
            yield Page.from_text(text, origin=str(path))
        else:
            try:
                with path.open(encoding="utf-8-sig", errors="replace") as lines:
                    for number, line in enumerate(lines, start=1):
                        if line.strip():
                            yield Page.from_text(line, origin=str(path), line=number)
            except OSError as exc:
                yield Page(origin=str(path), error=f"cannot be read: {exc.strerror}")


def unread_entries(folder: Path, known: tuple[str, ...]) -> Iterator[Page]:
    """A `Page` naming each entry of `folder` that is none of `known`, with the reason it was not read."""
    for path in sorted(folder.iterdir()):
        if path.name not in known:
            yield Page(origin=str(path), error=f"not read: {folder.name}/ holds only {', '.join(known)}")

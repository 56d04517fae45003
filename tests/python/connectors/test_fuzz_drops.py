"""A seeded fuzzer over a small sample drop: truncation, byte flips, BOMs, CRLF, type swaps at JSON paths,
duplicated and dropped pages, extra, colliding and loader-named fields.

For every mutant the parse raises nothing and every top-level input record is accounted for: landed, or
quarantined, or merged with another record of its key (read = landed + quarantined + merged). A smaller
set of mutants goes through `listing-pulse load` end to end: no traceback, exit code 0, 2 or 3.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from ingestion.sources.aliexpress import files as aliexpress_files
from ingestion.sources.aliexpress import source as aliexpress
from ingestion.sources.bigcommerce import files as bigcommerce_files
from ingestion.sources.bigcommerce import source as bigcommerce
from ingestion.sources.common.http import SourceError
from ingestion.sources.common.pages import ParsedRows
from tests.python.builders import bc_product
from tests.python.connectors import drops

SEED = 20261204
PARSE_MUTANTS = 450
LOAD_MUTANTS = 8
ODD_VALUES: list[Any] = [5, "x", [], {}, None, [1], {"a": 1}, 1.5, True, "1005006000000004.0", 2**63 - 1]
ODD_FIELDS = ["gmtModified", "store_key", "_dlt_id", "row_hash", "product_status_type", "Product ID", "sku"]


def sample_drop(root: Path) -> Path:
    drops.listing_drop(
        root,
        {
            "onSelling": [
                [drops.list_item(7001, "2026-03-01 10:00:00"), drops.list_item(7002, "2026-03-01 11:00:00")],
                [drops.list_item(7003, "2026-03-02 10:00:00")],
            ],
            "offline": [[drops.list_item(7004, "2026-03-02 11:00:00", ws_display="expire_offline")]],
            "auditing": [[drops.list_item(7005, "2026-03-03 10:00:00")]],
        },
    )
    drops.write(
        root,
        "aliexpress/product_info/infos.jsonl",
        drops.jsonl(
            [
                drops.product_info(7001, "onSelling", "2026-03-01 10:00:00", [drops.sku("17001", "BC-1", 3)]),
                drops.product_info(7004, "offline", "2026-03-02 11:00:00", [drops.sku("17004", "BC-4", 0)]),
            ]
        ),
    )
    drops.write(
        root,
        "aliexpress/product_info/7005.json",
        drops.product_info(7005, "auditing", "2026-03-03 10:00:00", [drops.sku("17005", "BC-5", 1)]),
    )
    drops.write(
        root,
        "aliexpress/audit_events/outcomes.jsonl",
        drops.jsonl(
            [
                {"product_id": 7005, "status": "auditing", "time_stamp": "2026-03-03 10:00:00"},
                {"product_id": 7004, "status": "refuse", "time_stamp": "2026-03-02 12:00:00", "reason_code": "X"},
            ]
        ),
    )
    drops.catalog_drop(
        root,
        [
            [
                bc_product(81, "BC-1", "variant", 3, [(811, "BC-1", 3)]),
                bc_product(84, "BC-4", "product", 0, [(841, "BC-4", 0)]),
            ],
            [bc_product(85, "BC-5", "variant", 1, [(851, "BC-5", 1), (852, "BC-5B", 0)])],
        ],
        [drops.inventory_item(811, 81, "BC-1", [drops.location(1, 2), drops.location(2, 1)])],
    )
    return root


def json_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a JSON value, the root included."""
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += json_paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += json_paths(child, (*path, index))
    return found


def replace_at(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    value[path[0]] = replace_at(value[path[0]], path[1:], new)
    return value


def dicts_in(value: Any) -> list[dict[str, Any]]:
    return [node for path in json_paths(value) if isinstance(node := follow(value, path), dict)]


def follow(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def edit_json(path: Path, rng: random.Random, edit: str) -> None:
    """Apply one structural edit to a JSON file or one line of a JSONL file (text that is no longer JSON is left)."""
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    lines = text.splitlines() if path.suffix == ".jsonl" else [text]
    index = rng.randrange(len(lines))
    try:
        value = json.loads(lines[index])
    except ValueError:
        return
    if edit == "swap":
        paths = json_paths(value)
        containers = [path for path in paths if isinstance(follow(value, path), (dict, list))]
        # mostly swap a whole object or list: the shapes the parsers walk
        value = replace_at(value, rng.choice(containers if rng.random() < 0.7 else paths), rng.choice(ODD_VALUES))
    else:
        targets = dicts_in(value)
        if targets:
            rng.choice(targets)[rng.choice(ODD_FIELDS)] = rng.choice([*ODD_VALUES, "2026-01-01 00:00:00"])
    lines[index] = json.dumps(value)
    path.write_text("\n".join(lines) + ("\n" if path.suffix == ".jsonl" else ""), encoding="utf-8")


def mutate(root: Path, rng: random.Random, most: int = 3) -> list[str]:
    """One to `most` random mutations of the drop's files; returns what was done, for the failure message."""
    done = []
    for _ in range(rng.randint(1, most)):
        files = sorted(path for path in root.rglob("*") if path.is_file())
        if not files:
            break
        path = rng.choice(files)
        kind = rng.choice(["truncate", "flip", "bom", "crlf", "swap", "field", "duplicate", "drop"])
        data = path.read_bytes()
        if kind == "truncate":
            path.write_bytes(data[: rng.randrange(len(data) + 1)])
        elif kind == "flip":
            flipped = bytearray(data)
            for _ in range(rng.randint(1, 4)):
                if flipped:
                    flipped[rng.randrange(len(flipped))] = rng.randrange(256)
            path.write_bytes(bytes(flipped))
        elif kind == "bom":
            path.write_bytes(b"\xef\xbb\xbf" + data)
        elif kind == "crlf":
            path.write_bytes(data.replace(b"\n", b"\r\n"))
        elif kind in ("swap", "field"):
            edit_json(path, rng, kind)
        elif kind == "duplicate":
            shutil.copyfile(path, path.with_name(f"zz-{path.name}"))
        else:
            path.unlink()
        done.append(f"{kind} {path.relative_to(root)}")
    return done


def records_read(root: Path) -> dict[str, int]:
    """Top-level records per raw table, counted from the files alone: a listing item, a product-info response,
    an audit outcome line, a catalogue product; a page that is not JSON or lacks its list counts one.
    (Inventory pages are left out: an item may land one row per location.)"""
    counts = {table: 0 for table in TOP_LEVEL}
    for path in sorted(root.rglob("*")):
        table = table_of(path)
        if table is None or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        # JSONL lines end at \n, \r\n or \r (str.splitlines would also split at \x0c, \x85, ...)
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        texts = [line for line in lines if line.strip()] if path.suffix == ".jsonl" else [text]
        counts[table] += sum(items_in(table, text) for text in texts)
    return counts


def table_of(path: Path) -> str | None:
    folder = path.parent.name
    if path.parent.parent.name == "product_list":
        return "listings"
    return {"product_info": "listing_details", "audit_events": "audit_events", "catalog_products": "products"}.get(
        folder
    )


def items_in(table: str, text: str) -> int:
    try:
        body = json.loads(text)
    except ValueError:
        return 1
    if table == "products":
        data = body.get("data") if isinstance(body, dict) else None
        return len(data) if isinstance(data, list) else 1
    if table != "listings":
        return 1
    if isinstance(body, dict) and len(body) == 1 and next(iter(body)).endswith("_response"):
        body = next(iter(body.values()))
    result = body.get("result") if isinstance(body, dict) else None
    if not isinstance(result, dict) or result.get("success") in (False, "false"):
        return 1
    container = result.get("aeop_a_e_product_display_d_t_o_list")
    if isinstance(container, dict):
        container = container.get("item_display_dto", [])
        container = container if isinstance(container, list) else [container]
    return len(container) if isinstance(container, list) else 1


# raw table -> the quarantine resource its top-level records are quarantined under
TOP_LEVEL = {
    "listings": "listings",
    "listing_details": "listing_skus",
    "audit_events": "audit_events",
    "products": "products",
}


def records_accounted(root: Path) -> dict[str, int]:
    """Per raw table: rows landed + records merged with another of their key + top-level records quarantined
    (a SKU, attribute or variant quarantined inside a response that landed is not a top-level record, nor is
    the note that pages are missing from a pass)."""
    counts = {table: 0 for table in TOP_LEVEL}
    parsed: list[ParsedRows] = []
    ae, bc = aliexpress_files.read_drop(root), bigcommerce_files.read_drop(root)
    if ae is not None:
        parsed.append(aliexpress.parse_capture(ae, "fuzz"))
    if bc is not None:
        parsed.append(bigcommerce.parse_capture(bc, "fuzz"))
    for result in parsed:
        for table, resource in TOP_LEVEL.items():
            if table in result.TABLES:
                counts[table] += len(getattr(result, table)) + result.merged.get(table, 0)
                counts[table] += sum(
                    1
                    for record in result.quarantine
                    if record.resource == resource
                    and not record.origin.endswith("#pages")
                    and (table != "listing_details" or "#" not in record.origin)
                )
    return counts


@pytest.mark.parametrize("chunk", range(3))
def test_every_mutant_parses_and_every_record_is_accounted_for(tmp_path: Path, chunk: int) -> None:
    base = sample_drop(tmp_path / "base")
    # 5 listing items, 3 product-info responses, 2 outcome lines, 3 catalogue products
    assert (
        records_read(base)
        == records_accounted(base)
        == {"listings": 5, "listing_details": 3, "audit_events": 2, "products": 3}
    )
    rng = random.Random(SEED + chunk)
    for number in range(PARSE_MUTANTS // 3):
        mutant = tmp_path / f"m{number}"
        shutil.copytree(base, mutant)
        done = mutate(mutant, rng)
        try:
            accounted = records_accounted(mutant)
        except SourceError:
            continue  # a refused drop (exit 2) is an answer too
        assert accounted == records_read(mutant), f"mutant {number}: {'; '.join(done)}"


def test_mutants_load_end_to_end_without_a_traceback(tmp_path: Path, db_path: Path) -> None:
    base = sample_drop(tmp_path / "base")
    rng = random.Random(SEED)
    for number in range(LOAD_MUTANTS):
        mutant = tmp_path / f"m{number}"
        shutil.copytree(base, mutant)
        done = mutate(mutant, rng, most=8)  # fewer, rougher mutants: each load costs seconds
        code = drops.load_drop(mutant, f"fuzz_{number}", "2026-03-10T09:00:00Z")
        assert code in (0, 2, 3), f"mutant {number} ({'; '.join(done)}): exit {code}"

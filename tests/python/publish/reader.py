"""A BI reader: reconnects read-only to the published file and reads kpi_cards and its worklists, in a
loop, until it has read the version whose as_of is argv[3]. Writes a JSON report to argv[4].

Usage: reader.py PUBLISHED_FILE STORE_KEY FINAL_AS_OF REPORT
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

CARDS = "select card_key, value, strftime(as_of, '%Y-%m-%d %H:%M:%S') from marts.kpi_cards where store_key = ?"
# Each card's value recomputed from its worklist, within the same connection (the same file version).
WORKLISTS = {
    "aex_total_listings": "select count(*) from marts.aex_total_listings where store_key = ?",
    "aex_rejected_auditing_listings": "select count(*) from marts.aex_rejected_auditing_listings where store_key = ?",
    "aex_rejected_listings_24h": "select coalesce(sum(transition_count), 0) from marts.aex_rejected_listings_24h where store_key = ?",
    "aex_xc_listed_but_oos_on_bc": "select count(*) filter (where is_counted) from marts.aex_xc_listed_but_oos_on_bc where store_key = ?",
}

# A dashboard's refresh pace; it leaves the two cores to the runs. Nothing waits on it.
REFRESH_SECONDS = 0.1


def main(published: Path, store: str, final_as_of: str, report: Path) -> None:
    versions: list[dict] = []  # each version as first seen, in order
    reads, waits, errors, inconsistent = 0, 0, [], []
    while not versions or versions[-1]["as_of"] != final_as_of:
        time.sleep(REFRESH_SECONDS)
        if not published.exists():
            waits += 1  # nothing published yet: not an error
            continue
        try:
            with duckdb.connect(str(published), read_only=True) as con:
                rows = con.execute(CARDS, [store]).fetchall()
                cards = {key: int(value) for key, value, _ in rows if key in WORKLISTS}
                as_of = {as_of for _, _, as_of in rows}
                worklists = {key: int(con.execute(sql, [store]).fetchone()[0]) for key, sql in WORKLISTS.items()}
        except duckdb.Error as exc:
            errors.append(str(exc))
            continue
        reads += 1
        if len(as_of) != 1 or cards != worklists:
            inconsistent.append({"as_of": sorted(as_of), "cards": cards, "worklists": worklists})
            continue
        version = {"as_of": as_of.pop(), "cards": cards}
        if not versions or versions[-1] != version:
            versions.append(version)
    report.write_text(
        json.dumps(
            {
                "versions": versions,
                "reads": reads,
                "waits": waits,
                "errors": errors[:20],
                "error_count": len(errors),
                "inconsistent": inconsistent[:20],
                "inconsistent_count": len(inconsistent),
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], sys.argv[3], Path(sys.argv[4]))

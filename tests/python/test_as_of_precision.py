"""`as_of` reaches dbt to the microsecond: an observation made earlier in the same second must be seen."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ingestion.serving.dbt import utc_wall_clock


def test_as_of_keeps_microseconds_and_converts_the_offset() -> None:
    # 20:00:00.7 at +08:00 is 12:00:00.7 UTC; formatting with %S alone would give 12:00:00 and hide an
    # observation at 12:00:00.5.
    moment = datetime(2026, 3, 11, 20, 0, 0, 700000, tzinfo=timezone(timedelta(hours=8)))
    assert utc_wall_clock(moment) == "2026-03-11 12:00:00.700000"

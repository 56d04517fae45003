"""What `run --all-stores` shows while it works.

At a terminal: one line per store (passes read, pages, records landed, quarantined), then one line per dbt
stage (seeds, models, tests), each redrawn in place. Otherwise (cron, a pipe): plain lines, one per event
worth keeping. Quiet: nothing but errors (stderr) and the final summary.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, TextIO

from ingestion.serving.stores import StoreStatus

# dbt resource types shown, and the stage each counts towards; stages are shown in this order
STAGES = {"seed": "seeds", "model": "models", "test": "tests", "unit_test": "tests", "snapshot": "snapshots"}


class Progress:
    def __init__(self, stream: TextIO | None = None, quiet: bool = False) -> None:
        self.stream = stream or sys.stdout
        self.quiet = quiet
        self.live = not quiet and self.stream.isatty()
        self.store_lines: dict[str, str] = {}  # store key -> its line in the live block
        self.drawn = 0  # lines of the live block on screen
        self.stage_counts: dict[str, dict[str, int]] = {}
        self.lock = threading.Lock()  # stores report from their reading threads

    def store(self, status: StoreStatus) -> None:
        """A store's status changed."""
        line = store_line(status)
        with self.lock:
            if self.live:
                self.store_lines[status.store_key] = line
                self._redraw()
            elif not self.quiet and (status.message or status.state in ("landing", "ok", "failed")):
                self._write(line)

    def dbt_event(self, message: Any) -> None:
        """One of dbt's events during the build: a finished node counts towards its stage."""
        name = message.info.name
        with self.lock:
            if name == "NodeFinished":
                node = message.data.node_info
                stage = STAGES.get(node.resource_type)
                if stage is None:
                    return
                counts = self.stage_counts.setdefault(stage, {})
                counts[node.node_status] = counts.get(node.node_status, 0) + 1
                if self.live:
                    self._redraw()
            elif name == "CommandCompleted" and not self.live and not self.quiet:
                for line in self._stage_lines():
                    self._write(line)

    def say(self, line: str) -> None:
        """A line of the run's own (freshness and build warnings, published, report written)."""
        if self.quiet:
            return
        with self.lock:
            if self.live:  # above the live block, which is drawn again below it
                self._clear()
                self._write(line)
                self._redraw()
            else:
                self._write(line)

    def summary(self, line: str) -> None:
        """The final summary: always shown, below a live block left as it ended."""
        with self.lock:
            self.drawn = 0
            self._write(line)

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()

    def _clear(self) -> None:
        if self.drawn:
            self.stream.write(f"\x1b[{self.drawn}F\x1b[J")  # to the block's first line, erase to the end
            self.drawn = 0

    def _stage_lines(self) -> list[str]:
        stages = dict.fromkeys(STAGES.values())
        return [stage_line(stage, self.stage_counts[stage]) for stage in stages if stage in self.stage_counts]

    def _redraw(self) -> None:
        self._clear()
        lines = [*self.store_lines.values(), *self._stage_lines()]
        for line in lines:
            self.stream.write(f"\x1b[2K{line}\n")
        self.drawn = len(lines)
        self.stream.flush()


def store_line(status: StoreStatus) -> str:
    if status.state == "failed":
        return f"store {status.store_key}: failed, skipped: {status.message}"
    counts = f"{status.passes} pass(es), {status.pages} page(s)"
    if status.state == "ok":
        counts += f", {status.records} record(s), {status.quarantined} quarantined"
    message = f" ({status.message})" if status.message and status.state != "ok" else ""
    return f"store {status.store_key}: {status.state}{message}" + (f": {counts}" if status.pages else "")


def stage_line(stage: str, counts: dict[str, int]) -> str:
    done = sum(counts.values())
    by_status = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
    return f"dbt {stage}: {done} done ({by_status})"

"""`listing-pulse run` and `publish`: load, freshness, build, publish under one lock, with a JSON-lines run log.

The one command a scheduler calls. A step that fails stops the run and leaves the published file as it
was; the exit code says which step failed (ExitCode). A build whose failures all concern some stores'
rows is not a failed step: those stores are withheld (withhold.py), the build runs again without them,
and the others publish. A lock file (`fcntl.flock`, released by the kernel
when its holder dies, even by SIGKILL) keeps two runs from writing at once; a run removes the temp files a
killed run left before it writes anything.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path
from typing import Any

from ingestion import paths
from ingestion.report.render import REPORT_NAME, render_report
from ingestion.serving.alerts import LEDGER_NAME, deliver_events
from ingestion.serving.dbt import PRODUCTION_BUILD, invoke_dbt
from ingestion.serving.publish import DbtOutcome, PublishError, dbt_outcome, publish, remove_stale_temp_files
from ingestion.serving.stores import StoreStatus
from ingestion.serving.withhold import failed_tests, stores_concerned
from ingestion.sources.load import LoadReport

# Fault injection for the tests that kill a run at a known point: set to `load:aliexpress` (after the
# AliExpress source landed, before BigCommerce), `build:<model name>` (once dbt finished that model) or
# `publish:written` (the new file is on disk, not yet renamed over the published one).
PAUSE_AT_ENV = "LISTING_PULSE_PAUSE_AT"


class ExitCode(IntEnum):
    """What `listing-pulse run` and `publish` exit with (README: Serving BI tools and scheduling)."""

    PUBLISHED = 0
    PUBLISHED_WITH_WARNINGS = 10
    PUBLISHED_STORES_SKIPPED = 15  # run --all-stores: published without the stores whose load failed
    LOAD_FAILED = 20
    PUBLISHED_STORES_WITHHELD = 25  # published, but stores an error-severity test failed for kept their last rows
    BUILD_FAILED = 30
    PUBLISH_FAILED = 40
    LOCKED = 50


class RunLog:
    """Appends one JSON object per line; each line is a single write to an O_APPEND file."""

    def __init__(self, path: Path, command: str) -> None:
        self.path = path
        self.run_id = uuid.uuid4().hex[:12]
        self.command = command
        path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, step: str, outcome: str, **fields: Any) -> None:
        record = {
            "run_id": self.run_id,
            "pid": os.getpid(),
            "command": self.command,
            "step": step,
            "outcome": outcome,
            **fields,
        }
        line = (json.dumps(record, default=str) + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)

    @contextmanager
    def step(self, step: str) -> Iterator[dict[str, Any]]:
        """Times a step and logs it once it ends; the body fills `rows` and `detail`, or sets `outcome`."""
        record: dict[str, Any] = {"outcome": "ok"}
        started = datetime.now(UTC)
        clock = time.monotonic()
        self.write(step, "started", started_at=started)
        try:
            yield record
        except BaseException as exc:
            record["outcome"] = "failed"
            record.setdefault("detail", [f"{type(exc).__name__}: {exc}"])
            raise
        finally:
            outcome = record.pop("outcome")
            self.write(
                step,
                outcome,
                started_at=started,
                finished_at=datetime.now(UTC),
                duration_s=round(time.monotonic() - clock, 3),
                **record,
            )


class Locked(Exception):
    """Another writer (load, build, run or publish) holds the lock."""


@contextmanager
def run_lock(path: Path, wait_seconds: float) -> Iterator[None]:
    """Hold an exclusive `flock` on `path`, waiting up to `wait_seconds` for another holder to finish.
    Every command that writes the build file takes it, so there is one writer at a time. The kernel
    releases it when this process exits or is killed, so a lock is never stale."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Locked(
                        f"another listing-pulse run holds {path} (load, build, run and publish each take it); "
                        "it is still writing. Try again later, or pass --wait SECONDS to queue behind it."
                    ) from None
                time.sleep(0.2)  # flock has no timeout of its own
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # releases the lock


def pause_point(name: str, log: RunLog) -> None:
    """When PAUSE_AT_ENV names this point, log it and block until the process is killed (tests only)."""
    if os.environ.get(PAUSE_AT_ENV) == name:
        log.write(name, "paused")
        threading.Event().wait()


@dataclass
class Paths:
    build: Path
    published: Path
    lock: Path
    run_log: Path

    @classmethod
    def configured(cls) -> Paths:
        return cls(paths.database_path(), paths.published_path(), paths.lock_path(), paths.run_log_path())


# Lands the data, calling its argument with each source's name once that source landed: one store's reports,
# or (run --all-stores) each store's status, a failed store skipped.
Loader = Callable[[Callable[[str], None]], list[LoadReport] | list[StoreStatus]]


def run(
    command: str,
    as_of: datetime | None,
    loader: Loader | None = None,
    wait_seconds: float = 0,
    paths: Paths | None = None,
    say: Callable[[str], None] = print,
    dbt_progress: Callable[[Any], None] | None = None,
) -> ExitCode:
    """Load (when `loader` is given), check freshness, build at `as_of`, publish; log each step.
    `as_of` None means the moment the build starts, after the load: a load observed "now" must be seen.
    `dbt_progress` (a progress display) receives dbt's events during the build; dbt's own console log is off."""
    paths = paths or Paths.configured()
    log = RunLog(paths.run_log, command)
    started = time.monotonic()
    skipped: list[str] = []  # filled by the load: stores `run --all-stores` skipped turn 0 or 10 into 15
    try:
        with run_lock(paths.lock, wait_seconds):
            code = _steps(log, paths, as_of, loader, say, skipped, dbt_progress)
    except Locked as exc:
        _complain(str(exc))
        code = ExitCode.LOCKED
    if skipped and code in (ExitCode.PUBLISHED, ExitCode.PUBLISHED_WITH_WARNINGS):
        code = ExitCode.PUBLISHED_STORES_SKIPPED
    log.write(
        "run",
        "finished",
        exit_code=int(code),
        exit_name=code.name.lower(),
        duration_s=round(time.monotonic() - started, 3),
        finished_at=datetime.now(UTC),
    )
    return code


def _steps(
    log: RunLog,
    paths: Paths,
    as_of: datetime | None,
    loader: Loader | None,
    say: Callable[[str], None],
    skipped: list[str],
    dbt_progress: Callable[[Any], None] | None,
) -> ExitCode:
    stale = remove_stale_temp_files(paths.published)
    if stale:
        say(f"removed {len(stale)} temp file(s) an interrupted run left: {', '.join(p.name for p in stale)}")

    if loader is not None:
        try:
            with log.step("load") as record:
                landed = loader(lambda source: pause_point(f"load:{source}", log))
                stores = [item for item in landed if isinstance(item, StoreStatus)]
                reports = [item for item in landed if isinstance(item, LoadReport)]
                reports += [report for store in stores for report in store.reports]
                skipped += [store.store_key for store in stores if store.state == "failed"]
                if skipped:
                    record["outcome"] = "failed" if len(skipped) == len(stores) else "warn"
                rows: dict[str, int] = {}
                for report in reports:
                    for name, count in report.row_counts.items():
                        key = f"{report.store_key}.{name}"
                        rows[key] = rows.get(key, 0) + count
                record["rows"] = rows
                record["quarantined"] = sum(len(r.quarantined) for r in reports)
                completed = [line for report in reports for line in report.completed_interrupted]
                if completed:
                    record["detail"] = completed
        except Exception as exc:  # any failure to land: the build and the published file stay as they were
            _complain(f"load failed: {exc}. Nothing was built or published; the published file is unchanged.")
            return ExitCode.LOAD_FAILED
        for store in stores:
            _log_store(log, store)
        if skipped:
            _complain(f"load failed for store(s) {', '.join(skipped)}: skipped (see the run log's store lines)")
        if stores and len(skipped) == len(stores):
            _complain("every store failed to load. Nothing was built or published; the published file is unchanged.")
            return ExitCode.LOAD_FAILED

    as_of = as_of or datetime.now(UTC)
    dbt_log = ["--log-level", "none"] if dbt_progress else []  # the display shows dbt's progress instead

    # Parse once, without vars: a new `as_of` every run would otherwise make dbt parse the whole project
    # again (vars invalidate its partial parsing); freshness and build reuse the manifest with their vars.
    with log.step("parse") as record:
        parsed = invoke_dbt(["parse", *dbt_log], db_path=paths.build)
        record["outcome"] = "ok" if parsed.success else "failed"
    if not parsed.success:
        _complain(f"dbt could not parse the project ({parsed.exception or 'see above'}); nothing was published.")
        return ExitCode.BUILD_FAILED
    manifest = parsed.result

    with log.step("freshness") as record:
        freshness = dbt_outcome(
            invoke_dbt(["source", "freshness", *dbt_log], as_of=as_of, db_path=paths.build, manifest=manifest)
        )
        # Stale or missing sources are about the merchant's data: they warn and still publish (DECISIONLOG: Severity).
        record.update(
            outcome="warn" if freshness.errors or freshness.warnings else "ok",
            rows=freshness.counts,
            detail=freshness.errors + freshness.warnings,
        )
    for line in freshness.errors + freshness.warnings:
        say(f"freshness warning: {line}")

    callbacks = [_pause_in_build(log), *([dbt_progress] if dbt_progress else [])]
    build, result = _build(log, paths, as_of, manifest, dbt_log, "build", [], callbacks)
    withheld: dict[str, str] = {}
    if build.failed:
        concerned = None if result is None else _stores_concerned(result, paths, as_of, manifest)
        if concerned is None:
            _complain_failing("dbt build failed; nothing was published (the published file is unchanged)", build)
            return ExitCode.BUILD_FAILED
        # Every failure is some stores' own: build again without them, and publish the others.
        _complain_failing(f"dbt build failed for store(s) {', '.join(sorted(concerned))}, which are withheld", build)
        for store_key, tests in sorted(concerned.items()):
            withheld[store_key] = f"error-severity dbt test(s) failed on its rows: {', '.join(tests)}"
            log.write("store", "withheld", store_key=store_key, detail=tests)
        say(f"building again without store(s) {', '.join(withheld)}")
        build, _ = _build(log, paths, as_of, manifest, dbt_log, "rebuild", list(withheld), [])
        if build.failed:
            _complain_failing(
                f"dbt build failed without store(s) {', '.join(withheld)} too; nothing was published", build
            )
            return ExitCode.BUILD_FAILED
    for line in build.warnings:
        say(f"build warning: {line}")

    try:
        with log.step("publish") as record:
            rows = publish(
                paths.build, paths.published, lambda: pause_point("publish:written", log), withheld, log.run_id
            )
            record.update(rows=rows, path=paths.published, withheld=sorted(withheld))
    except PublishError as exc:
        _complain(str(exc))
        return ExitCode.PUBLISH_FAILED
    say(f"published {len(rows)} mart(s) to {paths.published} as of {as_of.isoformat()}")
    for store_key, reason in withheld.items():
        _complain(f"store {store_key} withheld: {reason}; its last published rows are kept, marked withheld")

    report_path = paths.published.parent / REPORT_NAME
    _send_alerts(log, paths, as_of, report_path, say)
    try:
        with log.step("report") as record:
            render_report(paths.published, report_path)
            record["path"] = report_path
    except Exception as exc:  # the published file is good; a report that failed to render only warns
        _complain(f"the report could not be written ({exc}); the published file is unaffected")
        return ExitCode.PUBLISHED_STORES_WITHHELD if withheld else ExitCode.PUBLISHED_WITH_WARNINGS
    say(f"report written to {report_path}")
    if withheld:
        return ExitCode.PUBLISHED_STORES_WITHHELD
    return ExitCode.PUBLISHED_WITH_WARNINGS if _warned(freshness, build) else ExitCode.PUBLISHED


def _build(
    log: RunLog,
    paths: Paths,
    as_of: datetime,
    manifest: Any,
    dbt_log: list[str],
    step: str,
    withheld_stores: list[str],
    callbacks: list[Callable[[Any], None]],
) -> tuple[DbtOutcome, Any]:
    """One `dbt build` without `withheld_stores`, logged as `step`: what it said and dbt's result (None if dbt
    itself broke)."""
    try:
        with log.step(step) as record:
            result = invoke_dbt(
                [*PRODUCTION_BUILD, *dbt_log],
                as_of=as_of,
                db_path=paths.build,
                manifest=manifest,
                callbacks=callbacks,
                dbt_vars={"withheld_stores": withheld_stores},
            )
            outcome = dbt_outcome(result)
            record.update(
                outcome="failed" if outcome.failed else "warn" if outcome.warnings else "ok",
                rows=outcome.counts,
                detail=outcome.errors or outcome.warnings,
                as_of=as_of,
            )
            if withheld_stores:
                record["withheld"] = withheld_stores
    except Exception as exc:  # dbt itself broke (not a test): same promise, nothing published
        return DbtOutcome(errors=[f"dbt: {type(exc).__name__}: {exc}"]), None
    return outcome, result


def _stores_concerned(result: Any, paths: Paths, as_of: datetime, manifest: Any) -> dict[str, list[str]] | None:
    """The stores a failed build's failures concern (see withhold.py): its failed tests run again with
    `--store-failures`, so that their failing rows name their stores."""
    failed = failed_tests(result)
    if failed is None:
        return None
    rerun = invoke_dbt(
        ["test", "--store-failures", "--select", *failed], as_of=as_of, db_path=paths.build, manifest=manifest
    )
    return stores_concerned(rerun, paths.build)


def _log_store(log: RunLog, store: StoreStatus) -> None:
    """One line per store of `run --all-stores`: what it landed, or why it was skipped."""
    rows: dict[str, int] = {}
    for report in store.reports:
        for name, count in report.row_counts.items():
            rows[name] = rows.get(name, 0) + count
    log.write(
        "store",
        store.state,
        store_key=store.store_key,
        rows=rows,
        quarantined=store.quarantined,
        detail=[store.message] if store.state == "failed" else [],
    )


def _send_alerts(log: RunLog, paths: Paths, as_of: datetime, report: Path, say: Callable[[str], None]) -> None:
    """Deliver this as_of's alert events; whatever happens, the run's exit code stays as it is."""
    try:
        with log.step("alerts") as record:
            record["detail"] = ["delivery stopped early"]  # kept on failure instead of the error's text: no URL leaks
            delivery = deliver_events(paths.published, as_of, report, paths.run_log.parent / LEDGER_NAME)
            record.update(
                outcome="warn" if delivery.failed else "ok",
                rows={"sent": delivery.sent, "failed": delivery.failed, "already_sent": delivery.skipped},
                detail=delivery.detail,
            )
    except Exception as exc:  # alerting must never fail a published run
        _complain(f"alerts were not sent ({type(exc).__name__}); the published file is unaffected")
        return
    if delivery.sent or delivery.failed:
        say(f"alerts: {delivery.sent} sent, {delivery.failed} failed")
    for line in delivery.detail:
        _complain(f"alert {line}")


def _warned(*outcomes: DbtOutcome) -> bool:
    return any(outcome.errors or outcome.warnings for outcome in outcomes)


def _pause_in_build(log: RunLog) -> Callable[[Any], None]:
    def on_event(message: Any) -> None:
        if message.info.name == "NodeFinished":
            pause_point(f"build:{message.data.node_info.node_name}", log)

    return on_event


def _complain(line: str) -> None:
    print(f"listing-pulse: {line}", file=sys.stderr, flush=True)


def _complain_failing(headline: str, build: DbtOutcome) -> None:
    """`headline`, then each failing dbt node, one per line."""
    _complain(f"{headline}. Failing:")
    for line in build.errors:
        _complain(f"  {line}")

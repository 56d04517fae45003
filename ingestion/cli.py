"""The `listing-pulse` command: a thin layer over ingestion.sources.load, ingestion.serving.dbt and the sample."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb

from ingestion import paths  # first: sets DLT_PROJECT_DIR and DBT_PROFILES_DIR
from ingestion.serving.dbt import PRODUCTION_BUILD, query, run_dbt
from ingestion.serving.progress import Progress
from ingestion.serving.run import ExitCode, Locked, run, run_lock
from ingestion.serving.stores import StoreStatus, configured_concurrency, declared_stores, load_stores
from ingestion.sources.common.http import SourceError
from ingestion.sources.load import SOURCES, LoadError, LoadReport, LoadRequest, land

CARD_COLUMNS = ("store_key", "card_key", "card_name", "value", "unit", "time_window", "is_alerting", "data_as_of")


def timestamp(text: str) -> datetime:
    """An ISO-8601 time; one without an offset is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 time: {text!r} (e.g. 2026-03-09T08:00:00Z)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def print_report(report: LoadReport) -> None:
    for line in report.completed_interrupted:
        print(f"listing-pulse: {line}, before this observation", file=sys.stderr)
    print(f"loaded store {report.store_key} observed at {report.observed_at.isoformat()}:")
    for name, count in report.row_counts.items():
        print(f"  {name}: {count} row(s)")
    for record in report.quarantined:
        where = f"{record.origin}" + (f" line {record.line}" if record.line else "")
        print(f"  quarantined ({record.resource}) {where}: {record.reason}", file=sys.stderr)


def progress(line: str) -> None:
    print(line, flush=True)


def load_request(args: argparse.Namespace) -> LoadRequest:
    return LoadRequest(
        source=args.source,
        scenario=args.scenario,
        as_of=args.as_of,
        seed=args.seed,
        path=args.path,
        observed_at=args.observed_at,
        store=args.store,
    )


def cmd_load(args: argparse.Namespace) -> int:
    with run_lock(paths.lock_path(), args.wait):
        reports = land(load_request(args), progress)
    for report in reports:
        print_report(report)
    quarantined = sum(len(report.quarantined) for report in reports)
    if quarantined and not args.allow_quarantine:
        print(
            f"{quarantined} record(s) quarantined (see raw_*.quarantine); the rest landed. "
            "Exit 3; pass --allow-quarantine to exit 0.",
            file=sys.stderr,
        )
        return 3
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    as_of = args.as_of or datetime.now(UTC)
    with run_lock(paths.lock_path(), args.wait):
        if not run_dbt(["source", "freshness"]):
            print("source freshness: some source is stale or missing (see above); building anyway", file=sys.stderr)
        return 0 if run_dbt(PRODUCTION_BUILD, as_of=as_of) else 1


def cmd_run(args: argparse.Namespace) -> int:
    args.source = args.source or paths.configured_source()
    if args.source not in SOURCES:
        raise LoadError(f"LISTING_PULSE_SOURCE={args.source!r} is not a source; use one of {', '.join(SOURCES)}")
    if args.all_stores:
        return run_all_stores(args)
    if args.quiet or args.concurrency is not None:
        raise LoadError("--quiet and --concurrency go with --all-stores")

    def loader(on_landed: Callable[[str], None]) -> list[LoadReport]:
        reports = land(load_request(args), progress, on_landed)
        for report in reports:
            print_report(report)
        return reports

    return run("run", args.as_of, loader, args.wait)


def run_all_stores(args: argparse.Namespace) -> int:
    if args.store:
        raise LoadError("--store names one store; --all-stores runs every declared store")
    stores = declared_stores(args.source)
    concurrency = configured_concurrency() if args.concurrency is None else args.concurrency
    if concurrency < 1:
        raise LoadError(f"concurrency {concurrency} must be at least 1")
    display = Progress(quiet=args.quiet)
    statuses: list[StoreStatus] = []

    def loader(on_landed: Callable[[str], None]) -> list[StoreStatus]:
        statuses.extend(load_stores(load_request(args), stores, concurrency, display.store, on_landed))
        return statuses

    code = run("run", args.as_of, loader, args.wait, say=display.say, dbt_progress=display.dbt_event)
    display.summary(stores_summary(statuses, ExitCode(code)))
    return code


def stores_summary(statuses: list[StoreStatus], code: ExitCode) -> str:
    landed = [status.store_key for status in statuses if status.state == "ok"]
    failed = [status.store_key for status in statuses if status.state == "failed"]
    line = f"{len(landed)} store(s) landed" + (f" ({', '.join(landed)})" if landed else "")
    if failed:
        line += f", {len(failed)} skipped ({', '.join(failed)})"
    return f"{line}; exit {int(code)} {code.name.lower()}"


def cmd_publish(args: argparse.Namespace) -> int:
    return run("publish", args.as_of, None, args.wait)


def readable_file() -> Path:
    """The published file; the build file, saying so, when nothing was published yet."""
    published = paths.published_path()
    if published.exists():
        return published
    build = paths.database_path()
    if not build.exists():
        raise LoadError(f"no warehouse at {published} or {build}: run `listing-pulse run` first")
    print(f"nothing published yet at {published}; reading the build file {build}", file=sys.stderr)
    return build


def cmd_cards(args: argparse.Namespace) -> int:
    columns, rows = query("select * from marts.kpi_cards order by store_key, card_key", readable_file())
    cards = [dict(zip(columns, row)) for row in rows]
    # `note`: why a value is missing (a source never observed) or withheld (the store failed a test; only the
    # published file says so).
    table = [
        (*(card[column] for column in CARD_COLUMNS), card.get("withheld_reason") or card["null_reason"])
        for card in cards
    ]
    print(format_table([*CARD_COLUMNS, "note"], table))
    return 0


def cmd_alerts_list(args: argparse.Namespace) -> int:
    """The alert events of the latest as_of, one line each: what `run` sends (or would, once URLs are set)."""
    _, rows = query(
        "select store_key, card_name, event, value, previous_value from marts.kpi_alert_events "
        "where as_of = (select max(as_of) from marts.kpi_alert_events) order by store_key, card_key",
        readable_file(),
    )
    for store_key, card_name, event, value, previous_value in rows:
        was = "" if previous_value is None else f" (was {display(previous_value)})"
        print(f"alert {event}: {store_key} / {card_name} = {display(value)}{was}")
    if not rows:
        print("no alert events at the latest as_of")
    return 0


def cmd_alerts_test(args: argparse.Namespace) -> int:
    from ingestion.serving.alerts import alert_urls, redact, sample_message, send

    urls = alert_urls(args.store)
    if not urls:
        print(
            f"listing-pulse: no alert URLs for store {args.store!r}: set urls under [alerts.{args.store}] "
            "or [alerts] in .dlt/secrets.toml (README 'Alerting')",
            file=sys.stderr,
        )
        return 2
    sample = sample_message(args.store)
    results = [(redact(url), send(url, sample.title, sample.body)) for url in urls]
    for where, ok in results:
        print(f"{where}: {'ok' if ok else 'failed'}")
    return 0 if all(ok for _, ok in results) else 1


def cmd_sql(args: argparse.Namespace) -> int:
    try:
        columns, rows = query(args.statement, readable_file())
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0]  # DuckDB adds the statement with a caret below
        if isinstance(exc, duckdb.PermissionException):
            reason += " (sql only reads the warehouse: no files, extensions, other databases or settings)"
        print(f"listing-pulse sql: {reason}", file=sys.stderr)
        return 2
    print(format_table(columns, rows))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from ingestion.report import ReportError, default_database, render_report
    from ingestion.report.render import DBT_TARGET, REPORT_NAME, tile_summary

    database = args.db or default_database()
    out = args.out or database.parent / REPORT_NAME
    try:
        data = render_report(
            database, out, stale_after=timedelta(hours=args.stale_after_hours), dbt_target=args.dbt_target or DBT_TARGET
        )
    except ReportError as exc:
        print(f"listing-pulse report: {exc}", file=sys.stderr)
        return 2
    for store in data.stores:
        for tile in store.tiles:
            print(tile_summary(tile))
    print(f"report of {database} written to {out}")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    if not run_dbt(["docs", "generate", "--static"]):
        return 1
    site = paths.PROJECT_ROOT / "target" / "static_index.html"
    print(f"dbt docs site written to {site} (one file with every model, card and exposure; open it in a browser)")
    return 0


def display(value: object) -> str:
    """A cell as people read it: no trailing decimal zeros on whole numbers, 4 places otherwise."""
    if value is None:
        return ""
    if isinstance(value, (Decimal, float)):
        return f"{value:.0f}" if value == int(value) else f"{value:.4f}"
    return str(value)


def format_table(columns: list[str], rows: list[tuple]) -> str:
    cells = [columns] + [[display(value) for value in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    lines = ["  ".join(value.ljust(width) for value, width in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def add_load_options(command: argparse.ArgumentParser, default_source: str | None) -> None:
    command.add_argument(
        "--source",
        choices=SOURCES,
        default=default_source,
        help="where the responses come from: the sample generator, a file-drop folder, or the live APIs "
        "(settings per store: README 'Connecting your stores')",
    )
    command.add_argument(
        "--scenario", default="default", help="sample: the named scenario (default, sister_store, backlog_clears)"
    )
    command.add_argument(
        "--as-of",
        type=timestamp,
        help="sample: the moment the scenario is built around; run: also the moment the cards describe (default now)",
    )
    command.add_argument("--seed", type=int, default=20260309, help="sample: the generator's seed")
    command.add_argument("--path", type=Path, help="files: the file-drop folder")
    command.add_argument("--observed-at", type=timestamp, help="files: when the responses were captured (default now)")
    command.add_argument(
        "--store",
        help="store key, which also picks the api settings section [sources.<api>.<KEY>] "
        "(default: the scenario's name for sample, 'default' otherwise)",
    )


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="listing-pulse", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    load = commands.add_parser("load", help="land one observation of a store into the build file")
    add_load_options(load, default_source="sample")
    load.add_argument(
        "--allow-quarantine", action="store_true", help="exit 0 even if records were quarantined (default: exit 3)"
    )
    load.set_defaults(run=cmd_load)

    build = commands.add_parser("build", help="dbt source freshness, then dbt build at --as-of")
    build.add_argument("--as-of", type=timestamp, help="the moment the cards describe (default now)")
    build.set_defaults(run=cmd_build)

    run_command = commands.add_parser(
        "run",
        help="load, dbt source freshness, dbt build, publish: the one command a scheduler calls "
        "(exit codes: README 'Serving BI tools and scheduling')",
    )
    add_load_options(run_command, default_source=None)
    run_command.add_argument(
        "--all-stores",
        action="store_true",
        help="every declared store (listing_pulse.stores, else the store sections; sample: default and "
        "sister_store), read side by side, landed one by one, then one build and one publish (exit 15: "
        "published, some stores skipped)",
    )
    run_command.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="with --all-stores: stores read at once (default: listing_pulse.concurrency, else 2)",
    )
    run_command.add_argument(
        "--quiet", action="store_true", help="with --all-stores: print only errors and the final summary (cron)"
    )
    run_command.set_defaults(run=cmd_run)

    publish_command = commands.add_parser(
        "publish", help="dbt source freshness, dbt build, and publish the marts if no error-severity test failed"
    )
    publish_command.add_argument("--as-of", type=timestamp, help="the moment the cards describe (default now)")
    publish_command.set_defaults(run=cmd_publish)
    for command in (load, build, run_command, publish_command):
        command.add_argument(
            "--wait",
            type=float,
            default=0,
            metavar="SECONDS",
            help="if another load, build, run or publish holds the lock, wait this long for it before "
            "exiting 50 (default 0)",
        )

    cards = commands.add_parser("cards", help="print kpi_cards from the published file (read-only)")
    cards.set_defaults(run=cmd_cards)

    alerts = commands.add_parser("alerts", help="alert events and their delivery (README 'Alerting')")
    alert_commands = alerts.add_subparsers(dest="alerts_command", required=True)
    alerts_list = alert_commands.add_parser("list", help="print the alert events of the latest as_of (read-only)")
    alerts_list.set_defaults(run=cmd_alerts_list)
    alerts_test = alert_commands.add_parser("test", help="send a sample message to a store's alert URLs")
    alerts_test.add_argument("--store", default="default", help="the store whose [alerts.<KEY>] URLs are used")
    alerts_test.set_defaults(run=cmd_alerts_test)

    sql = commands.add_parser("sql", help="run one SQL statement on the published file (read-only)")
    sql.add_argument("statement", help='e.g. "select * from marts.aex_rejected_auditing_listings"')
    sql.set_defaults(run=cmd_sql)

    report = commands.add_parser("report", help="write the cards as one self-contained HTML file")
    report.add_argument(
        "--db", type=Path, help="the DuckDB file to read (default: the published file if any, else the build file)"
    )
    report.add_argument(
        "--out", type=Path, help="the HTML file to write (default: listing_pulse_report.html beside --db)"
    )
    report.add_argument(
        "--stale-after-hours",
        type=float,
        default=paths.dbt_var_default("stale_after_hours"),
        help="a card whose data is older than this at its as_of is shown as stale (default: the dbt var stale_after_hours, %(default)s)",
    )
    report.add_argument(
        "--dbt-target", type=Path, help="dbt's target folder, read for failed tests (default: the project's target/)"
    )
    report.set_defaults(run=cmd_report)

    docs = commands.add_parser("docs", help="build dbt's static documentation site (dbt docs generate --static)")
    docs.set_defaults(run=cmd_docs)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (LoadError, SourceError) as exc:
        print(f"listing-pulse: {exc}", file=sys.stderr)
        return 2
    except Locked as exc:
        print(f"listing-pulse: {exc}", file=sys.stderr)
        return ExitCode.LOCKED


if __name__ == "__main__":
    sys.exit(main())

"""Alert events and their delivery to real receivers on 127.0.0.1: an HTTP server taking Apprise's json://
posts and an SMTP server (aiosmtpd) taking its mailto:// emails.

One warehouse for the module: `run` at each of the three `backlog_clears` observations (03-08, 03-09,
03-11 09:00 UTC), then once more at 03-11: four builds. Rejected / Auditing goes 0 -> 5 -> 0 over them
(the scenario's docstring: five listings rejected or held at 03-09, all active again at 03-11).
"""

from __future__ import annotations

import io
import json
import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from ingestion import cli
from ingestion.serving import alerts
from ingestion.serving.run import ExitCode, Paths, run
from ingestion.sources.load import load_observation
from ingestion.sources.sample.scenarios import generate
from tests.python.builders import AS_OF

HTTP_SECRET = "httpPw-7f3kq"
SMTP_SECRET = "smtpPw-9xw2z"
FAILING_SECRET = "failPw-4mzt8"
SECRETS = (HTTP_SECRET, SMTP_SECRET, FAILING_SECRET)
FAILING_PATH = "/broken"  # the HTTP receiver answers 500 here: a delivery that keeps failing


@dataclass
class Receivers:
    http_port: int
    smtp_port: int
    posts: list[dict] = field(default_factory=list)  # Apprise's json payloads accepted
    failed_posts: int = 0  # posts answered 500
    emails: list[str] = field(default_factory=list)  # subject + body of each email

    def urls(self) -> list[str]:
        return [
            f"json://alerts:{HTTP_SECRET}@127.0.0.1:{self.http_port}/hook",
            f"mailto://smtpuser:{SMTP_SECRET}@127.0.0.1:{self.smtp_port}?from=alerts@example.com&to=ops@example.com",
            f"json://alerts:{FAILING_SECRET}@127.0.0.1:{self.http_port}{FAILING_PATH}",
        ]

    def messages(self) -> list[str]:
        return [post["title"] + "\n" + post["message"] for post in self.posts]


def http_handler(receivers: Receivers) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            payload = self.rfile.read(int(self.headers["Content-Length"]))
            if self.path.startswith(FAILING_PATH):
                receivers.failed_posts += 1
                self.send_response(500)
            else:
                receivers.posts.append(json.loads(payload))
                self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:  # keep the test output quiet
            pass

    return Handler


class SmtpHandler:
    def __init__(self, receivers: Receivers) -> None:
        self.receivers = receivers

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        email = message_from_bytes(envelope.content)  # type: ignore[attr-defined]
        parts = email.walk() if email.is_multipart() else [email]
        text = "\n".join(
            part.get_payload(decode=True).decode() for part in parts if part.get_content_type() == "text/plain"
        )
        self.receivers.emails.append(f"{email['Subject']}\n{text}")
        return "250 OK"


def smtp_login(server: object, session: object, envelope: object, mechanism: str, auth_data: object) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data == (b"smtpuser", SMTP_SECRET.encode())
    return AuthResult(success=ok)


@pytest.fixture(scope="module")
def receivers() -> Iterator[Receivers]:
    http = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    with socket.socket() as probe:  # aiosmtpd's Controller needs a known port: take a free one
        probe.bind(("127.0.0.1", 0))
        smtp_port = probe.getsockname()[1]
    smtp = Controller(None, hostname="127.0.0.1", port=smtp_port, authenticator=smtp_login, auth_require_tls=False)
    found = Receivers(http.server_address[1], smtp_port)
    http.RequestHandlerClass = http_handler(found)
    smtp.handler = SmtpHandler(found)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    smtp.start()
    try:
        yield found
    finally:
        smtp.stop()
        http.shutdown()


@dataclass
class Run:
    as_of: datetime
    code: int
    posts: list[str]  # the HTTP receiver's messages from this run
    emails: list[str]
    failed_posts: int


@dataclass
class Warehouse:
    paths: Paths
    runs: list[Run]
    output: str  # stdout, stderr and every log record of the four runs
    http_port: int

    def rows(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.paths.published), read_only=True) as con:
            return con.execute(sql).fetchall()

    def run_log(self) -> list[dict]:
        return [json.loads(line) for line in self.paths.run_log.read_text().splitlines()]


@pytest.fixture(scope="module")
def warehouse(receivers: Receivers, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    folder = tmp_path_factory.mktemp("alerts")
    records = io.StringIO()
    printed = io.StringIO()
    handler = logging.StreamHandler(records)
    root = logging.getLogger()
    observations = generate("backlog_clears", AS_OF)
    runs = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LISTING_PULSE_DB", str(folder / "listing_pulse.duckdb"))
        patch.setenv("ALERTS__URLS", json.dumps(receivers.urls()))
        patch.setattr(alerts, "RETRY_DELAYS", (0.01, 0.01))  # three attempts, without waiting
        patch.setattr(root, "level", logging.DEBUG)
        root.addHandler(handler)
        try:
            # The third observation twice: a re-run at the same as_of.
            for observation in [*observations, observations[-1]]:
                paths = Paths.configured()

                def loader(on_landed: object, observation=observation, paths=paths) -> list:
                    return [
                        load_observation(
                            "backlog_clears",
                            observation.observed_at,
                            observation.aliexpress,
                            observation.bigcommerce,
                            paths.build,
                        )
                    ]

                before = (len(receivers.posts), len(receivers.emails), receivers.failed_posts)
                with redirect_stdout(printed), redirect_stderr(printed):
                    code = run("run", observation.observed_at, loader, paths=paths)
                runs.append(
                    Run(
                        observation.observed_at,
                        code,
                        receivers.messages()[before[0] :],
                        receivers.emails[before[1] :],
                        receivers.failed_posts - before[2],
                    )
                )
        finally:
            root.removeHandler(handler)
    yield Warehouse(paths, runs, printed.getvalue() + records.getvalue(), receivers.http_port)


def test_events_are_edge_triggered_and_a_rerun_adds_none(warehouse: Warehouse) -> None:
    # By hand from the scenario: Rejected / Auditing 0 -> 5 -> 0; AliExpress Rejected Listings (24h) 0 -> 4
    # (four refusals 6 h before 03-09) -> 0; completeness 1 -> 0.995 (listing 4 lost its brand: 199 of 200
    # complete) -> 1. Listings Expiring Soon alerts at all three builds: `started` at the first, then, with
    # renotify_hours 24 in the default profile, a reminder at 03-09 (24 h since it started: floor(24/24) = 1
    # > 0) and at 03-11 (72 h: 3 > 1). Staying alerting adds nothing else; the re-run at 03-11 adds nothing.
    events = warehouse.rows(
        "select strftime(as_of, '%m-%d'), card_key, event, from_alerting, to_alerting, value, previous_value "
        "from marts.kpi_alert_events where card_key <> 'aex_listings_expiring_soon' order by as_of, card_key"
    )
    assert events == [
        ("03-09", "aex_rejected_auditing_listings", "started", False, True, 5, 0),
        ("03-09", "aex_rejected_listings_24h", "started", False, True, 4, 0),
        ("03-09", "aex_required_attribute_completeness", "started", False, True, Decimal("0.995"), 1),
        ("03-11", "aex_rejected_auditing_listings", "stopped", True, False, 0, 5),
        ("03-11", "aex_rejected_listings_24h", "stopped", True, False, 0, 4),
        ("03-11", "aex_required_attribute_completeness", "stopped", True, False, 1, Decimal("0.995")),
    ]
    expiring = warehouse.rows(
        "select strftime(as_of, '%m-%d'), event, strftime(previous_as_of, '%m-%d') from marts.kpi_alert_events "
        "where card_key = 'aex_listings_expiring_soon' order by as_of"
    )
    assert expiring == [
        ("03-08", "started", None),
        ("03-09", "still_alerting", "03-08"),
        ("03-11", "still_alerting", "03-09"),
    ]
    # 1 + 4 + 4 events; the event id is the key's hash, one per row.
    assert warehouse.rows("select count(distinct event_id), count(*) from marts.kpi_alert_events") == [(9, 9)]


def test_each_event_is_delivered_once_by_http_and_by_email(warehouse: Warehouse) -> None:
    # Events per build (previous test): 1 at 03-08, 4 at 03-09, 4 at 03-11; each reaches both receivers.
    # The re-run at 03-11 finds them in the delivery ledger and sends nothing again.
    assert [len(run.posts) for run in warehouse.runs] == [1, 4, 4, 0]
    assert [len(run.emails) for run in warehouse.runs] == [1, 4, 4, 0]
    started = next(post for post in warehouse.runs[1].posts if "Rejected / Auditing" in post)
    assert started.splitlines()[:4] == [
        "listing-pulse: Rejected / Auditing Listings started alerting for store backlog_clears",
        "Store: backlog_clears",
        "Card: Rejected / Auditing Listings (aex_rejected_auditing_listings)",
        "Value: 5 (was 0, +5) as of 2026-03-09 09:00 UTC",
    ]
    # The five listings of the worklist, then where the report is.
    assert started.splitlines()[4] == "Worklist: 5 row(s), top 5:"
    assert started.splitlines()[-1] == f"Report: {warehouse.paths.published.parent / 'listing_pulse_report.html'}"
    stopped = next(post for post in warehouse.runs[2].posts if "Rejected / Auditing" in post)
    assert "Rejected / Auditing Listings stopped alerting for store backlog_clears" in stopped
    assert "Value: 0 (was 5, -5) as of 2026-03-11 09:00 UTC" in stopped
    # The 24h card's worklist is its causes with shares: all four refusals were for image quality.
    spike_card = next(post for post in warehouse.runs[1].posts if "(24h) started" in post)
    assert "  image_quality: 4 (100%)" in spike_card.splitlines()
    # The email carries the same message.
    email = next(email for email in warehouse.runs[1].emails if "Rejected / Auditing" in email)
    assert "Card: Rejected / Auditing Listings (aex_rejected_auditing_listings)" in email
    assert "Value: 5 (was 0, +5)" in email


def test_failed_delivery_is_retried_logged_and_keeps_the_exit_code(warehouse: Warehouse) -> None:
    # The third URL always gets a 500: three attempts per event (1 + 4 + 4 events, then the re-run tries
    # the 4 events of 03-11 again, as they were never delivered there).
    assert [run.failed_posts for run in warehouse.runs] == [3, 12, 12, 12]
    steps = [record for record in warehouse.run_log() if record["step"] == "alerts" and record["outcome"] != "started"]
    assert [(step["outcome"], step["rows"]) for step in steps] == [
        ("warn", {"sent": 2, "failed": 1, "already_sent": 0}),
        ("warn", {"sent": 8, "failed": 4, "already_sent": 0}),
        ("warn", {"sent": 8, "failed": 4, "already_sent": 0}),
        ("warn", {"sent": 0, "failed": 4, "already_sent": 8}),
    ]
    assert steps[0]["detail"] == [
        "backlog_clears: 'listing-pulse: Listings Expiring Soon started alerting for store backlog_clears' "
        f"not delivered to json://127.0.0.1:{warehouse.http_port}"
    ]
    # The exit code is what freshness and build say (10 when either warned), never the alerts.
    finished = [record for record in warehouse.run_log() if record["step"] == "run"]
    for run_record, run_result in zip(finished, warehouse.runs, strict=True):
        same_run = [r for r in warehouse.run_log() if r["run_id"] == run_record["run_id"]]
        warned = any(r["step"] in ("freshness", "build") and r["outcome"] == "warn" for r in same_run)
        expected = ExitCode.PUBLISHED_WITH_WARNINGS if warned else ExitCode.PUBLISHED
        assert run_result.code == expected == run_record["exit_code"]


def test_secrets_in_alert_urls_never_reach_output_logs_or_files(warehouse: Warehouse) -> None:
    # Everything the runs printed or logged (every logger, DEBUG and up), the run log and the delivery ledger.
    run_log = warehouse.paths.run_log.read_text()
    ledger = (warehouse.paths.run_log.parent / alerts.LEDGER_NAME).read_text()
    assert "not delivered to json://127.0.0.1" in run_log  # the failing URL is named, redacted
    for text in (warehouse.output, run_log, ledger):
        assert text and not [secret for secret in SECRETS if secret in text]


def test_alerts_list_prints_the_latest_events(warehouse: Warehouse, capsys: pytest.CaptureFixture[str]) -> None:
    # The four events of 03-11 (first test), in card order.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LISTING_PULSE_DB", str(warehouse.paths.build))
        assert cli.main(["alerts", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "alert still_alerting: backlog_clears / Listings Expiring Soon = 11 (was 6)",
        "alert stopped: backlog_clears / Rejected / Auditing Listings = 0 (was 5)",
        "alert stopped: backlog_clears / AliExpress Rejected Listings (24h) = 0 (was 4)",
        "alert stopped: backlog_clears / Required Attribute Completeness = 1 (was 0.9950)",
    ]


def test_send_tries_three_times_with_a_short_backoff(receivers: Receivers) -> None:
    slept: list[float] = []
    before = receivers.failed_posts
    url = receivers.urls()[2]
    assert not alerts.send(url, "title", "body", sleep=slept.append)
    assert receivers.failed_posts - before == 3
    assert slept == [0.5, 1.0]


def test_store_urls_fall_back_to_the_alerts_section(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALERTS__URLS", '["json://127.0.0.1:1/everyone"]')
    monkeypatch.setenv("ALERTS__SHOP_B__URLS", '["json://127.0.0.1:2/shop-b"]')
    assert alerts.alert_urls("shop_a") == ["json://127.0.0.1:1/everyone"]
    assert alerts.alert_urls("shop_b") == ["json://127.0.0.1:2/shop-b"]
    monkeypatch.delenv("ALERTS__URLS")
    assert alerts.alert_urls("shop_a") == []


def test_redact_keeps_scheme_and_host_only() -> None:
    # Slack keeps a token where the host would be: Apprise's privacy URL masks it to first...last character.
    assert alerts.redact("slack://TokenA/TokenB/TokenC/#channel") == "slack://T...A"
    assert alerts.redact("mailtos://user:password@smtp.example.com?to=ops@example.com") == "mailtos://smtp.example.com"
    assert alerts.redact("json://user:pw@127.0.0.1:8080/hooks/tok3n") == "json://127.0.0.1:8080"
    assert alerts.redact("nosuch://secret@x") == "nosuch://(not a valid Apprise URL)"


def test_alerts_test_command_reports_each_url(
    receivers: Receivers, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good, email, failing = receivers.urls()
    monkeypatch.setenv("ALERTS__SHOP_T__URLS", json.dumps([good, email, failing]))
    monkeypatch.setattr(alerts, "RETRY_DELAYS", (0.0, 0.0))
    before = (len(receivers.posts), len(receivers.emails))
    assert cli.main(["alerts", "test", "--store", "shop_t"]) == 1  # one URL failed
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        f"json://127.0.0.1:{receivers.http_port}: ok",
        f"mailto://127.0.0.1:{receivers.smtp_port}: ok",
        f"json://127.0.0.1:{receivers.http_port}: failed",
    ]
    assert receivers.posts[before[0]]["title"] == "listing-pulse: test alert for store shop_t"
    assert receivers.emails[before[1]].startswith("listing-pulse: test alert for store shop_t")
    assert not [secret for secret in SECRETS if secret in out.out + out.err]

"""Secrets never leave: API error bodies that echo the request are redacted before anything keeps them,
and no credential follows a redirect to another host.

The AliExpress gateway answers some errors with the request it received (app_key, session, sign among
the parameters); the fake below does the same, then every output, run-log line, table and file under the
data dir is searched for the secret values.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from ingestion.paths import PROJECT_ROOT
from ingestion.sources.aliexpress.client import (
    AUDIT_METHOD,
    INFO_METHOD,
    LIST_METHOD,
    AliExpressClient,
    AliExpressSettings,
)
from ingestion.sources.bigcommerce.client import BigCommerceClient, BigCommerceSettings
from ingestion.sources.common.http import HttpCaller, RetryPolicy, SourceError, redact
from tests.python.connectors import fake_apis
from tests.python.connectors.fake_apis import FakeApis
from tests.python.connectors.test_api_sources import seed_store

STORE = "shop_a"
WAIT = 300  # seconds a subprocess may take before the test fails (never a timed assertion)


class EchoingApis(FakeApis):
    """The fake APIs, except that the calls named in `echo` answer with an error body quoting the request."""

    def __init__(self, echo: set[str]) -> None:
        super().__init__()
        self.echo = echo
        self.signs: list[str] = []  # every signature sent: each is a secret too (it authorises its request)
        self.tokens_seen = 0

    def handle(self, request: Request) -> Response:
        params = {**request.args.to_dict(), **request.form.to_dict()}
        if "sign" in params:
            self.signs.append(params["sign"])
        method = params.get("method", "")
        if method == LIST_METHOD:
            query = json.loads(params["aeop_a_e_product_list_query"])
            label = f"list {query['product_status_type']} {query['current_page']}"
        elif request.path.startswith("/stores/"):
            label = f"bc {request.path.split('/v3/', 1)[1]} {request.args.get('page', '1')}"
        else:
            label = f"{ {INFO_METHOD: 'info', AUDIT_METHOD: 'audit'}.get(method)} {params.get('product_id')}"
        if label not in self.echo:
            return super().handle(request)
        if label.startswith("bc "):  # BigCommerce: a 400 quoting the request headers
            echoed = {"status": 400, "title": "Bad Request", "detail": f"headers: {dict(request.headers)}"}
            return Response(json.dumps(echoed), status=400, content_type="application/json")
        echoed = {"error_response": {"code": "isv.InvalidParameter", "request_id": "x9",
                                     "msg": f"bad request: {urlencode(params)}", "request": params}}
        return Response(json.dumps(echoed), content_type="application/json")


def secrets_of(fake: EchoingApis) -> list[str]:
    return [fake_apis.APP_KEY, fake_apis.APP_SECRET, fake_apis.SESSION, fake_apis.ACCESS_TOKEN, *fake.signs]


def settings_env(server: HTTPServer, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LISTING_PULSE_", "SOURCES__"))}
    return env | {
        "LISTING_PULSE_DB": str(data_dir / "listing_pulse.duckdb"),
        "DBT_PROFILES_DIR": str(PROJECT_ROOT),
        "SOURCES__ALIEXPRESS__SHOP_A__APP_KEY": fake_apis.APP_KEY,
        "SOURCES__ALIEXPRESS__SHOP_A__APP_SECRET": fake_apis.APP_SECRET,
        "SOURCES__ALIEXPRESS__SHOP_A__SESSION": fake_apis.SESSION,
        "SOURCES__ALIEXPRESS__SHOP_A__GATEWAY_URL": server.url_for("/sync"),
        "SOURCES__ALIEXPRESS__SHOP_A__PAGE_SIZE": str(fake_apis.AE_PAGE_SIZE),
        "SOURCES__BIGCOMMERCE__SHOP_A__STORE_HASH": fake_apis.STORE_HASH,
        "SOURCES__BIGCOMMERCE__SHOP_A__ACCESS_TOKEN": fake_apis.ACCESS_TOKEN,
        "SOURCES__BIGCOMMERCE__SHOP_A__API_URL": server.url_for("/").rstrip("/"),
    }


def every_cell(path: Path) -> Iterator[str]:
    """Every value of every table in every schema of a DuckDB file, as text."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute("select schema_name, table_name from duckdb_tables()").fetchall()
        for schema, table in tables:
            for row in con.execute(f'select * from "{schema}"."{table}"').fetchall():
                yield from (str(value) for value in row)


def test_an_api_run_whose_errors_echo_the_request_keeps_no_secret(httpserver: HTTPServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    fake = EchoingApis(echo={"info 1002", "audit 1004"})
    seed_store(fake)
    httpserver.expect_request(re.compile("^/")).respond_with_handler(fake.handle)
    env = settings_env(httpserver, data_dir)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ingestion.cli", *args], env=env, cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=WAIT)

    # 1. A full run: two detail/audit calls answer an echoing error, which is quarantined (reason and body).
    first = cli("run", "--source", "api", "--store", STORE)
    # 2. A listing pass answers one: the sweep stops, its message quoting the gateway's error.
    fake.echo = {"list onSelling 1"}
    second = cli("load", "--source", "api", "--store", STORE)
    # 3. BigCommerce answers 400 quoting the request headers, X-Auth-Token among them.
    fake.echo = {"bc catalog/products 1"}
    third = cli("load", "--source", "api", "--store", STORE)

    assert first.returncode in (0, 10), first.stderr[-3000:]  # published (10: dbt warned about the quarantine)
    assert "quarantined (listing_skus) api:aliexpress.solution.product.info.get?product_id=1002: " \
           "AliExpress error isv.InvalidParameter: bad request: " in first.stderr
    assert (second.returncode, third.returncode) == (2, 2)
    assert "AliExpress aliexpress.solution.product.list.get: AliExpress error isv.InvalidParameter" in second.stderr
    assert "BigCommerce catalog/products page 1: HTTP 400:" in third.stderr
    # The echoes did reach the outputs and the quarantine, redacted ...
    assert "&app_key=***&session=***&" in first.stderr and "&sign=***&" in first.stderr
    with duckdb.connect(str(data_dir / "listing_pulse.duckdb"), read_only=True) as con:
        payloads = [p for (p,) in con.execute("select payload from raw_aliexpress.quarantine order by origin").fetchall()]
    assert len(payloads) == 2 and all('"session": "***"' in p and '"sign": "***"' in p for p in payloads), payloads
    # ... and no secret is anywhere: outputs, run log, any table, any file under the data dir.
    secrets = secrets_of(fake)
    assert len(fake.signs) > 10
    outputs = [first.stdout, first.stderr, second.stdout, second.stderr, third.stdout, third.stderr]
    files = [path for path in data_dir.rglob("*") if path.is_file()]
    assert (data_dir / "run_log.jsonl") in files and any("dlt_pipelines" in str(path) for path in files)
    cells = [cell for path in files if path.suffix == ".duckdb" for cell in every_cell(path)]
    for secret in secrets:
        assert not [text for text in outputs + cells if secret in text], secret
        assert not [path for path in files if secret.encode() in path.read_bytes()], secret


def test_redact_replaces_whole_values_only() -> None:
    # A short numeric app key must not be cut out of a longer id that happens to contain it.
    assert redact("app_key=12345678&id=1005001234567890", ["12345678"]) == "app_key=***&id=1005001234567890"
    assert redact("session: tok+en/1 and tok%2Ben%2F1", ["tok+en/1"]) == "session: *** and ***"


@pytest.fixture
def elsewhere() -> Iterator[HTTPServer]:
    """Another host a redirect could send the client to; it records whatever reaches it."""
    server = HTTPServer(host="localhost")
    server.expect_request(re.compile("^/")).respond_with_json({"data": [], "meta": {}})
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.mark.parametrize("api", ["bigcommerce", "aliexpress"])
@pytest.mark.parametrize("status", [301, 302, 307])
def test_no_credential_follows_a_redirect_to_another_host(
    api: str, status: int, httpserver: HTTPServer, elsewhere: HTTPServer
) -> None:
    httpserver.expect_request(re.compile("^/")).respond_with_response(
        Response(status=status, headers={"Location": elsewhere.url_for("/stolen")}))
    http = HttpCaller(requests.Session(), sleep=lambda seconds: None, policy=RetryPolicy(attempts=1, timeout_s=5))
    with pytest.raises(SourceError, match=rf"HTTP {status} redirect to localhost:{elsewhere.port} not followed"):
        if api == "bigcommerce":
            settings = BigCommerceSettings(STORE, fake_apis.STORE_HASH, fake_apis.ACCESS_TOKEN, api_url=httpserver.url_for(""))
            BigCommerceClient(settings, http).pages("catalog/products", {}, "catalog_products")
        else:
            settings = AliExpressSettings(STORE, fake_apis.APP_KEY, fake_apis.APP_SECRET, fake_apis.SESSION,
                                          gateway_url=httpserver.url_for("/sync"))
            AliExpressClient(settings, http).call(LIST_METHOD, {}, strict=True)
    # Before the fix requests followed it, carrying X-Auth-Token (or the signed session) to the other host.
    assert elsewhere.log == []

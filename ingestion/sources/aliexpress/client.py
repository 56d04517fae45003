"""AliExpress Open Platform (IOP gateway) client: signed calls and one sweep of a store, as `Page`s.

The pages go to the same parser as a file drop's (parse.py); this module only decides what to ask for.

Signing, as the official IOP SDK does it (iop-sdk-python `iop/base.py`, `sign(secret, api, parameters)`,
read through the code search): sort every request parameter except `sign` by name, concatenate
`key + value` for each, prefix the API path only when the API name holds a "/" (REST-style system APIs;
method-style business APIs on `/sync?method=…` sign no path, `method` being itself a parameter), then
HMAC-SHA256 with the app secret as key, upper-case hex. Lazada's published signing guide (same IOP
gateway) describes the same sort-and-concatenate rule.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import dlt
import requests

from ingestion.sources.aliexpress.parse import PRODUCT_STATUS_TYPES, api_error, product_list_items, unwrap
from ingestion.sources.common.captures import AliExpressCapture
from ingestion.sources.common.config import resolve, setting_name
from ingestion.sources.common.destination import read_rows
from ingestion.sources.common.http import HttpCaller, SourceAuthError, SourceError
from ingestion.sources.common.pages import Page

LIST_METHOD = "aliexpress.solution.product.list.get"
INFO_METHOD = "aliexpress.solution.product.info.get"
AUDIT_METHOD = "aliexpress.postproduct.redefining.findaeproductstatusbyid"
GATEWAY_URL = "https://api-sg.aliexpress.com/sync"
SOURCE_TZ = ZoneInfo("Asia/Shanghai")  # gmt_modified is GMT+8 wall-clock text, as the IOP SDK sends it

# Gateway error codes (error_response.code). Throttling and auth errors share one shape: back off on
# the first, stop at once on the second, naming the setting to fix.
SESSION_ERRORS = frozenset({"IllegalAccessToken", "MissingAccessToken", "InvalidAccessToken", "SessionExpired", "InvalidSession"})
SIGNATURE_ERRORS = frozenset({"IncompleteSignature", "InvalidSignature", "MissingSignature"})
APP_KEY_ERRORS = frozenset({"InvalidAppKey", "MissingAppKey", "AppKeyNotExist"})
PERMISSION_ERRORS = frozenset({"InsufficientPermission", "AccessDenied", "AppWhiteIpLimit", "InsufficientIsvPermissions"})


@dataclass(frozen=True)
class AliExpressSettings:
    """One store's AliExpress settings (see README "Connecting your stores")."""

    store_key: str
    app_key: str = field(repr=False)
    app_secret: str = field(repr=False)
    session: str = field(repr=False)
    gateway_url: str = GATEWAY_URL
    page_size: int = 50
    max_detail_calls: int = 2000
    overlap_minutes: int = 60
    diagnosis_method: str = ""

    def setting(self, name: str) -> str:
        """The environment variable that sets `name` for this store."""
        return setting_name("aliexpress", self.store_key, name)


def _settings(
    app_key: str = dlt.secrets.value,
    app_secret: str = dlt.secrets.value,
    session: str = dlt.secrets.value,
    gateway_url: str = GATEWAY_URL,
    page_size: int = 50,
    max_detail_calls: int = 2000,
    overlap_minutes: int = 60,
    diagnosis_method: str = "",
) -> dict[str, Any]:
    return dict(locals())


def load_settings(store_key: str) -> AliExpressSettings:
    """Settings from `[sources.aliexpress.<store_key>]`, falling back to `[sources.aliexpress]`
    (env vars `SOURCES__ALIEXPRESS__<STORE_KEY>__APP_KEY` or `SOURCES__ALIEXPRESS__APP_KEY`, …)."""
    settings = AliExpressSettings(store_key=store_key, **resolve(_settings, "aliexpress", store_key))
    if not 0 < settings.page_size < 100:
        raise SourceError(f"{settings.setting('page_size')} must be between 1 and 99 (the API caps pages below 100)")
    return settings


def sign(app_secret: str, params: Mapping[str, str], api_path: str = "") -> str:
    """Upper-hex HMAC-SHA256 of `api_path` + sorted `key+value` pairs (the module docstring cites the rule)."""
    text = api_path + "".join(f"{key}{params[key]}" for key in sorted(params))
    return hmac.new(app_secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest().upper()


class AliExpressClient:
    """Signed calls to one store's gateway. `clock` is injected (timestamps), as the HTTP layer's sleep is."""

    def __init__(
        self,
        settings: AliExpressSettings,
        http: HttpCaller,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        self.settings = settings
        self.http = http
        self.http.secrets = tuple(s for s in (settings.app_secret, settings.session, settings.app_key) if s)
        self.clock = clock

    def call(self, method: str, params: Mapping[str, Any], *, strict: bool) -> Any:
        """The body of one call. Auth errors raise `SourceAuthError`; throttling is retried; any other
        error raises `SourceError` when `strict` (a listing pass must be complete), else is returned
        for the parser to quarantine."""
        data = {key: value if isinstance(value, str) else json.dumps(value) for key, value in params.items()}

        def signed_query() -> dict[str, str]:
            query = {
                "method": method,
                "app_key": self.settings.app_key,
                "session": self.settings.session,
                "timestamp": str(int(self.clock().timestamp() * 1000)),
                "sign_method": "sha256",
                "format": "json",
            }
            return {**query, "sign": sign(self.settings.app_secret, {**query, **data})}

        body = self.http.json(
            "POST",
            self.settings.gateway_url,
            what=f"AliExpress {method}",
            auth_setting=f"{self.settings.setting('app_key')} and {self.settings.setting('app_secret')}",
            data=data,
            prepare=signed_query,
            secret_params=("sign",),  # it authorises the request it signs; the gateway may echo it
            check=self._check,
        )
        if strict and api_error(body):
            raise SourceError(f"AliExpress {method}: {api_error(body)}; nothing was loaded.")
        return body

    def _check(self, body: Any) -> str:
        error = body.get("error_response") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return "ok"
        code = str(error.get("code") or "")
        sub_code = str(error.get("sub_code") or "")
        if code.endswith("CallLimit") or sub_code.endswith("CallLimit"):
            return "throttled"
        fix = None
        if code in SESSION_ERRORS or "session" in sub_code.lower() or "token" in sub_code.lower():
            fix = f"AliExpress rejected the session token ({code}): refresh {self.settings.setting('session')}"
        elif code in SIGNATURE_ERRORS:
            fix = f"AliExpress rejected the signature ({code}): check {self.settings.setting('app_secret')}"
        elif code in APP_KEY_ERRORS:
            fix = f"AliExpress rejected the app key ({code}): check {self.settings.setting('app_key')}"
        elif code in PERMISSION_ERRORS:
            fix = f"AliExpress refused access ({code}): check the app's permissions and IP whitelist on the Open Platform console"
        if fix:
            raise SourceAuthError(f"{fix}; nothing was loaded.")
        return "ok"


@dataclass(frozen=True)
class LandedListings:
    """What the warehouse already holds for a store: the current listing status and details version."""

    status: dict[str, str] = field(default_factory=dict)
    details_modified: dict[str, str] = field(default_factory=dict)


def read_landed(db_path: Path, store_key: str) -> LandedListings:
    """Current `raw_aliexpress.listings` statuses and `listing_details` gmt_modified of one store."""
    tables = read_rows(
        db_path, "select table_name from information_schema.tables where table_schema = 'raw_aliexpress'", []
    )
    if not tables:
        return LandedListings()
    names = {row[0] for row in tables}
    status, details = {}, {}
    if "listings" in names:
        status = dict(read_rows(
            db_path,
            "select product_id, product_status_type from raw_aliexpress.listings "
            "where store_key = ? and _dlt_valid_to is null",
            [store_key],
        ) or [])
    if "listing_details" in names:
        details = dict(read_rows(
            db_path,
            "select product_id, gmt_modified from raw_aliexpress.listing_details "
            "where store_key = ? and _dlt_valid_to is null",
            [store_key],
        ) or [])
    return LandedListings(status=status, details_modified=details)


def _moment(text: str | None) -> datetime | None:
    try:
        return datetime.strptime(text or "", "%Y-%m-%d %H:%M:%S").replace(tzinfo=SOURCE_TZ)
    except ValueError:
        return None


@dataclass
class Listed:
    status_type: str
    gmt_modified: str | None


def _total_pages(body: Any, page_size: int) -> int | None:
    result = unwrap(body).get("result") if isinstance(unwrap(body), dict) else None
    if not isinstance(result, dict):
        return None
    for key, per in (("total_page", 1), ("product_count", page_size)):
        try:
            return -(-int(result[key]) // per)
        except (KeyError, TypeError, ValueError):
            continue
    return None


def sweep(
    client: AliExpressClient,
    landed: LandedListings,
    progress: Callable[[str], None] = lambda line: None,
) -> AliExpressCapture:
    """One full sweep: all four listing passes, details of new or changed listings (at most
    `max_detail_calls`; the rest are still new or changed next run, so a large backfill resumes by
    itself), audit outcomes of listings whose status changed or that are auditing."""
    settings = client.settings
    capture = AliExpressCapture()
    listed: dict[str, Listed] = {}
    for status_type in PRODUCT_STATUS_TYPES:
        pages = rows = 0
        number = 1
        while True:
            query = {"current_page": number, "page_size": settings.page_size, "product_status_type": status_type}
            body = client.call(LIST_METHOD, {"aeop_a_e_product_list_query": query}, strict=True)
            items = product_list_items(body)
            total = _total_pages(body, settings.page_size)
            if items is None and total == 0:
                break  # an empty pass may come without the items container
            if items is None:
                raise SourceError(
                    f"AliExpress {LIST_METHOD} ({status_type}, page {number}) came back without listings; "
                    "nothing was loaded (a partial pass would retire listings that still exist)."
                )
            capture.product_lists.append(
                (status_type, Page(f"api:{LIST_METHOD}?product_status_type={status_type}&current_page={number}", body))
            )
            pages, rows = pages + 1, rows + len(items)
            for item in items:
                if isinstance(item, dict) and item.get("product_id") not in (None, ""):
                    listed[str(item["product_id"])] = Listed(status_type, item.get("gmt_modified"))
            if not items or (total is not None and number >= total) or (total is None and len(items) < settings.page_size):
                break
            number += 1
        progress(f"aliexpress listings {status_type}: {pages} page(s), {rows} listing(s)")

    wanted = _details_wanted(listed, landed, settings.overlap_minutes)
    fetch, deferred = wanted[: settings.max_detail_calls], wanted[settings.max_detail_calls :]
    for product_id in fetch:
        body = client.call(INFO_METHOD, {"product_id": product_id}, strict=False)
        capture.product_infos.append(Page(f"api:{INFO_METHOD}?product_id={product_id}", body))
    progress(
        f"aliexpress product details: {len(fetch)} call(s) for new or changed listings"
        + (f", {len(deferred)} deferred to the next run (max_detail_calls)" if deferred else "")
    )

    audited = [
        product_id
        for product_id, item in listed.items()
        if item.status_type == "auditing"
        or landed.status.get(product_id, "onSelling") != item.status_type
    ]
    for product_id in audited:
        capture.audit_events.append(_audit_outcome(client, product_id, listed[product_id]))
    progress(f"aliexpress audit outcomes: {len(audited)} call(s)")
    return capture


def _details_wanted(listed: dict[str, Listed], landed: LandedListings, overlap_minutes: int) -> list[str]:
    """New or changed listings first (oldest change first), then those modified within the overlap
    window before the newest landed change, whose details may have been read mid-change."""
    landed_moments = [moment for moment in map(_moment, landed.details_modified.values()) if moment]
    cursor = max(landed_moments) - timedelta(minutes=overlap_minutes) if landed_moments else None
    changed, overlapping = [], []
    for product_id, item in listed.items():
        previous = landed.details_modified.get(product_id)
        modified = _moment(item.gmt_modified)
        if previous is None or previous != item.gmt_modified or modified is None:
            changed.append((item.gmt_modified or "", product_id))
        elif cursor is not None and modified >= cursor:
            overlapping.append((item.gmt_modified or "", product_id))
    return [product_id for _, product_id in sorted(changed) + sorted(overlapping)]


def _audit_outcome(client: AliExpressClient, product_id: str, item: Listed) -> Page:
    """One audit outcome line, the shape of the file drop's audit_events/*.jsonl.

    When the status API gives no `time_stamp`, the listing's `gmt_modified` (when it entered this state)
    stands in, so polling an unchanged listing again yields the same stable `event_id`.
    """
    origin = f"api:{AUDIT_METHOD}?product_id={product_id}"
    body = client.call(AUDIT_METHOD, {"product_id": product_id}, strict=False)
    result = unwrap(body).get("result") if isinstance(unwrap(body), dict) else None
    if api_error(body) or not isinstance(result, dict):
        return Page(origin, error=api_error(body) or "response has no `result` object", raw=json.dumps(body))
    outcome: dict[str, Any] = {
        "product_id": product_id,
        "status": result.get("status"),
        "time_stamp": result.get("time_stamp") or item.gmt_modified,
    }
    if result.get("status") == "refuse" and client.settings.diagnosis_method:
        outcome |= _diagnosis(client, product_id)
    return Page(origin, outcome)


def _diagnosis(client: AliExpressClient, product_id: str) -> dict[str, Any]:
    """The first problem the listing-diagnosis API reports, as `reason_code` / `reason_message`."""
    body = client.call(client.settings.diagnosis_method, {"product_id": product_id}, strict=False)
    stack = [unwrap(body)]
    while stack:
        node = stack.pop(0)
        if isinstance(node, dict):
            if "problem_type" in node:
                return {"reason_code": node.get("problem_type"), "reason_message": node.get("problem_description")}
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return {}


def new_client(settings: AliExpressSettings, http: HttpCaller | None = None) -> AliExpressClient:
    return AliExpressClient(settings, http or HttpCaller(requests.Session()))

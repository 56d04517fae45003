"""The IOP signer against a vector worked out by hand, and the retry layer's rules on a stub session."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from ingestion.sources.aliexpress.client import sign
from ingestion.sources.common.http import CallLog, HttpCaller, RetryPolicy, SourceAuthError, SourceError

# The concatenation, written out by hand (parameters sorted by name, key then value, no separators):
#   app_key12345678 formatjson methodaliexpress.solution.product.info.get product_id1005001
#   sessionsess-abc sign_methodsha256 timestamp1773219600000
# and signed with:
#   printf '%s' 'app_key12345678formatjsonmethodaliexpress.solution.product.info.getproduct_id1005001sessionsess-abcsign_methodsha256timestamp1773219600000' \
#     | openssl dgst -sha256 -hmac 'test-secret' | tr a-f A-F
KNOWN_SIGN = "33F2E11C07F375CD0B74BFE43767CB1736EF26DA0F756426819C74941CB15FD1"
# A REST-style system API signs its path first:
#   printf '%s' '/auth/token/createapp_key12345678codeabc' | openssl dgst -sha256 -hmac 'test-secret' | tr a-f A-F
KNOWN_PATH_SIGN = "83A053C3D4A8B1887A8ABB5C9AC36E94AB2E0B4B8F7FFD6A3FBB879FEED31DD9"


def test_sign_matches_the_hand_computed_vector() -> None:
    params = {  # deliberately unsorted
        "timestamp": "1773219600000",
        "session": "sess-abc",
        "method": "aliexpress.solution.product.info.get",
        "app_key": "12345678",
        "sign_method": "sha256",
        "product_id": "1005001",
        "format": "json",
    }
    assert sign("test-secret", params) == KNOWN_SIGN
    assert sign("test-secret", {"code": "abc", "app_key": "12345678"}, api_path="/auth/token/create") == KNOWN_PATH_SIGN


class StubResponse:
    def __init__(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        self.status_code, self._body, self.headers = status, body, headers or {}
        self.text = "" if body is None else str(body)

    def json(self) -> Any:
        if self._body is None:
            raise ValueError("no JSON")
        return self._body


class StubSession:
    """Answers from a script: a response, or an exception to raise."""

    def __init__(self, script: list[Any]) -> None:
        self.script, self.sent = list(script), 0

    def request(self, *args: Any, **kwargs: Any) -> Any:
        self.sent += 1
        answer = self.script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def caller(script: list[Any], attempts: int = 4) -> tuple[HttpCaller, StubSession, list[float]]:
    session, sleeps = StubSession(script), []
    http = HttpCaller(
        session,
        sleep=sleeps.append,
        policy=RetryPolicy(attempts=attempts, backoff_s=1.0, max_wait_s=5.0),
        log=CallLog(),
        secrets=["s3cr3t"],
    )
    return http, session, sleeps


def test_timeouts_and_5xx_back_off_exponentially_then_succeed() -> None:
    http, session, sleeps = caller(
        [
            requests.Timeout("read timed out"),
            requests.ConnectionError("reset"),
            StubResponse(503),
            StubResponse(200, {"ok": 1}),
        ]
    )
    assert http.json("GET", "http://x", what="call", auth_setting="X") == {"ok": 1}
    assert sleeps == [1.0, 2.0, 4.0] and session.sent == 4


def test_retries_are_bounded_and_the_error_says_so() -> None:
    http, session, sleeps = caller([StubResponse(500)] * 4)
    with pytest.raises(SourceError, match=r"call: gave up after 4 attempts \(last: HTTP 500\); nothing was loaded"):
        http.json("GET", "http://x", what="call", auth_setting="X")
    assert session.sent == 4 and sleeps == [1.0, 2.0, 4.0]  # no sleep after the last attempt


def test_429_waits_the_reset_header_capped_by_the_policy() -> None:
    http, _, sleeps = caller(
        [
            StubResponse(429, headers={"X-Rate-Limit-Time-Reset-Ms": "750"}),
            StubResponse(429, headers={"X-Rate-Limit-Time-Reset-Ms": "999999"}),
            StubResponse(429),
            StubResponse(200, {}),
        ]
    )
    http.json("GET", "http://x", what="call", auth_setting="X")
    # the header; the header capped at max_wait_s; no header: the backoff of attempt 3, 1 s x 2**2
    assert sleeps == [0.75, 5.0, 4.0]


def test_403_stops_at_once_and_other_4xx_redact_secrets() -> None:
    http, session, sleeps = caller([StubResponse(403)])
    with pytest.raises(SourceAuthError, match=r"HTTP 403, credentials refused\. Check SOURCES__X__TOKEN"):
        http.json("GET", "http://x", what="call", auth_setting="SOURCES__X__TOKEN")
    assert session.sent == 1 and sleeps == []
    http, _, _ = caller([StubResponse(404, {"title": "no store s3cr3t"})])
    with pytest.raises(SourceError) as raised:
        http.json("GET", "http://x", what="call", auth_setting="X")
    assert "s3cr3t" not in str(raised.value) and "no store ***" in str(raised.value)

"""HTTP behaviour both API clients share: bounded retries, rate-limit waits, auth errors that stop at once.

Why not dlt's `RESTClient`: its retries sleep for real inside `requests` adapters (tests could not inject a
clock), and it cannot see AliExpress throttling, which arrives as HTTP 200 with an `error_response` body.
Only this retry loop is ours; paging stays in each client, next to the API facts it depends on.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import requests

Sleep = Callable[[float], None]
# What a client says about a 200 body: "ok", or "throttled" (back off and retry). Auth errors raise.
BodyCheck = Callable[[Any], str]


class SourceError(Exception):
    """An API sweep that cannot finish; nothing of it is loaded. The message says what to do."""


class SourceAuthError(SourceError):
    """Credentials refused: retrying cannot help, so the sweep stops at the first refusal."""


@dataclass(frozen=True)
class RetryPolicy:
    """At most `attempts` tries per request; waits double from `backoff_s` up to `max_wait_s`."""

    attempts: int = 5
    backoff_s: float = 2.0
    max_wait_s: float = 120.0
    timeout_s: float = 60.0

    def backoff(self, attempt: int) -> float:
        return min(self.backoff_s * 2 ** (attempt - 1), self.max_wait_s)


@dataclass
class CallLog:
    """What the HTTP layer did, for progress lines and tests: requests sent and every wait."""

    requests: int = 0
    waits: list[tuple[str, float]] = field(default_factory=list)


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret value, as sent or URL-encoded, replaced by `***`: for anything that may
    echo a request. Only whole values: a short numeric app key inside a longer id is data, not the key."""
    for secret in secrets:
        for form in {secret, quote(secret, safe="")} if secret else ():
            text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(form)}(?![A-Za-z0-9])", "***", text)
    return text


def redact_body(body: Any, secrets: Collection[str]) -> Any:
    """A JSON body with `redact` applied to every string in it."""
    if isinstance(body, str):
        return redact(body, secrets)
    if isinstance(body, list):
        return [redact_body(item, secrets) for item in body]
    if isinstance(body, dict):
        return {key: redact_body(value, secrets) for key, value in body.items()}
    return body


class HttpCaller:
    """Sends one request and returns its JSON body, retrying what is worth retrying.

    429 → wait `X-Rate-Limit-Time-Reset-Ms` (BigCommerce) or back off; 5xx, timeouts and connection errors
    → back off; a body the client calls "throttled" → back off; 401/403 → `SourceAuthError` naming
    `auth_setting`; a redirect, any other 4xx or a non-JSON body → `SourceError`. `sleep` is injected so
    tests never wait.

    Secrets stay in: a redirect is never followed (requests would resend custom headers such as
    X-Auth-Token, and the signed query, to whatever host it names), and the body returned, like every
    message, has the secrets and the `secret_params` of the request redacted (gateways echo requests).
    """

    def __init__(
        self,
        session: requests.Session,
        *,
        secrets: Iterable[str] = (),
        sleep: Sleep = time.sleep,
        policy: RetryPolicy = RetryPolicy(),
        log: CallLog | None = None,
    ) -> None:
        self.session = session
        self.secrets = tuple(secret for secret in secrets if secret)
        self.sleep = sleep
        self.policy = policy
        self.log = log or CallLog()

    def json(
        self,
        method: str,
        url: str,
        *,
        what: str,
        auth_setting: str,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        check: BodyCheck | None = None,
        prepare: Callable[[], Mapping[str, Any]] | None = None,
        secret_params: Collection[str] = (),
    ) -> Any:
        """The JSON body of `method url`, redacted. `what` names the call in messages (never the URL: it
        may hold a token); `prepare`, when given, rebuilds `params` for each attempt (AliExpress signs a
        timestamp); `secret_params` name the params whose values are secret in this request (a signature)."""
        problem = ""
        for attempt in range(1, self.policy.attempts + 1):
            self.log.requests += 1
            sent = prepare() if prepare else params
            secrets = (*self.secrets, *(str(sent[name]) for name in secret_params if sent and sent.get(name)))
            try:
                response = self.session.request(
                    method,
                    url,
                    params=sent,
                    data=data,
                    headers=headers,
                    timeout=self.policy.timeout_s,
                    allow_redirects=False,
                )
            except (requests.Timeout, requests.ConnectionError) as exc:
                problem = f"{type(exc).__name__}"
                self._wait(what, self.policy.backoff(attempt), attempt)
                continue
            status = response.status_code
            if status in (401, 403):
                raise SourceAuthError(
                    f"{what}: HTTP {status}, credentials refused. Check {auth_setting}; nothing was loaded."
                )
            if status == 429:
                problem = "HTTP 429 (rate limited)"
                self._wait(what, self._reset_wait(response, attempt), attempt)
                continue
            if status >= 500:
                problem = f"HTTP {status}"
                self._wait(what, self.policy.backoff(attempt), attempt)
                continue
            if 300 <= status < 400:
                where = urlsplit(response.headers.get("Location", "")).netloc or "an unnamed place"
                raise SourceError(
                    f"{what}: HTTP {status} redirect to {where} not followed (it would carry the credentials); "
                    "check the store's API address setting; nothing was loaded."
                )
            if status >= 400:
                raise SourceError(f"{what}: HTTP {status}: {_excerpt(response.text, secrets)}; nothing was loaded.")
            try:
                body = redact_body(response.json(), secrets)
            except ValueError:
                raise SourceError(
                    f"{what}: the response is not JSON ({_excerpt(response.text, secrets)}); nothing was loaded."
                ) from None
            if check is not None and check(body) == "throttled":
                problem = "throttled by the API"
                self._wait(what, self.policy.backoff(attempt), attempt)
                continue
            return body
        raise SourceError(
            f"{what}: gave up after {self.policy.attempts} attempts (last: {problem}); nothing was loaded. "
            "Try again later."
        )

    def _reset_wait(self, response: requests.Response, attempt: int) -> float:
        reset = response.headers.get("X-Rate-Limit-Time-Reset-Ms")
        try:
            return min(max(float(reset) / 1000.0, 0.0), self.policy.max_wait_s)
        except (TypeError, ValueError):
            return self.policy.backoff(attempt)

    def _wait(self, what: str, seconds: float, attempt: int) -> None:
        if attempt < self.policy.attempts:
            self.log.waits.append((what, seconds))
            self.sleep(seconds)


def _excerpt(text: str, secrets: Collection[str]) -> str:
    return redact(text, secrets)[:300]  # redact first: a cut could split a secret and keep its head

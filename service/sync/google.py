"""The one seam to Google: builds the gspread client and our retry and pacing policy.

Nothing else imports gspread. The policy, rather than gspread's BackOffHTTPClient:
- a timeout on every request;
- at most ATTEMPTS tries, exponential backoff with equal jitter (half of each wait fixed,
  half random), `Retry-After` honoured;
- 429 (quota) waits longer than 5xx and holds every later request too;
- a request Google may already have applied is retried only when repeating it is
  harmless (reads, `values:batchUpdate` with explicit ranges); a structural
  `:batchUpdate` that failed on the way is left to the next pass, which re-reads the sheet;
- requests are paced under the per-minute quota (writes and reads counted apart).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import time
from collections import deque
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

import gspread
import requests
from google.auth.credentials import Credentials
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

__all__ = ["APIError", "Pacer", "PolicyHTTPClient", "connect", "service_account_email"]

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
SHEETS_URL = "https://sheets.googleapis.com"
ATTEMPTS = 5
BACKOFF_5XX_SECONDS = 1.0  # doubled per attempt
BACKOFF_429_SECONDS = 10.0  # quota is counted per minute: waiting a moment is not enough
MAX_BACKOFF_SECONDS = 64.0
MAX_RETRY_AFTER = 120.0
RETRY_STATUS = frozenset({500, 502, 503, 504})


class Pacer:
    """Keeps at most `per_minute` requests of each kind in any sliding minute."""

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_minute = max(1, per_minute)
        self.clock = clock
        self.sleep = sleep
        self.sent: dict[str, deque[float]] = {"read": deque(), "write": deque()}
        self.hold_until = 0.0

    def hold(self, seconds: float) -> None:
        """Send nothing for `seconds` (after a 429)."""
        self.hold_until = max(self.hold_until, self.clock() + seconds)

    def wait(self, kind: str) -> None:
        sent = self.sent[kind]
        now = self.clock()
        if now < self.hold_until:
            self.sleep(self.hold_until - now)
            now = self.clock()
        while sent and sent[0] <= now - 60:
            sent.popleft()
        if len(sent) >= self.per_minute:
            self.sleep(sent[0] + 60 - now)
            now = max(self.clock(), sent[0] + 60)
            sent.popleft()
        sent.append(now)


def retry_after(response: requests.Response) -> float | None:
    """Seconds from a `Retry-After` header (seconds or an HTTP date), capped."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = (when - dt.datetime.now(dt.UTC)).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def repeatable(method: str, url: str) -> bool:
    """Whether sending the request twice leaves the sheet as sending it once."""
    method = method.upper()
    return method in ("GET", "PUT") or url.split("?")[0].endswith("/values:batchUpdate")


class PolicyHTTPClient(HTTPClient):
    """gspread's HTTP layer with our retry policy and pacing."""

    pacer: Pacer
    sleep: Callable[[float], None]
    jitter: Callable[[], float] = random.random

    def request(
        self,
        method: str,
        endpoint: str,
        params: MutableMapping[str, Any] | None = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: Any = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> requests.Response:
        safe = repeatable(method, endpoint)
        kind = "read" if method.upper() == "GET" else "write"
        for attempt in range(1, ATTEMPTS + 1):
            last = attempt == ATTEMPTS
            self.pacer.wait(kind)
            try:
                response = self.session.request(
                    method=method,
                    url=endpoint,
                    json=json,
                    params=params,
                    data=data,
                    files=files,
                    headers=headers,
                    timeout=self.timeout,
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                # A connect timeout never reached Google; a reset or read timeout may have.
                if last or not (safe or isinstance(exc, requests.ConnectTimeout)):
                    raise
                self.sleep(self._backoff(BACKOFF_5XX_SECONDS, attempt))
                continue
            if response.ok:
                return response
            status = response.status_code
            if last or not (status == 429 or (status in RETRY_STATUS and safe)):
                raise APIError(response)
            wait = retry_after(response)
            if status == 429:
                wait = wait if wait is not None else self._backoff(BACKOFF_429_SECONDS, attempt)
                self.pacer.hold(wait)
            else:
                self.sleep(
                    wait if wait is not None else self._backoff(BACKOFF_5XX_SECONDS, attempt)
                )
        raise AssertionError("unreachable")

    def _backoff(self, base: float, attempt: int) -> float:
        """Equal jitter: half the exponential bound, plus up to the other half at random,
        so workers spread out yet always wait a while."""
        bound = min(MAX_BACKOFF_SECONDS, base * 2 ** (attempt - 1))
        return bound / 2 + self.jitter() * bound / 2


def credentials(path: str) -> Credentials:
    """Service-account credentials with the one scope the sync needs."""
    return service_account.Credentials.from_service_account_file(path, scopes=list(SCOPES))


class Rerouting(requests.adapters.HTTPAdapter):
    """Sends Sheets API requests to another base URL (a proxy, or a local stand-in)."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        request.url = (request.url or "").replace(SHEETS_URL, self.base_url, 1)
        return super().send(request, *args, **kwargs)


def api_adapter(api_url: str | None) -> requests.adapters.BaseAdapter | None:
    """The adapter for a configured SYNC_GOOGLE_API_URL; None for Google itself."""
    if not api_url or api_url.rstrip("/") == SHEETS_URL:
        return None
    return Rerouting(api_url)


def connect(
    credentials_path: str | None,
    *,
    writes_per_minute: int = 60,
    timeout: float = 60.0,
    adapter: requests.adapters.BaseAdapter | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> gspread.Client:
    """A gspread client on an AuthorizedSession; `adapter` reroutes the Sheets API (tests).

    Raises ValueError or OSError when the key file is missing or unusable.
    """
    if not credentials_path:
        raise ValueError("CHECKLISTOR_GOOGLE_CREDENTIALS är inte satt")
    creds = credentials(credentials_path)
    session = AuthorizedSession(creds)
    if adapter is not None:
        session.mount(SHEETS_URL, adapter)
    client = gspread.Client(creds, session=session, http_client=PolicyHTTPClient)
    http = client.http_client
    assert isinstance(http, PolicyHTTPClient)
    http.pacer = Pacer(writes_per_minute, clock, sleep)
    http.sleep = sleep
    client.set_timeout((min(10.0, timeout), timeout))
    return client


def service_account_email(client: gspread.Client) -> str:
    creds = getattr(client.http_client.session, "credentials", None)
    return str(getattr(creds, "service_account_email", "") or "")

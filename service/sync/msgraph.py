"""The one seam to Microsoft Graph: an MSAL confidential client and our retry policy.

Nothing else imports msal. The token comes from MSAL's client-credentials flow (scope
`https://graph.microsoft.com/.default`, secret or certificate) and is cached by MSAL
until shortly before it expires. The policy, after Graph's throttling guidance:
- a timeout on every request;
- at most ATTEMPTS tries; 429 (and 503 that says Retry-After) waits as long as Graph asks
  (capped), other waits back off exponentially with jitter;
- a request Graph may already have applied (a reset, a read timeout, a 5xx) is repeated
  only when repeating it is harmless: reads, and writes of explicit ranges;
- `$batch` sends up to 20 calls at once, in order (`dependsOn`); calls throttled inside a
  batch are sent again from the first one that did not go through.
"""

from __future__ import annotations

import json
import random
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import msal
import msal.exceptions
import requests

GRAPH_URL = "https://graph.microsoft.com/v1.0"
AUTHORITY_HOST = "https://login.microsoftonline.com"
SCOPES = ["https://graph.microsoft.com/.default"]
ATTEMPTS = 5
BATCH_SIZE = 20  # Graph's limit of calls per $batch
BATCH_CHARACTERS = 3_000_000  # JSON per $batch, under Graph's 4 MB request limit
BACKOFF_SECONDS = 1.0  # doubled per attempt
MAX_BACKOFF_SECONDS = 32.0
MAX_RETRY_AFTER_SECONDS = 120.0
RETRY_STATUS = frozenset({500, 502, 503, 504})


class GraphError(Exception):
    """Graph said no; `status`, Graph's `code` and `message` as it sent them."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


class GraphAuthError(Exception):
    """MSAL got no token: `error` and `description` as Microsoft Entra sent them."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error, self.description = error, description


@dataclass(frozen=True)
class Call:
    """One Graph call, relative to the API root; `repeatable` if sending it twice is harmless."""

    method: str
    url: str
    body: Any = None
    repeatable: bool = True


def retry_after(headers: Any) -> float | None:
    """Seconds from a `Retry-After` header (Graph sends seconds), capped."""
    value = (headers or {}).get("Retry-After") or (headers or {}).get("retry-after")
    try:
        return min(max(float(str(value)), 0.0), MAX_RETRY_AFTER_SECONDS)
    except (TypeError, ValueError):
        return None


def _error_of(status: int, body: Any) -> GraphError:
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return GraphError(status, str(error.get("code", "")), str(error.get("message", "")))
    return GraphError(status, "", str(body)[:200] if body else "")


def credential(secret: str | None, certificate_path: str | None) -> str | dict[str, str]:
    """MSAL's client credential: a secret, or a PEM file holding a private key and certificate.

    Raises ValueError or OSError when neither is usable.
    """
    if certificate_path:
        with open(certificate_path, encoding="ascii") as handle:
            pem = handle.read()
        key_start = pem.find("-----BEGIN PRIVATE KEY-----")
        cert_start = pem.find("-----BEGIN CERTIFICATE-----")
        if key_start < 0 or cert_start < 0:
            raise ValueError(f"{certificate_path} ska innehålla både privat nyckel och certifikat")
        return {"private_key": pem[key_start:], "public_certificate": pem[cert_start:]}
    if secret:
        return str(secret)
    raise ValueError("varken GRAPH_CLIENT_SECRET eller GRAPH_CERTIFICATE är satt")


class _Session(requests.Session):
    """A session whose every request has a timeout and, when given, a CA bundle.

    requests lets REQUESTS_CA_BUNDLE override `session.verify`; a bundle configured for
    Graph must win over it, for MSAL's requests as for ours.
    """

    def __init__(self, timeout: float, verify: bool | str) -> None:
        super().__init__()
        self.default_timeout = (min(10.0, timeout), timeout)
        self.bundle = verify

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", self.default_timeout)
        if isinstance(self.bundle, str):
            kwargs["verify"] = self.bundle
        return super().request(method, url, *args, **kwargs)


class GraphClient:
    """Requests to Graph with a token from MSAL; `sleep` and `jitter` are seams for tests."""

    def __init__(
        self,
        tenant_id: str,
        client_id: str,
        client_credential: str | dict[str, str],
        *,
        api_url: str = GRAPH_URL,
        authority_host: str = AUTHORITY_HOST,
        timeout: float = 60.0,
        verify: bool | str = True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout
        self.sleep = sleep
        self.jitter: Callable[[], float] = random.random
        self.session = _Session(timeout, verify)
        # Microsoft's own authority is validated as MSAL does by default; any other host
        # (a sovereign cloud's stand-in, the tests' loopback authority) is taken as given.
        known = authority_host.rstrip("/") == AUTHORITY_HOST
        self.app = msal.ConfidentialClientApplication(
            client_id,
            client_credential=client_credential,
            authority=f"{authority_host.rstrip('/')}/{tenant_id}",
            validate_authority=known,
            instance_discovery=None if known else False,
            http_client=self.session,
        )

    def token(self) -> str:
        try:
            result = self.app.acquire_token_for_client(scopes=SCOPES)
        except msal.exceptions.MsalServiceError as exc:  # a 5xx from the sign-in
            raise GraphAuthError("server_error", str(exc)) from None
        if "access_token" not in result:
            raise GraphAuthError(
                str(result.get("error", "")), str(result.get("error_description", ""))
            )
        return str(result["access_token"])

    def request(
        self,
        method: str,
        url: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        repeatable: bool = True,
    ) -> Any:
        """The answer's JSON (None when empty); GraphError after the policy gives up."""
        fresh_token = False
        for attempt in range(1, ATTEMPTS + 1):
            last = attempt == ATTEMPTS
            sent = {"Authorization": f"Bearer {self.token()}", **(headers or {})}
            try:
                response = self.session.request(
                    method,
                    self.api_url + url,
                    json=body,
                    headers=sent,
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                # A connect timeout never reached Graph; a reset or read timeout may have.
                if last or not (repeatable or isinstance(exc, requests.ConnectTimeout)):
                    raise
                self.sleep(self._backoff(attempt))
                continue
            if response.ok:
                return response.json() if response.content else None
            status = response.status_code
            if status == 401 and not fresh_token:
                # A token Graph no longer takes: drop it and ask MSAL for a new one, once.
                fresh_token = True
                self.app.remove_tokens_for_client()
                continue
            wait = retry_after(response.headers)
            throttled = status == 429 or (status == 503 and wait is not None)
            if last or not (throttled or (status in RETRY_STATUS and repeatable)):
                try:
                    answer = response.json()
                except ValueError:
                    answer = response.text
                raise _error_of(status, answer)
            self.sleep(wait if wait is not None else self._backoff(attempt))
        raise AssertionError("unreachable")

    def batch(self, calls: Sequence[Call], headers: dict[str, str] | None = None) -> list[Any]:
        """Every call's answer body, in order; each chunk of 20 runs in order (`dependsOn`)."""
        answers: list[Any] = []
        chunk: list[Call] = []
        characters = 0
        for call in calls:
            size = len(json.dumps(call.body)) if call.body is not None else 0
            if chunk and (len(chunk) == BATCH_SIZE or characters + size > BATCH_CHARACTERS):
                answers += self._chunk(chunk, headers or {})
                chunk, characters = [], 0
            chunk.append(call)
            characters += size
        if chunk:
            answers += self._chunk(chunk, headers or {})
        return answers

    def _chunk(self, calls: list[Call], headers: dict[str, str]) -> list[Any]:
        done: list[Any] = []
        for attempt in range(1, ATTEMPTS + 1):
            todo = calls[len(done) :]
            requests_ = []
            for n, call in enumerate(todo):
                entry: dict[str, Any] = {"id": str(n + 1), "method": call.method, "url": call.url}
                entry["headers"] = dict(headers)
                if call.body is not None:
                    entry["body"] = call.body
                    entry["headers"]["Content-Type"] = "application/json"
                if n:
                    entry["dependsOn"] = [str(n)]
                requests_.append(entry)
            answer = self.request(
                "POST",
                "/$batch",
                {"requests": requests_},
                repeatable=all(c.repeatable for c in todo),
            )
            by_id = {str(r.get("id")): r for r in (answer or {}).get("responses", [])}
            wait: float | None = None
            for n, call in enumerate(todo):
                reply = by_id.get(str(n + 1), {"status": 424})
                status = int(reply.get("status", 0))
                if 200 <= status < 300:
                    done.append(reply.get("body"))
                    continue
                wait = retry_after(reply.get("headers"))
                throttled = status == 429 or (status == 503 and wait is not None)
                again = throttled or status == 424 or (status in RETRY_STATUS and call.repeatable)
                if attempt == ATTEMPTS or not again:
                    raise _error_of(status, reply.get("body"))
                break
            else:
                return done
            self.sleep(wait if wait is not None else self._backoff(attempt))
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> float:
        """Half the exponential bound plus jitter up to the other half, so workers spread."""
        bound = min(MAX_BACKOFF_SECONDS, BACKOFF_SECONDS * 2 ** (attempt - 1))
        return bound / 2 + self.jitter() * bound / 2


def share_id(url: str) -> str:
    """Graph's id for a sharing URL: `u!` and the URL in unpadded base64url."""
    import base64

    encoded = base64.urlsafe_b64encode(url.encode("utf-8")).decode("ascii").rstrip("=")
    return "u!" + encoded


def quote(segment: str) -> str:
    """A path segment (an id or a worksheet name) safe inside a Graph URL."""
    return urllib.parse.quote(segment, safe="")

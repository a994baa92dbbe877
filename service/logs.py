"""Logs an operator can use: one line per request, the same form for the sync, no secrets.

Every process (gunicorn's master and workers, `checklistor sync`, the CLI) writes to
stderr through `configure()`: plain text by default, one JSON object per line with
`CHECKLISTOR_LOG_FORMAT=json`. Each request gets one line (`init_app`) with its time,
request id, method, path, status, duration and organisation; never a query string, a
form field or a header. Sign-in tokens are redacted from every line that passes our
formatters, gunicorn's own lines included (`GunicornLogger`), so `/in/<token>` is written
as `/in/[redacted]` wherever it would appear.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import sys
import time
import uuid
from typing import Any

from flask import Flask, g, request
from gunicorn import glogging
from werkzeug.wrappers import Response

# A sign-in token is the path segment after /in/; anything up to a separator is secret.
_TOKEN = re.compile(r"(/in/)[^\s/?#\"'<>]+")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Fields a log call may add with `extra=`: they become JSON keys (or key=value in text).
FIELDS = ("request_id", "method", "path", "status", "duration_ms", "org", "target", "event")
# A request line's message already says these; the text form does not repeat them.
_IN_MESSAGE = ("method", "path", "status")
_HANDLER_MARK = "checklistor"

request_log = logging.getLogger("checklistor.request")


def redact(text: str) -> str:
    """The text with every sign-in token replaced."""
    return _TOKEN.sub(r"\1[redacted]", text)


def _utc(created: float) -> str:
    stamp = dt.datetime.fromtimestamp(created, dt.UTC)
    return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class TextFormatter(logging.Formatter):
    """`2026-11-29T09:00:00.123Z INFO checklistor.request GET /in/[redacted] 302 key=value`."""

    def format(self, record: logging.LogRecord) -> str:
        parts = [_utc(record.created), record.levelname, record.name, record.getMessage()]
        parts += [
            f"{k}={getattr(record, k)}"
            for k in FIELDS
            if k not in _IN_MESSAGE and getattr(record, k, None) is not None
        ]
        line = " ".join(str(p) for p in parts)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return redact(line)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the FIELDS set, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _utc(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        entry.update({k: getattr(record, k) for k in FIELDS if hasattr(record, k)})
        if "path" in entry:
            entry["path"] = redact(str(entry["path"]))
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def formatter(fmt: str | None = None) -> logging.Formatter:
    """The formatter chosen by CHECKLISTOR_LOG_FORMAT (`json`, else text)."""
    chosen = (fmt or os.environ.get("CHECKLISTOR_LOG_FORMAT", "text")).strip().lower()
    return JsonFormatter() if chosen == "json" else TextFormatter()


def configure(level: int | None = None, fmt: str | None = None) -> None:
    """Send this process's logs to stderr in the chosen form (idempotent); the level is
    CHECKLISTOR_LOG_LEVEL's (`warning` drops the request lines), by default INFO."""
    if level is None:
        named = os.environ.get("CHECKLISTOR_LOG_LEVEL", "INFO").strip().upper()
        level = logging.getLevelNamesMapping().get(named, logging.INFO)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(fmt))
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
    root.setLevel(level)


def init_app(app: Flask) -> None:
    """One log line per request, and the request id in the answer (`X-Request-Id`)."""

    @app.before_request
    def start() -> None:
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def finish(response: Response) -> Response:
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers["X-Request-Id"] = request_id
        started = g.get("request_started", time.perf_counter())
        org = g.get("org")
        request_log.info(
            "%s %s %s",
            request.method,
            redact(request.path),
            response.status_code,
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": redact(request.path),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "org": org.slug if org is not None else None,
            },
        )
        return response


class GunicornLogger(glogging.Logger):
    """gunicorn's own lines (start, workers, errors) in our form, tokens redacted."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(formatter())

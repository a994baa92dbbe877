"""Logs: one structured line per request, and no sign-in token in any log line.

The live test runs `checklistor serve` as an operator does and reads everything it wrote;
the in-process tests force an error on the sign-in route, whose log line carries the path.
"""

from __future__ import annotations

import io
import json
import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

import service.access
from service import logs
from service.runtime import runtime_of
from support.live import BIN, free_port, link_path, service_env, stop, wait_until_up


def serve(env: dict[str, str], log: Path) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    with log.open("ab") as err, log.with_suffix(".out").open("ab") as out:
        process = subprocess.Popen(
            [
                str(BIN / "checklistor"),
                "serve",
                "--port",
                str(port),
                "--workers",
                "1",
                "--no-links",
                "--no-sync",
            ],
            env={**env, "CHECKLISTOR_PUBLIC_URL": f"http://127.0.0.1:{port}"},
            stdout=out,
            stderr=err,
        )
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base, process)
    return base, process


def test_signing_in_leaves_no_token_in_the_logs_and_one_json_line_per_request(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = service_env(tmp_path / "instance", CHECKLISTOR_LOG_FORMAT="json", HOME=str(home))
    env.pop("XDG_RUNTIME_DIR", None)
    token_path = link_path(env, "karlskrona")
    admin_path = link_path(env, "admin")
    log = tmp_path / "service.log"
    # Two instances on one host, as with several services per machine.
    base, first = serve(env, log)
    other, second = serve(env, log)
    try:
        session = requests.Session()
        signed_in = session.get(base + token_path, allow_redirects=False, timeout=30)
        assert signed_in.status_code == 302
        assert session.get(other + admin_path, timeout=30).status_code == 200
        assert session.get(base + token_path + "x", timeout=30).status_code == 404
        assert session.get(base + "/in/", timeout=30).status_code == 404
    finally:
        stop(first)
        stop(second)
    text = log.read_text(encoding="utf-8")
    printed = log.with_suffix(".out").read_text(encoding="utf-8")
    for path in (token_path, admin_path):
        assert path.removeprefix("/in/") not in text + printed
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    requests_logged = [e for e in lines if e["logger"] == "checklistor.request"]
    sign_in = [e for e in requests_logged if e["request_id"] == signed_in.headers["X-Request-Id"]]
    assert len(sign_in) == 1
    assert sign_in[0]["status"] == 302
    assert sign_in[0]["path"] == "/in/[redacted]"
    assert sign_in[0]["method"] == "GET"
    assert sign_in[0]["org"] == "karlskrona"
    assert sign_in[0]["duration_ms"] >= 0
    assert {e["status"] for e in requests_logged} >= {200, 302, 404}
    # gunicorn's control socket is off: nothing shared in the home folder.
    assert not (home / ".gunicorn").exists()


@pytest.fixture
def captured(request: pytest.FixtureRequest) -> Iterator[io.StringIO]:
    """Everything logged through our formatter (text or JSON by the test's parameter)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.formatter(request.param))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.mark.parametrize("captured", ["text", "json"], indirect=True)
def test_an_error_on_the_sign_in_route_is_logged_without_the_token(
    app: Flask, captured: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(service.access, "subject_for_token", broken)
    reply = app.test_client().get("/in/secret-token-value-1234")
    assert reply.status_code == 500
    output = captured.getvalue()
    assert "database went away" in output  # the error itself is logged, with its traceback
    assert "/in/[redacted]" in output
    assert "secret-token-value-1234" not in output


def test_redaction_keeps_the_rest_of_the_line() -> None:
    line = 'GET /in/abc-DEF_123 HTTP/1.1" 302 and "https://x.se/in/tok?next=/hem"'
    assert logs.redact(line) == (
        'GET /in/[redacted] HTTP/1.1" 302 and "https://x.se/in/[redacted]?next=/hem"'
    )


@pytest.mark.parametrize("captured", ["json"], indirect=True)
def test_a_database_error_is_logged_without_the_values_it_was_writing(
    app: Flask, captured: io.StringIO
) -> None:
    engine = runtime_of(app).engine
    answer = "-".join(["hemligt", "svar"])  # not in the traceback's source lines
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO no_such_table VALUES (:v)"), {"v": answer})
    except SQLAlchemyError:
        logging.getLogger("checklistor.test").exception("saving failed")
    output = captured.getvalue()
    assert "no_such_table" in output
    assert answer not in output

"""Public pages, security headers, health check and error pages."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

FILL_SCRIPT = re.compile(r'<script src="/static/fill\.js\?v=[0-9a-f]{12}" defer>')


def test_start_page_explains_the_three_checklists(client: Any) -> None:
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="sv">' in page
    assert page.count("<h1>") == 1
    for title in ("översiktsplan", "detaljplan", "trafikförsörjningsprogram"):
        assert f"Checklista vid framtagande av {title}" in page
    assert 'class="skip-link" href="#main"' in page


def test_security_headers(client: Any) -> None:
    reply = client.get("/")
    csp = reply.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    assert reply.headers["X-Frame-Options"] == "DENY"


def test_no_inline_script_or_style_in_pages(sign_in: Any) -> None:
    browser = sign_in()
    for url in ("/", "/hem", "/checklista/oversiktsplan/ny"):
        page = browser.client.get(url).get_data(as_text=True)
        # Scripts only as files from /static (progressive enhancement), never inline.
        scripts = re.findall(r"<script[^>]*>", page)
        assert scripts == [] or (len(scripts) == 1 and FILL_SCRIPT.fullmatch(scripts[0]))
        assert "style=" not in page and "<style" not in page


def test_healthz(client: Any) -> None:
    reply = client.get("/healthz")
    assert reply.status_code == 200
    assert reply.get_json() == {"status": "ok", "sync": "ok", "oldest_waiting_s": None}


def test_unknown_page_is_a_swedish_404(client: Any) -> None:
    reply = client.get("/finns/inte")
    assert reply.status_code == 404 and "Sidan finns inte" in reply.get_data(as_text=True)


def test_wrong_method_is_a_swedish_405(client: Any) -> None:
    reply = client.post("/")
    assert reply.status_code in (400, 405)
    assert "Traceback" not in reply.get_data(as_text=True)


def test_unexpected_error_is_a_swedish_500_without_traceback(app: Flask) -> None:
    @app.get("/explode")
    def explode() -> str:
        raise RuntimeError("boom")

    reply = app.test_client().get("/explode")
    assert reply.status_code == 500
    text = reply.get_data(as_text=True)
    assert "Något gick fel hos oss" in text and "boom" not in text

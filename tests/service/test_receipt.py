"""The receipt points to where the organisation can see its answers, and promises no more."""

from __future__ import annotations

from typing import Any

from flask import Flask

from service.runtime import runtime_of
from service.sync import registry
from support.answers import complete_answers


def test_the_receipt_offers_the_download_or_the_google_sheet(
    app: Flask, sign_in: Any, catalogue: Any, tmp_path: Any
) -> None:
    browser = sign_in("karlskrona")
    reply = browser.post_form(
        "/checklista/detaljplan/ny", complete_answers(catalogue.latest("detaljplan"))
    )
    receipt = browser.client.get(reply.location).get_data(as_text=True)
    assert "organisations kalkylblad" not in receipt  # a file on the server is no sheet to open
    assert 'href="/hem/svar.xlsx"' in receipt

    org = runtime_of(app).organisations.get("karlskrona")
    # The organisation is frozen as loaded; a test may still point it at a Google Sheet.
    object.__setattr__(org, "spreadsheet", registry.target({"google_key": "1AbC"}))
    receipt = browser.client.get(reply.location).get_data(as_text=True)
    assert 'href="https://docs.google.com/spreadsheets/d/1AbC/edit"' in receipt
    assert 'href="/hem/svar.xlsx"' not in receipt

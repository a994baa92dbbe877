"""The PDF/A of a submitted revision and of a blank checklist, read back with pypdf and pikepdf."""

from __future__ import annotations

import io
from typing import Any

import pikepdf
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from service.db import get_db
from service.models import Response
from support.answers import complete_answers

FORM = "detaljplan"


def text_of(pdf: bytes) -> str:
    """The document's text with line breaks folded, so wrapped questions compare whole."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def folded(text: str) -> str:
    return " ".join(text.split())


def fonts(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    found = []
    for page in pdf.pages:
        for font in (page.Resources.get("/Font") or {}).values():
            found.append(font)
    return found


def embedded(font: Any) -> bool:
    descendants = font.get("/DescendantFonts")
    if descendants is not None:
        font = descendants[0]
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
    )


def test_a_submitted_revision_as_pdfa(app: Flask, sign_in: Any, catalogue: Any) -> None:
    form = catalogue.latest(FORM)
    data = complete_answers(form, "delvis")
    data["m-plan_name"] = "Hästö 4:12"
    data["m-diarienummer"] = "SBF 2026/123"
    data["m-stage"] = "samrad"
    browser = sign_in()
    reply = browser.post_form(f"/checklista/{FORM}/ny", {**data, "by": "Planarkitekt Åsa"})
    receipt = browser.client.get(reply.location).get_data(as_text=True)
    link = next(part.split('"')[0] for part in receipt.split('href="') if '.pdf"' in part[:80])
    with app.app_context():
        response = get_db().scalars(select(Response)).one()
        reference = response.plan.reference

    download = browser.client.get(link)
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert f"{reference}-samrad-version-1.pdf" in download.headers["Content-Disposition"]
    pdf = download.data
    text = text_of(pdf)
    for expected in (
        "Karlskrona kommun",
        form.title,
        "Hästö 4:12",
        "SBF 2026/123",
        "Samråd",
        reference,
        "Planarkitekt Åsa",
        "Sida 1 av",
    ):
        assert expected in text, expected
    for item in form.items:
        assert folded(item.question) in text, item.question
    assert text.count("Svar: Delvis") == form.item_count
    for item in form.items:
        if data[item.comment_name]:
            assert f"Kommentar: {data[item.comment_name]}" in text
    assert "Planens historik" in text

    with pikepdf.open(io.BytesIO(pdf)) as document:
        meta = document.open_metadata()
        assert meta.pdfa_status in ("3B", "3b")
        assert meta.get("pdfaid:part") == "3"
        assert document.Root.get("/OutputIntents") is not None
        used = fonts(document)
        assert used and all(embedded(font) for font in used)


def test_a_blank_checklist_as_pdf(client: Any, catalogue: Any) -> None:
    form = catalogue.latest(FORM)
    reply = client.get(f"/checklista/{FORM}/tom.pdf")
    assert reply.status_code == 200
    text = text_of(reply.data)
    for item in form.items:
        assert folded(item.question) in text
    assert text.count("☐ Ja") == form.item_count
    assert client.get("/checklista/finns-inte/tom.pdf").status_code == 404

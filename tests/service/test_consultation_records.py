"""Samråd in the record: the region's workbook, an organisation's download, the plan's PDF
and the region's overview. Drafts never appear anywhere but with their writer."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from flask import Flask

from exports.consultsheet import COLUMNS, NOTHING_HERE
from forms.clock import swedish_today
from service.models import Consultation, ConsultationComment, Response
from tests.consultation_rows import ask, submitted_plan, update, write
from tests.service.test_downloads import download
from tests.service.test_pdf import text_of

HEADERS = [header for header, _ in COLUMNS]
COMMENT, REPLY = HEADERS.index("Kommentar"), HEADERS.index("Svar")


def sheet(data: bytes) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(io.BytesIO(data))["Samråd"]
    found = [list(row) for row in ws.iter_rows(values_only=True)]
    assert found[0] == HEADERS
    return [dict(zip(HEADERS, row, strict=True)) for row in found[1:] if row[0] != NOTHING_HERE]


def texts(rows: list[dict[str, Any]]) -> set[str]:
    return {row["Kommentar"] or row["Svar"] for row in rows}


@pytest.fixture
def consulted(app: Flask) -> dict[str, Any]:
    """Karlskrona asks the region, Trafikverket and Länsstyrelsen on a detaljplan; the region
    and Trafikverket comment, Karlskrona replies and handles one thread; drafts lie about."""
    response = submitted_plan(app)
    request = ask(app, response, reply_by=dt.date(2026, 12, 18))
    late = ask(
        app,
        submitted_plan(app, name="Vämö park"),
        ("trafikverket",),
        reply_by=swedish_today() - dt.timedelta(days=4),
    )
    atgard = write(
        app,
        request,
        "trafikverket",
        "Hållplatsen ligger fel.",
        question_id="dp_op_strak",
        kind="atgard",
        author="Handläggare Bo",
    )
    write(app, request, "karlskrona", "Vi flyttar den norrut.", parent_id=atgard, author="Åsa")
    update(
        app,
        ConsultationComment,
        atgard,
        handled_at=dt.datetime(2026, 12, 10, 9),
        handled_note="Hållplatsen flyttad i granskningshandlingen",
    )
    write(app, request, "region-blekinge", "Bra i stort.", kind="synpunkt")
    write(
        app,
        request,
        "region-blekinge",
        "HEMLIGT UTKAST",
        question_id="dp_natpaverkan",
        kind="synpunkt",
        sent=False,
    )
    write(app, request, "karlskrona", "SVARSUTKAST", parent_id=atgard, sent=False)
    return {"response": response, "request": request, "late": late}


def test_the_region_workbook_has_every_sent_message_and_no_draft(
    admin: Any, consulted: dict[str, Any]
) -> None:
    reply = download(admin.client, "/admin/export.xlsx")
    assert reply.status_code == 200
    rows = sheet(reply.data)
    assert texts(rows) == {"Hållplatsen ligger fel.", "Vi flyttar den norrut.", "Bra i stort."}
    first = next(r for r in rows if r["Kommentar"] == "Hållplatsen ligger fel.")
    assert first["Organisation"] == "Karlskrona kommun" and first["Plan"] == "Hästö 4:12"
    assert first["Referens"].startswith("DP-") and first["Skede"] == "Samråd"
    assert first["Frågenr"] == 2 and first["Fråga"].startswith("Stämmer planområdets läge")
    assert first["Remissinstans"] == "Trafikverket" and first["Typ"] == "Behöver åtgärdas"
    assert first["Status"] == "hanterad"
    reply_row = next(r for r in rows if r["Svar"] == "Vi flyttar den norrut.")
    assert reply_row["Remissinstans"] == "Trafikverket" and reply_row["Meddelande"] == "Svar"
    assert "Handläggare Bo" not in str(rows) and "Åsa" not in str(rows)  # names stay inside
    other = download(admin.client, "/admin/export.xlsx?org=ronneby")
    assert sheet(other.data) == []  # the selection's organisations ask nothing


def test_each_organisation_downloads_its_requests_and_its_own_threads(
    sign_in: Any, consulted: dict[str, Any]
) -> None:
    def own(org: str) -> set[str]:
        reply = download(sign_in(org).client, "/hem/svar.xlsx")
        assert reply.status_code == 200
        return texts(sheet(reply.data))

    assert own("karlskrona") == {
        "Hållplatsen ligger fel.",
        "Vi flyttar den norrut.",
        "Bra i stort.",
    }
    assert own("trafikverket") == {"Hållplatsen ligger fel.", "Vi flyttar den norrut."}
    assert own("region-blekinge") == {"Bra i stort."}
    assert own("ronneby") == set()


def test_the_pdf_has_an_appendix_with_the_sent_comments_and_replies(
    app: Flask, sign_in: Any, consulted: dict[str, Any]
) -> None:
    response: Response = consulted["response"]
    reply = download(sign_in().client, f"/svar/{response.id}/version/{response.revision}.pdf")
    assert reply.status_code == 200
    text = text_of(reply.data)
    appendix = text[text.index("Bilaga: Samråd") :]
    for said in (
        "Trafikverket (svarade",
        "Länsstyrelsen Blekinge (inget svar)",
        "2. Stämmer planområdets läge",
        "Kommentar från Trafikverket (Handläggare Bo)",
        "Behöver åtgärdas",
        "Hållplatsen ligger fel.",
        "Svar från Karlskrona kommun (Åsa)",
        "Vi flyttar den norrut.",
        "Hanterad 10 december 2026: Hållplatsen flyttad i granskningshandlingen",
        "Helhetsyttranden",
        "Bra i stort.",
    ):
        assert said in appendix, said
    assert "UTKAST" not in text


def test_no_request_no_appendix(app: Flask, sign_in: Any) -> None:
    response = submitted_plan(app, name="Utan samråd")
    reply = download(sign_in().client, f"/svar/{response.id}/version/{response.revision}.pdf")
    assert "Bilaga: Samråd" not in text_of(reply.data)


def test_the_overview_counts_open_requests_and_lists_late_replies(
    app: Flask, admin: Any, consulted: dict[str, Any]
) -> None:
    update(
        app,
        Consultation,
        ask(app, consulted["response"], ("ronneby",), reply_by=dt.date(2020, 1, 1)),
        withdrawn_at=dt.datetime(2026, 1, 1),
    )
    page = " ".join(admin.client.get("/admin/").get_data(as_text=True).split())
    section = page[
        page.index("<h2>Samråd: förfrågningar om synpunkter</h2>") : page.index(
            "Arbetsboken i Excel"
        )
    ]
    assert '<th scope="row">Karlskrona kommun</th> <td>2</td> <td>0</td> <td>0</td>' in section
    assert (
        '<th scope="row">Trafikverket</th> <td>0</td> <td>1</td> <td><strong>1</strong></td>'
        in section
    )
    assert '<th scope="row">Länsstyrelsen Blekinge</th> <td>0</td> <td>1</td> <td>0</td>' in section
    assert "Ronneby kommun" not in section  # its only request was withdrawn
    late = section[section.index("Sena svar") :]
    assert "Vämö park" in late and "4 dagar sent" in late and "Hästö" not in late

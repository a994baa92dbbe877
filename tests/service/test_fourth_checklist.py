"""A fourth checklist is one more definition file: no code knows the shipped three by name.

The definition lives in a forms folder of its own next to copies of the shipped ones, and
goes the whole way: the form page, Fortsätt → Kontrollera → Skicka in, the local .xlsx
mirror, the region's workbook and an XLSForm round trip.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from flask import Flask

from forms import Form, load_catalogue
from forms.catalogue import DEFINITIONS_DIR
from forms.xlsform import read_xlsform
from forms.xlsform_writer import write_xlsform
from service import create_app
from service.models import AccessLink
from service.runtime import runtime_of
from tests.conftest import Browser, complete_answers
from tests.sync.helpers import by_key, sheet_rows, workbook_path, worker

FOURTH = """\
id: regionplan
version: 1
title: Checklista vid framtagande av regionplan
short_title: Regionplan
order: 0
reference_prefix: RPL
details_title: Uppgifter om regionplanen
description: Checklistan prövar om regionplanen ger kollektivtrafiken plats.
metadata:
  - {id: plan_name, label: Regionplanens namn, type: text, required: true}
  - {id: diarienummer, label: Diarienummer, type: text, required: true}
  - id: stage
    label: Skede
    type: choice
    required: true
    choices:
      - {value: samrad, label: Samråd}
      - {value: granskning, label: Granskning}
  - {id: date, label: Datum, type: date, required: true}
  - {id: contact_role, label: Kontaktpersonens roll, type: text}
  - {id: contact_email, label: Kontaktpersonens e-post, type: email}
sections:
  - id: rp_struktur
    title: Struktur
    items:
      - id: rp_noder
        question: Pekar planen ut regionala noder för kollektivtrafiken?
      - id: rp_strak
        question: Finns de starka kollektivtrafikstråken med?
  - id: rp_genomforande
    title: Genomförande
    items:
      - id: rp_ansvar
        question: Framgår vem som ansvarar för åtgärderna?
"""


@pytest.fixture
def forms_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "forms"
    shutil.copytree(DEFINITIONS_DIR, folder)
    (folder / "regionplan.yaml").write_text(FOURTH, "utf-8")
    return folder


@pytest.fixture
def app4(tmp_path: Path, database_url: str, forms_dir: Path) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "FORMS_DIR": str(forms_dir),
        }
    )


@pytest.fixture
def fourth(forms_dir: Path) -> Form:
    return load_catalogue(forms_dir).latest("regionplan")


def submit_through_review(browser: Browser, form: Form) -> tuple[str, str]:
    """Fortsätt, Kontrollera dina svar, Skicka in; returns (response id, receipt page)."""
    reply = browser.post_form(f"/checklista/{form.id}/ny", complete_answers(form), "review")
    assert reply.status_code == 302 and reply.location.endswith("/kontrollera")
    review = browser.client.get(reply.location).get_data(as_text=True)
    assert form.details_title in review
    sent = browser.post_form(reply.location, {}, "submit")
    assert sent.status_code == 302 and "/kvitto/1" in sent.location
    response_id = sent.location.split("/svar/")[1].split("/")[0]
    return response_id, browser.client.get(sent.location).get_data(as_text=True)


def test_a_fourth_definition_goes_from_form_page_to_mirror_and_export(
    app4: Flask, fourth: Form
) -> None:
    catalogue = runtime_of(app4).forms
    assert catalogue.current()[0].id == "regionplan"  # its `order` puts it first

    browser = Browser(app4, "karlskrona")
    page = browser.client.get("/checklista/regionplan/ny").get_data(as_text=True)
    assert "Uppgifter om regionplanen" in page
    for item in fourth.items:
        assert page.count(f'name="{item.answer_name}"') == len(item.choices)

    response_id, receipt = submit_through_review(browser, fourth)
    assert "Checklistan är inskickad" in receipt and "RPL-" in receipt  # its reference_prefix
    view = browser.client.get(f"/svar/{response_id}").get_data(as_text=True)
    assert "<h2>Uppgifter om regionplanen</h2>" in view

    [result] = worker(app4).run_once()
    assert result.outcome == "written"
    mirror = openpyxl.load_workbook(workbook_path(app4))
    assert mirror.sheetnames[0] == "Regionplan"
    [row] = by_key(sheet_rows(workbook_path(app4), "Regionplan"))
    assert row["response_id"] == response_id and row["status"] == "Inskickat"
    assert {k for k in row if k.startswith("item:")} == {f"item:{i.id}" for i in fourth.items}

    admin = Browser(app4, AccessLink.ADMIN)
    with admin.client.get("/admin/export.xlsx?form=regionplan") as reply:
        assert reply.status_code == 200
        region = openpyxl.load_workbook(io.BytesIO(reply.get_data()))
    data = region["Regionplan"]
    assert response_id in {row[-1] for row in data.iter_rows(min_row=2, values_only=True)}


def test_a_fourth_definition_survives_the_xlsform_round_trip(app4: Flask, fourth: Form) -> None:
    assert read_xlsform(write_xlsform(fourth), fourth.source) == fourth
    admin = Browser(app4, AccessLink.ADMIN)
    with admin.client.get("/admin/checklistor/regionplan.xlsx") as reply:
        assert reply.status_code == 200, reply.status_code
        downloaded: Any = reply.get_data()
    back = read_xlsform(downloaded, fourth.source)
    assert back == fourth
    assert (back.details_title, back.order, back.reference_prefix) == (
        "Uppgifter om regionplanen",
        0,
        "RPL",
    )

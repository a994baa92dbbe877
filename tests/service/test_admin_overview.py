"""The admin overview: organisations × checklists for a year and a stage, cells to plans."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import openpyxl
import pytest
from flask import Flask

from service.db import get_db
from service.models import Response, Revision

THIS_YEAR = dt.date.today().year


def add(
    app: Flask,
    org: str,
    form_id: str,
    name: str,
    stage: str,
    when: dt.datetime,
    *,
    status: str = "submitted",
) -> str:
    data = {"metadata": {"plan_name": name, "stage": stage}, "answers": {}}
    with app.app_context():
        db = get_db()
        submitted = status == "submitted"
        response = Response(
            org=org,
            form_id=form_id,
            form_version=1,
            status=status,
            data=data,
            updated_at=when,
            revision=1 if submitted else 0,
            submitted_at=when if submitted else None,
        )
        db.add(response)
        if submitted:
            db.add(
                Revision(response=response, number=1, form_version=1, data=data, submitted_at=when)
            )
        db.commit()
        return response.id


@pytest.fixture
def plans(app: Flask) -> dict[str, str]:
    now = dt.datetime(THIS_YEAR, 1, 10, 9, 0)
    return {
        "vamo": add(app, "karlskrona", "detaljplan", "Vämö park", "samrad", now),
        "hästö": add(
            app, "karlskrona", "detaljplan", "Hästö", "granskning", now + dt.timedelta(days=3)
        ),
        "old": add(
            app, "karlskrona", "oversiktsplan", "ÖP 2030", "antagande", dt.datetime(2024, 5, 1, 8)
        ),
        "draft": add(app, "ronneby", "detaljplan", "Utkast", "samrad", now, status="draft"),
        "tfp": add(app, "region-blekinge", "trafikforsorjningsprogram", "TFP", "remiss", now),
    }


def cell(page: str, org: str, column: int) -> str:
    """The text of an organisation's cell in the matrix (0 = first checklist)."""
    row = page.split(f"{org}</span>")[1].split("</tr>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.split("<td")[column + 1])).strip()


def test_matrix_counts_plans_of_the_year_with_stage_and_marks_missing(
    admin: Any, plans: dict[str, str]
) -> None:
    page = admin.client.get("/admin/").get_data(as_text=True)
    # Columns: Översiktsplan, Detaljplan, Trafikförsörjningsprogram.
    assert cell(page, "Karlskrona kommun", 1).endswith(
        f"2 planer Granskning 13 januari {THIS_YEAR}"
    )
    assert cell(page, "Karlskrona kommun", 0).endswith("Saknas")  # the 2024 plan is not this year
    assert cell(page, "Ronneby kommun", 1).endswith("Saknas")  # a draft is not sent in
    assert cell(page, "Ronneby kommun", 2).endswith("ej aktuellt")
    assert cell(page, "Trafikverket", 1).endswith("ej aktuellt")
    assert cell(page, "Region Blekinge (med Blekingetrafiken)", 2).endswith(
        f"1 plan Remiss 10 januari {THIS_YEAR}"
    )
    silent = page.split("Inget inskickat")[1].split("</ul>")[0]
    assert "Ronneby kommun" in silent and "Karlskrona kommun" not in silent
    assert "Trafikverket" not in silent  # agencies are expected to fill in nothing
    assert "innehåller 3 inskickade checklistor" in page
    assert f'href="/admin/export.xlsx?from={THIS_YEAR}-01-01&amp;to={THIS_YEAR}-12-31"' in page
    # No server paths or commands for region staff.
    assert "checklistor sync" not in page and "sheets/" not in page and ".xlsx</td>" not in page


def test_year_and_stage_filters(admin: Any, plans: dict[str, str]) -> None:
    page = admin.client.get("/admin/?year=alla&stage=antagande").get_data(as_text=True)
    assert cell(page, "Karlskrona kommun", 0).endswith("1 plan Antagande 1 maj 2024")
    assert cell(page, "Karlskrona kommun", 1).endswith("Saknas")
    assert '<option value="2024" selected>' not in page and "innehåller 1 inskickad" in page
    assert "stage=antagande" in page.split("Ladda ner arbetsboken")[0].rsplit("href=", 1)[1]

    page = admin.client.get("/admin/?year=2024").get_data(as_text=True)
    assert '<option value="2024" selected>' in page
    assert cell(page, "Karlskrona kommun", 0).endswith("1 plan Antagande 1 maj 2024")


@pytest.mark.parametrize("query", ["year=tjugo", "year=99999", "stage=okänt"])
def test_unusable_filter_is_explained_in_swedish(admin: Any, query: str) -> None:
    reply = admin.client.get(f"/admin/?{query}")
    assert reply.status_code == 400
    page = reply.get_data(as_text=True)
    assert "Urvalet kunde inte användas" in page and "Traceback" not in page


def test_cell_lists_the_plans_and_each_links_to_its_read_only_view(
    admin: Any, plans: dict[str, str]
) -> None:
    page = admin.client.get("/admin/").get_data(as_text=True)
    link = re.search(r'href="(/admin/planer\?org=karlskrona&amp;form=detaljplan[^"]*)"', page)
    assert link
    listing = admin.client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert listing.index("Hästö") < listing.index("Vämö park")  # newest first
    assert f'href="/svar/{plans["vamo"]}"' in listing and plans["vamo"] in listing
    assert "Samråd" in listing and "ÖP 2030" not in listing
    view = admin.client.get(f"/svar/{plans['vamo']}")
    assert view.status_code == 200 and "Vämö park" in view.get_data(as_text=True)

    assert admin.client.get("/admin/planer?org=nobody&form=detaljplan").status_code == 404
    assert admin.client.get("/admin/planer?org=ronneby&form=nothing").status_code == 404


def test_an_organisation_cannot_see_the_overview_or_lists(
    sign_in: Any, plans: dict[str, str]
) -> None:
    browser = sign_in("ronneby")
    for url in ("/admin/", "/admin/planer?org=karlskrona&form=detaljplan"):
        assert browser.client.get(url).status_code == 404


def test_the_download_uses_the_filters_shown_and_holds_what_it_says(
    admin: Any, plans: dict[str, str]
) -> None:
    page = admin.client.get("/admin/?year=alla&stage=samrad").get_data(as_text=True)
    assert "innehåller 1 inskickad checklista." in page  # Vämö park; the draft is not counted
    url = re.search(r'href="(/admin/export\.xlsx[^"]*)"', page)
    assert url and "stage=samrad" in url.group(1)
    with admin.client.get(url.group(1).replace("&amp;", "&")) as reply:
        data = reply.get_data()
    assert reply.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(data))
    overview = [r for r in book["Översikt"].iter_rows(values_only=True)]
    assert next(r for r in overview if r[0] == "Antal checklistor i urvalet")[1] == 1
    assert next(r for r in overview if r[0] == "Skede")[1] == "Samråd"
    assert [r[-1] for r in book["Detaljplan"].iter_rows(min_row=2, values_only=True)] == [
        plans["vamo"]
    ]
    assert admin.client.get("/admin/export.xlsx?stage=okant").status_code == 400

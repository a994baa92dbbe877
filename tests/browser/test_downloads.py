"""The region admin sees who has answered and downloads the workbook; an organisation
downloads its own and cannot reach another's pages. The test opens each downloaded file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl

from forms import Form
from tests.browser.audit import audit, fill_quickly, send_quickly
from tests.browser.conftest import ADMIN
from tests.browser.keys import activate, metadata_values, tab_to

REVIEWER = "lansstyrelsen-blekinge"
OTHER = "trafikverket"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def submit(signed_in: Any, org: str, form: Form) -> str:
    """A complete response submitted by `org`; returns its id."""
    page = signed_in(org)
    page.goto(f"/checklista/{form.id}/ny")
    fill_quickly(page, form, metadata_values(form, org))
    send_quickly(page)
    match = re.search(r"/svar/([0-9a-f]+)/kvitto/1", page.url)
    assert match, page.url
    page.context.close()
    return match.group(1)


def download(page: Any, selector: str) -> Any:
    """Tab to a download link or button, press Enter and open the saved workbook."""
    tab_to(page, selector)
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    saved = info.value
    assert saved.suggested_filename.endswith(".xlsx")
    path = Path(saved.path()).with_suffix(".xlsx")
    saved.save_as(path)
    return openpyxl.load_workbook(path, read_only=True)


def response_ids(sheet: Any) -> set[str]:
    # The response id is the last column of the shared layout.
    return {row[-1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[-1]}


def test_region_admin_sees_who_answered_and_downloads_the_workbook(
    catalogue: Any, signed_in: Any
) -> None:
    form = catalogue.get("detaljplan")
    mine = submit(signed_in, REVIEWER, form)
    other = submit(signed_in, OTHER, form)

    page = signed_in(ADMIN)
    row = page.locator("tbody tr", has=page.locator("th", has_text="Länsstyrelsen Blekinge"))
    assert re.search(r"[1-9]\d* plan", row.locator("td").nth(1).inner_text())

    activate(page, 'a[href^="/admin/export?"]')
    audit(page, "admin downloads")
    workbook = download(page, 'button[type="submit"]')
    assert form.short_title in workbook.sheetnames
    assert {mine, other} <= response_ids(workbook[form.short_title])
    workbook.close()

    # Only the reviewer's answers, chosen with the keyboard.
    page.goto("/admin/export")
    tab_to(page, f"#org-{REVIEWER}")
    page.keyboard.press("Space")
    workbook = download(page, 'button[type="submit"]')
    ids = response_ids(workbook[form.short_title])
    assert mine in ids and other not in ids
    workbook.close()

    # A date that cannot be read is explained on the page, which stays accessible.
    assert page.goto("/admin/export.xlsx?from=2026-02-30").status == 400
    assert page.locator(".error-summary").is_visible()
    audit(page, "admin downloads with an error")


def test_organisation_downloads_its_own_workbook_and_nothing_else(
    catalogue: Any, signed_in: Any
) -> None:
    form = catalogue.get("oversiktsplan")
    mine = submit(signed_in, REVIEWER, form)
    other = submit(signed_in, OTHER, form)

    page = signed_in(REVIEWER)
    workbook = download(page, 'a[href="/hem/svar.xlsx"]')
    sheet = workbook[form.short_title]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert mine in {r[-1] for r in rows} and other not in {r[-1] for r in rows}
    assert {r[0] for r in rows} == {"Länsstyrelsen Blekinge"}
    workbook.close()

    for path in (f"/svar/{other}", f"/svar/{other}/andra", "/admin/", "/admin/export.xlsx"):
        answer = page.goto(path)
        assert answer.status == 404, path
        assert page.locator("h1").inner_text() == "Sidan finns inte"
        assert "Länsstyrelsen" not in page.locator("main").inner_text() or path == "/admin/"
    assert page.goto(f"/svar/{mine}").status == 200

"""The region's analyst follows up: filters a year, opens a cell, opens a plan (keyboard only).

Every page on the way passes the accessibility audit.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from tests.browser.audit import audit, fill_quickly, send_quickly
from tests.browser.conftest import ADMIN
from tests.browser.keys import activate, metadata_values, tab_to

ORG = "olofstrom"  # its pages are audited before this test and not in English after
PLAN = "Detaljplan för Kilen"


def submit_plan(signed_in: Any, catalogue: Any) -> str:
    form = catalogue.get("detaljplan")
    values = metadata_values(form, ORG)
    values["plan_name"] = PLAN
    values["stage"] = "samrad"
    page = signed_in(ORG)
    page.goto(f"/checklista/{form.id}/ny")
    fill_quickly(page, form, values, answer="delvis")
    send_quickly(page)
    match = re.search(r"/svar/([0-9a-f]+)/kvitto/1", page.url)
    assert match, page.url
    page.context.close()
    return match.group(1)


def test_admin_filters_a_year_opens_a_cell_and_a_plan(catalogue: Any, signed_in: Any) -> None:
    response_id = submit_plan(signed_in, catalogue)
    page = signed_in(ADMIN, viewport={"width": 1200, "height": 900})
    assert page.url.endswith("/admin/")
    audit(page, "admin overview")
    year = str(dt.date.today().year)
    assert page.locator("#year").input_value() == year

    # Every year, not only this one.
    tab_to(page, "#year")
    page.select_option("#year", "alla")
    tab_to(page, ".filters button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "year=alla" in page.url
    audit(page, "admin overview, every year")
    row = page.locator("tbody tr", has=page.locator("th", has_text="Olofströms kommun"))
    cell = row.locator("td").nth(1)  # Detaljplan
    assert re.search(r"\d+ plan", cell.inner_text()) and "Samråd" in cell.inner_text()
    assert "ej aktuellt" in row.locator("td").nth(2).inner_text()  # not the region's programme
    # No journey sends Sölvesborg's översiktsplan in: expected, so missing.
    saknas = page.locator("tbody tr", has=page.locator("th", has_text="Sölvesborgs kommun"))
    assert "Saknas" in saknas.locator("td").nth(0).inner_text()
    assert "innehåller" in page.locator("main").inner_text()
    # No server paths or commands in the follow-up (the mirrors' state comes from the sync's
    # own partial, below it).
    follow_up = page.locator("main").inner_text().split("Organisationernas kalkylblad")[0]
    assert "/" not in follow_up.replace("(.xlsx)", "") and "checklistor sync" not in follow_up

    link = cell.locator("a")
    activate(page, f'a[href="{link.get_attribute("href")}"]')
    assert "/admin/planer?" in page.url
    audit(page, "plans of one cell")
    assert page.locator("h1").inner_text() == "Olofströms kommun: Detaljplan"
    activate(page, f'a[href="/svar/{response_id}"]')
    audit(page, "a plan's read-only view for the admin")
    assert PLAN in page.locator("main").inner_text()

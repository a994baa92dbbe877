"""Screenshots of the main pages, for the README and for a reviewer's eye.

They go to a temporary folder on every run (proving each page renders); to refresh the
pictures in the repository run:

    SCREENSHOT_DIR=docs/screenshots .venv/bin/pytest tests/browser/test_screenshots.py
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from forms import Form
from tests.browser.audit import fill_quickly, send_quickly
from tests.browser.conftest import ADMIN
from tests.browser.keys import metadata_values

ORG = "lansstyrelsen-blekinge"
VIEWPORT = {"width": 1000, "height": 760}


def test_screenshots_of_the_main_pages(catalogue: Any, signed_in: Any, tmp_path: Path) -> None:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    form: Form = catalogue.get("detaljplan")
    values = metadata_values(form, ORG)
    values["plan_name"] = "Detaljplan för Vämö park"
    values["diarienummer"] = "SBN 2026-114"
    page = signed_in(ORG, viewport=VIEWPORT)

    def shot(name: str, selector: str | None = None) -> None:
        target = page.locator(selector) if selector else page
        if selector:
            target.scroll_into_view_if_needed()
        target.screenshot(path=str(folder / f"{name}.png"))
        assert (folder / f"{name}.png").stat().st_size > 5_000

    page.goto("/")
    shot("start")
    # A form partly filled in: the list of parts with their states beside the questions.
    page.goto(f"/checklista/{form.id}/ny")
    for spec in form.metadata[:3]:
        page.fill(f"#{spec.input_name}", values[spec.id])
    for item in form.sections[0].items:
        page.check(f'input[name="{item.answer_name}"][value="ja"]')
    page.check(f'input[name="{form.sections[1].items[0].answer_name}"][value="delvis"]')
    page.locator("#save-status", has_text="Sparat").wait_for()
    page.evaluate(
        "(id) => { document.getElementById(id).scrollIntoView(); window.scrollBy(0, -20); }",
        form.sections[1].id,
    )
    shot("checklista")

    # The same on a phone: the parts folded under "Avsnitt", the action bar at the bottom.
    page.set_viewport_size({"width": 375, "height": 740})
    page.reload()
    page.evaluate(
        "() => { document.querySelector('.parts').scrollIntoView(); window.scrollBy(0, -8); }"
    )
    shot("mobil")
    page.set_viewport_size(VIEWPORT)

    # Fortsätt with two mistakes: the error summary names each field.
    page.goto(f"/checklista/{form.id}/ny")
    fill_quickly(page, form, values)
    email = next(s for s in form.metadata if s.type == "email")
    page.fill(f"#{email.input_name}", "planerare(at)kommun.se")
    page.fill("#m-homes", "ungefär hundra")
    with page.expect_navigation():
        page.click('button[value="review"]')
    page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
    shot("fel")

    # Kontrollera dina svar with two questions still unanswered.
    page.fill(f"#{email.input_name}", values[email.id])
    page.fill("#m-homes", "120")
    for item in list(form.items)[-2:]:
        page.evaluate(
            "(name) => document.getElementsByName(name).forEach((e) => { e.checked = false; })",
            item.answer_name,
        )
    with page.expect_navigation():
        page.click('button[value="review"]')
    shot("kontrollera")

    page.goto(f"/checklista/{form.id}/ny")
    fill_quickly(page, form, values)
    send_quickly(page)
    shot("kvitto")
    page.goto("/hem")
    shot("hem")

    # Two more organisations send theirs in, so the overview shows every kind of cell.
    for org, form_id in (
        ("karlskrona", "detaljplan"),
        ("region-blekinge", "trafikforsorjningsprogram"),
    ):
        other: Form = catalogue.get(form_id)
        page = signed_in(org, viewport=VIEWPORT)
        page.goto(f"/checklista/{form_id}/ny")
        fill_quickly(page, other, metadata_values(other, org), answer="delvis")
        send_quickly(page)
    page = signed_in(ADMIN, viewport=VIEWPORT)
    page.goto("/admin/?year=alla")
    shot("oversikt", "#uppfoljning")

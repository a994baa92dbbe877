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
from tests.browser.audit import fill_quickly
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
    # A form half filled in, from its top.
    page.goto(f"/checklista/{form.id}/ny")
    for spec in form.metadata[:3]:
        page.fill(f"#{spec.input_name}", values[spec.id])
    page.check(f'input[name="{next(iter(form.items)).answer_name}"][value="delvis"]')
    page.evaluate(
        "(id) => { document.getElementById(id).scrollIntoView(); window.scrollBy(0, -330); }",
        form.sections[0].id,
    )
    shot("checklista")

    # Submitted with three mistakes: the error summary at the top.
    page.goto(f"/checklista/{form.id}/ny")
    fill_quickly(page, form, values)
    page.fill(f"#{form.metadata[0].input_name}", "")
    email = next(s for s in form.metadata if s.type == "email")
    page.fill(f"#{email.input_name}", "planerare(at)kommun.se")
    page.fill("#m-homes", "ungefär hundra")
    with page.expect_navigation():
        page.click('button[value="submit"]')
    page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
    shot("fel")

    page.goto(f"/checklista/{form.id}/ny")
    fill_quickly(page, form, values)
    with page.expect_navigation():
        page.click('button[value="submit"]')
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
        with page.expect_navigation():
            page.click('button[value="submit"]')
    page = signed_in(ADMIN, viewport=VIEWPORT)
    page.goto("/admin/?year=alla")
    shot("oversikt", "#uppfoljning")

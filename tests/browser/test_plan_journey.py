"""A detaljplan through three stages: samråd, granskning, antagande; compared and filed.

Karlshamn submits the samråd stage, starts granskning from the plan page (answers carried
over and marked), changes some answers, submits, then antagande; compares samråd with
antagande showing only changed questions, downloads the PDF/A and reads it back, finds
the plan from the home page's search, and prints a blank checklist and the version list.
Every new page passes the accessibility audit.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from forms import Form
from tests.browser.audit import audit, fill_quickly, send_quickly
from tests.browser.keys import metadata_values

ORG = "karlshamn"
FORM_ID = "detaljplan"


def pdf_text(data: bytes) -> str:
    """The text, with Chromium's ligatures (ﬁ) undone and line breaks folded."""
    reader = PdfReader(io.BytesIO(data))
    text = unicodedata.normalize("NFKC", " ".join(page.extract_text() for page in reader.pages))
    return " ".join(text.split())


def submit_stage(page: Any) -> None:
    send_quickly(page)
    assert page.locator("h1").inner_text() == "Checklistan är inskickad"


def start_next_stage(page: Any, stage: str) -> None:
    page.select_option("#stage", stage)
    with page.expect_navigation():
        page.get_by_role("button", name="Fyll i nästa skede").click()


def test_a_detaljplan_through_three_stages(
    catalogue: Any, signed_in: Any, service: Any, tmp_path: Path
) -> None:
    form: Form = catalogue.get(FORM_ID)
    items = list(form.items)
    values = {**metadata_values(form, ORG), "plan_name": "Hästö 4:12", "stage": "samrad"}
    values["diarienummer"] = "SBF 2026/412"

    page = signed_in(ORG)
    page.goto(f"/checklista/{FORM_ID}/ny")
    fill_quickly(page, form, values, answer="nej")
    page.fill("#by", "Planarkitekt Ali")
    submit_stage(page)
    reference = page.locator(".panel-confirmation .reference").inner_text()
    # The organisation is shared with other browser tests: its running number may be past 1.
    assert re.fullmatch(r"DP-20\d\d-\d{4}", reference), reference
    audit(page, "confirmation")

    page.click("text=Gå till planens sida")
    assert page.locator("h1").inner_text() == "Hästö 4:12"
    assert page.locator("#stage").input_value() == "underrattelse"  # the next in order
    audit(page, "plan page after one stage")

    # Granskning: carried over and marked, the name remembered from the last save.
    start_next_stage(page, "granskning")
    assert page.locator(".carried").count() == len(form.sections)
    assert page.locator("#by").input_value() == "Planarkitekt Ali"
    assert page.locator("#m-stage").input_value() == "granskning"
    assert page.locator(f'input[name="{items[0].answer_name}"][value="nej"]').is_checked()
    audit(page, "next stage, carried over")
    page.fill("#m-date", "2026-06-01")
    for item in items[:4]:
        page.check(f'input[name="{item.answer_name}"][value="delvis"]')
    with page.expect_navigation():
        # The script names the section worked on: Spara utkast clears its mark alone.
        page.click('button[name="action"][value^="draft"]')
    assert page.locator(".carried").count() == len(form.sections) - 1
    submit_stage(page)

    # Antagande: two answers to Ja, one comment.
    page.click("text=Gå till planens sida")
    start_next_stage(page, "antagande")
    page.fill("#m-date", "2026-09-01")
    page.check(f'input[name="{items[0].answer_name}"][value="ja"]')
    page.check(f'input[name="{items[5].answer_name}"][value="ja"]')
    if page.locator(f"#{items[6].comment_name}").is_hidden():  # an empty box opens on demand
        page.click(f"#item-{items[6].id} .add-comment")
    page.fill(f"#{items[6].comment_name}", "Hållplatsen är flyttad.")
    submit_stage(page)
    page.click("text=Gå till planens sida")
    timeline = page.locator("table.timeline tbody tr")
    assert timeline.count() == 3
    assert [timeline.nth(n).locator("th").inner_text() for n in range(3)] == [
        "Samråd",
        "Granskning",
        "Antagande",
    ]
    assert "Planarkitekt Ali" in timeline.nth(2).inner_text()

    # Compare samråd with antagande, only what changed.
    options = page.locator("#fran option")
    page.select_option("#fran", options.first.get_attribute("value"))
    page.check("#andrade")
    with page.expect_navigation():
        page.get_by_role("button", name="Jämför", exact=True).click()
    rows = page.locator("table.comparison tbody tr")
    assert rows.count() == 6  # items 0–3 and 5 answered differently, 6 commented
    first = rows.first.inner_text()
    assert "Nej" in first and "Ja" in first and "bättre" in first
    assert "Hållplatsen är flyttad." in page.locator("table.comparison").last.inner_text() or (
        "Hållplatsen är flyttad." in page.locator("main").inner_text()
    )
    # Audited from the top: arriving at #jamfor rightly starts the Tab order there.
    page.goto(page.url.split("#")[0])
    audit(page, "comparison, only changed questions")

    # The PDF/A of the antagande revision.
    with page.expect_download() as info:
        timeline.nth(2).locator("a", has_text="PDF").click()
    download = info.value
    assert download.suggested_filename == f"{reference}-antagande-version-1.pdf"
    text = pdf_text(Path(download.path()).read_bytes())
    for expected in ("Karlshamns kommun", "Hästö 4:12", "SBF 2026/412", "Antagande", reference):
        assert expected in text
    assert "Svar: Ja" in text and "Planens historik" in text

    # Home: search finds the plan by its diarienummer.
    page.goto("/hem")
    page.fill("#q", "sbf 2026/412")
    with page.expect_navigation():
        page.get_by_role("button", name="Sök", exact=True).click()
    assert page.locator("table a", has_text="Hästö 4:12").count() == 1
    page.goto(page.url.split("#")[0])
    audit(page, "home, searched")

    # The version list prints as "Version 1, inskickad …", not ", inskickad …".
    page.goto(
        "/plan/"
        + page.locator("table a", has_text="Hästö 4:12").get_attribute("href").split("/")[-1]
    )
    with page.expect_navigation():
        page.click("table.timeline tbody tr >> nth=2 >> text=Visa")
    printed = pdf_text(page.pdf())
    assert "Version 1, inskickad" in printed
    assert ", inskickad" not in printed.replace("Version 1, inskickad", "")


def test_a_blank_checklist_prints_every_question(
    catalogue: Any, signed_in: Any, service: Any
) -> None:
    form: Form = catalogue.get(FORM_ID)
    page = signed_in(ORG)
    page.goto(f"/checklista/{FORM_ID}/ny")
    printed = pdf_text(page.pdf())
    assert " ".join(list(form.items)[-1].question.split()) in printed
    assert "Spara utkast" not in printed
    with page.expect_download() as info:
        page.goto("/hem")
        page.click(f'a[href="/checklista/{FORM_ID}/tom.pdf"]')
    text = pdf_text(Path(info.value.path()).read_bytes())
    assert text.count("☐ Ja") == form.item_count

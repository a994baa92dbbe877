"""Making mistakes: a wrong value, then Fortsätt too early; fix each, check, submit.

Everything typed before the failed submit must still be there afterwards.
"""

from __future__ import annotations

from typing import Any

from forms import Form
from tests.browser.keys import (
    activate,
    checked_value,
    choose,
    comment,
    field_value,
    metadata_values,
    planned_answer,
    tab_to,
    type_field,
)

FORM_ID = "detaljplan"
ORG = "solvesborg"


def test_error_summary_leads_to_each_field_and_nothing_typed_is_lost(
    catalogue: Any, signed_in: Any
) -> None:
    form: Form = catalogue.get(FORM_ID)
    items = list(form.items)
    details = metadata_values(form, ORG)
    email = next(s for s in form.metadata if s.type == "email")
    name = form.metadata[0]

    page = signed_in(ORG)
    activate(page, f'a[href="/checklista/{FORM_ID}/ny"]')
    type_field(page, name, details[name.id])
    tab_to(page, f"#{email.input_name}")
    page.keyboard.type("inte en adress")
    for n, item in enumerate(items[:3]):
        choose(page, item, planned_answer(item, n))
    comment(page, items[4], "Bussen vänder vid skolan.")
    activate(page, 'button[value="review"]')

    # The summary has focus, names the field and what to do, and links to it.
    summary = page.locator(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.title().startswith("Fel: ")
    assert summary.locator("a").count() == 1
    message = page.locator(f"#{email.input_name}-error").inner_text()
    assert f"{email.label}: ange en e-postadress" in message
    assert page.get_attribute(f"#{email.input_name}", "aria-invalid") == "true"
    described = page.get_attribute(f"#{email.input_name}", "aria-describedby") or ""
    assert f"{email.input_name}-error" in described.split()

    # Nothing typed is lost.
    assert field_value(page, name.input_name) == details[name.id]
    assert field_value(page, email.input_name) == "inte en adress"
    for n, item in enumerate(items[:3]):
        assert checked_value(page, item) == planned_answer(item, n)
    assert field_value(page, items[4].comment_name) == "Bussen vänder vid skolan."

    # Follow the summary's link: it puts the keyboard on the field; fix it there.
    follow_summary_link(page, email.input_name)
    page.keyboard.press("Control+A")
    page.keyboard.type(details[email.id])
    activate(page, 'button[value="review"]')

    # Kontrollera dina svar lists exactly what is missing, by question number and text,
    # grouped by section; each link leads to its question.
    missing_required = [s for s in form.metadata if s.required and s not in (name, email)]
    listed = page.locator(".missing-list a")
    assert listed.count() == len(missing_required) + len(items) - 3
    texts = listed.all_inner_texts()
    assert texts[len(missing_required)] == f"Fråga 4: {items[3].question}"
    assert page.locator('button[value="submit"]').count() == 0
    activate(page, f'.missing-list a[href$="#{missing_required[0].input_name}"]')
    for spec in missing_required:
        type_field(page, spec, details[spec.id])
    for n, item in enumerate(items[3:], start=3):
        choose(page, item, planned_answer(item, n))
    activate(page, 'button[value="review"]')
    assert page.locator(".missing-list").count() == 0
    activate(page, 'button[value="submit"]')
    assert page.locator("h1").inner_text() == "Checklistan är inskickad"


def follow_summary_link(page: Any, field_id: str) -> None:
    """Shift+Tab back to the summary's link for the field, press Enter: focus is on it."""
    tab_to(page, f'.error-summary a[href="#{field_id}"]', back=True)
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.id")
    assert focused == field_id, f"the link to #{field_id} left focus on #{focused}"
    # The field's label or question is on screen, not hidden under the top edge.
    label = page.locator(f'label[for="{field_id}"]').first
    assert label.bounding_box()["y"] >= 0

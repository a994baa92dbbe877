"""Making mistakes: submit too early, read the error summary, follow its links, fix, submit.

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
    activate(page, 'button[value="submit"]')

    # The summary has focus, names every fault and links to each field.
    summary = page.locator(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.title().startswith("Fel: ")
    links = summary.locator("a")
    missing_required = [s for s in form.metadata if s.required and s.id != name.id]
    assert links.count() == len(missing_required) + len(items) - 3
    assert "e-postadress" in page.locator(f"#{email.input_name}-error").inner_text()
    assert page.get_attribute(f"#{email.input_name}", "aria-invalid") == "true"
    described = page.get_attribute(f"#{email.input_name}", "aria-describedby") or ""
    assert f"{email.input_name}-error" in described.split()

    # Nothing typed is lost.
    assert field_value(page, name.input_name) == details[name.id]
    assert field_value(page, email.input_name) == "inte en adress"
    for n, item in enumerate(items[:3]):
        assert checked_value(page, item) == planned_answer(item, n)
    assert field_value(page, items[4].comment_name) == "Bussen vänder vid skolan."

    # Follow the summary's links: each one puts the keyboard on its field; fix it there.
    for spec in [email, *missing_required]:
        follow_summary_link(page, spec.input_name)
        if spec is email:
            page.keyboard.press("Control+A")
            page.keyboard.type(details[spec.id])
        else:
            type_field(page, spec, details[spec.id])
    for n, item in enumerate(items[3:], start=3):
        if n < 6:
            follow_summary_link(page, item.answer_name)
        choose(page, item, planned_answer(item, n))
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

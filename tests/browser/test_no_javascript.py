"""With JavaScript switched off the planner's whole journey still works."""

from __future__ import annotations

from typing import Any

from forms import Form
from tests.browser.keys import (
    activate,
    choose,
    field_value,
    metadata_values,
    planned_answer,
    send,
    type_field,
)

FORM_ID = "trafikforsorjningsprogram"
ORG = "trafikverket"


def test_planner_journey_without_javascript(catalogue: Any, new_context: Any, service: Any) -> None:
    form: Form = catalogue.get(FORM_ID)
    items = list(form.items)
    details = metadata_values(form, ORG)
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(service.link(ORG))

    activate(page, f'a[href="/checklista/{FORM_ID}/ny"]')
    for spec in form.metadata:
        type_field(page, spec, details[spec.id])
    for n, item in enumerate(items[:5]):
        choose(page, item, planned_answer(item, n))
    activate(page, 'button[value="draft"]')
    # Saved without a script: the page opens at the part changed last, the confirmation
    # next to the button that was pressed.
    assert page.url.endswith(f"#{items[4].section_id}")
    assert "Utkastet är sparat" in page.locator(".action-bar .notice").inner_text()

    # Fortsätt too early: Kontrollera dina svar lists exactly what is missing, and its
    # links lead back to each question.
    activate(page, 'button[value="review"]')
    assert "/kontrollera" in page.url
    missing = page.locator(".missing-list a")
    assert missing.count() == len(items) - 5
    assert page.locator('button[value="submit"]').count() == 0
    first_missing = items[5]
    activate(page, f'.missing-list a[href$="#{first_missing.answer_name}"]')
    assert page.url.endswith(f"/andra#{first_missing.answer_name}")
    for n, item in enumerate(items[5:], start=5):
        choose(page, item, planned_answer(item, n))
    send(page)
    assert "/kvitto/1" in page.url

    # Reopen, change one answer, submit again, view it.
    activate(page, 'a[href$="/andra"]')
    assert field_value(page, form.metadata[0].input_name) == details[form.metadata[0].id]
    choose(page, items[-1], planned_answer(items[-1], len(items)))
    send(page)
    assert "/kvitto/2" in page.url
    activate(page, 'a[href$="?revision=2"]')
    last = page.locator(".answers li").last
    assert items[-1].choice_label(planned_answer(items[-1], len(items))) in last.inner_text()

    # Signing out is a plain form post.
    activate(page, ".nav-list button")
    assert "utloggad" in page.locator(".notice").inner_text()

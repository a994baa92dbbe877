"""A municipality planner fills in each checklist with the keyboard only, over two visits.

Sign in through the link, start the checklist, fill in the plan's details and half the
questions, save a draft, close the browser; come back through the link, continue, finish,
submit, read the receipt, reopen and change one answer, and print the read-only view.
"""

from __future__ import annotations

from typing import Any

import pytest

from forms import Form
from tests.browser.keys import (
    activate,
    checked_value,
    choose,
    comment,
    field_value,
    metadata_values,
    planned_answer,
    send,
    type_field,
)

PLANNERS = {
    "oversiktsplan": "karlskrona",
    "detaljplan": "ronneby",
    "trafikforsorjningsprogram": "karlshamn",
}


@pytest.mark.parametrize("form_id", sorted(PLANNERS))
def test_planner_fills_in_over_two_visits_with_keyboard_only(
    form_id: str, catalogue: Any, signed_in: Any, service: Any
) -> None:
    form: Form = catalogue.get(form_id)
    org = PLANNERS[form_id]
    items = list(form.items)
    half = sum(len(s.items) for s in form.sections[: len(form.sections) // 2])
    details = metadata_values(form, org)

    # First visit: details and the first half of the sections, then a draft.
    page = signed_in(org)
    assert page.url.endswith("/hem")
    activate(page, f'a[href="/checklista/{form_id}/ny"]')
    assert page.locator("h1").inner_text() == form.title
    for spec in form.metadata:
        type_field(page, spec, details[spec.id])
    for n, item in enumerate(items[:half]):
        choose(page, item, planned_answer(item, n))
        if n % 5 == 0:
            comment(page, item, f"Anteckning {n} – åäö")
    last_section = form.sections[len(form.sections) // 2 - 1]
    activate(page, 'button[value="draft"]')
    # The saved page opens at the part worked on last, the confirmation by the buttons.
    assert "Utkastet är sparat" in page.locator(".action-bar .notice").inner_text()
    assert page.url.endswith(f"#{last_section.id}")
    page.context.close()

    # Second visit, a new browser profile: the draft is listed and everything is kept.
    page = signed_in(org)
    drafts = page.locator("table", has=page.locator("caption", has_text="Utkast"))
    # Other journeys share the organisation: count this checklist's drafts only.
    assert drafts.locator("tbody tr", has_text=form.short_title).count() == 1
    assert f"{half} av {len(items)}" in drafts.inner_text()
    activate(page, 'a[href$="/andra"]')
    for spec in form.metadata:
        assert field_value(page, spec.input_name) == details[spec.id]
    for n, item in enumerate(items[:half]):
        assert checked_value(page, item) == planned_answer(item, n)
    assert field_value(page, items[0].comment_name) == "Anteckning 0 – åäö"
    for n, item in enumerate(items[half:], start=half):
        choose(page, item, planned_answer(item, n))
    send(page)

    # The receipt, then reopen and change the first answer.
    assert page.url.endswith("/kvitto/1")
    assert page.locator("h1").inner_text() == "Checklistan är inskickad"
    activate(page, 'a[href$="/andra"]')
    first = items[0]
    changed = planned_answer(first, 1)
    choose(page, first, changed)
    send(page)
    assert page.url.endswith("/kvitto/2")

    # The read-only view prints without the site's controls and shows the change.
    activate(page, 'a[href$="?revision=2"]')
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator("form").first.is_hidden()
    first_answer = page.locator(".answers li").first
    assert first_answer.locator(".question").inner_text() == first.question
    assert first.choice_label(changed) in first_answer.locator(".answer").inner_text()
    assert page.get_by_text(details[form.metadata[0].id]).first.is_visible()
    assert page.pdf()[:5] == b"%PDF-"

"""The shipped checklists: complete, well-formed and aligned on shared metadata."""

from __future__ import annotations

import pytest

from forms import ANSWER_SCALE, load_catalogue

CATALOGUE = load_catalogue()
SHARED_METADATA = {"plan_name", "diarienummer", "stage", "date", "contact_role", "contact_email"}


def test_the_three_checklists_are_offered_in_plan_order() -> None:
    assert [f.id for f in CATALOGUE.current()] == [
        "oversiktsplan",
        "detaljplan",
        "trafikforsorjningsprogram",
    ]


@pytest.mark.parametrize("form", CATALOGUE.current(), ids=lambda f: f.id)
def test_each_checklist_has_enough_items_and_sections(form) -> None:  # type: ignore[no-untyped-def]
    assert len(form.sections) >= 6
    assert form.item_count >= 25
    assert all(item.choices == ANSWER_SCALE for item in form.items)
    assert all(item.question.endswith("?") for item in form.items)


@pytest.mark.parametrize("form", CATALOGUE.current(), ids=lambda f: f.id)
def test_each_checklist_asks_the_shared_metadata(form) -> None:  # type: ignore[no-untyped-def]
    ids = {f.id for f in form.metadata}
    assert ids >= SHARED_METADATA
    assert form.find_field("contact_email").type == "email"
    assert form.find_field("date").type == "date"
    assert form.find_field("stage").choices


def test_item_ids_are_unique_across_checklists() -> None:
    seen: dict[str, str] = {}
    for form in CATALOGUE.current():
        for item in form.items:
            assert item.id not in seen, f"{item.id} in {form.id} and {seen[item.id]}"
            seen[item.id] = form.id

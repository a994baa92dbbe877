"""Differences between versions, names that may not change meaning, drafts moved by name."""

from __future__ import annotations

import dataclasses

from forms import Item, load_catalogue
from forms.diff import carry_over, diff, name_conflicts
from tests.forms.xlsform_helpers import revised

V1 = load_catalogue().latest("detaljplan")
V2 = revised(V1, 2)


def test_diff_lists_added_removed_and_reworded_items() -> None:
    changes = diff(V1, V2)
    assert [i.id for i in changes.added] == ["dp_laddning"]
    assert [i.id for i in changes.removed] == ["dp_belysning"]
    assert [(c.what, c.old, c.new) for c in changes.reworded] == [
        (
            "dp_gena_vagar",
            "Finns gena gång- och cykelvägar till hållplatsen?",
            "Finns gena och trygga gång- och cykelvägar till hållplatsen?",
        )
    ]
    assert not changes.fields_added and not changes.sections_added and not changes.empty


def test_diff_of_identical_versions_is_empty() -> None:
    assert diff(V1, dataclasses.replace(V1, version=2)).empty


def test_diff_sees_metadata_and_section_changes() -> None:
    stage = V1.metadata[4]
    fewer = dataclasses.replace(stage, choices=stage.choices[:2])
    sections = (dataclasses.replace(V1.sections[0], title="Läge"), *V1.sections[1:])
    v2 = dataclasses.replace(
        V1,
        metadata=(*V1.metadata[:4], fewer, *V1.metadata[5:-1]),
        sections=sections,
    )
    changes = diff(V1, v2)
    assert [c.what for c in changes.fields_changed] == ["stage"]
    assert [f.id for f in changes.fields_removed] == ["reviewer_role"]
    assert [(c.old, c.new) for c in changes.sections_renamed] == [
        ("Lokalisering och resor", "Läge")
    ]


def test_a_reworded_item_that_is_still_asked_is_allowed() -> None:
    assert name_conflicts([V1], V2) == []


def test_a_removed_name_may_come_back_with_its_question() -> None:
    v3 = revised(V2, 3)
    back = dataclasses.replace(v3, sections=V1.sections)
    assert name_conflicts([V1, V2], back) == []


def test_a_removed_name_may_not_come_back_as_another_question() -> None:
    section = V2.sections[2]
    reused = Item("dp_belysning", "Finns det bänkar vid hållplatsen?", section.id)
    sections = list(V2.sections)
    sections[2] = dataclasses.replace(section, items=(*section.items, reused))
    v3 = dataclasses.replace(V2, version=3, sections=tuple(sections))
    assert name_conflicts([V1, V2], v3) == [
        "Namnet dp_belysning användes till och med version 1 för frågan ”Är gång- och "
        "cykelvägarna till hållplatsen belysta?”, som har tagits bort. Ett namn får aldrig "
        "byta betydelse: ge frågan ”Finns det bänkar vid hållplatsen?” ett nytt namn."
    ]


def test_a_field_name_may_not_become_a_question() -> None:
    section = V1.sections[0]
    clash = Item("diarienummer", "Finns ett diarienummer?", section.id)
    sections = (dataclasses.replace(section, items=(*section.items, clash)), *V1.sections[1:])
    v2 = dataclasses.replace(V1, version=2, sections=sections)
    assert name_conflicts([V1], v2) == [
        "Namnet diarienummer används redan för ett fält under uppgifter; "
        "ge frågan ”Finns ett diarienummer?” ett annat namn."
    ]


def test_carry_over_keeps_answers_by_name_and_lists_what_is_dropped() -> None:
    data = {
        "metadata": {"plan_name": "Norra", "stage": "samrad"},
        "answers": {
            "dp_gena_vagar": {"value": "ja", "comment": "Bra"},
            "dp_belysning": {"value": "nej", "comment": ""},
        },
    }
    moved, dropped = carry_over(V1, V2, data)
    assert moved == {
        "metadata": {"plan_name": "Norra", "stage": "samrad"},
        "answers": {"dp_gena_vagar": {"value": "ja", "comment": "Bra"}},
    }
    assert dropped == ["Svaret på frågan ”Är gång- och cykelvägarna till hållplatsen belysta?”"]

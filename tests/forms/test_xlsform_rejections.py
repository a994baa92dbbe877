"""Workbooks outside the XLSForm subset: one Swedish message per problem, no form at all."""

from __future__ import annotations

import pytest

from forms.xlsform import XLSFormError, read_xlsform
from tests.forms.xlsform_helpers import (
    SCALE,
    SETTINGS,
    SETTINGS_HEADER,
    SURVEY,
    SURVEY_HEADER,
    replace_row,
    workbook,
)


def problems(data: bytes) -> list[str]:
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(data)
    return [str(p) for p in caught.value.problems]


def test_the_baseline_workbook_is_accepted() -> None:
    form = read_xlsform(workbook())
    assert [i.id for i in form.items] == ["hp_lage"]


def test_an_unknown_type_names_sheet_row_and_column() -> None:
    survey = replace_row(SURVEY, 2, ["geopoint", "plats", "Var ligger planen?", None, None])
    assert problems(workbook(survey)) == [
        "Bladet survey, rad 4, kolumn A (type): typen 'geopoint' stöds inte; tjänsten läser "
        "text, date, integer, select_one, select_multiple, note, begin group och end group."
    ]


def test_a_relevant_expression_is_refused() -> None:
    header = [*SURVEY_HEADER, "relevant"]
    survey = [[*row, None] for row in SURVEY]
    survey[5][5] = "${plan_name} != ''"
    assert problems(workbook(survey, survey_header=header)) == [
        "Bladet survey, rad 7, kolumn F (relevant): tjänsten utvärderar inte uttryck i "
        "kolumnen relevant; töm cellen."
    ]


def test_an_empty_relevant_column_is_fine() -> None:
    header = [*SURVEY_HEADER, "relevant", "constraint_message"]
    read_xlsform(workbook([[*row, None, None] for row in SURVEY], survey_header=header))


def test_an_unknown_column_with_values_is_refused() -> None:
    header = [*SURVEY_HEADER, "media::image"]
    survey = [[*row, None] for row in SURVEY]
    survey[1][5] = "karta.png"
    assert problems(workbook(survey, survey_header=header)) == [
        "Bladet survey, rad 3, kolumn F (media::image): kolumnen media::image stöds inte av "
        "tjänsten; töm cellen eller ta bort kolumnen."
    ]


def test_a_missing_list() -> None:
    survey = replace_row(SURVEY, 2, ["select_one skede", "stage", "Skede", None, "yes"])
    assert problems(workbook(survey)) == [
        "Bladet survey, rad 4, kolumn A (type): listan skede finns inte på bladet choices."
    ]


def test_a_duplicate_name() -> None:
    survey = replace_row(SURVEY, 2, ["date", "plan_name", "Datum", None, "yes"])
    assert problems(workbook(survey)) == [
        "Bladet survey, rad 4, kolumn B (name): namnet plan_name används redan på rad 3."
    ]


@pytest.mark.parametrize("name", ["Plan-namn", "2plan", "plan namn", "planens_namn_ä"])
def test_a_name_that_is_not_an_identifier(name: str) -> None:
    survey = replace_row(SURVEY, 1, ["text", name, "Planens namn", None, "yes"])
    assert problems(workbook(survey)) == [
        f"Bladet survey, rad 3, kolumn B (name): namnet '{name}' ska börja med en liten "
        "bokstav och bara innehålla a–z, 0–9 och _ (högst 63 tecken)."
    ]


def test_every_problem_is_listed_not_only_the_first() -> None:
    survey = [
        *SURVEY[:6],
        ["select_one svar", "hp_lage", "Samma namn igen", None, None],
        ["select_one svar", "hp_ny", "", None, "kanske"],
        ["calculate", "summa", "Summa", None, None],
        *SURVEY[6:],
    ]
    assert problems(workbook(survey)) == [
        "Bladet survey, rad 8, kolumn B (name): namnet hp_lage används redan på rad 7.",
        "Bladet survey, rad 9, kolumn C (label): hp_ny saknar label (texten som visas).",
        "Bladet survey, rad 9, kolumn E (required): required 'kanske' ska vara yes eller no.",
        "Bladet survey, rad 10, kolumn A (type): typen 'calculate' stöds inte; tjänsten läser "
        "text, date, integer, select_one, select_multiple, note, begin group och end group.",
    ]


def test_groups_must_nest_and_close() -> None:
    survey = [
        *SURVEY[:5],
        ["begin group", "inne", "Inne", None, None],
        *SURVEY[5:],
        ["end group", None, None, None, None],
        ["begin group", "sist", "Sist", None, None],
        ["select_one svar", "sista", "Sista frågan?", None, None],
    ]
    assert problems(workbook(survey)) == [
        "Bladet survey, rad 7, kolumn A (type): grupper inuti grupper stöds inte; gruppen "
        "på rad 6 är inte avslutad.",
        "Bladet survey, rad 10, kolumn A (type): end group utan en öppen grupp (begin group).",
        "Bladet survey, rad 11, kolumn A (type): gruppen sist avslutas aldrig (end group saknas).",
    ]


def test_items_only_answer_on_the_agreed_scale() -> None:
    survey = replace_row(SURVEY, 5, ["integer", "hp_antal", "Hur många?", None, None])
    assert problems(workbook(survey)) == [
        "Bladet survey, rad 7, kolumn A (type): i ett avsnitt kan bara frågor av typen "
        "select_one svar stå; andra fält hör hemma i gruppen uppgifter.",
        "Bladet survey, rad 6, kolumn A (type): avsnittet hallplats har inga frågor.",
        "Bladet survey: checklistan behöver minst ett avsnitt (en grupp) med frågor.",
    ]


def test_the_answer_list_must_be_the_agreed_scale() -> None:
    choices = [*SCALE[:3], ["svar", "vet_ej", "Vet ej"]]
    assert problems(workbook(choices=choices)) == [
        "Bladet choices, rad 2: listan svar ska innehålla exakt ja (Ja), delvis (Delvis), "
        "nej (Nej) och ej_aktuellt (Ej aktuellt), i den ordningen."
    ]


def test_choice_problems_name_their_row() -> None:
    choices = [*SCALE, ["skede", "samrad", "Samråd"], ["skede", "samrad", "Samråd igen"]]
    assert problems(workbook(choices=choices)) == [
        "Bladet choices, rad 7, kolumn B (name): valet samrad finns redan i listan skede."
    ]


def test_settings_are_checked() -> None:
    assert problems(workbook(settings=[["Detaljplan!", None, "2024-03-15"]])) == [
        "Bladet settings, rad 2, kolumn A (form_id): form_id 'Detaljplan!' ska börja med en "
        "liten bokstav och bara innehålla a–z, 0–9 och _.",
        "Bladet settings, rad 2, kolumn B (form_title): checklistans rubrik (form_title) saknas.",
        "Bladet settings, rad 2, kolumn C (version): version '2024-03-15' ska vara ett heltal "
        "från 1 och uppåt.",
    ]


def test_the_metadata_group_is_required() -> None:
    assert problems(workbook(SURVEY[4:])) == [
        "Bladet survey: gruppen uppgifter med uppgifterna om planen saknas."
    ]


def test_a_file_that_is_not_a_workbook() -> None:
    assert problems(b"type,name,label\ntext,a,A\n") == [
        "Arbetsboken: filen är inte en Excel-arbetsbok (.xlsx) som går att läsa."
    ]


def test_repeats_and_sheets_we_do_not_use_are_refused() -> None:
    survey = replace_row(SURVEY, 4, ["begin repeat", "hallplats", "Hållplatsen", None, None])
    data = workbook(survey, extra={"external_choices": [["list_name", "name"], ["a", "b"]]})
    assert problems(data)[0].startswith(
        "Bladet survey, rad 6, kolumn A (type): typen 'begin repeat' stöds inte"
    )
    assert problems(data)[-1] == (
        "Bladet external_choices: bladet stöds inte av tjänsten; ta bort det."
    )


def test_order_and_reference_prefix_are_checked() -> None:
    header = [*SETTINGS_HEADER, "order", "reference_prefix"]
    settings = [[*SETTINGS[0], "först", "dp"]]
    assert problems(workbook(settings=settings, settings_header=header)) == [
        "Bladet settings, rad 2, kolumn D (order): order 'först' ska vara ett heltal eller tom.",
        "Bladet settings, rad 2, kolumn E (reference_prefix): reference_prefix 'dp' ska vara "
        "1–10 versaler A–Z eller siffror och börja med en bokstav.",
    ]

"""XLSForm: the shipped checklists round-trip, and workbooks laid out like ODK's import."""

from __future__ import annotations

import dataclasses
import io

import pytest
from openpyxl import load_workbook

from forms import Catalogue, Form, Submission, load_catalogue, parse_fields, validate
from forms.xlsform import read_xlsform
from forms.xlsform_writer import write_xlsform
from tests.forms.xlsform_helpers import SCALE, SURVEY, workbook

CATALOGUE = load_catalogue()


@pytest.mark.parametrize("form", CATALOGUE.current(), ids=lambda f: f.id)
def test_shipped_checklists_round_trip_identically(form: Form) -> None:
    back = read_xlsform(write_xlsform(form), form.source)
    assert back == form
    # Field by field too, since Form equality skips its lookup tables.
    assert back.metadata == form.metadata
    assert list(back.items) == list(form.items)
    assert back.description == form.description and back.short_title == form.short_title


def test_written_workbook_reads_like_xlsform_in_excel() -> None:
    form = CATALOGUE.latest("detaljplan")
    book = load_workbook(io.BytesIO(write_xlsform(form)))
    assert book.sheetnames == ["survey", "choices", "settings"]
    rows = list(book["survey"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == ("type", "name", "label", "hint", "required")
    types = {row[1]: row[0] for row in rows[1:]}
    assert types["uppgifter"] == "begin group"
    assert types["dp_barn"] == "select_one svar"
    assert types["stage"] == "select_one stage"
    assert types["date"] == "date" and types["homes"] == "integer"
    by_name = {row[1]: dict(zip(header, row, strict=False)) for row in rows[1:]}
    assert by_name["nearest_stops"]["appearance"] == "multiline"
    assert by_name["contact_email"]["bind::checklistor:type"] == "email"
    choices = list(book["choices"].iter_rows(values_only=True))
    assert [list(r) for r in choices[1:5]] == SCALE
    settings = list(book["settings"].iter_rows(values_only=True))
    assert dict(zip(settings[0], settings[1], strict=True))["form_id"] == "detaljplan"


def test_a_label_that_looks_like_a_formula_stays_text() -> None:
    form = CATALOGUE.latest("detaljplan")
    section = dataclasses.replace(form.sections[0], title="=HYPERLINK(1)")
    changed = dataclasses.replace(form, sections=(section, *form.sections[1:]))
    book = load_workbook(io.BytesIO(write_xlsform(changed)))
    titles = [c.value for c in book["survey"]["C"]]
    assert "=HYPERLINK(1)" in titles
    assert read_xlsform(write_xlsform(changed)).sections[0].title == "=HYPERLINK(1)"


def odk_style_workbook() -> bytes:
    """A form as KoboToolbox exports one: language columns, underscores, field-list groups."""
    header = [
        "type",
        "name",
        "label::English (en)",
        "label::Svenska (sv)",
        "hint::English (en)",
        "hint::Svenska (sv)",
        "required",
        "appearance",
        "relevant",
        "constraint",
    ]
    survey = [
        ["note", "intro", "About this checklist", "Om checklistan", None, None, None, None],
        ["begin_group", "uppgifter", "Details", "Uppgifter", None, None, None, "field-list"],
        ["text", "plan_name", "Plan name", "Planens namn", None, None, "TRUE"],
        [
            "select_one stage",
            "stage",
            "Stage",
            "Skede",
            "Stage of the plan",
            "Skede i planen",
            "true",
        ],
        ["select_multiple topics", "topics", "Topics", "Ämnen", None, None, "no"],
        ["text", "notes", "Notes", "Anteckningar", None, None, None, "multiline"],
        ["integer", "homes", "Homes", "Bostäder", None, None, None],
        ["end_group"],
        ["begin_group", "hallplats", "Stop", "Hållplatsen", None, None, None, "field-list"],
        ["note", "hp_note", "Answer for the nearest stop", "Svara för närmaste hållplats"],
        [
            "select_one svar",
            "hp_lage",
            "Is the stop shown?",
            "Är hållplatsen redovisad?",
            "See the map",
            "Se plankartan",
            "yes",
        ],
        ["select_one svar", "hp_plats", "Is there room?", "Finns det plats?"],
        ["end_group"],
    ]
    choices_header = ["list_name", "name", "label::English (en)", "label::Svenska (sv)"]
    choices = [
        ["svar", "ja", "Yes", "Ja"],
        ["svar", "delvis", "Partly", "Delvis"],
        ["svar", "nej", "No", "Nej"],
        ["svar", "ej_aktuellt", "Not applicable", "Ej aktuellt"],
        [None, None, None, None],
        ["stage", "samrad", "Consultation", "Samråd"],
        ["stage", "granskning", "Review", "Granskning"],
        ["topics", "buss", "Bus", "Buss"],
        ["topics", "tag", "Train", "Tåg"],
    ]
    settings_header = ["form_title", "form_id", "version", "default_language"]
    settings = [["Checklista för hållplatser", "hallplatser", "2024031501", "English (en)"]]
    return workbook(
        survey,
        choices,
        settings,
        header,
        choices_header,
        settings_header,
        extra={"instruktioner": [["Fyll i survey och choices."]]},
    )


def test_an_odk_style_workbook_with_translations_imports() -> None:
    form = read_xlsform(odk_style_workbook(), "hallplatser.xlsx")
    assert (form.id, form.version, form.title) == (
        "hallplatser",
        2024031501,
        "Checklista för hållplatser",
    )
    assert form.description == "Om checklistan"  # Swedish shown, whatever default_language says
    fields = {f.id: f for f in form.metadata}
    assert fields["plan_name"].required and fields["plan_name"].type == "text"
    assert fields["stage"].type == "choice" and fields["stage"].help == "Skede i planen"
    assert [c.label for c in fields["stage"].choices] == ["Samråd", "Granskning"]
    assert fields["topics"].type == "multichoice" and not fields["topics"].required
    assert fields["notes"].type == "textarea"
    assert fields["homes"].type == "integer"
    (section,) = form.sections
    assert section.title == "Hållplatsen"
    assert section.description == "Svara för närmaste hållplats"
    assert [i.question for i in section.items] == ["Är hållplatsen redovisad?", "Finns det plats?"]
    assert section.items[0].help == "Se plankartan"
    english = {key: text for lang, key, text in form.translations if lang == "English (en)"}
    assert english["hp_lage:label"] == "Is the stop shown?"
    assert english["hp_lage:hint"] == "See the map"
    assert english["stage/granskning:label"] == "Review"
    assert english["svar/ej_aktuellt:label"] == "Not applicable"
    assert english["hallplats_beskrivning:label"] == "Answer for the nearest stop"
    # ... and the English survives our own export and import.
    assert read_xlsform(write_xlsform(form), "hallplatser.xlsx") == form


def test_plain_label_columns_with_an_english_translation() -> None:
    header = ["type", "name", "label", "label::English (en)", "required"]
    survey = [
        ["begin group", "uppgifter", "Uppgifter", "Details"],
        ["text", "plan_name", "Planens namn", "Plan name", "yes"],
        ["end group"],
        ["begin group", "hallplats", "Hållplatsen", "Stop"],
        ["select_one svar", "hp_lage", "Är läget redovisat?", "Is it shown?"],
        ["end group"],
    ]
    form = read_xlsform(workbook(survey, survey_header=header))
    assert form.sections[0].items[0].question == "Är läget redovisat?"
    assert ("English (en)", "hp_lage:label", "Is it shown?") in form.translations


def test_a_multichoice_field_is_filled_in_and_validated() -> None:
    form = read_xlsform(odk_style_workbook())
    posted = [("m-topics", "buss"), ("m-topics", "tag"), ("m-plan_name", "Norra")]
    submission = parse_fields(form, posted)
    assert submission.metadata["topics"] == "buss tag"
    assert validate(form, submission, complete=False).ok
    assert form.find_field("topics").choice_label("buss tag") == "Buss, Tåg"  # type: ignore[union-attr]
    bad = Submission(metadata={"topics": "buss flyg"})
    assert validate(form, bad, complete=False).errors == {
        "m-topics": "Ämnen: välj bland alternativen."
    }


def test_an_imported_form_fits_in_a_catalogue_with_the_shipped_ones() -> None:
    form = read_xlsform(
        write_xlsform(dataclasses.replace(CATALOGUE.latest("detaljplan"), version=2))
    )
    catalogue = Catalogue([*CATALOGUE.versions("detaljplan"), form])
    assert catalogue.latest("detaljplan").version == 2


def test_a_workbook_without_the_presentation_settings_reads_with_defaults() -> None:
    survey = [list(row) for row in SURVEY]
    survey[0][2] = "Uppgifter om programmet"
    form = read_xlsform(workbook(survey))
    assert form.details_title == "Uppgifter om programmet"  # the group's label
    assert (form.order, form.reference_prefix) == (None, "")

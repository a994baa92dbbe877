"""XLSForm as the ecosystem writes and reads it: our exports convert with pyxform (the
reference implementation behind ODK and KoboToolbox), and the spellings pyxform accepts
that people really use are read the same as ours."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from forms import load_catalogue
from forms.xlsform import XLSFormError, read_xlsform
from forms.xlsform_writer import write_xlsform
from tests.forms.xlsform_helpers import SCALE, SETTINGS, SURVEY, workbook

CATALOGUE = load_catalogue()
XFORMS = "{http://www.w3.org/2002/xforms}"


@pytest.mark.parametrize("form_id", [f.id for f in CATALOGUE.current()])
def test_exported_checklists_convert_with_pyxform_into_a_well_formed_xform(
    tmp_path: Path, form_id: str
) -> None:
    form = CATALOGUE.latest(form_id)
    path = tmp_path / f"{form_id}.xlsx"
    path.write_bytes(write_xlsform(form))
    result = convert(xlsform=str(path), validate=False)
    root = ET.fromstring(result.xform)  # namespace-aware: an undeclared prefix fails here
    body = root.find("{http://www.w3.org/1999/xhtml}body")
    assert body is not None
    refs = {el.get("ref", "").rsplit("/", 1)[-1] for el in body.iter()}
    for item in form.items:
        assert item.id in refs
        assert f"{item.id}_kommentar" in refs  # the comment box travels with the item
    if any(f.type == "email" for f in form.metadata):
        assert 'xmlns:checklistor="urn:checklistor:xforms"' in result.xform
    # ... and the same workbook reads back as the same checklist.
    assert read_xlsform(path.read_bytes(), form.source) == form


def test_the_spellings_pyxform_accepts_are_read_like_ours() -> None:
    ours = read_xlsform(workbook())
    survey = [
        [*row[:2], row[2], None if row[2] is None else f"EN {row[2]}", *row[3:]] for row in SURVEY
    ]
    survey = [
        ["select one svar", *row[1:]] if row[0] == "select_one svar" else row for row in survey
    ]
    theirs = read_xlsform(
        workbook(
            survey,
            SCALE,
            SETTINGS,
            survey_header=["type", "name", "label", "label:English (en)", "hint", "required"],
            choices_header=["list name", "name", "label"],
            settings_header=["id_string", "title", "version"],
        )
    )
    assert theirs.sections == ours.sections and theirs.metadata == ours.metadata
    assert (theirs.id, theirs.title, theirs.version) == (ours.id, ours.title, ours.version)
    assert ("English (en)", "hp_lage:label", "EN Är hållplatsens läge redovisat?") in (
        theirs.translations
    )


def problems(data: bytes) -> list[str]:
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(data)
    return [str(p) for p in caught.value.problems]


def test_an_unsupported_feature_gets_one_message_not_one_per_row() -> None:
    header = ["type", "name", "label", "hint", "required", "relevant"]
    survey = [[*row, None] for row in SURVEY]
    survey += [
        ["begin group", "extra", "Extra", None, None, None],
        ["select_one svar", "x1", "Fråga 1", None, None, "${plan_name} != ''"],
        ["geopoint", "plats", "Plats", None, None, None],
        ["select_one svar", "x2", "Fråga 2", None, None, "${x1} = 'ja'"],
        ["geopoint", "plats2", "Plats 2", None, None, "${x1} = 'ja'"],
        ["end group", None, None, None, None, None],
        ["begin repeat", "hallplatser", "Hållplatser", None, None, None],
        ["begin group", "inre", "Inre", None, None, None],
        ["text", "namn", "Namn", None, None, None],
        ["end group", None, None, None, None, None],
        ["end repeat", None, None, None, None, None],
    ]
    assert problems(workbook(survey, survey_header=header)) == [
        "Bladet survey, rad 10, kolumn F (relevant): tjänsten utvärderar inte uttryck i "
        "kolumnen relevant; töm cellen (även rad 12 och 13).",
        "Bladet survey, rad 11, kolumn A (type): typen 'geopoint' stöds inte; tjänsten läser "
        "text, date, integer, select_one, select_multiple, note, begin group och end group "
        "(även rad 13).",
        "Bladet survey, rad 15, kolumn A (type): typen 'begin repeat' stöds inte; tjänsten "
        "läser text, date, integer, select_one, select_multiple, note, begin group och end "
        "group.",
    ]


def test_a_text_row_in_a_section_that_is_no_comment_box_is_still_refused() -> None:
    survey = [*SURVEY[:6], ["text", "fritext", "Fritext", None, None], *SURVEY[6:]]
    [message] = problems(workbook(survey))
    assert "i ett avsnitt kan bara frågor av typen select_one svar stå" in message


def test_an_old_export_without_namespaces_or_comment_boxes_still_reads() -> None:
    form = CATALOGUE.latest("detaljplan")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(write_xlsform(form)))
    survey = book["survey"]
    for index in range(survey.max_row, 1, -1):
        if str(survey.cell(index, 2).value or "").endswith("_kommentar"):
            survey.delete_rows(index)
    settings = book["settings"]
    settings.delete_cols(settings.max_column)  # namespaces, written last
    out = io.BytesIO()
    book.save(out)
    assert read_xlsform(out.getvalue(), form.source) == form

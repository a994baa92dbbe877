"""Loading definitions: a mistake gives one line naming the file, the place and the fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from forms import DefinitionError, load_catalogue, load_form
from forms.loader import parse_form

VALID = """\
id: prov
version: 1
title: Provformulär
description: Ett formulär för prov.
metadata:
  - id: plan_name
    label: Planens namn
    type: text
    required: true
sections:
  - id: forsta
    title: Första avsnittet
    items:
      - id: prov_a
        question: Finns det en hållplats?
        help: Inom 400 meter.
      - id: prov_b
        question: Går bussen varje timme?
"""


def broken(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new, 1)


def error_for(text: str) -> str:
    with pytest.raises(DefinitionError) as caught:
        parse_form(text, "prov.yaml")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("Fel i formulärdefinitionen prov.yaml")
    return message


def test_valid_definition_loads() -> None:
    form = parse_form(VALID, "prov.yaml")
    assert form.id == "prov" and form.version == 1
    assert [i.id for i in form.items] == ["prov_a", "prov_b"]
    assert form.find_item("prov_a").help == "Inom 400 meter."
    assert form.short_title == "Provformulär"


def test_duplicate_item_id_names_the_item() -> None:
    message = error_for(broken("id: prov_b", "id: prov_a"))
    assert "avsnittet 'forsta', fråga 2: id:t 'prov_a' används redan av en annan fråga" in message


def test_unknown_answer_type_names_item_and_type() -> None:
    message = error_for(
        broken("      - id: prov_b\n", "      - id: prov_b\n        answer: stjärnor\n")
    )
    assert "frågan 'prov_b'" in message and "okänd svarstyp 'stjärnor'" in message


def test_missing_question_text() -> None:
    message = error_for(broken("question: Går bussen varje timme?", "question: ''"))
    assert "frågan 'prov_b'" in message and "text saknas för 'question'" in message


def test_unknown_field_type() -> None:
    message = error_for(broken("type: text", "type: färg"))
    assert "metadatafältet 'plan_name'" in message and "okänd fälttyp 'färg'" in message


def test_yaml_syntax_error_gives_line() -> None:
    message = error_for(VALID + "  - id: [oavslutad\n")
    assert "YAML-syntaxfel" in message and "rad " in message


def test_invalid_id_and_unknown_key() -> None:
    assert "ska börja med en liten bokstav" in error_for(broken("id: prov_a", "id: Prov A"))
    assert "okänd nyckel 'fråga'" in error_for(broken("question: Finns", "fråga: Finns"))


def test_choice_field_needs_choices() -> None:
    assert "valruta behöver en lista" in error_for(broken("type: text", "type: choice"))


def test_catalogue_rejects_two_files_with_same_version(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(VALID, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(VALID, encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"version 1 av .prov. finns redan i a\.yaml"):
        load_catalogue(tmp_path)


def test_catalogue_keeps_older_versions(tmp_path: Path) -> None:
    (tmp_path / "v1.yaml").write_text(VALID, encoding="utf-8")
    (tmp_path / "v2.yaml").write_text(broken("version: 1", "version: 2"), encoding="utf-8")
    catalogue = load_catalogue(tmp_path)
    assert catalogue.latest("prov").version == 2
    assert [f.version for f in catalogue.versions("prov")] == [1, 2]
    assert catalogue.get("prov", 1) is not None and catalogue.get("prov", 3) is None


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Översikt".encode("latin-1"))
    with pytest.raises(DefinitionError, match=r"latin1\.yaml: filen kan inte läsas"):
        load_form(path)


def test_presentation_keys_default_for_an_older_definition(tmp_path: Path) -> None:
    form = parse_form(VALID, "prov.yaml")
    assert (form.details_title, form.order, form.reference_prefix) == (
        "Uppgifter om planen",
        None,
        "",
    )
    (tmp_path / "prov.yaml").write_text(VALID, encoding="utf-8")
    assert load_catalogue(tmp_path).reference_prefix("prov") == "PRO"


def test_presentation_keys_are_read_and_checked() -> None:
    stated = broken(
        "version: 1\n",
        "version: 1\norder: 4\nreference_prefix: PR2\ndetails_title: Uppgifter om provet\n",
    )
    form = parse_form(stated, "prov.yaml")
    assert (form.details_title, form.order, form.reference_prefix) == (
        "Uppgifter om provet",
        4,
        "PR2",
    )
    assert "'order' ska vara ett heltal" in error_for(
        broken("version: 1\n", "version: 1\norder: tre\n")
    )
    message = error_for(broken("version: 1\n", "version: 1\nreference_prefix: dp-x\n"))
    assert "'reference_prefix' ska vara 1–10 versaler" in message


def test_catalogue_follows_each_definitions_order(tmp_path: Path) -> None:
    for name, order in (("ccc", "order: 1\n"), ("aaa", ""), ("bbb", "order: 2\n"), ("abc", "")):
        text = VALID.replace("id: prov\n", f"id: {name}\n{order}").replace("prov_", f"{name}_")
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    assert [f.id for f in load_catalogue(tmp_path).current()] == ["ccc", "bbb", "aaa", "abc"]

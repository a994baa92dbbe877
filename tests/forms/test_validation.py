"""Validating a submission against a form version, without Flask or a database."""

from __future__ import annotations

import pytest

from forms import InvalidSubmission, Submission, load_catalogue, parse_fields, validate

FORM = load_catalogue().latest("detaljplan")
FIRST, SECOND = list(FORM.items)[:2]


def parse(fields: dict[str, str]) -> Submission:
    return parse_fields(FORM, fields.items())


def test_a_draft_may_be_partial() -> None:
    sub = parse({FIRST.answer_name: "delvis", FIRST.comment_name: "  Saknar gångväg \r\n"})
    result = validate(FORM, sub, complete=False)
    assert result.ok
    assert sub.to_dict() == {
        "metadata": {},
        "answers": {FIRST.id: {"value": "delvis", "comment": "Saknar gångväg"}},
    }


def test_submitting_requires_metadata_and_every_item() -> None:
    result = validate(FORM, parse({FIRST.answer_name: "ja"}), complete=True)
    required = [f for f in FORM.metadata if f.required]
    assert set(result.errors) == {f.input_name for f in required} | {
        i.answer_name for i in FORM.items if i.id != FIRST.id
    }
    assert result.errors["m-plan_name"] == "Fyll i planens namn."
    # The message names the question by its number and its text.
    assert result.errors[SECOND.answer_name] == f"Fråga 2, ”{SECOND.question}”: välj ett svar."
    stage = next(f for f in required if f.type == "choice")
    assert result.errors[stage.input_name] == f"Välj {stage.label.lower()}."


def test_errors_come_in_page_order() -> None:
    result = validate(FORM, Submission(), complete=True)
    names = list(result.errors)
    assert (
        names.index("m-plan_name")
        < names.index(FIRST.answer_name)
        < names.index(SECOND.answer_name)
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("m-contact_email", "inte-en-adress", "ange en e-postadress"),
        ("m-date", "15/3/2026", "ange datum som ÅÅÅÅ-MM-DD"),
        ("m-date", "2026-02-30", "ange datum som ÅÅÅÅ-MM-DD"),
        ("m-homes", "tolv", "ange ett heltal"),
        ("m-homes", "-3", "ange ett heltal"),
        ("m-stage", "paus", "välj ett av alternativen"),
        ("m-plan_name", "x" * 301, "högst 300 tecken (nu 301)"),
    ],
)
def test_bad_metadata_values(field: str, value: str, message: str) -> None:
    result = validate(FORM, parse({field: value}), complete=False)
    assert message in result.errors[field]
    # Every message about a detail starts with the detail's name.
    spec = FORM.find_field(field.removeprefix("m-"))
    assert spec is not None
    assert result.errors[field].startswith(f"{spec.label}: ")


def test_answer_outside_the_scale_is_an_error() -> None:
    result = validate(FORM, parse({FIRST.answer_name: "kanske"}), complete=False)
    assert "välj ett av svarsalternativen" in result.errors[FIRST.answer_name]


def test_over_long_comment_is_an_error() -> None:
    result = validate(FORM, parse({FIRST.comment_name: "å" * 5001}), complete=False)
    assert "högst 5000 tecken" in result.errors[FIRST.comment_name]


def test_unknown_or_repeated_fields_are_refused() -> None:
    with pytest.raises(InvalidSubmission):
        parse({"a-finns_inte": "ja"})
    with pytest.raises(InvalidSubmission):
        parse({"m-okand": "x"})
    with pytest.raises(InvalidSubmission):
        parse_fields(FORM, [(FIRST.answer_name, "ja"), (FIRST.answer_name, "nej")])


def test_control_characters_removed_and_line_breaks_kept() -> None:
    sub = parse({"m-plan_name": "Norra\x00 \t hamnen", FIRST.comment_name: "rad 1\r\nrad\x07 2"})
    assert sub.metadata["plan_name"] == "Norra hamnen"
    assert sub.answers[FIRST.id].comment == "rad 1\nrad 2"


def test_round_trip_through_storage_format() -> None:
    sub = parse(
        {"m-plan_name": "Hamnen", FIRST.answer_name: "nej", FIRST.comment_name: "Ingen buss"}
    )
    again = Submission.from_dict(sub.to_dict())
    assert again.to_dict() == sub.to_dict()
    assert again.answered_count() == 1

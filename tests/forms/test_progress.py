"""Where a person stands: states per part, the count, the next gap, the part changed last."""

from __future__ import annotations

from forms import Answer, Submission, load_catalogue
from forms.progress import DETAILS_ID, State, changed_part, progress

FORM = load_catalogue().latest("detaljplan")
ONE, TWO, THREE = FORM.sections[:3]


def answered(*items: str, **metadata: str) -> Submission:
    return Submission(dict(metadata), {item: Answer("ja") for item in items})


def test_an_empty_response_has_nothing_started() -> None:
    result = progress(FORM, Submission())
    assert [p.state for p in result.parts] == [State.NOT_STARTED] * (len(FORM.sections) + 1)
    assert (result.answered, result.questions) == (0, FORM.item_count)
    first = result.next_missing
    assert first is not None and first.number == 1 and first.anchor == ONE.items[0].answer_name
    assert not result.complete


def test_states_counts_and_the_next_gap_follow_the_answers() -> None:
    ids = [item.id for item in ONE.items] + [TWO.items[0].id]
    result = progress(FORM, answered(*ids, plan_name="Kv. Hamnen"))
    details, one, two, three = result.parts[:4]
    assert details.id == DETAILS_ID and details.state is State.IN_PROGRESS
    assert {m.anchor for m in details.missing} == {
        f.input_name for f in FORM.metadata if f.required and f.id != "plan_name"
    }
    assert (one.state, one.done, one.total) == (State.DONE, len(ONE.items), len(ONE.items))
    assert (two.state, two.done) == (State.IN_PROGRESS, 1)
    assert three.state is State.NOT_STARTED
    assert result.answered == len(ONE.items) + 1
    gap = result.next_missing
    assert gap is not None and gap.number == len(ONE.items) + 2
    assert gap.text == TWO.items[1].question


def test_a_comment_alone_is_no_answer() -> None:
    submission = Submission(answers={ONE.items[0].id: Answer(None, "Bara en kommentar")})
    assert progress(FORM, submission).parts[1].state is State.NOT_STARTED


def test_complete_when_every_question_and_required_detail_is_there() -> None:
    details = {f.id: "x" for f in FORM.metadata if f.required}
    everything = answered(*(item.id for item in FORM.items), **details)
    result = progress(FORM, everything)
    assert result.complete and result.next_missing is None
    # All questions answered but a detail missing: the gap is the detail.
    details.pop("plan_name")
    gap = progress(FORM, answered(*(i.id for i in FORM.items), **details)).next_missing
    assert gap is not None and gap.number is None and gap.anchor == "m-plan_name"


def test_the_part_changed_last_is_found_in_page_order() -> None:
    before = answered(ONE.items[0].id)
    after = answered(ONE.items[0].id, THREE.items[0].id, plan_name="Ny")
    assert changed_part(FORM, before, after) == THREE.id
    assert changed_part(FORM, before, answered(ONE.items[0].id, plan_name="Ny")) == DETAILS_ID
    # A posted form carries every question, answered or not: that is no change.
    posted = Submission(answers={item.id: Answer(None, "") for item in FORM.items})
    posted.answers[ONE.items[0].id] = Answer("ja")
    assert changed_part(FORM, before, posted) is None
    commented = answered(ONE.items[0].id)
    commented.answers[ONE.items[0].id].comment = "Ny kommentar"
    assert changed_part(FORM, before, commented) == ONE.id

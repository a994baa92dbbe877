"""Where a person stands in a checklist: each part's state, the count, what is missing.

Pure: computed from a form version and a submission (saved or just posted), the same way
for the section list, the check-answers page and the live update in the browser
(service/static/fill.js counts the same things in the page).

Worked example (detaljplan, 36 questions in 7 sections plus the plan's details):
a draft with the plan's name filled in and questions 1-12 answered gives
"uppgifter" IN_PROGRESS (other required details missing), section 1 (questions 1-5) DONE,
section 2 (6-12) DONE, section 3 NOT_STARTED..., answered=12, total=36 and `next_item`
question 13.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from forms.model import Field, Form, Item
from forms.validation import Submission

# The id of the plan's details part: also the anchor of its fieldset on the form page.
DETAILS_ID = "uppgifter"


class State(Enum):
    """The state of one part of the form, as the section list shows it."""

    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    DONE = "done"

    @classmethod
    def of(cls, done: int, total: int, started: bool | None = None) -> State:
        if done >= total:  # a part with nothing required is done from the start
            return cls.DONE
        return cls.IN_PROGRESS if (done or started) else cls.NOT_STARTED


@dataclass(frozen=True)
class Missing:
    """One unanswered question (with its number on the page) or a required detail."""

    anchor: str  # the id of the input to jump to
    number: int | None
    text: str


@dataclass(frozen=True)
class Part:
    """The plan's details or one section: its state and what is still missing in it."""

    id: str
    title: str
    number: int | None  # sections are numbered on the page; the details are not
    done: int
    total: int
    state: State
    missing: tuple[Missing, ...]


@dataclass(frozen=True)
class Progress:
    parts: tuple[Part, ...]
    answered: int  # questions with an answer
    questions: int

    @property
    def complete(self) -> bool:
        return all(part.state is State.DONE for part in self.parts)

    @property
    def next_missing(self) -> Missing | None:
        """The first unanswered question, or the first missing detail if all are answered."""
        questions = [m for part in self.parts if part.number for m in part.missing]
        details = [m for part in self.parts if not part.number for m in part.missing]
        return next(iter(questions or details), None)

    def part(self, part_id: str) -> Part | None:
        return next((p for p in self.parts if p.id == part_id), None)


def progress(form: Form, submission: Submission, details_title: str = "") -> Progress:
    """The state of every part of `form` for `submission`."""
    parts = [_details(form, submission, details_title)]
    number = 0
    for index, section in enumerate(form.sections, 1):
        missing = []
        for item in section.items:
            number += 1
            if not _answered(submission, item):
                missing.append(Missing(item.answer_name, number, item.question))
        done = len(section.items) - len(missing)
        parts.append(
            Part(
                section.id,
                section.title,
                index,
                done,
                len(section.items),
                State.of(done, len(section.items)),
                tuple(missing),
            )
        )
    answered = sum(p.done for p in parts if p.number)
    return Progress(tuple(parts), answered, number)


def _details(form: Form, submission: Submission, title: str) -> Part:
    required = [spec for spec in form.metadata if spec.required]
    missing = tuple(
        Missing(spec.input_name, None, spec.label)
        for spec in required
        if not _filled(submission, spec)
    )
    started = any(submission.metadata.get(spec.id) for spec in form.metadata)
    done = len(required) - len(missing)
    state = State.of(done, len(required), started)
    return Part(DETAILS_ID, title, None, done, len(required), state, missing)


def _answered(submission: Submission, item: Item) -> bool:
    answer = submission.answers.get(item.id)
    return bool(answer and answer.value)


def _answer_key(submission: Submission, item: Item) -> tuple[str | None, str]:
    answer = submission.answers.get(item.id)
    return (answer.value or None, answer.comment or "") if answer else (None, "")


def _filled(submission: Submission, spec: Field) -> bool:
    return bool(submission.metadata.get(spec.id, "").strip())


def changed_part(form: Form, before: Submission, after: Submission) -> str | None:
    """The id of the last part (in page order) where `after` differs from `before`.

    A save without JavaScript cannot say where the person was; the last part they changed
    is where they were working, so the saved page opens there.
    """
    found = None
    if any(before.metadata.get(s.id, "") != after.metadata.get(s.id, "") for s in form.metadata):
        found = DETAILS_ID
    for section in form.sections:
        for item in section.items:
            if _answer_key(before, item) != _answer_key(after, item):
                found = section.id
                break
    return found

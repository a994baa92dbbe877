"""The region's follow-up: which plans each organisation has sent in, per checklist and year.

A "plan" is, for now, one submitted response: its name and stage come from the response's
metadata and its reference is the response id. `plans()` is the one place that says so;
when plans get a table of their own, only it changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exports.filters import ExportFilter, stage_of
from forms import Catalogue, Form
from service import records
from service.models import Consultation, ConsultationInvite, Response
from service.models import Plan as PlanRow
from service.organisations import Directory, Organisation


@dataclass(frozen=True)
class Plan:
    """One plan as the overview lists it (a submitted response, its latest revision)."""

    response_id: str
    reference: str
    org: str
    form_id: str
    name: str
    stage: str | None  # the stage's label, in the checklist's wording
    stage_rank: int  # the stage's place in the checklist's order (-1: none given)
    submitted_at: dt.datetime  # the latest submission, naive UTC


def plans(db: Session, catalogue: Catalogue, selection: ExportFilter) -> list[Plan]:
    """The plans the selection holds, per checklist by organisation and date."""
    result: list[Plan] = []
    for form in catalogue.current():
        if not selection.includes_form(form.id):
            continue
        stages = stage_choices(form)
        order = list(stages)
        for record in records.stream(db, selection, form.id):
            stage = stage_of(record)
            metadata = (record.data or {}).get("metadata") or {}
            result.append(
                Plan(
                    response_id=record.id,
                    reference=record.id,
                    org=record.org,
                    form_id=form.id,
                    name=str(metadata.get("plan_name") or "").strip() or "Namnlös plan",
                    stage=stages.get(stage, stage) if stage else None,
                    stage_rank=order.index(stage) if stage in stages else -1,
                    submitted_at=record.updated_at,
                )
            )
    return result


def stage_choices(form: Form) -> dict[str, str]:
    """A checklist's stages in order: code -> label (empty when it asks for none)."""
    spec = form.find_field("stage")
    return {c.value: c.label for c in spec.choices} if spec else {}


def all_stages(catalogue: Catalogue) -> dict[str, str]:
    """Every stage code of the checklists in force, first label winning, in order met."""
    stages: dict[str, str] = {}
    for form in catalogue.current():
        for code, label in stage_choices(form).items():
            stages.setdefault(code, label)
    return stages


def years(db: Session, today: dt.date) -> list[int]:
    """The years to choose from, newest first: this year back to the first submission."""
    first = db.scalar(select(func.min(Response.submitted_at)))
    start = min(first.year, today.year) if first else today.year
    return list(range(today.year, start - 1, -1))


@dataclass
class Cell:
    """One organisation × checklist: its plans in the selection and whether it is expected."""

    org: Organisation
    form: Form
    expected: bool
    plans: list[Plan] = field(default_factory=list)

    @property
    def latest(self) -> Plan | None:
        # A response written outside the service may lack its submission time.
        return max(self.plans, key=lambda p: p.submitted_at or dt.datetime.min, default=None)

    @property
    def state(self) -> str:
        """ "sent" (has plans), "missing" (expected, none) or "not_expected" (neither)."""
        if self.plans:
            return "sent"
        return "missing" if self.expected else "not_expected"


@dataclass
class Matrix:
    forms: list[Form]
    rows: list[tuple[Organisation, list[Cell]]]

    @property
    def plan_count(self) -> int:
        return sum(len(c.plans) for _, cells in self.rows for c in cells)

    def silent(self) -> list[Organisation]:
        """Expected to fill in something, yet nothing sent in the selection."""
        return [
            org
            for org, cells in self.rows
            if any(c.expected for c in cells) and not any(c.plans for c in cells)
        ]

    def missing(self) -> int:
        return sum(c.state == "missing" for _, cells in self.rows for c in cells)


def matrix(orgs: Directory, forms: Sequence[Form], found: Iterable[Plan]) -> Matrix:
    """Organisations (file order) × checklists, each cell holding its plans."""
    cells = {
        (org.slug, form.id): Cell(org, form, org.expected(form.id))
        for org in orgs
        for form in forms
    }
    for plan in found:
        cell = cells.get((plan.org, plan.form_id))
        if cell is not None:  # an organisation no longer in the file is not shown
            cell.plans.append(plan)
    return Matrix(
        list(forms), [(org, [cells[(org.slug, form.id)] for form in forms]) for org in orgs]
    )


# Samråd: open requests and replies that are late, as they stand today (not filtered).


@dataclass(frozen=True)
class LateReply:
    """An organisation asked that has not answered by the reply-by date."""

    consultee: str  # slug
    org: str  # the asking organisation (slug)
    plan_id: str
    reference: str
    plan_name: str
    reply_by: dt.date
    days_late: int


@dataclass(frozen=True)
class ConsultationCounts:
    org: Organisation
    open_requests: int  # open requests this organisation made
    waiting: int  # open requests it is asked in and has not answered
    late: int  # of those, past the reply-by date


@dataclass
class ConsultationStanding:
    counts: list[ConsultationCounts]  # organisations with anything open, in file order
    late: list[LateReply]  # the longest overdue first

    @property
    def open_requests(self) -> int:
        return sum(c.open_requests for c in self.counts)


def consultation_standing(db: Session, orgs: Directory, today: dt.date) -> ConsultationStanding:
    """Open requests (neither withdrawn nor closed) and who is late with a reply, today."""
    is_open = (Consultation.withdrawn_at.is_(None), Consultation.closed_at.is_(None))
    asking = dict(
        db.execute(
            select(Consultation.org, func.count()).where(*is_open).group_by(Consultation.org)
        ).all()
    )
    unanswered = db.execute(
        select(ConsultationInvite.org, Consultation, PlanRow)
        .join(Consultation, Consultation.id == ConsultationInvite.consultation_id)
        .join(PlanRow, PlanRow.id == Consultation.plan_id)
        .where(*is_open, ConsultationInvite.answered_at.is_(None))
        .order_by(Consultation.reply_by, PlanRow.reference)
    ).all()
    waiting: dict[str, int] = {}
    late_count: dict[str, int] = {}
    late: list[LateReply] = []
    for consultee, consultation, plan in unanswered:
        waiting[consultee] = waiting.get(consultee, 0) + 1
        if consultation.reply_by < today:
            late_count[consultee] = late_count.get(consultee, 0) + 1
            late.append(
                LateReply(
                    consultee,
                    consultation.org,
                    plan.id,
                    plan.reference,
                    plan.name,
                    consultation.reply_by,
                    (today - consultation.reply_by).days,
                )
            )
    counts = [
        ConsultationCounts(
            org, asking.get(org.slug, 0), waiting.get(org.slug, 0), late_count.get(org.slug, 0)
        )
        for org in orgs
        if asking.get(org.slug) or waiting.get(org.slug)
    ]
    return ConsultationStanding(counts, sorted(late, key=lambda r: (-r.days_late, r.reference)))

"""Plans and their stages: reference numbers, starting the next stage, the timeline.

A plan is what people work on; each stage (samråd, granskning, …) is one response, and each
*Skicka in* of a stage one revision. Every write here joins the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any, cast

from flask import has_app_context
from sqlalchemy import Table, bindparam, event, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from forms import Catalogue, Form, Status, Submission, load_catalogue
from forms.diff import carry_over
from forms.stages import STAGE_FIELD, stage_position
from service.catalogue import current_catalogue
from service.models import Plan, PlanNumber, Response, Revision, utcnow


def prefix(form_id: str) -> str:
    """The short part of the checklist's reference numbers (DP in DP-2026-0007), as its
    definition states it: the checklists in force in the app, else the shipped ones (a
    bare session, as scripts and some tests use)."""
    definitions = current_catalogue() if has_app_context() else _shipped()
    return definitions.reference_prefix(form_id)


@functools.cache
def _shipped() -> Catalogue:
    return load_catalogue()


@functools.cache
def _number_upsert(dialect: str) -> Any:
    """One statement: the first number of a new series, or the next one under the row lock
    (built once per dialect: building it anew costs more than running it)."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = cast(Table, PlanNumber.__table__)
    values = insert(table).values(org=bindparam("org"), series=bindparam("series"), last=1)
    return values.on_conflict_do_update(
        index_elements=[table.c.org, table.c.series], set_={"last": table.c.last + 1}
    ).returning(table.c.last)


def _next_number(db: Session, org: str, series: str) -> int:
    """The series' next running number, taken under the counter row's lock (held until
    the caller's transaction ends, so a rollback gives the number back)."""
    connection = db.connection()  # a table statement: the ORM has nothing to add to it
    statement = _number_upsert(connection.dialect.name)
    number: int = connection.execute(statement, {"org": org, "series": series}).scalar_one()
    return number


def create(db: Session, org: str, form_id: str, when: dt.datetime | None = None) -> Plan:
    """A new plan; it takes the organisation's next reference number for this checklist
    and year when it is written (see _number_new_plans)."""
    now = when or utcnow()
    plan = Plan(org=org, form_id=form_id, created_at=now, updated_at=now)
    set_details(plan, {})
    db.add(plan)
    return plan


@event.listens_for(Session, "before_flush")
def _number_new_plans(db: Session, _context: object, _instances: object) -> None:
    """The number is taken as the plan is written, not when it is made: its counter row's
    lock is the transaction's first write, and on SQLite the first write starts the one
    writer's turn, which the other workers wait out. So it starts as late as it can."""
    for plan in db.new:
        if isinstance(plan, Plan) and plan.reference is None:
            series = f"{prefix(plan.form_id)}-{plan.created_at.year}"
            plan.reference = f"{series}-{_next_number(db, plan.org, series):04d}"
            set_details(plan, {})


def set_details(plan: Plan, data: dict[str, Any]) -> None:
    """Name and diarienummer from a stage's metadata (kept when the stage leaves them empty)."""
    metadata = data.get("metadata") or {}
    plan.name = str(metadata.get("plan_name") or plan.name or "")[:300]
    plan.diarienummer = str(metadata.get("diarienummer") or plan.diarienummer or "")[:300]
    reference = plan.reference or ""  # a new plan has its number once it is written
    plan.search_text = f"{plan.name} {plan.diarienummer} {reference}".casefold()[:700]


def plan_of(db: Session, response: Response) -> Plan:
    """The response's plan; a response made outside the service gets one here."""
    if response.plan is None:
        response.plan = create(db, response.org, response.form_id, response.created_at)
        set_details(response.plan, response.data or {})
    return response.plan


def touch(db: Session, response: Response, by: str | None) -> None:
    """After a save: the plan follows the stage's name and diarienummer; who saved is kept."""
    plan = plan_of(db, response)
    set_details(plan, response.data or {})
    plan.updated_at = utcnow()
    response.updated_by = by


def owned(db: Session, plan_id: str, org: str | None) -> Plan | None:
    """The plan if it exists and belongs to `org` (None = any organisation, for admins)."""
    if len(plan_id) > 32:
        return None
    plan = db.get(Plan, plan_id)
    if plan is None or (org is not None and plan.org != org):
        return None
    return plan


def stage_code(data: dict[str, Any] | None) -> str | None:
    value = ((data or {}).get("metadata") or {}).get(STAGE_FIELD)
    return str(value) if value else None


def draft_of(plan: Plan) -> Response | None:
    """The plan's stage that has never been submitted, if any (there is at most one to start)."""
    return next((r for r in plan.stages if r.status == Status.DRAFT), None)


def revisions(plan: Plan) -> list[Revision]:
    """Every submitted revision of every stage, oldest first."""
    found = [rev for response in plan.stages for rev in response.revisions]
    return sorted(found, key=lambda rev: (rev.submitted_at, rev.id))


def latest_revision(plan: Plan) -> Revision | None:
    found = revisions(plan)
    return found[-1] if found else None


def start_stage(
    db: Session, plan: Plan, form: Form, source_form: Form, source: Revision, stage: str
) -> Response:
    """A new stage of `plan` on `form` (the newest version), prefilled from `source`.

    Every section with a carried-over answer or comment stays marked until the person
    saves that section or submits the stage.
    """
    data, _dropped = carry_over(source_form, form, source.data or {})
    data["metadata"][STAGE_FIELD] = stage
    data["metadata"].pop("date", None)  # the date of this stage, not of the last one
    answered = set(data["answers"])
    sections = [s.id for s in form.sections if any(i.id in answered for i in s.items)]
    now = utcnow()
    response = Response(
        org=plan.org,
        form_id=form.id,
        form_version=form.version,
        status=Status.DRAFT,
        revision=0,
        unsubmitted_changes=False,
        data=Submission.from_dict(data).to_dict(),
        created_at=now,
        updated_at=now,
        carried_over={
            "stage": stage_code(source.data),
            "revision": source.number,
            "sections": sections,
        },
    )
    response.plan = plan
    plan.updated_at = now
    db.add(response)
    return response


def looked_at(response: Response, section: str | None, *, everything: bool = False) -> None:
    """A carried-over section the person saved (or all, on submitting) loses its mark."""
    carried = response.carried_over
    if not carried:
        return
    left = [] if everything else [s for s in carried.get("sections", []) if s != section]
    response.carried_over = {**carried, "sections": left} if left else None


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a plan's history: a submitted revision, or a stage's unsent draft."""

    response: Response
    stage: str | None
    when: dt.datetime
    by: str | None
    revision: Revision | None


def timeline(plan: Plan, form: Form) -> list[TimelineEntry]:
    """Every version and unsent working copy, in the order of the stages in `form`
    (planbesked before samråd before granskning …), and by time within a stage."""
    entries = [
        TimelineEntry(rev.response, stage_code(rev.data), rev.submitted_at, rev.submitted_by, rev)
        for rev in revisions(plan)
    ]
    for response in plan.stages:
        if response.status == Status.DRAFT or response.unsubmitted_changes:
            entries.append(
                TimelineEntry(
                    response,
                    stage_code(response.data),
                    response.updated_at,
                    response.updated_by,
                    None,
                )
            )
    return sorted(entries, key=lambda e: (stage_position(form, e.stage), e.when))


def furthest_stage(plan: Plan, form: Form) -> str | None:
    """The submitted stage that comes last in the checklist's order."""
    submitted = [stage_code(rev.data) for rev in revisions(plan)]
    known = [code for code in submitted if code]
    return max(known, key=lambda code: stage_position(form, code)) if known else None


PAGE_SIZE = 50


@dataclass(frozen=True)
class PlanPage:
    plans: list[Plan]
    total: int
    page: int
    pages: int


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def page_for_org(db: Session, org: str, query: str, page: int, size: int = PAGE_SIZE) -> PlanPage:
    """One page of the organisation's plans, latest activity first, matching `query` in
    name, diarienummer or reference (case ignored)."""
    condition = Plan.org == org
    words = query.casefold().split()
    for word in words:
        condition = condition & Plan.search_text.like(f"%{_escape_like(word)}%", escape="\\")
    total = db.scalar(select(func.count()).select_from(Plan).where(condition)) or 0
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    found = db.scalars(
        select(Plan)
        .where(condition)
        .order_by(Plan.updated_at.desc(), Plan.id)
        .offset((page - 1) * size)
        .limit(size)
        .options(selectinload(Plan.stages).selectinload(Response.revisions))
    ).all()
    return PlanPage(list(found), total, page, pages)


def drafts_for_org(db: Session, org: str, limit: int = 20) -> list[Response]:
    """Stages not yet submitted, newest first: what people come back to continue."""
    return list(
        db.scalars(
            select(Response)
            .where(Response.org == org, Response.status == Status.DRAFT)
            .order_by(Response.updated_at.desc())
            .limit(limit)
            .options(selectinload(Response.plan))
        )
    )

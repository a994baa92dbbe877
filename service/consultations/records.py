"""Samråd in the record: the sent messages of consultations for the workbooks and the PDF.

Only sent messages ever leave the service this way; drafts stay with their writer. Threads
are flat: a message's `parent_id` is its thread's first comment (a chain is followed to
its start all the same).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from exports.consultsheet import KIND_LABELS, ConsultMessage
from exports.filters import ExportFilter
from forms import Catalogue, Form
from forms.stages import stage_label
from service.models import (
    Consultation,
    ConsultationComment,
    ConsultationInvite,
    Plan,
    Revision,
)
from service.plans import stage_code


@dataclass(frozen=True)
class _Shared:
    """What one consultation's messages share: the revision's checklist and stage."""

    consultation: Consultation
    plan: Plan
    form: Form | None
    stage_code: str | None
    numbers: dict[str, int]


def _shared(
    db: Session, catalogue: Catalogue, consultations: Iterable[Consultation]
) -> dict[str, _Shared]:
    result: dict[str, _Shared] = {}
    for consultation in consultations:
        plan = db.get(Plan, consultation.plan_id)
        revision = db.scalar(
            select(Revision).where(
                Revision.response_id == consultation.response_id,
                Revision.number == consultation.revision,
            )
        )
        if plan is None:
            continue
        form = None
        if revision is not None:
            form = catalogue.get(plan.form_id, revision.form_version)
        form = form or (catalogue.latest(plan.form_id) if plan.form_id in catalogue else None)
        numbers = {item.id: n for n, item in enumerate(form.items, 1)} if form else {}
        code = stage_code(revision.data) if revision is not None else None
        result[consultation.id] = _Shared(consultation, plan, form, code, numbers)
    return result


def _root(comment: ConsultationComment, by_id: dict[int, ConsultationComment]) -> int:
    """The id of the thread's first comment."""
    seen = {comment.id}
    while comment.parent_id is not None and comment.parent_id in by_id:
        comment = by_id[comment.parent_id]
        if comment.id in seen:
            break
        seen.add(comment.id)
    return comment.id


def _sent(db: Session, ids: list[str]) -> list[ConsultationComment]:
    if not ids:
        return []
    return list(
        db.scalars(
            select(ConsultationComment)
            .where(
                ConsultationComment.consultation_id.in_(ids),
                ConsultationComment.sent_at.is_not(None),
            )
            .order_by(ConsultationComment.sent_at, ConsultationComment.id)
        )
    )


def _messages(
    shared: dict[str, _Shared], comments: list[ConsultationComment], only_for: str | None = None
) -> list[ConsultMessage]:
    """Sheet rows; `only_for`: the asking organisation's requests and that organisation's
    own threads, nothing of what other consultees sent."""
    by_id = {c.id: c for c in comments}
    result = []
    for comment in comments:
        info = shared.get(comment.consultation_id)
        if info is None:
            continue
        first = by_id[_root(comment, by_id)]
        if only_for is not None and only_for not in (info.consultation.org, first.org):
            continue
        question_id = first.question_id
        item = info.form.find_item(question_id) if info.form and question_id else None
        role = "comment" if first.id == comment.id else "correction"
        if comment.org == info.consultation.org and comment.id != first.id:
            role = "reply"
        result.append(
            ConsultMessage(
                thread=first.id,
                role=role,
                org=info.consultation.org,
                plan_reference=info.plan.reference,
                plan_name=info.plan.name,
                form_title=info.form.short_title if info.form else info.plan.form_id,
                stage=stage_label(info.form, info.stage_code) if info.form else "",
                revision=info.consultation.revision,
                question_number=info.numbers.get(question_id or ""),
                question=item.question if item else (question_id or ""),
                consultee=first.org,
                kind=comment.kind,
                text=comment.text,
                sent_at=comment.sent_at or comment.created_at,
                reply_by=info.consultation.reply_by,
                withdrawn_at=comment.withdrawn_at,
                handled_at=first.handled_at,
                handled_note=first.handled_note or "",
            )
        )
    result.sort(
        key=lambda m: (
            m.org,
            m.plan_reference,
            m.revision,
            m.question_number is None,
            m.question_number or 0,
            m.thread,
            m.sent_at,
        )
    )
    return result


def regional_messages(
    db: Session, catalogue: Catalogue, selection: ExportFilter
) -> list[ConsultMessage]:
    """The region's Samråd sheet: sent messages of requests whose asking organisation,
    checklist and stage the selection holds, sent within its period."""
    stmt = select(Consultation).join(Plan, Plan.id == Consultation.plan_id)
    if selection.orgs:
        stmt = stmt.where(Consultation.org.in_(sorted(selection.orgs)))
    if selection.forms:
        stmt = stmt.where(Plan.form_id.in_(sorted(selection.forms)))
    shared = _shared(db, catalogue, db.scalars(stmt.order_by(Consultation.created_at)))
    if selection.stages:
        shared = {k: v for k, v in shared.items() if v.stage_code in selection.stages}
    since, before = selection.since, selection.before
    return [
        message
        for message in _messages(shared, _sent(db, list(shared)))
        if (since is None or message.sent_at >= since)
        and (before is None or message.sent_at < before)
    ]


def org_messages(db: Session, catalogue: Catalogue, org: str) -> list[ConsultMessage]:
    """An organisation's own download: everything sent in the requests it made, and its
    own threads (its comments, its corrections and the replies to them) where it was asked."""
    asked = select(ConsultationInvite.consultation_id).where(ConsultationInvite.org == org)
    stmt = select(Consultation).where(or_(Consultation.org == org, Consultation.id.in_(asked)))
    shared = _shared(db, catalogue, db.scalars(stmt.order_by(Consultation.created_at)))
    return _messages(shared, _sent(db, list(shared)), only_for=org)


# The plan's PDF: an appendix with the sent comments and replies of one revision.


@dataclass(frozen=True)
class Said:
    """One sent message in the appendix."""

    org: str  # slug of who wrote it
    author: str
    role: str  # comment, correction or reply
    kind: str  # the kind's label, or ""
    text: str
    sent_at: dt.datetime
    withdrawn_at: dt.datetime | None


@dataclass
class Thread:
    first: Said
    follow: list[Said] = field(default_factory=list)
    handled_at: dt.datetime | None = None
    handled_note: str = ""


@dataclass
class Question:
    number: int | None  # None: the overall statements
    text: str
    threads: list[Thread] = field(default_factory=list)


@dataclass(frozen=True)
class Asked:
    """One request on the revision: who was asked, by when, and where it stands."""

    invited: tuple[tuple[str, dt.datetime | None], ...]  # (slug, answered at)
    reply_by: dt.date
    created_at: dt.datetime
    withdrawn_at: dt.datetime | None
    closed_at: dt.datetime | None


@dataclass
class Appendix:
    requests: list[Asked]
    questions: list[Question]


def _said(comment: ConsultationComment, role: str) -> Said:
    return Said(
        org=comment.org,
        author=comment.author or "",
        role=role,
        kind=KIND_LABELS.get(comment.kind or "", ""),
        text=comment.text,
        sent_at=comment.sent_at or comment.created_at,
        withdrawn_at=comment.withdrawn_at,
    )


def appendix(db: Session, response_id: str, revision: int, form: Form) -> Appendix:
    """The requests on one submitted revision and their sent messages, by question in the
    checklist's order, the overall statements last."""
    consultations = list(
        db.scalars(
            select(Consultation)
            .where(Consultation.response_id == response_id, Consultation.revision == revision)
            .order_by(Consultation.created_at)
        )
    )
    requests = [
        Asked(
            tuple((i.org, i.answered_at) for i in c.invites),
            c.reply_by,
            c.created_at,
            c.withdrawn_at,
            c.closed_at,
        )
        for c in consultations
    ]
    asking = {c.id: c.org for c in consultations}
    comments = _sent(db, list(asking))
    by_id = {c.id: c for c in comments}
    threads: dict[int, Thread] = {}
    for comment in comments:
        root = _root(comment, by_id)
        if root == comment.id:
            threads[root] = Thread(
                _said(comment, "comment"), [], comment.handled_at, comment.handled_note or ""
            )
    for comment in comments:
        root = _root(comment, by_id)
        if root != comment.id and root in threads:
            role = "reply" if comment.org == asking[comment.consultation_id] else "correction"
            threads[root].follow.append(_said(comment, role))
    numbers = {item.id: n for n, item in enumerate(form.items, 1)}
    questions: dict[str | None, Question] = {}
    for root, thread in threads.items():
        question_id = by_id[root].question_id
        item = form.find_item(question_id) if question_id else None
        if question_id not in questions:
            text = item.question if item else (question_id or "Helhetsyttranden")
            questions[question_id] = Question(numbers.get(question_id or ""), text)
        questions[question_id].threads.append(thread)
    ordered = sorted(questions.values(), key=lambda q: (q.number is None, q.number or 0, q.text))
    return Appendix(requests, ordered)

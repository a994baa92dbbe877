"""Comments of a samråd: a consultee's drafts and what it sends, the asking organisation's
replies, and marking a thread "Hanterad" with a note of how.

Sent text is never rewritten or deleted: a correction is a new message in the comment's
thread, and a draft emptied by its writer is marked withdrawn. Every write joins the
caller's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.i18n import N_
from service.models import Consultation, ConsultationComment, ConsultationInvite, utcnow

# How the kinds read on the pages, in the order they are offered.
KIND_LABELS = {
    "instammer": N_("Instämmer"),
    "synpunkt": N_("Synpunkt"),
    "atgard": N_("Behöver åtgärdas"),
}
ACTION = "atgard"
assert tuple(KIND_LABELS) == ConsultationComment.KINDS


@dataclass(frozen=True)
class Entry:
    """What the consultee's form holds for one question (None: the overall statement)."""

    question_id: str | None
    kind: str | None
    text: str

    @property
    def empty(self) -> bool:
        return not self.kind and not self.text


@dataclass
class Thread:
    """A consultee's comment and the messages after it: replies and corrections."""

    root: ConsultationComment
    messages: list[ConsultationComment] = field(default_factory=list)

    @property
    def kind(self) -> str | None:
        """The consultee's latest say: a correction may change what the comment asks for."""
        kinds = [m.kind for m in [self.root, *self.messages] if m.org == self.root.org and m.kind]
        return kinds[-1] if kinds else None

    @property
    def handled(self) -> bool:
        return self.root.handled_at is not None

    @property
    def open_action(self) -> bool:
        """Raised as "Behöver åtgärdas" and not yet marked handled."""
        return self.kind == ACTION and not self.handled and self.root.withdrawn_at is None


def drafts_of(
    db: Session, consultation: Consultation, org: str
) -> dict[str | None, ConsultationComment]:
    """The organisation's unsent comments by question: only it ever sees them."""
    rows = db.scalars(
        select(ConsultationComment)
        .where(
            ConsultationComment.consultation_id == consultation.id,
            ConsultationComment.org == org,
            ConsultationComment.sent_at.is_(None),
            ConsultationComment.withdrawn_at.is_(None),
        )
        .order_by(ConsultationComment.id)
    )
    return {row.question_id: row for row in rows}


def save_drafts(
    db: Session, consultation: Consultation, org: str, entries: list[Entry], by: str | None
) -> None:
    """Keep what the form holds as the organisation's drafts, one per question."""
    drafts = drafts_of(db, consultation, org)
    now = utcnow()
    for entry in entries:
        draft = drafts.get(entry.question_id)
        if draft is None and not entry.empty:
            db.add(
                ConsultationComment(
                    consultation_id=consultation.id,
                    org=org,
                    author=by,
                    question_id=entry.question_id,
                    kind=entry.kind,
                    text=entry.text,
                    created_at=now,
                )
            )
        elif draft is not None and entry.empty:
            draft.withdrawn_at = now
        elif draft is not None and (draft.kind, draft.text) != (entry.kind, entry.text):
            draft.kind, draft.text, draft.author = entry.kind, entry.text, by
    db.flush()


def send(
    db: Session, consultation: Consultation, invite: ConsultationInvite, by: str | None
) -> list[ConsultationComment]:
    """Send the organisation's drafts; the first sending answers the invitation.

    A draft on a question the organisation has already commented on becomes a message in
    that comment's thread. The transaction stays open: the caller adds the notice and commits.
    """
    drafts = drafts_of(db, consultation, invite.org)
    roots = {
        thread.root.question_id: thread.root
        for threads in threads_of(db, consultation).values()
        for thread in threads
        if thread.root.org == invite.org
    }
    now = utcnow()
    sent = []
    for question_id, draft in drafts.items():
        root = roots.get(question_id)
        if root is not None:
            draft.parent_id = root.id
        draft.sent_at, draft.author = now, by
        sent.append(draft)
    if sent and invite.answered_at is None:
        invite.answered_at, invite.answered_by = now, by
    db.flush()
    return sent


def reply(db: Session, thread: Thread, org: str, text: str, by: str | None) -> ConsultationComment:
    """The asking organisation's answer in a thread, sent at once."""
    message = ConsultationComment(
        consultation_id=thread.root.consultation_id,
        org=org,
        author=by,
        question_id=thread.root.question_id,
        parent_id=thread.root.id,
        text=text,
        sent_at=utcnow(),
    )
    db.add(message)
    db.flush()
    return message


def mark_handled(thread: Thread, note: str, by: str | None) -> None:
    thread.root.handled_at = utcnow()
    thread.root.handled_by = by
    thread.root.handled_note = note


def threads_of(db: Session, consultation: Consultation) -> dict[str | None, list[Thread]]:
    """Every sent comment of the request with its thread, by question, oldest first.

    What every consultee and the asking organisation see; drafts are never among them.
    """
    rows = db.scalars(
        select(ConsultationComment)
        .where(
            ConsultationComment.consultation_id == consultation.id,
            ConsultationComment.sent_at.is_not(None),
        )
        .order_by(ConsultationComment.sent_at, ConsultationComment.id)
    ).all()
    by_root: dict[int, Thread] = {}
    for row in rows:
        if row.parent_id is None:
            by_root[row.id] = Thread(row)
    for row in rows:
        if row.parent_id is not None and row.parent_id in by_root:
            by_root[row.parent_id].messages.append(row)
    grouped: dict[str | None, list[Thread]] = defaultdict(list)
    for thread in by_root.values():
        grouped[thread.root.question_id].append(thread)
    return dict(grouped)


def find_thread(db: Session, consultation: Consultation, comment_id: int) -> Thread | None:
    """The thread whose first comment is `comment_id`, in this request."""
    for threads in threads_of(db, consultation).values():
        for thread in threads:
            if thread.root.id == comment_id:
                return thread
    return None

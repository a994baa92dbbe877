"""Samråd notices by e-mail: asked, answered, and reminders of the reply-by date.

Each notice goes to an organisation's functional mailbox (`notify_email` in the
organisations file; none, no mail) through the mail outbox, in the caller's transaction,
exactly once by its key. Swedish whatever language the page was in. Links go to the page
(which asks for the organisation's sign-in when needed), never a sign-in link. Everything
here needs only an app context, so the sync process can send reminders without a request.

Reminders: one three days before the reply-by date, and one the first day after it (the
date has passed), to each organisation asked that has not answered, for requests neither
withdrawn nor closed. A pass that did not run on the day catches up within the window;
a late reminder is not sent more than LATE_WINDOW after the date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from exports.consultsheet import KIND_LABELS
from forms.clock import swedish_today
from forms.stages import stage_label
from service.access import directory
from service.catalogue import catalogue_for
from service.db import new_session
from service.identity import current_identity
from service.mail import outbox
from service.models import (
    Consultation,
    ConsultationComment,
    ConsultationInvite,
    Plan,
    Revision,
)
from service.plans import stage_code
from service.runtime import current_runtime, current_settings

SOON = dt.timedelta(days=3)  # the first reminder, this long before the reply-by date
LATE_WINDOW = dt.timedelta(days=7)  # a late reminder is not sent later than this


def _url(endpoint: str, **values: str) -> str:
    """A page's full address under PUBLIC_URL, built without a request."""
    base = current_settings().public_url.rstrip("/")
    return base + current_app.url_map.bind("localhost").build(endpoint, values)


def consultee_url(consultation: Consultation) -> str:
    """Where a consulted organisation comments (its sign-in first, if it has none)."""
    return _url("consultations.respond", consultation_id=consultation.id)


def asking_url(consultation: Consultation) -> str:
    """Where the asking organisation reads the comments: the plan's page."""
    return _url("plans.show", plan_id=consultation.plan_id)


def _date(day: dt.date) -> str:
    return str(current_app.jinja_env.filters["local_date"](day))


def _name(slug: str) -> str:
    org = directory().get(slug)
    return org.name if org else slug


def _mailbox(slug: str) -> str | None:
    org = directory().get(slug)
    return org.notify_email if org else None


def _facts(db: Session, consultation: Consultation) -> tuple[str, list[tuple[str, str]]]:
    """(the plan's title for a subject, the request's facts as label and value)."""
    plan = db.get(Plan, consultation.plan_id)
    revision = db.scalar(
        select(Revision).where(
            Revision.response_id == consultation.response_id,
            Revision.number == consultation.revision,
        )
    )
    catalogue = catalogue_for(current_runtime(), db)
    form_id = plan.form_id if plan else ""
    form = None
    if revision is not None:
        form = catalogue.get(form_id, revision.form_version)
    form = form or (catalogue.latest(form_id) if form_id in catalogue else None)
    reference = plan.reference if plan else ""
    name = (plan.name if plan else "") or "Namnlös plan"
    facts = [
        ("Organisation som frågar", _name(consultation.org)),
        ("Plan", name),
        ("Referens", reference),
    ]
    if form is not None:
        facts.append(("Checklista", form.title))
        stage = stage_label(form, stage_code(revision.data if revision else None))
        if stage:
            facts.append(("Skede", stage))
    facts.append(("Version av svaret", str(consultation.revision)))
    facts.append(("Svara senast", _date(consultation.reply_by)))
    return f"{name} ({reference})" if reference else name, facts


def _queue(
    db: Session,
    key: str,
    recipient: str,
    subject: str,
    paragraphs: Sequence[str],
    facts: Sequence[tuple[str, str]],
    *,
    url: str,
    link_text: str,
    why: str,
    consultation: Consultation,
    with_message: bool = False,
) -> bool:
    values = {
        "subject": subject,
        "paragraphs": paragraphs,
        "facts": facts,
        "url": url,
        "link_text": link_text,
        "why": why,
        "asking": _name(consultation.org),
        "message": consultation.message.strip() if with_message else "",
        "identity": current_identity(),
        "privacy_url": _url("about.personal_data"),
    }
    text = render_template("mail/consultation.txt", **values)
    html = render_template("mail/consultation.html", **values)
    domain = urlsplit(current_settings().public_url).hostname or "localhost"
    message = outbox.Outgoing(key, recipient, subject[:300], text, html)
    return outbox.enqueue(db, message, domain)


WHY_ASKED = "Er organisations e-postadress för aviseringar står i tjänstens organisationsfil."


def asked(db: Session, consultation: Consultation) -> int:
    """Tell each organisation asked; returns how many messages were queued."""
    queued = 0
    with force_locale("sv"):
        title, facts = _facts(db, consultation)
        asking = _name(consultation.org)
        for invite in consultation.invites:
            recipient = _mailbox(invite.org)
            if not recipient:
                continue
            queued += _queue(
                db,
                f"consultation-asked:{consultation.id}:{invite.org}",
                recipient,
                f"{asking} ber om synpunkter: {title}",
                [
                    f"{asking} ber {_name(invite.org)} om synpunkter på sin checklista för "
                    f"{title}, fråga för fråga, senast {_date(consultation.reply_by)}.",
                    "Ni kan kommentera varje fråga (Instämmer, Synpunkt eller Behöver "
                    "åtgärdas) och lämna ett helhetsyttrande.",
                ],
                facts,
                url=consultee_url(consultation),
                link_text="Öppna förfrågan under Att yttra sig över",
                why=WHY_ASKED,
                consultation=consultation,
                with_message=True,
            )
    return queued


def answered(db: Session, consultation: Consultation, org: str) -> bool:
    """Tell the asking organisation that `org` sent comments; once per send."""
    recipient = _mailbox(consultation.org)
    mine = (
        ConsultationComment.consultation_id == consultation.id,
        ConsultationComment.org == org,
        ConsultationComment.sent_at.is_not(None),
    )
    sent = db.scalar(select(func.count()).select_from(ConsultationComment).where(*mine)) or 0
    if not recipient or not sent:
        return False
    kinds = db.execute(
        select(ConsultationComment.kind, func.count())
        .where(
            *mine,
            ConsultationComment.parent_id.is_(None),
            ConsultationComment.withdrawn_at.is_(None),
        )
        .group_by(ConsultationComment.kind)
    ).all()
    counted = {kind: n for kind, n in kinds}
    summary = ", ".join(
        f"{label} {counted[kind]}" for kind, label in KIND_LABELS.items() if counted.get(kind)
    )
    with force_locale("sv"):
        title, facts = _facts(db, consultation)
        consultee = _name(org)
        paragraphs = [f"{consultee} har skickat synpunkter på er checklista för {title}."]
        if summary:
            paragraphs.append(f"Kommentarer från {consultee} hittills: {summary}.")
        # Counting every sent message makes the key of a later send a new one.
        return _queue(
            db,
            f"consultation-answered:{consultation.id}:{org}:{sent}",
            recipient,
            f"Synpunkter från {consultee}: {title}",
            paragraphs,
            facts,
            url=asking_url(consultation),
            link_text="Läs synpunkterna på planens sida",
            why=WHY_ASKED,
            consultation=consultation,
        )


def _due(consultation: Consultation, today: dt.date) -> str | None:
    """Which reminder is due today: "soon", "late" or none."""
    reply_by = consultation.reply_by
    if reply_by < today <= reply_by + LATE_WINDOW:
        return "late"
    # Asked with less than three days to go: the request itself was the reminder.
    if reply_by - SOON <= today <= reply_by and consultation.created_at.date() < reply_by - SOON:
        return "soon"
    return None


def remind(db: Session, today: dt.date) -> int:
    """Queue the reminders due on `today`; each exactly once, however often this runs."""
    rows = db.execute(
        select(Consultation, ConsultationInvite)
        .join(ConsultationInvite, ConsultationInvite.consultation_id == Consultation.id)
        .where(
            Consultation.withdrawn_at.is_(None),
            Consultation.closed_at.is_(None),
            ConsultationInvite.answered_at.is_(None),
            Consultation.reply_by >= today - LATE_WINDOW,
            Consultation.reply_by <= today + SOON,
        )
        .order_by(Consultation.reply_by, Consultation.id, ConsultationInvite.id)
    ).all()
    queued = 0
    with force_locale("sv"):
        for consultation, invite in rows:
            which = _due(consultation, today)
            recipient = _mailbox(invite.org)
            if which is None or not recipient:
                continue
            title, facts = _facts(db, consultation)
            asking, when = _name(consultation.org), _date(consultation.reply_by)
            if which == "soon":
                subject = f"Påminnelse: synpunkter på {title} senast {when}"
                first = f"{asking} väntar på synpunkter från {_name(invite.org)} på {title} senast {when}."
            else:
                subject = f"Svarsdatumet har passerat: synpunkter på {title}"
                first = (
                    f"Svarsdatumet {when} för synpunkter på {title} har passerat, och "
                    f"{asking} har inte fått något svar från {_name(invite.org)}. "
                    "Ni kan fortfarande skicka era synpunkter så länge förfrågan är öppen."
                )
            queued += _queue(
                db,
                f"consultation-{which}:{consultation.id}:{invite.org}:{consultation.reply_by}",
                recipient,
                subject,
                [first],
                facts,
                url=consultee_url(consultation),
                link_text="Öppna förfrågan under Att yttra sig över",
                why=WHY_ASKED,
                consultation=consultation,
            )
    return queued


def remind_pass(app: Flask, today: dt.date | None = None) -> int:
    """Queue today's reminders in a transaction of their own; returns how many."""
    with app.app_context(), new_session(app) as db:
        try:
            queued = remind(db, today or swedish_today())
            db.commit()
        except IntegrityError:
            # Another process queued the same reminders at the same moment: they are queued.
            db.rollback()
            return 0
        return queued

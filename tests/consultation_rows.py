"""Samråd rows for tests: a submitted plan, a request on it, comments, replies, drafts.

The pages that write these rows are tested elsewhere; tests of what reads them (notices,
workbooks, the PDF, the overview) make them here directly, as those pages store them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import yaml
from flask import Flask
from sqlalchemy import select

from service.consultations import requests
from service.db import new_session
from service.models import (
    ConsultationComment,
    ConsultationInvite,
    Response,
    utcnow,
)
from service.organisations import DEFAULT_FILE
from support.answers import complete_answers
from tests.conftest import Browser

MAILBOXES = {
    "karlskrona": "plan@karlskrona.se",
    "region-blekinge": "samrad@regionblekinge.se",
    "trafikverket": "samrad@trafikverket.se",
}


def organisations_file(folder: Path, mailboxes: dict[str, str] = MAILBOXES) -> Path:
    """The shipped organisations with a notification mailbox for some of them."""
    raw = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    for entry in raw["organisations"]:
        if entry["slug"] in mailboxes:
            entry["notify_email"] = mailboxes[entry["slug"]]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "organisations.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def submitted_plan(
    app: Flask, org: str = "karlskrona", name: str = "Hästö 4:12", stage: str = "samrad"
) -> Response:
    """A detaljplan submitted through the pages; returns its response (detached)."""
    from forms import load_catalogue

    form = load_catalogue().latest("detaljplan")
    data = {**complete_answers(form), "m-plan_name": name, "m-stage": stage}
    posted = Browser(app, org).post_form("/checklista/detaljplan/ny", data)
    assert posted.status_code == 302, posted.get_data(as_text=True)
    response_id = posted.headers["Location"].split("/")[2]
    with new_session(app) as db:
        return db.scalars(select(Response).where(Response.id == response_id)).one()


def ask(
    app: Flask,
    response: Response,
    invited: Iterable[str] = ("region-blekinge", "trafikverket", "lansstyrelsen-blekinge"),
    *,
    reply_by: dt.date,
    created_at: dt.datetime | None = None,
    message: str = "Vi vill särskilt veta vad ni tycker om hållplatslägena.",
) -> str:
    """A request on the response's latest revision; returns its id."""
    with new_session(app) as db:
        consultation = requests.ask(db, response, invited, message, reply_by, "Planarkitekt Åsa")
        consultation.created_at = created_at or utcnow() - dt.timedelta(days=20)
        db.commit()
        return consultation.id


def write(
    app: Flask,
    consultation_id: str,
    org: str,
    text: str,
    *,
    question_id: str | None = None,
    kind: str | None = None,
    parent_id: int | None = None,
    sent: bool = True,
    author: str | None = None,
    at: dt.datetime | None = None,
) -> int:
    """A comment (or with `parent_id`, a reply or correction); sent unless `sent` is False.

    A consultee's first sent comment marks its invite answered, as sending does.
    """
    when = at or utcnow()
    with new_session(app) as db:
        comment = ConsultationComment(
            consultation_id=consultation_id,
            org=org,
            author=author,
            question_id=question_id,
            parent_id=parent_id,
            kind=kind,
            text=text,
            created_at=when,
            sent_at=when if sent else None,
        )
        db.add(comment)
        invite = db.scalars(
            select(ConsultationInvite).where(
                ConsultationInvite.consultation_id == consultation_id,
                ConsultationInvite.org == org,
            )
        ).one_or_none()
        if sent and invite is not None and invite.answered_at is None:
            invite.answered_at = when
        db.commit()
        return comment.id


def update(app: Flask, model: type, key: object, **values: object) -> None:
    """Set columns of one row (handled, withdrawn, closed …)."""
    with new_session(app) as db:
        row = db.get(model, key)
        assert row is not None
        for name, value in values.items():
            setattr(row, name, value)
        db.commit()

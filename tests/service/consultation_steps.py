"""Steps the samråd tests share: a submitted stage, a request, posting as the page does."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from forms.clock import swedish_today
from service.db import get_db
from service.models import Consultation, ConsultationComment, ConsultationInvite, Response
from tests.conftest import Browser, complete_answers

FORM = "detaljplan"


def submit_plan(browser: Browser, form: Any, **fields: str) -> str:
    """A submitted samråd stage of a new plan; returns the response id."""
    data = {**complete_answers(form), "m-stage": "samrad", "m-plan_name": "Hästö 4:12", **fields}
    reply = browser.post_form(f"/checklista/{FORM}/ny", data)
    assert reply.status_code == 302, reply.get_data(as_text=True)[:1000]
    return str(reply.location.split("/svar/")[1].split("/")[0])


def post(browser: Browser, url: str, data: dict[str, Any], page: str | None = None) -> Any:
    """Post as the page does: with the CSRF token of `page` (default: `url` itself)."""
    tokens = browser.tokens(page or url)
    return browser.client.post(url, data={"csrf_token": tokens["csrf_token"], **data})


def ask(browser: Browser, response_id: str, orgs: list[str], **extra: str) -> Any:
    url = f"/svar/{response_id}/be-om-synpunkter"
    reply_by = (swedish_today() + dt.timedelta(days=21)).isoformat()
    return post(browser, url, {"org": orgs, "reply_by": reply_by, **extra})


def counts(app: Flask) -> tuple[int, int, int, str]:
    """What is stored: requests, invitations, comments, and every mark on them."""
    with app.app_context():
        db = get_db()
        marks = repr(
            sorted(
                (c.id, c.text, c.kind, c.sent_at, c.withdrawn_at, c.handled_at, c.parent_id)
                for c in db.scalars(select(ConsultationComment))
            )
            + sorted(
                (c.id, c.withdrawn_at, c.closed_at, c.reply_by)
                for c in db.scalars(select(Consultation))
            )
            + sorted((i.id, i.answered_at) for i in db.scalars(select(ConsultationInvite)))
        )
        return (
            db.scalar(select(func.count()).select_from(Consultation)) or 0,
            db.scalar(select(func.count()).select_from(ConsultationInvite)) or 0,
            db.scalar(select(func.count()).select_from(ConsultationComment)) or 0,
            marks,
        )


def make_request(sign_in: Any, catalogue: Any) -> tuple[Browser, str, str]:
    """Karlskrona's samråd stage, shared with Region Blekinge and Trafikverket."""
    karlskrona = sign_in("karlskrona")
    response_id = submit_plan(karlskrona, catalogue.latest(FORM))
    reply = ask(karlskrona, response_id, ["region-blekinge", "trafikverket"], message="Se 3.")
    assert reply.status_code == 302, reply.get_data(as_text=True)[:2000]
    consultation_id = reply.location.rstrip("/").split("/samrad/")[1]
    return karlskrona, response_id, consultation_id


def plan_id_of(app: Flask, response_id: str) -> str:
    with app.app_context():
        return str(get_db().get(Response, response_id).plan_id)

"""Hostile values in every samråd form and route: never a 500, and a refusal writes
nothing. Runs on PostgreSQL too (TEST_DATABASE_URL), where a NUL in text is an error."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from service.db import get_db
from service.models import ConsultationComment
from tests.service.consultation_steps import FORM, counts, make_request, post
from tests.service.test_hostile_input import HOSTILE, IDS


def refused_or_kept(reply: Any, before: tuple[int, int, int, str], app: Flask) -> None:
    assert reply.status_code < 500, reply.get_data(as_text=True)[:500]
    if reply.status_code >= 400:
        assert counts(app) == before


@pytest.mark.parametrize("value", HOSTILE, ids=IDS)
def test_samrad_forms_refuse_or_clean_hostile_values(
    app: Flask, sign_in: Any, catalogue: Any, value: str
) -> None:
    karlskrona, response_id, cid = make_request(sign_in, catalogue)
    item = next(catalogue.latest(FORM).items)
    region = sign_in("region-blekinge")
    respond = f"/samrad/{cid}/yttrande"
    good = {"action": "draft", f"kind-{item.id}": "synpunkt", f"text-{item.id}": "Text"}
    for name in ("action", f"kind-{item.id}", f"text-{item.id}", "statement", "by", value):
        before = counts(app)
        refused_or_kept(post(region, respond, {**good, name: value}, respond), before, app)
    assert post(region, respond, {"action": "send", "statement": "Yttrande"}).status_code == 302
    with app.app_context():
        thread = (
            get_db()
            .scalars(
                select(ConsultationComment.id).where(
                    ConsultationComment.question_id.is_(None),
                    ConsultationComment.sent_at.is_not(None),
                )
            )
            .one()
        )

    page = f"/samrad/{cid}"
    ask_url = f"/svar/{response_id}/be-om-synpunkter"
    asking = {"org": "ronneby", "reply_by": "2099-01-01", "message": "Hej"}
    for name in ("org", "reply_by", "message", "by"):
        before = counts(app)
        refused_or_kept(post(karlskrona, ask_url, {**asking, name: value}, page), before, app)
    for url, field in (
        (f"{page}/tradar/{thread}/svar", f"reply-{thread}"),
        (f"{page}/tradar/{thread}/hanterad", f"note-{thread}"),
    ):
        before = counts(app)
        refused_or_kept(post(karlskrona, url, {field: value}, page), before, app)
    for url in (
        f"{page}/tradar/99999999999999999999/svar",
        f"{page}/tradar/0/hanterad",
        f"{page}/tradar/{value}/svar",
    ):
        before = counts(app)
        reply = post(karlskrona, url, {"note-0": "x"}, page)
        assert reply.status_code in (400, 404, 405)
        assert counts(app) == before

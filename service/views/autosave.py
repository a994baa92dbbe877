"""Saving a draft from the browser's script a moment after each change (JSON in and out).

The same rules as Spara utkast: the CSRF token of the page, the optimistic lock (a save from
a page older than the stored draft is refused with 409, never written over a colleague's
newer save) and the same validation. A value that is not valid yet (an e-mail address half
typed) is not stored: the rest is, and the answer names what was left out, so the page can
keep asking before it is closed.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for
from flask_wtf.csrf import ValidationError, validate_csrf
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from forms import Answer, Form, Submission, validate
from service import responses
from service.access import current_org, org_required
from service.db import get_db
from service.models import Response
from service.views.fill import bp, catalogue, form_for, owned_response, posted_submission

JsonReply = tuple[dict[str, Any], int]


def keep_valid(form: Form, before: Submission, after: Submission, errors: dict[str, str]) -> None:
    """Put back the stored value of every field of `after` that has an error."""
    for name in errors:
        prefix, _, key = name.partition("-")
        if prefix == "m":
            if key in before.metadata:
                after.metadata[key] = before.metadata[key]
            else:
                after.metadata.pop(key, None)
        elif form.find_item(key):
            after.answers[key] = before.answers.get(key, Answer())


def autosave(form: Form, response: Response | None) -> JsonReply:
    submission = posted_submission(form)
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return {"error": "stale-page"}, 400
    if response is not None and request.form.get("lock_version") != str(response.lock_version):
        return {"error": "conflict"}, 409
    before = Submission.from_dict(response.data if response else None)
    errors = validate(form, submission, complete=False).errors
    keep_valid(form, before, submission, errors)
    db = get_db()
    if response is None:
        if not submission.to_dict()["metadata"] and not submission.to_dict()["answers"]:
            return {"saved": False, "unsaved": errors}, 200  # nothing to keep yet
        response = responses.create(db, current_org().slug, form)
    try:
        responses.save_draft(db, response, submission)
    except StaleDataError:
        db.rollback()
        return {"error": "conflict"}, 409
    except SQLAlchemyError:
        db.rollback()
        current_app.logger.exception("autosaving a response failed")
        return {"error": "unavailable"}, 503
    return {
        "saved": True,
        "unsaved": errors,
        "lock_version": response.lock_version,
        "edit_url": url_for("fill.edit", response_id=response.id),
        "autosave_url": url_for("fill.autosave_response", response_id=response.id),
    }, 200


@bp.route("/checklista/<form_id>/autospara", methods=["POST"])
@org_required
def autosave_new(form_id: str) -> JsonReply:
    form = catalogue().get(form_id)
    if form is None:
        return {"error": "not-found"}, 404
    return autosave(form, None)


@bp.route("/svar/<response_id>/autospara", methods=["POST"])
@org_required
def autosave_response(response_id: str) -> JsonReply:
    response = owned_response(response_id)
    return autosave(form_for(response), response)

"""Kontrollera dina svar: every saved answer by section, what is missing, then Skicka in.

Fortsätt on the form saves the draft and comes here; Skicka in sends what is stored, so
nothing on this page can differ from what the person checked. A draft changed in another
window since this page was opened is not sent (the lock), the page shows the newer one.
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response as WerkzeugResponse

from forms import Submission, validate
from forms.progress import progress
from service import responses
from service.access import org_required
from service.db import get_db
from service.i18n import N_
from service.mail.receipt import enqueue_receipt
from service.models import Response
from service.views import author
from service.views.fill import UNAVAILABLE, bp, details_title, form_for, owned_response

CHANGED = N_(
    "Checklistan har ändrats i ett annat fönster sedan du öppnade sidan. Kontrollera svaren "
    "nedan igen innan du skickar in."
)
INCOMPLETE = N_("Alla frågor behöver ett svar innan du kan skicka in.")


def render_review(
    response: Response, status: int = 200, warning: str | None = None
) -> tuple[str, int]:
    form = form_for(response)
    submission = Submission.from_dict(response.data)
    page = render_template(
        "fill/review.html",
        form=form,
        response=response,
        sub=submission,
        progress=progress(form, submission, details_title(form)),
        warning=warning,
    )
    return page, status


@bp.route("/svar/<response_id>/kontrollera", methods=["GET", "POST"])
@org_required
def review(response_id: str) -> WerkzeugResponse | tuple[str, int]:
    response = owned_response(response_id)
    if request.method == "GET":
        return render_review(response)
    if request.form.get("lock_version") != str(response.lock_version):
        return render_review(response, 409, CHANGED)
    form = form_for(response)
    submission = Submission.from_dict(response.data)
    if not validate(form, submission, complete=True).ok:
        return render_review(response, 422, INCOMPLETE)
    db = get_db()
    try:
        revision = responses.submit(  # with the receipt e-mail in the same transaction
            db,
            response,
            submission,
            lambda r: enqueue_receipt(db, form, response, r),
            by=author.session_author(),
        )
    except StaleDataError:
        db.rollback()
        return render_review(owned_response(response_id), 409, CHANGED)
    except SQLAlchemyError:
        db.rollback()
        current_app.logger.exception("submitting a response failed")
        return render_review(owned_response(response_id), 503, UNAVAILABLE[1])
    return redirect(url_for("fill.receipt", response_id=response.id, revision=revision.number))

"""Samråd, the asking organisation's side: "Be om synpunkter" on a submitted stage, the
request's page with the comments beside each question, replies, "Hanterad", closing and
withdrawing. The consultee's page is in consultee.py, on the same blueprint."""

from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse

from forms import Form
from forms.clock import swedish_today
from forms.text import CONTROL_CHARS
from service import responses
from service.access import current_org, directory, org_required
from service.consultations import comments, notices, requests
from service.db import get_db
from service.errors import fail
from service.i18n import N_, t
from service.models import Consultation, Response, Revision
from service.organisations import Organisation
from service.views import author
from service.views.formatting import local_date
from service.views.plans import form_of, revision_label

bp = Blueprint("consultations", __name__)

MAX_TEXT = 5000
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_ID = 2**31 - 1


@bp.app_template_global()
def kind_label(kind: str | None) -> Markup | str:
    """Instämmer, Synpunkt or Behöver åtgärdas, in the page's language."""
    return t(comments.KIND_LABELS[kind]) if kind in comments.KIND_LABELS else ""


def posted_text(name: str, limit: int = MAX_TEXT) -> tuple[str, str | None]:
    """(text, error) of a posted text field: control characters out, line ends kept."""
    raw = request.form.get(name, "").replace("\r\n", "\n")
    text = CONTROL_CHARS.sub("", raw).strip()
    if len(text) > limit:
        return text, N_("Texten får vara högst %(limit)s tecken (nu %(count)s).") % {
            "limit": limit,
            "count": len(text),
        }
    return text, None


def shared(consultation: Consultation) -> tuple[Response, Revision, Form]:
    """The stage, the revision the request shares, and that revision's checklist version."""
    db = get_db()
    response = db.get(Response, consultation.response_id)
    assert response is not None
    revision = responses.revision(db, response, consultation.revision)
    assert revision is not None
    return response, revision, form_of(response.form_id, revision.form_version)


def asked_here(consultation_id: str) -> Consultation:
    """The request, if the signed-in organisation made it; 404 for everyone else."""
    found = requests.asked_by(get_db(), consultation_id, current_org().slug)
    if found is None:
        fail(404)
    return found


def owned_submitted(response_id: str) -> Response:
    response = responses.owned(get_db(), response_id, current_org().slug)
    if response is None or response.revision < 1 or response.plan_id is None:
        fail(404)
    return response


def posted_reply_by(errors: dict[str, str]) -> dt.date | None:
    raw = request.form.get("reply_by", "").strip()
    try:
        day = dt.date.fromisoformat(raw) if ISO_DATE.fullmatch(raw) else None
    except ValueError:
        day = None
    if day is None:
        errors["reply_by"] = N_("Skriv sista svarsdagen som ÅÅÅÅ-MM-DD, till exempel 2026-12-20.")
    elif day < swedish_today():
        errors["reply_by"] = N_("Sista svarsdagen kan inte ha passerat. Välj i dag eller senare.")
    elif day > swedish_today() + requests.LONGEST:
        errors["reply_by"] = N_("Sista svarsdagen kan vara högst ett år fram i tiden.")
    return day


@bp.route("/svar/<response_id>/be-om-synpunkter", methods=["GET", "POST"])
@org_required
def ask(response_id: str) -> WerkzeugResponse | tuple[str, int] | str:
    """Be om synpunkter: whom to ask, a message and a reply-by date, for the latest revision."""
    db = get_db()
    response = owned_submitted(response_id)
    org = current_org()
    taken = requests.already_asked(db, response)
    offered = [o for o in directory() if o.slug != org.slug and o.slug not in taken]
    if request.method == "GET":
        defaults = {
            o.slug for o in requests.default_invitees(directory(), response.form_id, org.slug)
        }
        return render_ask(response, offered, taken, defaults, "", requests.default_reply_by(), {})
    errors: dict[str, str] = {}
    chosen = request.form.getlist("org")
    if not chosen:
        errors["org"] = N_("Välj minst en organisation att be om synpunkter.")
    elif not set(chosen) <= {o.slug for o in offered}:
        errors["org"] = N_("Välj organisationerna i listan.")
    message, message_error = posted_text("message")
    if message_error:
        errors["message"] = message_error
    reply_by = posted_reply_by(errors)
    by, by_error = author.posted_author()
    if by_error:
        errors[author.FIELD] = by_error
    if errors or reply_by is None:
        raw_date = request.form.get("reply_by", "")
        return render_ask(response, offered, taken, set(chosen), message, raw_date, errors), 400
    consultation = requests.ask(db, response, chosen, message, reply_by, by)
    notices.asked(db, consultation)  # in the same commit: each notice exactly once
    db.commit()
    names = [o.name for o in offered if o.slug in chosen]
    flash(
        gettext(
            "Begäran om synpunkter är skickad till %(names)s. Sista svarsdag är %(day)s.",
            names=", ".join(names),
            day=local_date(reply_by),
        ),
        "success",
    )
    return redirect(url_for("consultations.show", consultation_id=consultation.id))


def render_ask(
    response: Response,
    offered: list[Organisation],
    taken: set[str],
    chosen: set[str],
    message: str,
    reply_by: object,
    errors: dict[str, str],
) -> str:
    revision = responses.revision(get_db(), response, response.revision)
    assert revision is not None
    form = form_of(response.form_id, revision.form_version)
    return render_template(
        "consultations/ask.html",
        response=response,
        plan=response.plan,
        label=revision_label(form, revision),
        offered=offered,
        taken=[directory().get(slug) for slug in sorted(taken)],
        chosen=chosen,
        message=message,
        reply_by=reply_by,
        errors=errors,
    )


@bp.route("/samrad/<consultation_id>")
@org_required
def show(consultation_id: str) -> str:
    return render_request(asked_here(consultation_id))


def render_request(consultation: Consultation, errors: dict[str, str] | None = None) -> str:
    response, revision, form = shared(consultation)
    return render_template(
        "consultations/request.html",
        consultation=consultation,
        plan=response.plan,
        response=response,
        revision=revision,
        form=form,
        label=revision_label(form, revision),
        state=requests.state(consultation),
        may_close=requests.may_close(consultation),
        threads=comments.threads_of(get_db(), consultation),
        answers=(revision.data or {}).get("answers", {}),
        errors=errors or {},
    )


def thread_here(consultation: Consultation, comment_id: int) -> comments.Thread:
    thread = None
    if 0 < comment_id <= MAX_ID:
        thread = comments.find_thread(get_db(), consultation, comment_id)
    if thread is None:
        fail(404)
    if consultation.withdrawn_at is not None:
        fail(400, N_("Begäran är återkallad. Inget mer kan skrivas i den."))
    return thread


def back_to(consultation: Consultation, thread: comments.Thread) -> WerkzeugResponse:
    url = url_for("consultations.show", consultation_id=consultation.id)
    return redirect(f"{url}#trad-{thread.root.id}")


@bp.post("/samrad/<consultation_id>/tradar/<int:comment_id>/svar")
@org_required
def reply(consultation_id: str, comment_id: int) -> WerkzeugResponse | tuple[str, int]:
    """The asking organisation answers a comment; the consultees see the answer."""
    consultation = asked_here(consultation_id)
    thread = thread_here(consultation, comment_id)
    field = f"reply-{thread.root.id}"
    text, error = posted_text(field)
    if not text:
        error = N_("Skriv ditt svar innan du skickar det.")
    if error:
        return render_request(consultation, {field: error}), 400
    comments.reply(get_db(), thread, consultation.org, text, author.session_author())
    get_db().commit()
    flash(N_("Ditt svar är skickat."), "success")
    return back_to(consultation, thread)


@bp.post("/samrad/<consultation_id>/tradar/<int:comment_id>/hanterad")
@org_required
def handled(consultation_id: str, comment_id: int) -> WerkzeugResponse | tuple[str, int]:
    """Hanterad: the comment is taken care of, with a note of how."""
    consultation = asked_here(consultation_id)
    thread = thread_here(consultation, comment_id)
    if thread.handled:
        fail(400, N_("Synpunkten är redan markerad som hanterad."))
    field = f"note-{thread.root.id}"
    note, error = posted_text(field)
    if not note:
        error = N_("Skriv hur synpunkten har hanterats, till exempel vad som ändrades i planen.")
    if error:
        return render_request(consultation, {field: error}), 400
    comments.mark_handled(thread, note, author.session_author())
    get_db().commit()
    flash(N_("Synpunkten är markerad som hanterad."), "success")
    return back_to(consultation, thread)


@bp.post("/samrad/<consultation_id>/avsluta")
@org_required
def close(consultation_id: str) -> WerkzeugResponse | tuple[str, int]:
    consultation = asked_here(consultation_id)
    if not requests.may_close(consultation):
        message = N_(
            "Samrådet kan avslutas när alla tillfrågade har svarat eller sista svarsdagen har passerat."
        )
        return render_request(consultation, {"avsluta": message}), 400
    requests.close(consultation, author.session_author())
    get_db().commit()
    flash(
        N_("Samrådet är avslutat. Synpunkterna finns kvar och kan fortfarande hanteras."), "success"
    )
    return redirect(url_for("consultations.show", consultation_id=consultation.id))


@bp.post("/samrad/<consultation_id>/aterkalla")
@org_required
def withdraw(consultation_id: str) -> WerkzeugResponse:
    consultation = asked_here(consultation_id)
    if not requests.is_open(consultation):
        fail(400, N_("Begäran är redan avslutad eller återkallad."))
    requests.withdraw(consultation)
    get_db().commit()
    flash(N_("Begäran är återkallad. De tillfrågade kan inte längre lämna synpunkter."), "success")
    return redirect(url_for("consultations.show", consultation_id=consultation.id))

"""Samråd, the consulted organisation's side: the shared answers read-only, with a comment
and a kind beside each question and an overall statement; Spara utkast or Skicka.

It sees the one revision it was asked about and what every consultee of the request has
sent, never the asking organisation's other plans, stages or anybody's drafts.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as WerkzeugResponse

from forms import Form
from service.access import current_org, org_required
from service.consultations import comments, notices, requests
from service.db import get_db
from service.errors import fail
from service.i18n import N_
from service.models import Consultation, ConsultationInvite
from service.views import author
from service.views.consultations import bp, posted_text, shared
from service.views.formatting import org_name

STATEMENT = "statement"
STATEMENT_MAX = 10000
CONTROL_FIELDS = {"csrf_token", "action", author.FIELD}


def invited_here(consultation_id: str) -> ConsultationInvite:
    """The signed-in organisation's invitation; 404 for everyone not asked."""
    invite = requests.invite_of(get_db(), consultation_id, current_org().slug)
    if invite is None:
        fail(404)
    return invite


def posted_entries(
    form: Form, commented: set[str | None]
) -> tuple[list[comments.Entry], dict[str, str]]:
    """The comment and kind at each question and the statement, with the errors to show.

    A comment needs a kind, unless it adds to one already sent (`commented`), whose kind
    it keeps unless it gives another.
    """
    names = {STATEMENT} | {f"{p}-{item.id}" for item in form.items for p in ("kind", "text")}
    if set(request.form) - names - CONTROL_FIELDS:
        fail(
            400,
            N_(
                "Formuläret innehöll uppgifter som inte hör till den här checklistan. "
                "Inget har sparats. Ladda om sidan och försök igen."
            ),
        )
    entries, errors = [], {}
    for number, item in enumerate(form.items, 1):
        kind = request.form.get(f"kind-{item.id}", "")
        text, error = posted_text(f"text-{item.id}")
        if kind and kind not in comments.KIND_LABELS:
            errors[f"kind-{item.id}"] = N_("Välj en av bedömningarna i listan.")
        elif error:
            errors[f"text-{item.id}"] = error
        elif text and not kind and item.id not in commented:
            errors[f"kind-{item.id}"] = gettext(
                "Välj Instämmer, Synpunkt eller Behöver åtgärdas för din kommentar till fråga "
                "%(number)s.",
                number=number,
            )
        entries.append(comments.Entry(item.id, kind or None, text))
    statement, error = posted_text(STATEMENT, STATEMENT_MAX)
    if error:
        errors[STATEMENT] = error
    entries.append(comments.Entry(None, None, statement))
    return entries, errors


@bp.route("/samrad/<consultation_id>/yttrande", methods=["GET", "POST"])
@org_required
def respond(consultation_id: str) -> WerkzeugResponse | tuple[str, int] | str:
    invite = invited_here(consultation_id)
    consultation = invite.consultation
    if request.method == "GET":
        return render_respond(invite, None, {})
    action = request.form.get("action", "")
    if action not in ("draft", "send"):
        fail(400)
    if not requests.is_open(consultation):
        fail(400, N_("Samrådet är avslutat eller återkallat och tar inte emot fler synpunkter."))
    _response, _revision, form = shared(consultation)
    db = get_db()
    commented = {
        question
        for question, threads in comments.threads_of(db, consultation).items()
        if any(thread.root.org == invite.org for thread in threads)
    }
    entries, errors = posted_entries(form, commented)
    by, by_error = author.posted_author()
    if by_error:
        errors[author.FIELD] = by_error
    if action == "send" and not errors and all(entry.empty for entry in entries):
        errors["send"] = N_("Skriv minst en kommentar eller välj en bedömning innan du skickar.")
    if errors:
        return render_respond(invite, entries, errors), 400
    comments.save_drafts(db, consultation, invite.org, entries, by)
    if action == "send":
        comments.send(db, consultation, invite, by)
        notices.answered(db, consultation, invite.org)
        message = gettext(
            "Dina synpunkter är skickade till %(org)s. De andra tillfrågade ser dem också.",
            org=org_name(consultation.org),
        )
    else:
        message = gettext("Utkastet är sparat. Bara din organisation ser det.")
    db.commit()
    flash(message, "success")
    return redirect(url_for("consultations.respond", consultation_id=consultation.id))


def render_respond(
    invite: ConsultationInvite, entries: list[comments.Entry] | None, errors: dict[str, str]
) -> str:
    """The page; after a refused post it shows what was posted, else the saved drafts."""
    consultation: Consultation = invite.consultation
    response, revision, form = shared(consultation)
    db = get_db()
    if entries is None:
        drafts = comments.drafts_of(db, consultation, invite.org)
        entries = [comments.Entry(q, d.kind, d.text) for q, d in drafts.items()]
    return render_template(
        "consultations/respond.html",
        consultation=consultation,
        invite=invite,
        plan=response.plan,
        form=form,
        revision=revision,
        data=revision.data or {},
        state=requests.state(consultation),
        is_open=requests.is_open(consultation),
        threads=comments.threads_of(db, consultation),
        entries={entry.question_id: entry for entry in entries},
        errors=errors,
    )

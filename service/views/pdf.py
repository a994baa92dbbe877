"""Checklists as documents: a submitted revision as PDF/A, and a blank checklist to print."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, g, render_template
from flask_babel import force_locale

from forms import Form, Submission
from forms.stages import stage_label
from service import plans, responses
from service.access import signin_needed
from service.catalogue import current_catalogue
from service.consultations.records import Appendix, appendix
from service.db import get_db
from service.errors import fail
from service.models import Plan, Revision
from service.pdf import PdfUnavailable, html_to_pdfa
from service.views.formatting import org_name

bp = Blueprint("pdf", __name__)


@dataclass(frozen=True)
class HistoryLine:
    stage: str
    number: int
    when: dt.datetime
    by: str | None


def history(plan: Plan, form: Form) -> list[HistoryLine]:
    """The plan's submitted versions in the order of its stages, as on the plan page."""
    return [
        HistoryLine(stage_label(form, entry.stage), entry.revision.number, entry.when, entry.by)
        for entry in plans.timeline(plan, form)
        if entry.revision is not None
    ]


def _send(html: str, filename: str) -> Response:
    try:
        pdf = html_to_pdfa(html)
    except PdfUnavailable:
        current_app.logger.exception("making a PDF failed")
        fail(503, "PDF-filen kan inte göras just nu. Skriv ut sidan med webbläsaren i stället.")
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def revision_pdf(
    plan: Plan, form: Form, revision: Revision, consultations: Appendix | None = None
) -> str:
    """The HTML of one submitted revision's document (Swedish, as filed in the diarium);
    `consultations`, the revision's samråd, make an appendix when there are any."""
    with force_locale("sv"):
        return render_template(
            "plans/pdf.html",
            form=form,
            plan=plan,
            org_name=org_name(plan.org),
            stage=stage_label(form, plans.stage_code(revision.data)),
            revision=revision,
            sub=Submission.from_dict(revision.data),
            history=history(plan, form),
            consultations=consultations,
        )


def blank_pdf(form: Form) -> str:
    with force_locale("sv"):
        return render_template(
            "plans/pdf.html",
            form=form,
            plan=None,
            org_name="",
            stage="",
            revision=None,
            sub=Submission(),
            history=[],
            consultations=None,
        )


@bp.route("/svar/<response_id>/version/<int:number>.pdf")
def revision(response_id: str, number: int) -> Response | tuple[str, int]:
    if g.org is None and not g.is_admin:
        return signin_needed()
    db = get_db()
    response = responses.owned(db, response_id, None if g.is_admin else g.org.slug)
    found = responses.revision(db, response, number) if response else None
    if response is None or found is None:
        fail(404)
    form = current_catalogue().get(response.form_id, found.form_version)
    if form is None:
        form = current_catalogue().latest(response.form_id)
    plan = plans.plan_of(db, response)
    db.commit()  # a response from outside the service may just have got its plan
    stage = plans.stage_code(found.data) or "skede"
    consulted = appendix(db, response.id, found.number, form)
    return _send(
        revision_pdf(plan, form, found, consulted), f"{plan.reference}-{stage}-version-{number}.pdf"
    )


@bp.route("/checklista/<form_id>/tom.pdf")
def blank(form_id: str) -> Response:
    form = current_catalogue().get(form_id)
    if form is None:
        fail(404)
    return _send(blank_pdf(form), f"{form_id}-version-{form.version}-tom.pdf")

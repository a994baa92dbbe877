"""A plan's page: its stages as a timeline, the next stage, and comparing two revisions."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as WerkzeugResponse

from forms import Form, Submission
from forms.compare import compare
from forms.stages import next_stage, stage_label, stages
from service import plans
from service.access import directory, org_required, signin_needed
from service.catalogue import current_catalogue
from service.consultations import queries as consultation_queries
from service.db import get_db
from service.errors import fail
from service.models import Plan, Response, Revision
from service.runtime import current_settings

bp = Blueprint("plans", __name__)


def owned_plan(plan_id: str) -> Plan:
    plan = plans.owned(get_db(), plan_id, None if g.is_admin else getattr(g.org, "slug", ""))
    if plan is None:
        fail(404)
    return plan


def form_of(form_id: str, version: int) -> Form:
    catalogue = current_catalogue()
    form: Form | None = catalogue.get(form_id, version)
    return form if form is not None else catalogue.latest(form_id)


def revision_label(form: Form, rev: Revision) -> str:
    """'Samråd, version 2' – the stage and the revision, as people speak of them."""
    stage = stage_label(form, plans.stage_code(rev.data)) or "Skede saknas"
    return f"{stage}, version {rev.number}"


@dataclass(frozen=True)
class PlanLink:
    """What a receipt e-mail says about a submitted stage: never a sign-in link."""

    reference: str
    name: str
    stage: str
    url: str


def plan_url(plan: Plan) -> str:
    """The plan page's full address under PUBLIC_URL; needs only an app context."""
    base = current_settings().public_url.rstrip("/")
    path = current_app.url_map.bind("localhost").build("plans.show", {"plan_id": plan.id})
    return base + path


def plan_link(db: Session, response: Response) -> PlanLink:
    """What a receipt e-mail needs about a response's plan (needs only an app context).

    The plan page asks for the organisation's sign-in, so its address is safe in an e-mail.
    A response that has no plan yet gets one in `db`; the caller commits.
    """
    plan = plans.plan_of(db, response)
    latest = current_catalogue().latest(response.form_id)
    return PlanLink(
        reference=plan.reference,
        name=plan.name or response.title,
        stage=stage_label(latest, plans.stage_code(response.data)),
        url=plan_url(plan),
    )


@bp.route("/plan/<plan_id>")
def show(plan_id: str) -> str | tuple[str, int]:
    if g.org is None and not g.is_admin:
        return signin_needed()
    plan = owned_plan(plan_id)
    latest_form = current_catalogue().latest(plan.form_id)
    history = plans.timeline(plan, latest_form)
    submitted = plans.revisions(plan)
    labels = {rev.id: revision_label(latest_form, rev) for rev in submitted}
    return render_template(
        "plans/show.html",
        plan=plan,
        form=latest_form,
        history=history,
        labels=labels,
        revisions=submitted,
        draft=plans.draft_of(plan),
        stages=stages(latest_form),
        suggested=next_stage(latest_form, plans.furthest_stage(plan, latest_form)),
        stage_label=lambda code: stage_label(latest_form, code),
        **comparison(plan, submitted),
        **consultation_context(plan, latest_form),
    )


def consultation_context(plan: Plan, form: Form) -> dict[str, object]:
    """Samråd on the plan page: its requests, and the stages one can be made on (each
    stage's latest submitted revision). Only the plan's own organisation sees them."""
    if g.org is None:
        return {"consultations": [], "consultation_labels": {}, "askable": []}
    found = consultation_queries.for_plan(get_db(), plan)
    latest = {r.id: r.revisions[-1] for r in plan.stages if r.revisions}
    labels = {
        c.consultation.id: revision_label(form, rev)
        for c in found
        for rev in c.response.revisions
        if rev.number == c.consultation.revision
    }
    askable = [(response_id, revision_label(form, rev)) for response_id, rev in latest.items()]
    return {"consultations": found, "consultation_labels": labels, "askable": askable}


def comparison(plan: Plan, submitted: list[Revision]) -> dict[str, object]:
    """The comparison asked for in the query string, or of the last two revisions."""
    by_id = {rev.id: rev for rev in submitted}
    if len(submitted) < 2:
        return {"comparison": None, "before": None, "after": None, "only_changed": False}
    before_id = request.args.get("fran", type=int)
    after_id = request.args.get("till", type=int)
    asked = "fran" in request.args or "till" in request.args
    if asked and (before_id not in by_id or after_id not in by_id):
        fail(404, "Versionerna du valde finns inte i den här planen. Välj två i listorna.")
    before = by_id[before_id] if before_id is not None else submitted[-2]
    after = by_id[after_id] if after_id is not None else submitted[-1]
    form = form_of(plan.form_id, after.form_version)
    result = compare(form, before.data, after.data)
    only_changed = request.args.get("andrade") == "1"
    return {
        "comparison": result.only_changed() if only_changed else result,
        "total_changed": result.changed_count,
        "before": before,
        "after": after,
        "only_changed": only_changed,
    }


@bp.post("/plan/<plan_id>/nytt-skede")
@org_required
def start_stage(plan_id: str) -> WerkzeugResponse:
    """Fyll i nästa skede: a new stage prefilled from the plan's last submitted revision."""
    db = get_db()
    plan = owned_plan(plan_id)
    draft = plans.draft_of(plan)
    if draft is not None:
        flash("Planen har redan ett skede som inte är inskickat. Fortsätt med det.", "info")
        return redirect(url_for("fill.edit", response_id=draft.id))
    source = plans.latest_revision(plan)
    if source is None:
        fail(404)
    form = current_catalogue().latest(plan.form_id)
    chosen = request.form.get("stage", "")
    if chosen not in {c.value for c in stages(form)}:
        fail(400, "Välj ett av skedena i listan och försök igen.")
    source_form = form_of(plan.form_id, source.form_version)
    response = plans.start_stage(db, plan, form, source_form, source, chosen)
    db.commit()
    flash(
        f"Skedet {stage_label(form, chosen)} är påbörjat med svaren från "
        f"{revision_label(source_form, source).lower()}. Gå igenom varje avsnitt.",
        "success",
    )
    return redirect(url_for("fill.edit", response_id=response.id))


GOOGLE_SHEET_URL = "https://docs.google.com/spreadsheets/d/{key}/edit"


def receipt_context(response: Response, revision: Revision) -> dict[str, object]:
    """What the confirmation page after *Skicka in* says beyond the response itself."""
    db = get_db()
    plan = plans.plan_of(db, response)
    db.commit()  # a response from outside the service may just have got its plan
    latest = current_catalogue().latest(response.form_id)
    org = directory().get(response.org)
    target = org.spreadsheet if org else None
    key = getattr(target.settings, "google_key", None) if target else None
    answers = Submission.from_dict(revision.data).answers.values()
    return {
        "plan": plan,
        "stage": stage_label(latest, plans.stage_code(revision.data)),
        "sheet_url": GOOGLE_SHEET_URL.format(key=key) if key else None,
        "answered": sum(1 for a in answers if a.value),
        "commented": sum(1 for a in answers if a.comment),
        "latest_version": latest.version,
    }

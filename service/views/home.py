"""An organisation's home: its plans by year, drafts on top, with search and paging."""

from __future__ import annotations

import itertools
from typing import Any

from flask import Blueprint, render_template, request

from forms import Submission
from forms.clock import in_stockholm
from forms.stages import stage_label
from service import plans
from service.access import current_org, org_required
from service.catalogue import current_catalogue
from service.consultations import queries as consultation_queries
from service.db import get_db

bp = Blueprint("home", __name__)


def _row(plan: Any) -> dict[str, Any]:
    """A plan as the home lists it: its latest stage and when it last changed."""
    catalogue = current_catalogue()
    form = catalogue.latest(plan.form_id) if plan.form_id in catalogue else None
    latest = plans.latest_revision(plan)
    working = plan.stages[-1] if plan.stages else None
    data = latest.data if latest else (working.data if working else {})
    return {
        "plan": plan,
        "form": form,
        "stage": stage_label(form, plans.stage_code(data)) if form else "",
        "submitted": latest is not None,
    }


def _stage_of(row: consultation_queries.Assignment) -> str:
    """The stage a request shares, as its checklist names it."""
    catalogue = current_catalogue()
    if row.plan.form_id not in catalogue:
        return ""
    return stage_label(catalogue.latest(row.plan.form_id), plans.stage_code(row.revision.data))


@bp.route("/hem")
@org_required
def index() -> str:
    catalogue = current_catalogue()
    org = current_org()
    db = get_db()
    query = request.args.get("q", "").strip()[:200]
    page = plans.page_for_org(db, org.slug, query, request.args.get("sida", 1, type=int))
    rows = [_row(plan) for plan in page.plans]

    def year(row: dict[str, Any]) -> int:
        return in_stockholm(row["plan"].updated_at).year

    years = [(y, list(group)) for y, group in itertools.groupby(rows, key=year)]
    drafts = []
    for response in plans.drafts_for_org(db, org.slug):
        form = catalogue.get(response.form_id, response.form_version)
        drafts.append(
            {
                "response": response,
                "form": form,
                "answered": Submission.from_dict(response.data).answered_count(),
                "total": form.item_count if form else 0,
            }
        )
    return render_template(
        "home/index.html",
        to_answer=[(row, _stage_of(row)) for row in consultation_queries.to_answer(db, org.slug)],
        org=org,
        forms=catalogue.current(),
        drafts=drafts,
        years=years,
        page=page,
        query=query,
    )

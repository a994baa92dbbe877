"""An organisation's home: its checklists, drafts and submitted responses."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from forms import Submission
from service import responses
from service.access import current_org, org_required
from service.catalogue import current_catalogue
from service.db import get_db

bp = Blueprint("home", __name__)


@bp.route("/hem")
@org_required
def index() -> str:
    catalogue = current_catalogue()
    org = current_org()
    rows: list[dict[str, Any]] = []
    for response in responses.for_org(get_db(), org.slug):
        form = catalogue.get(response.form_id, response.form_version)
        answered = Submission.from_dict(response.data).answered_count()
        rows.append(
            {
                "response": response,
                "form": form,
                "answered": answered,
                "total": form.item_count if form else 0,
            }
        )
    drafts = [r for r in rows if r["response"].status == "draft"]
    submitted = [r for r in rows if r["response"].status == "submitted"]
    return render_template(
        "home/index.html", org=org, forms=catalogue.current(), drafts=drafts, submitted=submitted
    )

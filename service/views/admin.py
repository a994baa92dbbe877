"""The region admin's overview: who has answered what."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from service import responses
from service.access import admin_required, directory
from service.catalogue import current_catalogue
from service.db import get_db
from service.sync.status import target_status

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@admin_required
def overview() -> str:
    db = get_db()
    catalogue = current_catalogue()
    return render_template(
        "admin/overview.html",
        organisations=list(directory()),
        forms=catalogue.current(),
        counts=responses.counts_by_org(db),
        latest=responses.latest_submission_by_org(db),
        sync_status=target_status(current_app, db),
    )

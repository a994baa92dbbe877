"""Pages anyone may open: the start page and the health check."""

from __future__ import annotations

from flask import Blueprint, render_template

from service.catalogue import current_catalogue
from service.db import ping
from service.sync.status import sync_state

bp = Blueprint("public", __name__)


@bp.route("/")
def start() -> str:
    catalogue = current_catalogue()
    return render_template("public/start.html", forms=catalogue.current())


@bp.route("/healthz")
def healthz() -> tuple[dict[str, object], int]:
    """The database answers, and mirroring runs: 503 when either has stopped."""
    if not ping():
        return {"status": "database unavailable"}, 503
    state = sync_state()
    answer: dict[str, object] = {
        "status": "ok",
        "sync": state.state,
        "oldest_waiting_s": state.oldest_waiting_s,
    }
    return answer, 503 if state.state == "stopped" else 200

"""Pages anyone may open: the start page and the health check."""

from __future__ import annotations

from flask import Blueprint, render_template

from service.catalogue import current_catalogue
from service.db import ping

bp = Blueprint("public", __name__)


@bp.route("/")
def start() -> str:
    catalogue = current_catalogue()
    return render_template("public/start.html", forms=catalogue.current())


@bp.route("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    if ping():
        return {"status": "ok"}, 200
    return {"status": "database unavailable"}, 503

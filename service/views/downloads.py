"""Excel downloads: the region's consolidated workbook and an organisation's own responses.

The workbook is written to a temporary file on disk and streamed from there, so a large
export costs disk, not memory. A regional export of more than EXPORT_INLINE_LIMIT
responses is built in the background instead (service/export_jobs.py): the request
answers at once with a page that shows the progress and then the file, so no request
waits longer than a worker may. Downloads change nothing, so they are plain GET links.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from typing import IO

from flask import Blueprint, current_app, redirect, render_template, request, send_file, url_for
from flask import Response as FlaskResponse
from werkzeug.wrappers import Response as WerkzeugResponse

from exports.filters import ExportFilter, FilterError, parse_date
from service import export_jobs, export_query, followup
from service.access import admin_required, current_org, directory, org_required
from service.catalogue import current_catalogue
from service.db import get_db
from service.errors import fail
from service.runtime import current_settings

bp = Blueprint("downloads", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _selection() -> ExportFilter:
    """The filter from the query string; FilterError (Swedish) for anything unusable."""
    args = request.args
    orgs = frozenset(args.getlist("org"))
    forms = frozenset(args.getlist("form"))
    unknown = sorted(o for o in orgs if directory().get(o) is None)
    if unknown:
        raise FilterError(
            "Organisationen du valde finns inte längre. Ladda om sidan och välj igen."
        )
    catalogue = current_catalogue()
    if any(f not in catalogue for f in forms):
        raise FilterError("Checklistan du valde finns inte. Ladda om sidan och välj igen.")
    stages = frozenset(s for s in args.getlist("stage") if s)
    if not stages <= followup.all_stages(catalogue).keys():
        raise FilterError("Skedet du valde finns inte. Välj ett skede i listan.")
    return ExportFilter(
        parse_date(args.get("from"), "Från och med-datumet"),
        parse_date(args.get("to"), "Till och med-datumet"),
        orgs,
        forms,
        args.get("drafts") == "1",
        stages,
    )


def _send(build: Callable[[IO[bytes]], object], name: str) -> FlaskResponse:
    """Build the workbook into a temporary file and send it; the response closes the file."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (must outlive this function)
    try:
        build(spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return send_file(spool, mimetype=XLSX, as_attachment=True, download_name=name)


def _form_page(error: str | None = None) -> tuple[str, int]:
    catalogue = current_catalogue()
    return render_template(
        "downloads/regional.html",
        organisations=list(directory()),
        forms=catalogue.current(),
        stages=followup.all_stages(catalogue),
        args=request.args,
        error=error,
    ), (400 if error else 200)


@bp.route("/admin/export")
@admin_required
def regional() -> tuple[str, int]:
    return _form_page()


@bp.route("/admin/export.xlsx")
@admin_required
def regional_xlsx() -> WerkzeugResponse | tuple[str, int]:
    try:
        selection = _selection()
    except FilterError as exc:
        return _form_page(str(exc))
    db = get_db()
    name = f"checklistor-regionen-{dt.date.today().isoformat()}.xlsx"
    if export_query.count(db, selection) > current_settings().export_inline_limit:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        started = export_jobs.start(app, db, directory(), selection, name)
        return redirect(url_for("downloads.job", job_id=started.job_id), 303)
    catalogue = current_catalogue()
    return _send(
        lambda out: export_query.regional_workbook(db, catalogue, directory(), selection, out),
        name,
    )


@bp.route("/admin/export/jobb/<job_id>")
@admin_required
def job(job_id: str) -> tuple[str, int]:
    found = export_jobs.find(get_db(), job_id)
    if found is None:
        fail(404, "Exporten finns inte längre. Beställ arbetsboken igen.")
    return render_template("downloads/job.html", job=found), 200


@bp.route("/admin/export/jobb/<job_id>.xlsx")
@admin_required
def job_xlsx(job_id: str) -> FlaskResponse:
    found = export_jobs.find(get_db(), job_id)
    if found is None or found.state != "done":
        fail(404, "Exporten finns inte, eller är inte klar än. Beställ arbetsboken igen.")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return FlaskResponse(
        export_jobs.chunks(app, found.id),
        mimetype=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{found.filename}"',
            "Content-Length": str(found.size),
        },
    )


@bp.route("/hem/svar.xlsx")
@org_required
def own_xlsx() -> FlaskResponse:
    org = current_org()
    catalogue = current_catalogue()
    return _send(
        lambda out: export_query.org_workbook(get_db(), catalogue, directory(), org.slug, out),
        f"checklistor-{org.slug}-{dt.date.today().isoformat()}.xlsx",
    )

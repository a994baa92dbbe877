"""The region admin's checklists in Excel: download, upload, preview, differences, publish.

An upload that passes the check is kept server-side under a random one-time id, which is
all the preview page sends back; publishing checks it again from scratch against the
versions in force at that moment, and uses the id up.
"""

from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask import Response as FlaskResponse
from werkzeug.wrappers import Response as WerkzeugResponse

from forms.xlsform_writer import write_xlsform
from service import form_store
from service.access import admin_required
from service.catalogue import current_catalogue
from service.db import get_db
from service.errors import fail

bp = Blueprint("form_admin", __name__, url_prefix="/admin/checklistor")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _index(problems: list[str] | None = None, filename: str = "") -> tuple[str, int]:
    catalogue = current_catalogue()
    page = render_template(
        "form_admin/index.html",
        forms=catalogue.current(),
        versions={f.id: catalogue.versions(f.id) for f in catalogue.current()},
        problems=problems or [],
        filename=filename,
    )
    return page, 422 if problems else 200


@bp.route("/")
@admin_required
def index() -> tuple[str, int]:
    return _index()


@bp.route("/<form_id>.xlsx")
@admin_required
def download(form_id: str) -> FlaskResponse:
    catalogue = current_catalogue()
    if form_id not in catalogue:
        fail(404)
    form = catalogue.latest(form_id)
    return send_file(
        io.BytesIO(write_xlsform(form)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"{form.id}-version-{form.version}.xlsx",
    )


@bp.route("/forhandsgranska", methods=["POST"])
@admin_required
def preview() -> tuple[str, int]:
    upload = request.files.get("workbook")
    data = upload.read() if upload else b""
    filename = form_store.clean_filename((upload.filename or "") if upload else "")
    if not data:
        return _index(["Välj en Excel-arbetsbok (.xlsx) att ladda upp."])
    try:
        candidate = form_store.check(current_catalogue(), data, filename)
    except form_store.PublishError as exc:
        return _index(exc.problems, filename)
    return _preview(candidate, form_store.keep_pending(get_db(), data, filename), filename)


def _preview(
    candidate: form_store.Candidate, upload_id: str, filename: str, notice: str | None = None
) -> tuple[str, int]:
    page = render_template(
        "form_admin/preview.html",
        candidate=candidate,
        form=candidate.form,
        changes=candidate.changes,
        upload_id=upload_id,
        filename=filename,
        notice=notice,
    )
    return page, 409 if notice else 200


@bp.route("/publicera", methods=["POST"])
@admin_required
def publish() -> WerkzeugResponse | tuple[str, int]:
    upload_id = request.form.get("upload", "")
    try:
        expected = int(request.form.get("version", ""))
    except ValueError:
        fail(400)
    db = get_db()
    upload = form_store.pending(db, upload_id)
    if upload is None:
        return _index(
            [
                "Arbetsboken att publicera finns inte längre: den är redan publicerad, eller "
                "så har förhandsgranskningen gått ut (efter ett dygn). Ladda upp den igen."
            ]
        )
    data, filename = upload.data, upload.filename
    try:
        candidate = form_store.check(current_catalogue(), data, filename)
    except form_store.PublishError as exc:
        return _index(exc.problems, filename)
    if candidate.form.version != expected:
        # Someone published in between: show the differences against that version first.
        return _preview(
            candidate,
            upload_id,
            filename,
            f"Någon annan publicerade version {candidate.current.version} medan du granskade. "
            "Skillnaderna nedan gäller nu mot den versionen. Publicera igen om de stämmer.",
        )
    try:
        published = form_store.publish(
            db, current_catalogue(), data, filename, "admin", upload=upload
        )
    except form_store.PublishError as exc:
        return _index(exc.problems, filename)
    form = published.form
    # The admin's Excel pages are Swedish only (lang="sv"): no catalogue entry for this one.
    published_message = (
        f"{form.short_title} version {form.version} är publicerad. Nya svar använder den från "
        "och med nu; påbörjade utkast kan flyttas över till den."
    )
    flash(published_message, "success")
    return redirect(url_for("form_admin.index"))

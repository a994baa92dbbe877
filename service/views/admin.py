"""The region admin's overview: who has sent in what, for a year and a stage, to act on.

A matrix of organisations × checklists; each cell links to its list of plans and each plan
to its read-only view. The Excel download under it uses the same filters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template, request, url_for

from exports.filters import ExportFilter, FilterError, year_period
from service import followup
from service.access import admin_required, directory
from service.catalogue import current_catalogue
from service.consultations.notices import swedish_today
from service.db import get_db
from service.errors import fail
from service.runtime import current_runtime
from service.sync.status import target_status

bp = Blueprint("admin", __name__, url_prefix="/admin")

ALL_YEARS = "alla"


@dataclass(frozen=True)
class Filters:
    """The overview's choices: a year (None = every year) and a stage code ("" = any)."""

    year: int | None
    stage: str

    def selection(self, **options: Any) -> ExportFilter:
        start, end = year_period(self.year)
        stages = frozenset({self.stage}) if self.stage else frozenset()
        return ExportFilter(start, end, stages=stages, **options)

    def args(self) -> dict[str, str]:
        """Query-string arguments that keep these choices on the next page."""
        values = {"year": str(self.year) if self.year else ALL_YEARS}
        if self.stage:
            values["stage"] = self.stage
        return values

    def download_args(self) -> dict[str, str]:
        """The same choices for the workbook download (/admin/export.xlsx)."""
        start, end = year_period(self.year)
        values = {"from": start.isoformat(), "to": end.isoformat()} if start and end else {}
        if self.stage:
            values["stage"] = self.stage
        return values


def _filters(stages: dict[str, str]) -> Filters:
    """The choices in the query string; FilterError (Swedish) for what cannot be used."""
    raw_year = (request.args.get("year") or "").strip()
    year: int | None = dt.date.today().year
    if raw_year == ALL_YEARS:
        year = None
    elif raw_year:
        if not raw_year.isdigit() or not 1900 < int(raw_year) < 2200:
            raise FilterError(f"Året ”{raw_year[:10]}” går inte att visa. Välj ett år i listan.")
        year = int(raw_year)
    stage = (request.args.get("stage") or "").strip()
    if stage and stage not in stages:
        raise FilterError("Skedet du valde finns inte. Välj ett skede i listan.")
    return Filters(year, stage)


@bp.route("/")
@admin_required
def overview() -> tuple[str, int]:
    db = get_db()
    catalogue = current_catalogue()
    stages = followup.all_stages(catalogue)
    error = None
    try:
        filters = _filters(stages)
    except FilterError as exc:
        error, filters = str(exc), Filters(dt.date.today().year, "")
    forms = catalogue.current()
    found = followup.plans(db, catalogue, filters.selection())
    table = followup.matrix(directory(), forms, found)
    return render_template(
        "admin/overview.html",
        filters=filters,
        matrix=table,
        years=followup.years(db, dt.date.today()),
        stages=stages,
        all_years=ALL_YEARS,
        error=error,
        download_url=url_for("downloads.regional_xlsx", **filters.download_args()),  # type: ignore[arg-type]
        more_url=url_for("downloads.regional", **filters.download_args()),  # type: ignore[arg-type]
        sync_status=target_status(current_runtime(), db),
        consultations=followup.consultation_standing(db, directory(), swedish_today()),
    ), (400 if error else 200)


@bp.route("/planer")
@admin_required
def plans() -> tuple[str, int]:
    """One cell of the overview: an organisation's plans for one checklist."""
    catalogue = current_catalogue()
    org = directory().get(request.args.get("org", ""))
    form_id = request.args.get("form", "")
    if org is None or form_id not in catalogue:
        fail(404)
    form = catalogue.latest(form_id)
    try:
        filters = _filters(followup.all_stages(catalogue))
    except FilterError as exc:
        fail(400, str(exc))
    selection = filters.selection(orgs=frozenset({org.slug}), forms=frozenset({form_id}))
    found = sorted(
        followup.plans(get_db(), catalogue, selection),
        key=lambda p: p.submitted_at,
        reverse=True,
    )
    return render_template(
        "admin/plans.html",
        org=org,
        form=form,
        filters=filters,
        plans=found,
        stage_label=followup.all_stages(catalogue).get(filters.stage, ""),
        back_url=url_for("admin.overview", **filters.args()),  # type: ignore[arg-type]
    ), 200

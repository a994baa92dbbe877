"""Template filters: Swedish dates and labels."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from service import dates
from service.access import directory
from service.i18n import current_language


def local_datetime(value: dt.datetime | None) -> str:
    """'27 november 2026 kl. 14:05' in Swedish time, in the page's language."""
    return dates.local_datetime(value, current_language())


def local_date(value: str | dt.date | None) -> str:
    """'15 mars 2026' from an ISO date, in the page's language."""
    return dates.local_date(value, current_language())


def org_name(slug: str) -> str:
    org = directory().get(slug)
    return org.name if org else slug


def register_filters(app: Flask) -> None:
    app.add_template_filter(local_datetime)
    app.add_template_filter(local_date)
    app.add_template_filter(org_name)

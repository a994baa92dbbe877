"""Template filters: Swedish dates and labels."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from forms.clock import in_stockholm
from service.access import directory
from service.i18n import current_language

MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


# English pages keep the Swedish order (day, month, year; 24-hour clock).
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _month(month: int) -> str:
    return (MONTHS_EN if current_language() == "en" else MONTHS)[month - 1]


def local_datetime(value: dt.datetime | None) -> str:
    """'27 november 2026 kl. 14:05' in Swedish time, from naive UTC."""
    if value is None:
        return ""
    local = in_stockholm(value)
    at = "at" if current_language() == "en" else "kl."
    return f"{local.day} {_month(local.month)} {local.year} {at} {local:%H:%M}"


def local_date(value: str | dt.date | None) -> str:
    """'15 mars 2026' from an ISO date (as stored in metadata)."""
    if not value:
        return ""
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    except ValueError:
        return str(value)
    return f"{day.day} {_month(day.month)} {day.year}"


def org_name(slug: str) -> str:
    org = directory().get(slug)
    return org.name if org else slug


def register_filters(app: Flask) -> None:
    app.add_template_filter(local_datetime)
    app.add_template_filter(local_date)
    app.add_template_filter(org_name)

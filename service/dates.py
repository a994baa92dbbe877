"""Dates and times as people in Sweden read them, in Swedish time; no Flask.

Stored times are naive UTC. The web's template filters (service/views/formatting.py) pass
the page's language; the CLI and the sync worker print Swedish.
"""

from __future__ import annotations

import datetime as dt

from forms.clock import STOCKHOLM as STOCKHOLM  # the one place of the time zone
from forms.clock import in_stockholm

MONTHS = {
    "sv": (
        *("januari", "februari", "mars", "april", "maj", "juni"),
        *("juli", "augusti", "september", "oktober", "november", "december"),
    ),
    # English pages keep the Swedish order (day, month, year; 24-hour clock).
    "en": (
        *("January", "February", "March", "April", "May", "June"),
        *("July", "August", "September", "October", "November", "December"),
    ),
}
AT = {"sv": "kl.", "en": "at"}


def month_name(month: int, language: str = "sv") -> str:
    return MONTHS.get(language, MONTHS["sv"])[month - 1]


def local_datetime(value: dt.datetime | None, language: str = "sv") -> str:
    """'27 november 2026 kl. 14:05' in Swedish time, from naive UTC."""
    if value is None:
        return ""
    local = in_stockholm(value)
    at = AT.get(language, AT["sv"])
    return f"{local.day} {month_name(local.month, language)} {local.year} {at} {local:%H:%M}"


def local_date(value: str | dt.date | None, language: str = "sv") -> str:
    """'15 mars 2026' from an ISO date (as stored in metadata)."""
    if not value:
        return ""
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    except ValueError:
        return str(value)
    return f"{day.day} {month_name(day.month, language)} {day.year}"

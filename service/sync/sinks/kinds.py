"""The two first kinds: the embedded local .xlsx workbook and a Google Sheet.

Their sink modules hold only the writing; what the organisations file says about them,
how they are described and what their cells take is declared here. The Google client is
built once per worker and kept in the context, as gspread keeps its token.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exports.guard import EXCEL_CELL_LIMIT, GOOGLE_CELL_LIMIT
from service.sync.kind import Context, SinkKind, setting
from service.sync.sinks import PermanentSyncError, Sink


@dataclass(frozen=True)
class XlsxSettings:
    """The local workbook needs nothing: it is `<slug>.xlsx` in the sheets folder."""


def sheets_dir(context: Context) -> Path:
    return context.settings.sheets_folder


def _xlsx_path(slug: str, context: Context) -> Path:
    return sheets_dir(context) / f"{slug}.xlsx"


def _xlsx_build(_settings: XlsxSettings, slug: str, context: Context) -> Sink:
    from service.sync.sinks.xlsx import XlsxSink

    return XlsxSink(_xlsx_path(slug, context))


XLSX = SinkKind(
    name="xlsx",
    label="lokal arbetsbok (.xlsx)",
    settings=XlsxSettings,
    markers=(),
    cell_limit=EXCEL_CELL_LIMIT,
    dates_as_text=False,
    describe=lambda _s, slug, context: f"Lokal arbetsbok {_xlsx_path(slug, context)}",
    build=_xlsx_build,
)


@dataclass(frozen=True)
class GoogleSettings:
    google_key: str = setting("kalkylarkets nyckel, delen av adressen mellan /d/ och /edit")


def _google_client(context: Context) -> Any:
    if "google" not in context.clients:
        from service.sync import google

        settings = context.settings
        path = settings.google_credentials
        try:
            context.clients["google"] = google.connect(
                str(path) if path else None,
                writes_per_minute=settings.sync_writes_per_minute,
                timeout=settings.sync_google_timeout,
                adapter=context.seams.get("google")
                or google.api_adapter(settings.sync_google_api_url),
                sleep=context.sleep,
            )
        except (ValueError, KeyError, OSError) as exc:
            raise PermanentSyncError(
                f"Nyckelfilen för Google (CHECKLISTOR_GOOGLE_CREDENTIALS={path or 'inte satt'}) "
                f"kan inte användas: {exc}"
            ) from None
    return context.clients["google"]


def _google_build(settings: GoogleSettings, _slug: str, context: Context) -> Sink:
    from service.sync.sinks.gsheets import GoogleSheetSink

    return GoogleSheetSink(_google_client(context), settings.google_key)


GOOGLE = SinkKind(
    name="google",
    label="Google-kalkylark",
    settings=GoogleSettings,
    markers=("google_key",),
    cell_limit=GOOGLE_CELL_LIMIT,
    dates_as_text=False,
    describe=lambda s, _slug, _context: f"Google-kalkylark {s.google_key}",
    build=_google_build,
)

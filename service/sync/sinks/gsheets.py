"""A Google Sheet per organisation, written through the one client in service/sync/google.py.

One pass over a spreadsheet costs a constant number of requests whatever the number of
responses: one metadata read, one read of all affected worksheets, at most one
structural `:batchUpdate` (new worksheets, more rows, inserted columns) and one
`values:batchUpdate` of explicit ranges with RAW input (split only past ~1.5 MB).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import requests
from google.auth import exceptions as auth_exceptions
from openpyxl.utils import get_column_letter

from service.sync.binding import Tab, assign_titles, key_row, only_sync_cells, place
from service.sync.google import APIError, service_account_email
from service.sync.mirror import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    KEY_ROW,
    SheetBatch,
    SheetPlan,
    plan_sheet,
    sparse,
)
from service.sync.sinks import PermanentSyncError, TransientSyncError

ROW_HEADROOM = 200  # rows added at a time, so growth is rare
MAX_PAYLOAD = 1_500_000  # characters per values:batchUpdate; Google advises under 2 MB


def quote_title(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def a1(title: str, row: int, col: int, width: int) -> str:
    """'Title'!C5:F5 for `width` cells from 0-based (row, col)."""
    start = f"{get_column_letter(col + 1)}{row + 1}"
    end = f"{get_column_letter(col + width)}{row + 1}"
    return f"{quote_title(title)}!{start}:{end}"


class GoogleSheetSink:
    def __init__(self, client: Any, key: str) -> None:
        self.client = client
        self.key = key
        self.description = f"Google-kalkylark {key}"

    def write(self, batches: list[SheetBatch]) -> None:
        try:
            self._write(batches)
        except APIError as exc:
            raise self._classify(exc) from None
        except auth_exceptions.RefreshError as exc:
            if getattr(exc, "retryable", False):
                raise TransientSyncError(f"Google-inloggningen svarar inte: {exc}") from None
            raise PermanentSyncError(
                "Google godtar inte tjänstekontots nyckel (CHECKLISTOR_GOOGLE_CREDENTIALS): "
                f"{exc.args[0] if exc.args else exc}"
            ) from None
        except (auth_exceptions.TransportError, requests.ConnectionError, requests.Timeout) as exc:
            raise TransientSyncError(
                f"Google nås inte just nu ({type(exc).__name__}); nytt försök senare."
            ) from None

    def _classify(self, exc: Any) -> Exception:
        code = int(getattr(exc, "code", 0) or 0)
        error = getattr(exc, "error", None) or {}
        message = str(error.get("message", "")).strip()
        if code == 403:
            return PermanentSyncError(self._forbidden(error, message))
        if code == 404:
            return PermanentSyncError(
                f"Kalkylarket {self.key} finns inte (Google svarar 404). "
                "Kontrollera google_key i organisationsfilen."
            )
        if code == 401:
            return PermanentSyncError(
                "Google godtar inte inloggningen (401). Kontrollera nyckelfilen i "
                "CHECKLISTOR_GOOGLE_CREDENTIALS."
            )
        if code == 400:
            # Also "already exists": trying the same request again cannot help.
            return PermanentSyncError(f"Google avvisade ändringen i {self.key} (400): {message}")
        return TransientSyncError(
            f"Google svarar {code} ({message or 'inget besked'}) även efter flera försök; "
            "nytt försök senare."
        )

    def _forbidden(self, error: dict[str, Any], message: str) -> str:
        """One Swedish sentence per reason Google gives for a 403."""
        reasons = {str(e.get("reason", "")) for e in error.get("errors", []) or []}
        metadata: dict[str, Any] = {}
        for detail in error.get("details", []) or []:
            if str(detail.get("@type", "")).endswith("google.rpc.ErrorInfo"):
                reasons.add(str(detail.get("reason", "")))
                metadata.update(detail.get("metadata") or {})
        lowered = message.lower()
        if reasons & {"SERVICE_DISABLED", "accessNotConfigured"}:
            project = str(metadata.get("consumer", "")).removeprefix("projects/") or "?"
            return (
                f"Google Sheets API är inte aktiverat i Google Cloud-projektet {project}. "
                f"Aktivera Google Sheets API i projekt {project} (API:er och tjänster → "
                "Bibliotek) och vänta några minuter."
            )
        if reasons & {"ACCESS_TOKEN_SCOPE_INSUFFICIENT", "insufficientPermissions"}:
            return "Tjänstekontots inloggning saknar behörighet för Google Sheets (scope)."
        if "protected" in lowered:
            return (
                f"Kalkylarket {self.key} har ett skyddat område som synken behöver skriva i. "
                "Ta bort skyddet från speglingens flikar eller ge kontot rätt att redigera det."
            )
        if reasons & {"domainPolicy", "DOMAIN_POLICY"} or "domain" in lowered:
            return (
                f"Organisationens Google Workspace tillåter inte att kalkylarket {self.key} "
                "delas med konton utanför domänen. Be domänens administratör tillåta "
                f"{self._account()}, eller skapa kalkylarket i en domän som tillåter det."
            )
        return (
            f"Kalkylarket {self.key} är inte delat med {self._account()} (Google svarar 403). "
            "Dela kalkylarket med kontot som redigerare."
        )

    def _account(self) -> str:
        return service_account_email(self.client) or "tjänstekontot"

    def _write(self, batches: list[SheetBatch]) -> None:
        http = self.client.http_client
        meta = http.fetch_sheet_metadata(
            self.key, params={"includeGridData": "false", "fields": "sheets.properties"}
        )
        props = [s["properties"] for s in meta.get("sheets", [])]
        # Chart sheets (sheetType OBJECT) have no cells: their titles count, nothing else.
        cells = [i for i, p in enumerate(props) if p.get("sheetType", "GRID") == "GRID"]
        keys = dict(
            zip(
                cells,
                self._read(http, [f"{quote_title(props[i]['title'])}!1:1" for i in cells]),
                strict=True,
            )
        )
        tabs = [
            Tab(i, p["title"], key_row(keys.get(i, {}).get(KEY_ROW, {})))
            for i, p in enumerate(props)
        ]
        placements = place(tabs, batches)
        wanted = sorted(
            {p.tab.index for p in placements if p.tab}
            | {s.index for p in placements for s in p.splits}
        )
        read = self._read(http, [_owned(props[i]["title"], tabs[i]) for i in wanted])
        grids = dict(zip(wanted, read, strict=True))
        dropped = {s.index for p in placements for s in p.splits if only_sync_cells(grids[s.index])}
        assign_titles(tabs, placements, dropped)

        structure: list[dict[str, Any]] = [
            {"deleteSheet": {"sheetId": props[i]["sheetId"]}} for i in sorted(dropped)
        ]
        data: list[dict[str, Any]] = []
        taken = {int(p["sheetId"]) for p in props}
        for placement in placements:
            batch, tab = placement.batch, placement.tab
            grid = grids[tab.index] if tab else {}
            plan = plan_sheet(grid, batch.columns, batch.updates, empty="", binding=batch.binding)
            if tab is None:
                sheet_id = _free_id(taken)
                structure += _new_sheet(sheet_id, placement.title, plan)
            else:
                sheet_id = int(props[tab.index]["sheetId"])
                if props[tab.index]["title"] != placement.title:
                    structure.append(_rename(sheet_id, placement.title))
                structure += _grow(props[tab.index], plan)
            if tab is None or plan.inserted or not plan.bound:
                structure += _date_formats(sheet_id, batch, plan)
            for run in plan.runs:
                data.append(
                    {
                        "range": a1(placement.title, run.row, run.col, len(run.values)),
                        "values": [[serial(v) for v in run.values]],
                    }
                )
        if structure:
            http.batch_update(self.key, {"requests": structure})
        for chunk in _chunks(data):
            http.values_batch_update(self.key, {"valueInputOption": "RAW", "data": chunk})

    def _read(self, http: Any, ranges: list[str]) -> list[dict[int, dict[int, Any]]]:
        """Sparse grids of `ranges`, in one request."""
        if not ranges:
            return []
        answer = http.values_batch_get(self.key, ranges, params={"majorDimension": "ROWS"})
        return [sparse(v.get("values", [])) for v in answer.get("valueRanges", [])]


def _owned(title: str, tab: Tab) -> str:
    """A bound tab's managed block up to its binding cell: people's columns further right
    (and a value typed far out there) are not read. An unbound tab is read whole."""
    if not tab.binding:
        return quote_title(title)
    return f"{quote_title(title)}!A:{get_column_letter(max(tab.keys) + 1)}"


EPOCH = dt.datetime(1899, 12, 30)  # day 0 of spreadsheet serial numbers (Sheets and Excel)
DATE_FORMATS = {"datetime": ("DATE_TIME", "yyyy-mm-dd hh:mm"), "date": ("DATE", "yyyy-mm-dd")}


def serial(value: Any) -> Any:
    """Dates as the serial numbers Google stores them as (days since 1899-12-30)."""
    if isinstance(value, dt.datetime):
        return round((value - EPOCH).total_seconds() / 86400, 8)
    if isinstance(value, dt.date):
        return (value - EPOCH.date()).days
    return value


def _date_formats(sheet_id: int, batch: SheetBatch, plan: SheetPlan) -> list[dict[str, Any]]:
    """A date or date-time number format on the data rows of every date column."""
    requests_ = []
    for column in batch.columns:
        if column.value_type not in DATE_FORMATS:
            continue
        kind, pattern = DATE_FORMATS[column.value_type]
        col = plan.positions[column.key]
        span = {"startColumnIndex": col, "endColumnIndex": col + 1}
        requests_.append(
            {
                "repeatCell": {
                    "range": {"sheetId": sheet_id, "startRowIndex": FIRST_DATA_ROW, **span},
                    "cell": {
                        "userEnteredFormat": {"numberFormat": {"type": kind, "pattern": pattern}}
                    },
                    "fields": "userEnteredFormat.numberFormat",
                }
            }
        )
    return requests_


def _rename(sheet_id: int, title: str) -> dict[str, Any]:
    return {
        "updateSheetProperties": {
            "properties": {"sheetId": sheet_id, "title": title},
            "fields": "title",
        }
    }


def _free_id(taken: set[int]) -> int:
    sheet_id = random.randrange(1, 2**31 - 1)
    while sheet_id in taken:
        sheet_id = random.randrange(1, 2**31 - 1)
    taken.add(sheet_id)
    return sheet_id


def _new_sheet(sheet_id: int, title: str, plan: SheetPlan) -> list[dict[str, Any]]:
    grid = {
        "rowCount": plan.rows_needed + ROW_HEADROOM,
        "columnCount": plan.cols_needed,
        "frozenRowCount": HEADER_ROW + 1,
    }
    hidden_keys = {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": KEY_ROW}
    return [
        {"addSheet": {"properties": {"sheetId": sheet_id, "title": title, "gridProperties": grid}}},
        {
            "updateDimensionProperties": {
                "range": {**hidden_keys, "endIndex": KEY_ROW + 1},
                "properties": {"hiddenByUser": True},
                "fields": "hiddenByUser",
            }
        },
    ]


def _grow(props: dict[str, Any], plan: SheetPlan) -> list[dict[str, Any]]:
    sheet_id = props["sheetId"]
    grid = props.get("gridProperties", {})
    rows, cols = int(grid.get("rowCount", 0)), int(grid.get("columnCount", 0))
    requests_: list[dict[str, Any]] = []
    if plan.inserted:
        span = {"startIndex": plan.insert_at, "endIndex": plan.insert_at + plan.inserted}
        requests_.append(
            {
                "insertDimension": {
                    "range": {"sheetId": sheet_id, "dimension": "COLUMNS", **span},
                    "inheritFromBefore": plan.insert_at > 0,
                }
            }
        )
        cols += plan.inserted
    if plan.rows_needed > rows:
        length = plan.rows_needed - rows + ROW_HEADROOM
        requests_.append(
            {"appendDimension": {"sheetId": sheet_id, "dimension": "ROWS", "length": length}}
        )
    if plan.cols_needed > cols:
        length = plan.cols_needed - cols
        requests_.append(
            {"appendDimension": {"sheetId": sheet_id, "dimension": "COLUMNS", "length": length}}
        )
    return requests_


def _chunks(data: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    chunks: list[list[dict[str, Any]]] = []
    size = MAX_PAYLOAD
    for entry in data:
        entry_size = len(json.dumps(entry, default=str))
        if size + entry_size > MAX_PAYLOAD:
            chunks.append([])
            size = 0
        chunks[-1].append(entry)
        size += entry_size
    return chunks

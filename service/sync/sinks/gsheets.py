"""A Google Sheet per organisation, written through the one client in service/sync/google.py.

One pass over a spreadsheet costs a constant number of requests whatever the number of
responses: one metadata read, one read of all affected worksheets, at most one
structural `:batchUpdate` (new worksheets, more rows, inserted columns) and one
`values:batchUpdate` of explicit ranges with RAW input (split only past ~1.5 MB).
"""

from __future__ import annotations

import json
import random
from typing import Any

import requests
from google.auth import exceptions as auth_exceptions
from openpyxl.utils import get_column_letter

from service.sync.google import APIError, service_account_email
from service.sync.mirror import HEADER_ROW, KEY_ROW, SheetBatch, SheetPlan, plan_sheet
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
                "Google godtar inte tjänstekontots nyckel (GOOGLE_CREDENTIALS): "
                f"{exc.args[0] if exc.args else exc}"
            ) from None
        except (auth_exceptions.TransportError, requests.ConnectionError, requests.Timeout) as exc:
            raise TransientSyncError(
                f"Google nås inte just nu ({type(exc).__name__}); nytt försök senare."
            ) from None

    def _classify(self, exc: Any) -> Exception:
        code = int(getattr(exc, "code", 0) or 0)
        message = str((getattr(exc, "error", None) or {}).get("message", "")).strip()
        if code == 403:
            account = service_account_email(self.client) or "tjänstekontot"
            return PermanentSyncError(
                f"Kalkylarket {self.key} är inte delat med {account} (Google svarar 403). "
                "Dela kalkylarket med kontot som redigerare."
            )
        if code == 404:
            return PermanentSyncError(
                f"Kalkylarket {self.key} finns inte (Google svarar 404). "
                "Kontrollera google_key i organisationsfilen."
            )
        if code == 401:
            return PermanentSyncError(
                "Google godtar inte inloggningen (401). Kontrollera nyckelfilen i GOOGLE_CREDENTIALS."
            )
        if code == 400 and "already exists" not in message:
            return PermanentSyncError(f"Google avvisade ändringen (400): {message}")
        return TransientSyncError(
            f"Google svarar {code} ({message or 'inget besked'}) även efter flera försök; "
            "nytt försök senare."
        )

    def _write(self, batches: list[SheetBatch]) -> None:
        http = self.client.http_client
        meta = http.fetch_sheet_metadata(
            self.key, params={"includeGridData": "false", "fields": "sheets.properties"}
        )
        sheets = {s["properties"]["title"]: s["properties"] for s in meta.get("sheets", [])}
        present = [b.title for b in batches if b.title in sheets]
        grids: dict[str, list[list[Any]]] = {}
        if present:
            answer = http.values_batch_get(
                self.key, [quote_title(t) for t in present], params={"majorDimension": "ROWS"}
            )
            for title, values in zip(present, answer.get("valueRanges", []), strict=True):
                grids[title] = values.get("values", [])

        structure: list[dict[str, Any]] = []
        data: list[dict[str, Any]] = []
        taken = {int(p["sheetId"]) for p in sheets.values()}
        for batch in batches:
            plan = plan_sheet(grids.get(batch.title, []), batch.columns, batch.updates, empty="")
            props = sheets.get(batch.title)
            if props is None:
                structure += _new_sheet(batch.title, plan, taken)
            else:
                structure += _grow(props, plan)
            for run in plan.runs:
                data.append(
                    {
                        "range": a1(batch.title, run.row, run.col, len(run.values)),
                        "values": [run.values],
                    }
                )
        if structure:
            http.batch_update(self.key, {"requests": structure})
        for chunk in _chunks(data):
            http.values_batch_update(self.key, {"valueInputOption": "RAW", "data": chunk})


def _new_sheet(title: str, plan: SheetPlan, taken: set[int]) -> list[dict[str, Any]]:
    sheet_id = random.randrange(1, 2**31 - 1)
    while sheet_id in taken:
        sheet_id = random.randrange(1, 2**31 - 1)
    taken.add(sheet_id)
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

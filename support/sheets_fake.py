"""A fake of the Google Sheets API v4 endpoints gspread uses, served over HTTP on loopback.

It keeps a real grid of cells per worksheet, enforces grid limits and Google's rule that
no two worksheets' titles may be equal ignoring case, answers errors with Google's status
codes and JSON bodies (403s with their `reason`s), counts requests, verifies the service account's
signed JWT at its OAuth token endpoint, and injects faults on request: 429 with
Retry-After, 500, 503, a connection reset (before or after applying the request) and a
slow answer (applied, but later than the client waits).
"""

from __future__ import annotations

import base64
import json
import re
import socket
import struct
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from support.sheets_model import (
    ApiFault,
    Cell,
    Fault,
    Sheet,
    Spreadsheet,
    _error,
    apply_structure,
    google_error,
    parse_box,
    parse_range,
)

__all__ = ["FakeSheets", "google_error", "parse_box", "parse_range"]


class FakeSheets:
    def __init__(self) -> None:
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.faults: list[Fault] = []
        self.log: list[str] = []  # "METHOD path" of every API request, faulted ones too
        self.input_options: list[str] = []
        self.tokens: set[str] = set()
        self.refusal: dict[str, Any] | None = None  # an error body every API call answers
        self.token_requests = 0
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.client_email = "checklistor-sync@test-project.iam.gserviceaccount.com"
        self.lock = threading.Lock()
        # Slow requests still to be applied: a test waits for them before it reads.
        self.late = threading.Condition()
        self.late_pending = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # -- set-up and inspection used by tests -------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeSheets:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def create(self, key: str, title: str = "Svar", shared: bool = True) -> Spreadsheet:
        sheet = Spreadsheet(key, title, [Sheet(0, "Blad1")], shared)
        self.spreadsheets[key] = sheet
        return sheet

    def inject(
        self,
        kind: str,
        count: int = 1,
        match: str = "",
        retry_after: str | None = None,
        delay: float = 0.0,
    ) -> None:
        self.faults.append(Fault(kind, count, match, retry_after, delay))

    def key_file(self, token_uri: str | None = None) -> dict[str, Any]:
        from cryptography.hazmat.primitives import serialization

        pem = self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        return {
            "type": "service_account",
            "project_id": "test-project",
            "private_key_id": "key1",
            "private_key": pem,
            "client_email": self.client_email,
            "client_id": "1",
            "token_uri": token_uri or f"{self.base_url}/token",
        }

    def adapter(self) -> requests.adapters.HTTPAdapter:
        """A transport adapter that sends https://sheets.googleapis.com/... here."""
        base = self.base_url

        class Rerouting(requests.adapters.HTTPAdapter):
            def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
                request.url = request.url.replace("https://sheets.googleapis.com", base, 1)
                return super().send(request, *args, **kwargs)

        return Rerouting()

    def values(self, key: str, title: str) -> list[list[Any]]:
        with self.lock:
            return self.spreadsheets[key].sheet(title).values()

    def api_calls(self) -> int:
        return len(self.log)

    # -- the API ------------------------------------------------------------------------
    def _token(self, body: str) -> tuple[int, dict[str, Any]]:
        self.token_requests += 1
        form = urllib.parse.parse_qs(body)
        if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
            return 400, {"error": "unsupported_grant_type"}
        header, payload, signature = form["assertion"][0].split(".")
        try:
            self.key.public_key().verify(
                _b64(signature), f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except Exception:
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        claims = json.loads(_b64(payload))
        if claims.get("iss") != self.client_email or "spreadsheets" not in claims.get("scope", ""):
            return 400, {"error": "invalid_scope"}
        token = f"ya29.fake-{len(self.tokens) + 1}"
        self.tokens.add(token)
        return 200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}

    def _api(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> Any:
        match = re.match(r"^/v4/spreadsheets/([^/:]+)(.*)$", path)
        if not match:
            raise ApiFault(404, "Not found")
        book = self.spreadsheets.get(match.group(1))
        if book is None:
            raise ApiFault(404, "Requested entity was not found.")
        if self.refusal is not None:
            raise ApiFault(
                self.refusal["error"]["code"], self.refusal["error"]["message"], self.refusal
            )
        if not book.shared:
            raise ApiFault(403, "The caller does not have permission")
        rest = match.group(2)
        if method == "GET" and rest == "":
            return self._metadata(book)
        if method == "GET" and rest == "/values:batchGet":
            ranges = query.get("ranges", [])
            return {"spreadsheetId": book.key, "valueRanges": [self._read(book, r) for r in ranges]}
        if method == "GET" and rest.startswith("/values/"):
            return self._read(book, urllib.parse.unquote(rest[len("/values/") :]))
        if method == "POST" and rest == "/values:batchUpdate":
            return self._write(book, body)
        if method == "POST" and rest == ":batchUpdate":
            return apply_structure(book, body)
        raise ApiFault(404, "Not found")

    def _metadata(self, book: Spreadsheet) -> dict[str, Any]:
        return {
            "spreadsheetId": book.key,
            "properties": {"title": book.title, "locale": "sv_SE", "timeZone": "Europe/Stockholm"},
            "sheets": [
                {
                    "properties": {
                        "sheetId": s.sheet_id,
                        "title": s.title,
                        "index": i,
                        "sheetType": s.kind,
                        "gridProperties": {
                            "rowCount": s.rows,
                            "columnCount": s.cols,
                            "frozenRowCount": s.frozen,
                        },
                    }
                }
                for i, s in enumerate(book.sheets)
            ],
        }

    def _read(self, book: Spreadsheet, text: str) -> dict[str, Any]:
        title, (row0, col0, row1, col1) = parse_box(text)
        sheet = book.sheet(title)
        if sheet.kind != "GRID":
            raise ApiFault(400, f"Unable to parse range: {text}")
        values = [
            [str(v) if not isinstance(v, str) else v for v in row]
            for row in sheet.values(row0, row1, col0, col1)
        ]
        while values and not any(v != "" for v in values[-1]):
            values.pop()
        answer: dict[str, Any] = {"range": f"'{title}'!A1:Z{sheet.rows}", "majorDimension": "ROWS"}
        if values:
            answer["values"] = values
        return answer

    def _write(self, book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        option = body.get("valueInputOption")
        if option not in ("RAW", "USER_ENTERED"):
            raise ApiFault(400, "Invalid valueInputOption")
        self.input_options.append(option)
        # Atomic: every range is checked before any cell changes.
        by_title = {s.title: s for s in book.sheets}
        staged: list[tuple[Sheet, int, int, Any]] = []
        for entry in body.get("data", []):
            title, row0, col0 = parse_range(entry["range"])
            sheet = by_title.get(title)
            if sheet is None:
                raise ApiFault(400, f"Unable to parse range: {entry['range']}")
            for r, row in enumerate(entry.get("values", [])):
                for c, value in enumerate(row):
                    rr, cc = row0 + r, col0 + c
                    if rr >= sheet.rows or cc >= sheet.cols:
                        raise ApiFault(
                            400,
                            f"Range ({entry['range']}) exceeds grid limits. "
                            f"Max rows: {sheet.rows}, max columns: {sheet.cols}",
                        )
                    staged.append((sheet, rr, cc, value))
        for sheet, rr, cc, value in staged:
            if value in ("", None):
                sheet.cells.pop((rr, cc), None)
            else:
                formula = option == "USER_ENTERED" and str(value).startswith(("=", "+", "-", "@"))
                sheet.cells[(rr, cc)] = Cell(value, formula)
        cells = len(staged)
        return {"spreadsheetId": book.key, "totalUpdatedCells": cells}

    def sort_rows(self, key: str, title: str, first_row: int, column: int, reverse: bool) -> None:
        """Sort the rows from `first_row` (0-based) by one column, as a person does in Sheets."""
        with self.lock:
            sheet = self.spreadsheets[key].sheet(title)
            height = max((r for r, _ in sheet.cells), default=-1) + 1
            rows = [
                {c: v for (r, c), v in sheet.cells.items() if r == n}
                for n in range(first_row, height)
            ]
            rows.sort(
                key=lambda row: str(row[column].value if column in row else ""), reverse=reverse
            )
            sheet.cells = {(r, c): v for (r, c), v in sheet.cells.items() if r < first_row}
            for offset, row in enumerate(rows):
                for c, v in row.items():
                    sheet.cells[(first_row + offset, c)] = v

    def set_cell(self, key: str, title: str, row: int, col: int, value: Any) -> None:
        with self.lock:
            self.spreadsheets[key].sheet(title).cells[(row, col)] = Cell(value)

    def wait_for_late_writes(self, timeout: float = 30.0) -> None:
        """Until every slow request taken so far has been applied."""
        with self.late:
            if not self.late.wait_for(lambda: self.late_pending == 0, timeout):
                raise TimeoutError("slow requests still pending")

    def _take_fault(self, line: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.count > 0 and fault.match in line:
                    fault.count -= 1
                    return fault
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

            def _send(self, code: int, payload: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _reset(self) -> None:
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.close_connection = True
                self.connection.close()

            def _handle(self, method: str) -> None:
                url = urllib.parse.urlsplit(self.path)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if url.path == "/token":
                    self._send(*fake._token(raw))
                    return
                line = f"{method} {url.path}"
                fake.log.append(line)
                fault = fake._take_fault(line)
                if fault and fault.kind in ("429", "500", "503"):
                    code = int(fault.kind)
                    message = {
                        429: "Quota exceeded for quota metric 'Write requests' and limit "
                        "'Write requests per minute per user' of service "
                        "'sheets.googleapis.com'.",
                        500: "Internal error encountered.",
                        503: "The service is currently unavailable.",
                    }[code]
                    headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                    self._send(code, _error(code, message), headers)
                    return
                if fault and fault.kind == "reset":
                    self._reset()
                    return
                if fault and fault.kind == "slow":
                    with fake.late:
                        fake.late_pending += 1
                    try:
                        time.sleep(fault.delay)
                        self._apply(method, url, raw, fault)
                    finally:
                        with fake.late:
                            fake.late_pending -= 1
                            fake.late.notify_all()
                    return
                self._apply(method, url, raw, fault)

            def _apply(
                self, method: str, url: urllib.parse.SplitResult, raw: str, fault: Fault | None
            ) -> None:
                if self.headers.get("Authorization", "").removeprefix("Bearer ") not in fake.tokens:
                    self._send(401, _error(401, "Request had invalid authentication credentials."))
                    return
                try:
                    with fake.lock:
                        answer = fake._api(
                            method,
                            url.path,
                            urllib.parse.parse_qs(url.query),
                            json.loads(raw) if raw else None,
                        )
                except ApiFault as exc:
                    self._send(exc.code, exc.body)
                    return
                if fault and fault.kind == "reset_after":
                    self._reset()  # applied, but the client never hears so
                    return
                self._send(200, answer)

        return Handler


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

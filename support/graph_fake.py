"""A fake of the Microsoft Graph Excel workbook API, served over TLS on loopback.

It speaks the parts the sink uses: the Entra token endpoint (support/graph_tls.py),
`/shares/{id}/driveItem`, workbook sessions, worksheets (list, add, rename), ranges
(PATCH of `values` and `numberFormat` with `null` meaning "leave the cell", insert),
`usedRange(valuesOnly=true)` of a worksheet's range, row hiding and `$batch` with
`dependsOn`. It keeps a real grid of cells in which a value starting with `=` becomes a
formula unless the cell's number format is text (`@`), as in Excel; sheet names are
unique case-insensitively. Errors have Graph's JSON shape. Faults on request: 429 and
503 with Retry-After (also inside a `$batch`), a connection reset before or after the
request is applied, and a slow answer.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from service.sync.msgraph import share_id
from support.graph_tls import Entra, server_context
from support.graph_workbook import Cell, GraphFault, Workbook, Worksheet

TENANT, CLIENT_ID, SECRET = (
    "blekinge.onmicrosoft.com",
    "11111111-2222-3333-4444-555555555555",
    "s3cr3t~value",
)


@dataclass
class Fault:
    kind: str  # "429", "503", "reset", "reset_after", "slow"
    count: int
    match: str
    retry_after: str | None
    delay: float
    skip: int = 0  # matching requests to let through first


class FakeGraph:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="graph-fake-"))
        self.tls, self.ca_bundle = server_context(self.folder)
        self.entra = Entra(TENANT, CLIENT_ID, SECRET)
        self.books: dict[tuple[str, str], Workbook] = {}
        self.shares: dict[str, tuple[str, str]] = {}
        self.faults: list[Fault] = []
        self.log: list[str] = []  # "METHOD path" of every Graph HTTP request
        self.calls: list[str] = []  # every Graph call, those inside $batch too
        self.lock = threading.RLock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.socket = self.tls.wrap_socket(self.server.socket, server_side=True)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # -- set-up and inspection used by tests -------------------------------------------
    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeGraph:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def create(self, drive_id: str, item_id: str, sharing_url: str | None = None) -> Workbook:
        book = Workbook(
            drive_id, item_id, [Worksheet("{00000000-0001-0000-0000-000000000000}", "Blad1")]
        )
        self.books[(drive_id, item_id)] = book
        if sharing_url:
            self.shares[share_id(sharing_url)] = (drive_id, item_id)
        return book

    def config(self) -> dict[str, Any]:
        """The app settings that point the sync at this fake."""
        return {
            "GRAPH_TENANT_ID": TENANT,
            "GRAPH_CLIENT_ID": CLIENT_ID,
            "GRAPH_CLIENT_SECRET": SECRET,
            "SYNC_GRAPH_API_URL": f"{self.base_url}/v1.0",
            "SYNC_GRAPH_AUTHORITY_HOST": self.base_url,
            "SYNC_GRAPH_CA_BUNDLE": str(self.ca_bundle),
            "SYNC_GRAPH_TIMEOUT": 4,  # short, yet long enough for a busy test machine
        }

    def inject(
        self,
        kind: str,
        count: int = 1,
        match: str = "",
        retry_after: str | None = None,
        delay: float = 0.0,
        skip: int = 0,
    ) -> None:
        self.faults.append(Fault(kind, count, match, retry_after, delay, skip))

    def sheet(self, drive_id: str, item_id: str, name: str) -> Worksheet:
        with self.lock:
            return self.books[(drive_id, item_id)].sheet(name)

    def set_cell(self, book: Workbook, name: str, row: int, col: int, value: Any) -> None:
        with self.lock:
            book.sheet(name).cells[(row, col)] = Cell(value)

    def sort_rows(
        self, book: Workbook, name: str, first_row: int, column: int, reverse: bool
    ) -> None:
        """Sort the rows from `first_row` by one column, as a person does in Excel."""
        with self.lock:
            sheet = book.sheet(name)
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

    # -- the API ------------------------------------------------------------------------
    def _call(self, method: str, path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
        """One Graph call (not $batch), as the caller's token allows."""
        token = headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.entra.tokens:
            raise GraphFault(
                401,
                "InvalidAuthenticationToken",
                "Access token validation failure. Invalid audience.",
            )
        path = urllib.parse.unquote(path) if "/shares/" not in path else path
        share = re.fullmatch(r"/shares/([^/]+)/driveItem(\?.*)?", path)
        if share:
            if share.group(1) not in self.shares:
                raise GraphFault(
                    404,
                    "itemNotFound",
                    "The sharing link no longer exists, or you do not have permission to access it.",
                )
            drive, item = self.shares[share.group(1)]
            return 200, {
                "id": item,
                "name": "Svar.xlsx",
                "parentReference": {"driveId": drive, "driveType": "documentLibrary"},
            }
        match = re.fullmatch(r"/drives/([^/]+)/items/([^/]+)/workbook(/.*)", path)
        book = self.books.get((match.group(1), match.group(2))) if match else None
        if book is None or match is None:
            raise GraphFault(404, "itemNotFound", "The resource could not be found.")
        with self.lock:
            return book.api(method, match.group(3), body, headers.get("workbook-session-id"))

    def _batch(self, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        replies: list[dict[str, Any]] = []
        status_of: dict[str, int] = {}
        for request in body.get("requests", []):
            rid = str(request["id"])
            sub = {k.lower(): v for k, v in (request.get("headers") or {}).items()}
            sub["authorization"] = headers.get("authorization", "")
            line = f"{request['method']} {request['url']}"
            self.calls.append(line)
            if any(status_of.get(str(d), 200) >= 300 for d in request.get("dependsOn", [])):
                status, answer, extra = (
                    424,
                    _error(424, "failedDependency", "A dependency failed."),
                    {},
                )
            else:
                fault = self._take_fault(line, ("429", "503"))
                if fault:
                    status, answer = (
                        int(fault.kind),
                        _error(
                            int(fault.kind),
                            "TooManyRequests" if fault.kind == "429" else "serviceNotAvailable",
                            "Please retry again later.",
                        ),
                    )
                    extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                else:
                    try:
                        status, answer = self._call(
                            request["method"], request["url"], request.get("body"), sub
                        )
                    except GraphFault as exc:
                        status, answer = exc.status, _error(exc.status, exc.code, exc.message)
                    extra = {}
            status_of[rid] = status
            replies.append(
                {
                    "id": rid,
                    "status": status,
                    "headers": {"Content-Type": "application/json", **extra},
                    "body": answer,
                }
            )
        return {"responses": replies}

    def _take_fault(self, line: str, kinds: tuple[str, ...] | None = None) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if (
                    fault.count > 0
                    and fault.match in line
                    and (kinds is None or fault.kind in kinds)
                ):
                    if fault.skip:
                        fault.skip -= 1
                        continue
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

            def do_PATCH(self) -> None:
                self._handle("PATCH")

            def _send(self, code: int, payload: Any, headers: dict[str, str] | None = None) -> None:
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(code)
                if data:
                    self.send_header("Content-Type", "application/json")
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
                entra = fake.entra
                if url.path == f"/{entra.tenant}/v2.0/.well-known/openid-configuration":
                    self._send(200, entra.openid_configuration(fake.base_url))
                    return
                if url.path == f"/{entra.tenant}/oauth2/v2.0/token":
                    fault = fake._take_fault(f"{method} {url.path}", ("503", "reset"))
                    if fault and fault.kind == "reset":
                        self._reset()
                    elif fault:
                        busy = {
                            "error": "temporarily_unavailable",
                            "error_description": "AADSTS90033",
                        }
                        self._send(503, busy, {"Retry-After": fault.retry_after or "1"})
                    else:
                        self._send(*entra.token(raw))
                    return
                if not url.path.startswith("/v1.0/"):
                    self._send(404, _error(404, "BadRequest", "Invalid version."))
                    return
                path = url.path[len("/v1.0") :] + (f"?{url.query}" if url.query else "")
                line = f"{method} {path}"
                fake.log.append(line)
                fault = fake._take_fault(line)
                if fault and fault.kind in ("429", "503"):
                    retry = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                    self._send(
                        int(fault.kind),
                        _error(
                            int(fault.kind),
                            "TooManyRequests" if fault.kind == "429" else "serviceNotAvailable",
                            "Please retry again later.",
                        ),
                        retry,
                    )
                    return
                if fault and fault.kind == "reset":
                    self._reset()
                    return
                if fault and fault.kind == "slow":
                    time.sleep(fault.delay)
                headers = {k.lower(): v for k, v in self.headers.items()}
                body = json.loads(raw) if raw else None
                try:
                    if path == "/$batch" and method == "POST":
                        if (
                            headers.get("authorization", "").removeprefix("Bearer ")
                            not in entra.tokens
                        ):
                            raise GraphFault(
                                401, "InvalidAuthenticationToken", "Access token is empty."
                            )
                        code, answer = 200, fake._batch(body or {}, headers)
                    else:
                        fake.calls.append(line)
                        code, answer = fake._call(method, path, body, headers)
                except GraphFault as exc:
                    self._send(exc.status, _error(exc.status, exc.code, exc.message))
                    return
                if fault and fault.kind == "reset_after":
                    self._reset()  # applied, but the client never hears so
                    return
                self._send(code, answer)

        return Handler


def _error(status: int, code: str, message: str) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": "2026-11-29T10:00:00",
                "request-id": str(uuid.uuid4()),
                "client-request-id": str(uuid.uuid4()),
            },
        }
    }

"""An Excel workbook in the organisation's own SharePoint or OneDrive, through Microsoft Graph.

One pass over a workbook costs a constant number of requests whatever the number of
responses: open a persistent workbook session, list the worksheets, one `$batch` reading
every worksheet's key row, one `$batch` reading the sync's own columns of the worksheets
it writes, one `$batch` of writes, close the session. A worksheet is bound to its
checklist by a cell `form:<form id>` in the hidden key row (row 1), so people may rename,
move or sort it; one without a binding is adopted when its name is the checklist's title
and it holds nothing but the sync's columns. Text cells get the text number format `@`
before their values are written (Graph takes a value starting with `=` as a formula), dates
are real dates.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

import requests

from exports.guard import EXCEL_CELL_LIMIT
from exports.sheetnames import SheetNames
from service.sync.kind import Context, SettingsError, SinkKind, setting
from service.sync.mirror import BINDING_PREFIX as BINDING
from service.sync.mirror import KEY_ROW, SheetBatch, plan_sheet
from service.sync.sinks import PermanentSyncError, Sink, TransientSyncError
from service.sync.sinks.graph_cells import blocks, grid_of, letter

# Rows of the sync's own columns read at most: a value typed far below (one Ctrl+↓ away, at
# row 1,048,576) is not read, while a real mirror stays far under it.
MAX_READ_ROWS = 100_000
LOCKED_PARK_AFTER = 8  # failed passes in a row (about 15 minutes of backoff) before parking


class LockedSyncError(TransientSyncError):
    """The workbook is locked by someone editing it: retried, parked if it lasts."""

    park_after = LOCKED_PARK_AFTER


@dataclass(frozen=True)
class GraphSettings:
    drive_id: str | None = setting("dokumentbibliotekets (enhetens) id i Graph, b!…", None)
    site_id: str | None = setting("webbplatsens id i Graph, i stället för drive_id", None)
    item_id: str | None = setting("arbetsbokens objekt-id i enheten, 01…", None)
    sharing_url: str | None = setting("en delningslänk till arbetsboken", None)

    def check(self) -> None:
        if self.sharing_url:
            if self.drive_id or self.site_id or self.item_id:
                raise SettingsError(
                    "sharing_url", "ange antingen sharing_url eller drive_id/site_id och item_id"
                )
            if not self.sharing_url.startswith("https://"):
                raise SettingsError("sharing_url", "ska vara en https-adress")
            return
        if not self.item_id:
            raise SettingsError("item_id", "saknas (arbetsbokens objekt-id, eller sharing_url)")
        if bool(self.drive_id) == bool(self.site_id):
            raise SettingsError("drive_id", "ange precis en av drive_id och site_id")

    @property
    def where(self) -> str:
        if self.sharing_url:
            return f"delningslänken {self.sharing_url}"
        place = f"enhet {self.drive_id}" if self.drive_id else f"webbplats {self.site_id}"
        return f"{place}, objekt {self.item_id}"


def _client(context: Context) -> Any:
    """One Graph client per worker (MSAL keeps its token there)."""
    if "microsoft" not in context.clients:
        from service.sync import msgraph

        settings = context.settings
        tenant, client_id = settings.graph_tenant_id, settings.graph_client_id
        if not tenant or not client_id:
            raise PermanentSyncError(
                "Microsoft 365 är inte inställt: sätt CHECKLISTOR_GRAPH_TENANT_ID och "
                "CHECKLISTOR_GRAPH_CLIENT_ID (se README, Microsoft 365)."
            )
        try:
            credential = msgraph.credential(
                settings.graph_client_secret, settings.graph_certificate
            )
            context.clients["microsoft"] = msgraph.GraphClient(
                str(tenant),
                str(client_id),
                credential,
                api_url=settings.sync_graph_api_url or msgraph.GRAPH_URL,
                authority_host=settings.sync_graph_authority_host or msgraph.AUTHORITY_HOST,
                timeout=settings.sync_graph_timeout,
                verify=settings.sync_graph_ca_bundle or True,
                sleep=context.sleep,
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise TransientSyncError(
                f"Microsofts inloggning nås inte just nu ({type(exc).__name__}); nytt försök senare."
            ) from None
        except (ValueError, OSError) as exc:
            raise PermanentSyncError(
                f"Inloggningen till Microsoft 365 kan inte ställas in (klient {client_id}, "
                f"klientorganisation {tenant}): {exc}"
            ) from None
    return context.clients["microsoft"]


def _build(settings: GraphSettings, _slug: str, context: Context) -> Sink:
    shares: dict[str, str] = context.clients.setdefault("microsoft-shares", {})
    return GraphSink(_client(context), settings, shares)


KIND = SinkKind(
    name="microsoft",
    label="Excel i Microsoft 365",
    settings=GraphSettings,
    markers=("drive_id", "site_id", "item_id", "sharing_url"),
    cell_limit=EXCEL_CELL_LIMIT,
    dates_as_text=False,
    describe=lambda s, _slug, _context: f"Excel i Microsoft 365 ({s.where})",
    build=_build,
)


@dataclass
class Worksheet:
    id: str
    name: str
    keys: list[Any] = field(default_factory=list)  # the key row as read

    def binding(self) -> str | None:
        for value in self.keys:
            if isinstance(value, str) and value.startswith(BINDING):
                return value[len(BINDING) :]
        return None


@dataclass
class Placement:
    """Where one batch goes: an existing worksheet (found or adopted) or a new one."""

    batch: SheetBatch
    name: str
    sheet: Worksheet | None = None
    adopted: bool = False
    rename: bool = False


class GraphSink:
    def __init__(self, client: Any, settings: GraphSettings, shares: dict[str, str]) -> None:
        self.client = client
        self.settings = settings
        self.shares = shares  # sharing URL -> workbook path, resolved once per worker
        self.description = f"Excel i Microsoft 365 ({settings.where})"

    def write(self, batches: list[SheetBatch]) -> None:
        from service.sync.msgraph import GraphAuthError, GraphError

        try:
            self._write(batches)
        except GraphError as exc:
            raise self._classify(exc) from None
        except GraphAuthError as exc:
            if exc.error in ("temporarily_unavailable", "server_error"):
                raise TransientSyncError(
                    f"Microsofts inloggning svarar inte just nu ({exc.description}); "
                    "nytt försök senare."
                ) from None
            raise PermanentSyncError(
                "Microsoft godtar inte appens inloggning (CHECKLISTOR_GRAPH_CLIENT_SECRET eller "
                f"CHECKLISTOR_GRAPH_CERTIFICATE): {exc.error}: {exc.description.splitlines()[0]}"
            ) from None
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise TransientSyncError(
                f"Microsoft Graph nås inte just nu ({type(exc).__name__}); nytt försök senare."
            ) from None

    def _classify(self, exc: Any) -> Exception:
        where, said = self.settings.where, f"Graph svarar {exc.status} {exc.code}".strip()
        if exc.status == 403:
            return PermanentSyncError(
                f"Appen får inte skriva i arbetsboken ({where}; {said}). Ge appen "
                "Sites.Selected med skrivrätt på webbplatsen, eller Files.ReadWrite.All."
            )
        if exc.code.startswith("InvalidSession") or exc.code == "SessionNotFound":
            return TransientSyncError(
                f"Arbetsbokens session gick ut under skrivningen ({said}); nytt försök senare."
            )
        if exc.status == 404:
            return PermanentSyncError(
                f"Arbetsboken finns inte ({where}; {said}). Kontrollera organisationsfilen, "
                "eller om filen har flyttats eller tagits bort."
            )
        if exc.status == 401:
            return PermanentSyncError(
                f"Microsoft Graph godtar inte inloggningen ({said}). Kontrollera appens "
                "behörigheter och administratörsgodkännande."
            )
        if exc.status == 423 or exc.code in ("resourceLocked", "EditModeCannotAcquireLock"):
            return LockedSyncError(
                f"Arbetsboken är låst av någon som redigerar den ({where}; {said}). Stäng den "
                "i Excel-programmet eller vänta; synken försöker igen."
            )
        if exc.status in (400, 413) and exc.code not in ("", "generalException"):
            return PermanentSyncError(f"Graph avvisade ändringen ({said}): {exc.message}")
        return TransientSyncError(
            f"Graph svarar {exc.status} ({exc.message or 'inget besked'}) även efter flera "
            "försök; nytt försök senare."
        )

    def _workbook(self) -> str:
        settings = self.settings
        if settings.sharing_url:
            url = settings.sharing_url
            if url not in self.shares:
                from service.sync.msgraph import share_id

                item = self.client.request(
                    "GET", f"/shares/{share_id(url)}/driveItem?$select=id,parentReference"
                )
                drive = item["parentReference"]["driveId"]
                self.shares[url] = f"/drives/{drive}/items/{item['id']}/workbook"
            return self.shares[url]
        if settings.drive_id:
            return f"/drives/{settings.drive_id}/items/{settings.item_id}/workbook"
        return f"/sites/{settings.site_id}/drive/items/{settings.item_id}/workbook"

    def _write(self, batches: list[SheetBatch]) -> None:
        from service.sync.msgraph import Call, GraphError, quote

        base = self._workbook()
        opened = self.client.request("POST", f"{base}/createSession", {"persistChanges": True})
        session = {"workbook-session-id": str(opened["id"])}
        listing = self.client.request(
            "GET", f"{base}/worksheets?$select=id,name,position", headers=session
        )
        sheets = [Worksheet(str(w["id"]), str(w["name"])) for w in listing.get("value", [])]
        reads = [Call("GET", f"{base}/worksheets/{quote(s.id)}/{_used('1:1')}") for s in sheets]
        for sheet, answer in zip(sheets, self.client.batch(reads, session), strict=True):
            sheet.keys = (grid_of(answer) or [[]])[0]
        placements = place(batches, sheets)
        found = [p for p in placements if p.sheet]
        reads = [
            Call("GET", f"{base}/worksheets/{quote(p.sheet.id)}/{_used(_owned(p))}")
            for p in found
            if p.sheet
        ]
        grids = dict(zip([id(p) for p in found], self.client.batch(reads, session), strict=True))
        calls: list[Any] = []
        for p in placements:
            grid = grid_of(grids.get(id(p)))
            if len(grid) >= MAX_READ_ROWS:
                raise PermanentSyncError(
                    f"Kalkylbladet '{p.name}' har värden på rad {MAX_READ_ROWS:,} eller längre "
                    "ned i synkens kolumner; så stora blad speglas inte. Ta bort värdena där."
                )
            calls += sheet_calls(base, p, grid)
        self.client.batch(calls, session)
        # Written; a session left open ends by itself after a few idle minutes.
        with contextlib.suppress(GraphError, requests.RequestException):
            self.client.request("POST", f"{base}/closeSession", headers=session)


def _used(address: str) -> str:
    return f"range(address='{address}')/usedRange(valuesOnly=true)?$select=address,values"


def _owned(p: Placement) -> str:
    """Columns A up to the last key the sync knows in this worksheet's key row."""
    keys = p.sheet.keys if p.sheet else []
    wanted = {c.key for c in p.batch.columns}
    known = [n for n, k in enumerate(keys) if k in wanted or str(k).startswith(BINDING)]
    return f"A1:{letter(max(known, default=0))}{MAX_READ_ROWS}"


def place(batches: list[SheetBatch], sheets: list[Worksheet]) -> list[Placement]:
    """Each batch's worksheet: by binding, else adopted by name, else a new free name."""
    names = SheetNames()
    for existing in sheets:
        names.claim(existing.name)
    bound: dict[str | None, Worksheet] = {}
    for candidate in sheets:
        key = candidate.binding()
        kept = bound.get(key)
        # A copied tab carries the binding too: the one named like the checklist, else the first.
        titled = (_title(batches, key) or "").casefold()
        named = candidate.name.casefold() == titled and (kept and kept.name.casefold()) != titled
        if key and (kept is None or named):
            bound[key] = candidate
    placements: list[Placement] = []
    for batch in batches:
        sheet = bound.get(batch.form_id)
        if sheet is not None:
            free = batch.title.casefold() == sheet.name.casefold() or not any(
                s.name.casefold() == batch.title.casefold() for s in sheets
            )
            rename = sheet.name != batch.title and free
            placements.append(
                Placement(batch, batch.title if rename else sheet.name, sheet, rename=rename)
            )
            continue
        same = [s for s in sheets if s.name.casefold() == batch.title.casefold()]
        if (
            same
            and not same[0].binding()
            and (not same[0].keys or same[0].keys[0] == "response_id")
        ):
            placements.append(Placement(batch, same[0].name, same[0], adopted=True))
            continue
        placements.append(Placement(batch, names.claim(batch.title)))
    return placements


def _title(batches: list[SheetBatch], form_id: str | None) -> str | None:
    return next((b.title for b in batches if b.form_id == form_id), None)


def sheet_calls(base: str, p: Placement, grid: list[list[Any]]) -> list[Any]:
    """The writes of one worksheet, in order: structure first, then formats, then values."""
    from service.sync.msgraph import Call, quote

    calls: list[Call] = []
    if p.sheet is None:
        calls.append(Call("POST", f"{base}/worksheets/add", {"name": p.name}, repeatable=False))
    elif p.rename:
        calls.append(Call("PATCH", f"{base}/worksheets/{quote(p.sheet.id)}", {"name": p.name}))
    sheet = f"{base}/worksheets/{quote(p.sheet.id if p.sheet else p.name)}"
    plan = plan_sheet(grid, p.batch.columns, p.batch.updates, empty="")
    if plan.inserted:
        columns = f"{letter(plan.insert_at)}:{letter(plan.insert_at + plan.inserted - 1)}"
        calls.append(
            Call(
                "POST",
                f"{sheet}/range(address='{columns}')/insert",
                {"shift": "Right"},
                repeatable=False,
            )
        )
    writes = {(run.row, run.col + n): v for run in plan.runs for n, v in enumerate(run.values)}
    keys = [str(v) for v in (grid[KEY_ROW] if grid else [])]
    managed = sorted({c for (r, c) in writes if r == KEY_ROW} | _positions(keys, p.batch, plan))
    new = p.sheet is None or p.adopted
    if p.batch.form_id and (new or BINDING + p.batch.form_id not in keys):
        width = max(len(p.sheet.keys) if p.sheet else 0, plan.cols_needed)
        writes[(KEY_ROW, width)] = BINDING + p.batch.form_id
        managed.append(width)
    if new:
        calls.append(Call("PATCH", f"{sheet}/range(address='1:1')/format", {"rowHidden": True}))
        calls.append(Call("PATCH", f"{sheet}/range(address='2:2')/format/font", {"bold": True}))
    for block in blocks(writes, managed):
        address = f"{sheet}/range(address='{block.address}')"
        # The format first: a value is taken as typed only after its cell is text.
        calls.append(Call("PATCH", address, {"numberFormat": block.formats}))
        calls.append(Call("PATCH", address, {"values": block.values}))
    return calls


def _positions(keys: list[str], batch: SheetBatch, plan: Any) -> set[int]:
    """0-based columns of the batch's keys after the pass's inserted columns."""
    wanted = {c.key for c in batch.columns}
    found = {n for n, key in enumerate(keys) if key in wanted}
    return {n + plan.inserted if n >= plan.insert_at else n for n in found}

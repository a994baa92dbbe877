"""The embedded default: one .xlsx workbook per organisation under the data folder.

Each write reads the workbook, changes only the sync's own cells, saves to a temporary
file next to it and replaces the old file in one step, so a crash leaves either the old
or the new workbook, never a broken one. A lock file beside the workbook keeps two sync
processes from interleaving their read-change-write. Only cells that exist are read
(never the sheet's whole bounding box), and what people added (pictures, charts, notes,
validation, conditional formats, filters) is loaded and saved back with the rest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from forms.text import keep_as_text
from service.sync.binding import Placement, Tab, assign_titles, key_row, only_sync_cells, place
from service.sync.mirror import FIRST_DATA_ROW, HEADER_ROW, KEY_ROW, SheetBatch, plan_sheet
from service.sync.sinks import PermanentSyncError, TransientSyncError, xlsx_cache

BOLD = Font(bold=True)
MAX_ROWS, MAX_COLS = 1_048_576, 16_384  # Excel's grid


def cell_grid(sheet: Any) -> dict[int, dict[int, Any]]:
    """The sheet's non-empty cells, 0-based, from the cells openpyxl actually loaded.

    `iter_rows` would create every cell of the bounding box: one value at CR1048576
    means about 100 million cells. The loaded cells are exactly the ones in the file.
    """
    grid: dict[int, dict[int, Any]] = {}
    for (row, col), cell in sheet._cells.items():
        if cell.value not in (None, ""):
            grid.setdefault(row - 1, {})[col - 1] = cell.value
    return grid


@contextlib.contextmanager
def file_lock(path: Path, timeout: float) -> Iterator[None]:
    """An exclusive lock on `path` (a sidecar file that is never replaced)."""
    with open(path, "a+b") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TransientSyncError(
                        f"Arbetsboken {path.with_suffix('')} används av en annan synkprocess."
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class XlsxSink:
    def __init__(self, path: Path, lock_timeout: float = 30.0) -> None:
        self.path = path
        self.lock_timeout = lock_timeout
        self.description = f"Lokal arbetsbok {path}"

    def write(self, batches: list[SheetBatch]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PermanentSyncError(
                f"Mappen {self.path.parent} kan inte skapas: {exc.strerror}."
            ) from None
        with file_lock(self.path.with_name(self.path.name + ".lock"), self.lock_timeout):
            workbook = xlsx_cache.take(self.path)  # still open from this worker's last pass?
            if workbook is None:
                workbook = self._load()
            sheets = list(workbook.worksheets)
            grids = [cell_grid(sheet) for sheet in sheets]
            tabs = [
                Tab(i, s.title, key_row(grids[i].get(KEY_ROW, {}))) for i, s in enumerate(sheets)
            ]
            placements = place(tabs, batches)
            dropped = {
                split.index
                for p in placements
                for split in p.splits
                if only_sync_cells(grids[split.index])
            }
            assign_titles(tabs, placements, dropped)
            for index in sorted(dropped):
                workbook.remove(sheets[index])
            # openpyxl renames "Detaljplan" to "DetaljPlan1" when the new title matches any
            # tab's ignoring case, the tab's own included: pass through a unique title first.
            for n, placement in enumerate(placements):
                if placement.tab and sheets[placement.tab.index].title != placement.title:
                    sheets[placement.tab.index].title = f"~checklistor-{n}"
            for placement in placements:
                tab = placement.tab
                sheet = sheets[tab.index] if tab else workbook.create_sheet(placement.title)
                if sheet.title != placement.title:
                    sheet.title = placement.title
                self._write_sheet(sheet, grids[tab.index] if tab else {}, placement)
            self._save(workbook)
            xlsx_cache.keep(self.path, workbook)

    def _load(self) -> Any:
        if not self.path.exists():
            workbook = Workbook()
            workbook.remove(workbook.active)
            return workbook
        try:
            return load_workbook(self.path)
        except MemoryError:
            raise PermanentSyncError(
                f"Arbetsboken {self.path} är för stor för att läsas in. Ta bort innehåll "
                "som inte hör till speglingen, eller flytta undan filen och kör "
                "`checklistor sync --all`."
            ) from None
        except PermissionError:
            raise PermanentSyncError(
                f"Arbetsboken {self.path} går inte att läsa (behörighet saknas)."
            ) from None
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
            raise PermanentSyncError(
                f"Arbetsboken {self.path} är skadad och kan inte öppnas ({type(exc).__name__}). "
                "Flytta undan filen och kör `checklistor sync --all`, så skapas den på nytt."
            ) from None

    def _write_sheet(self, sheet: Any, grid: dict[int, dict[int, Any]], place: Placement) -> None:
        batch: SheetBatch = place.batch
        created = place.tab is None
        plan = plan_sheet(grid, batch.columns, batch.updates, empty=None, binding=batch.binding)
        if plan.rows_needed > MAX_ROWS or plan.cols_needed > MAX_COLS:
            row, col = plan.last_cell
            raise PermanentSyncError(
                f"Bladet '{sheet.title}' i arbetsboken {self.path} har inte plats för fler "
                f"svar: cellen {get_column_letter(col + 1)}{row + 1} ligger vid Excels gräns. "
                "Ta bort det som står långt ned eller till höger i bladet."
            )
        if plan.inserted:
            sheet.insert_cols(plan.insert_at + 1, plan.inserted)
        for run in plan.runs:
            for offset, value in enumerate(run.values):
                cell = sheet.cell(row=run.row + 1, column=run.col + offset + 1)
                _set(cell, value)
                if run.row == HEADER_ROW:
                    cell.font = BOLD
        if created or plan.inserted or not grid:
            by_key = {c.key: c for c in batch.columns}
            for col in range(1, sheet.max_column + 1):
                column = by_key.get(str(sheet.cell(row=KEY_ROW + 1, column=col).value))
                letter = get_column_letter(col)
                if column and not sheet.column_dimensions[letter].customWidth:
                    sheet.column_dimensions[letter].width = column.width
        sheet.row_dimensions[KEY_ROW + 1].hidden = True
        sheet.freeze_panes = f"A{FIRST_DATA_ROW + 1}"
        last = get_column_letter(max(sheet.max_column, 1))
        sheet.auto_filter.ref = f"A{HEADER_ROW + 1}:{last}{max(sheet.max_row, HEADER_ROW + 1)}"

    def _save(self, workbook: Any) -> None:
        fd, temporary = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.stem}.", suffix=".tmp"
        )
        try:
            with os.fdopen(fd, "wb") as handle:
                workbook.save(handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except PermissionError:
            raise PermanentSyncError(
                f"Arbetsboken {self.path} kan inte skrivas (behörighet saknas eller filen är låst)."
            ) from None
        except OSError as exc:
            raise TransientSyncError(
                f"Arbetsboken {self.path} kunde inte sparas: {exc.strerror}."
            ) from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        _fsync_dir(self.path.parent)


def _fsync_dir(path: Path) -> None:
    # Makes the rename itself durable; not every file system allows it.
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _set(cell: Any, value: Any) -> None:
    cell.value = value
    if isinstance(value, str):
        keep_as_text(cell)  # respondent text: no formula (=…), no error value (#N/A)
    elif isinstance(value, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"

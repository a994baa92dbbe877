"""The local workbooks a watching worker last saved, kept open between passes.

Reading a workbook costs about three times what saving it does, and grows with the rows
it holds. A worker that saved a workbook knows exactly what is in that file, so as long
as the file is still the one it saved (same inode, size and modification time: nobody
replaced or edited it since), the next pass starts from the workbook in memory instead
of reading the file again. Any change to the file, a failed pass, or a workbook holding
pictures or charts (openpyxl can save those only once per load) means a fresh read.

Memory is bounded: the most recently used workbooks are kept up to CELL_BUDGET cells in
all (about 100 MB), and never a workbook larger than that.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

CELL_BUDGET = 600_000

_kept: OrderedDict[Path, tuple[tuple[int, int, int], int, Any]] = OrderedDict()
_lock = threading.Lock()


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_ino, status.st_size, status.st_mtime_ns)


def take(path: Path) -> Any | None:
    """The workbook this process last saved at `path`, if the file is still that save.

    The caller owns it from now on: it is kept again only by `keep` after its next save.
    """
    with _lock:
        found = _kept.pop(path, None)
    if found is None:
        return None
    signature, _cells, workbook = found
    return workbook if _signature(path) == signature else None


def keep(path: Path, workbook: Any) -> None:
    """`workbook` was just saved to `path`: keep it for the next pass, if it may be kept."""
    cells = sum(len(sheet._cells) for sheet in workbook.worksheets)
    signature = _signature(path)
    if signature is None or cells > CELL_BUDGET or not _saves_again(workbook):
        return
    with _lock:
        _kept[path] = (signature, cells, workbook)
        _kept.move_to_end(path)
        while sum(entry[1] for entry in _kept.values()) > CELL_BUDGET:
            _kept.popitem(last=False)


def forget(path: Path) -> None:
    with _lock:
        _kept.pop(path, None)


def _saves_again(workbook: Any) -> bool:
    """False for workbooks openpyxl cannot save a second time from the same load."""
    return not workbook.chartsheets and not any(
        getattr(sheet, "_images", None) or getattr(sheet, "_charts", None)
        for sheet in workbook.worksheets
    )

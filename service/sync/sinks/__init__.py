"""Where a target's rows go: a local .xlsx workbook or a Google Sheet.

A sink writes every batch of one pass in a constant number of operations and raises
TransientSyncError (try again later) or PermanentSyncError (park the target) with a
Swedish reason that `sync --status` and the admin page show as they are.
"""

from __future__ import annotations

from typing import Protocol

from service.sync.mirror import SheetBatch


class SyncError(Exception):
    """A pass that did not reach the sheet; str(error) is the reason shown to people."""


class TransientSyncError(SyncError):
    """Worth trying again soon: quota, timeouts, server errors, a busy file."""


class PermanentSyncError(SyncError):
    """Needs a person: no access, missing sheet, bad credentials, a corrupt file."""


class Sink(Protocol):
    description: str

    def write(self, batches: list[SheetBatch]) -> None: ...

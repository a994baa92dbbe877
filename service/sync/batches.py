"""From outbox entries to sheet batches: the latest submitted revision of each response."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from exports.columns import RowMaker
from exports.filters import ExportFilter
from exports.records import ResponseRecord
from exports.sheetnames import SheetNames, clean_sheet_name
from forms import Catalogue
from service import records
from service.sync.mirror import SheetBatch, row_update
from service.sync.sinks import PermanentSyncError

CHUNK = 500  # ids per IN (...) query, well under SQLite's variable limit


def worksheet_titles(catalogue: Catalogue) -> dict[str, str]:
    """One legal, unique worksheet title per checklist, from its newest short title."""
    names = SheetNames()
    return {form.id: names.claim(form.short_title) for form in catalogue.current()}


def load_records(db: Session, response_ids: Iterable[str]) -> list[ResponseRecord]:
    """Each response as its latest submitted revision shows it, from the one records query
    the downloads use too; in the order the responses first arrived, in which new rows
    are appended."""
    ids = sorted(set(response_ids))
    submitted = ExportFilter()  # all organisations and checklists, submitted only
    loaded: list[ResponseRecord] = []
    for start in range(0, len(ids), CHUNK):
        loaded.extend(records.stream(db, submitted, ids=ids[start : start + CHUNK]))
    loaded.sort(key=lambda r: (r.submitted_at or r.updated_at, r.id))
    return loaded


class BatchMaker:
    """Groups records by checklist into batches for one kind of sink."""

    def __init__(
        self, catalogue: Catalogue, org_names: dict[str, str], cell_limit: int, as_text: bool
    ) -> None:
        self.catalogue = catalogue
        self.titles = worksheet_titles(catalogue)
        self.org_names = org_names
        self.cell_limit = cell_limit
        self.as_text = as_text
        self._makers: dict[str, RowMaker] = {}

    def maker(self, form_id: str) -> RowMaker:
        if form_id not in self._makers:
            versions = self.catalogue.versions(form_id)
            if not versions or form_id not in self.titles:
                raise PermanentSyncError(
                    f"Checklistan '{form_id}' finns inte längre i tjänsten; dess svar kan inte "
                    "speglas förrän definitionen finns igen."
                )
            self._makers[form_id] = RowMaker(versions, self.org_names)
        return self._makers[form_id]

    def batches(self, records: list[ResponseRecord]) -> list[SheetBatch]:
        by_form: dict[str, list[ResponseRecord]] = {}
        for record in records:
            by_form.setdefault(record.form_id, []).append(record)
        makers = {form_id: self.maker(form_id) for form_id in by_form}
        result = []
        for form_id in sorted(by_form, key=list(self.titles).index):
            maker = makers[form_id]
            updates = [
                row_update(maker, r, self.cell_limit, self.as_text) for r in by_form[form_id]
            ]
            former = tuple(
                clean_sheet_name(f.short_title) for f in self.catalogue.versions(form_id)
            )
            result.append(SheetBatch(self.titles[form_id], maker.columns, updates, form_id, former))
        return result

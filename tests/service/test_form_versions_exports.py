"""After publishing version 2, the sheet mirror and the regional workbook show both versions.

Version 2 (tests.forms.xlsform_helpers.revised) drops dp_belysning, rewords dp_gena_vagar
and adds dp_laddning. A response on version 1 answers Ja everywhere; one on version 2
answers Nej everywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from flask import Flask

from exports.filters import ExportFilter
from service import export_query
from service.access import directory
from service.catalogue import current_catalogue
from service.db import get_db
from tests.service.test_form_versions import V1, publish_v2, submit_on
from tests.sync.helpers import by_key, sheet_rows, workbook_path, worker

REWORDED = "Finns gena och trygga gång- och cykelvägar till hållplatsen?"


def both_versions(app: Flask, tmp_path: Path, between: Any = None) -> tuple[str, str]:
    old = submit_on(app, V1, "karlskrona", "ja")
    if between:
        between()
    publish_v2(app, tmp_path)
    with app.app_context():
        v2 = current_catalogue().latest("detaljplan")
    assert v2.version == 2
    new = submit_on(app, v2, "karlskrona", "nej")
    return old, new


def test_the_mirror_keeps_old_rows_and_adds_new_columns(app: Flask, tmp_path: Path) -> None:
    sync = worker(app)  # one worker across the publication: it must notice version 2
    old, new = both_versions(app, tmp_path, between=sync.run_once)
    sync.run_once()

    rows = sheet_rows(workbook_path(app))
    keys, headers = rows[0], rows[1]
    header = dict(zip(keys, headers, strict=False))
    assert header["item:dp_belysning"].endswith(" (tas inte längre upp)")
    assert header["item:dp_gena_vagar"].endswith(REWORDED)
    assert header["item:dp_laddning"].endswith("Finns laddplatser för elcyklar vid hållplatsen?")
    # The new item's columns come after everything the sheet already had.
    assert keys.index("item:dp_laddning") > keys.index("comment:dp_belysning")

    by_id = {row["response_id"]: row for row in by_key(rows)}
    assert by_id[old]["form_version"] == 1 and by_id[new]["form_version"] == 2
    assert by_id[old]["item:dp_belysning"] == "Ja"
    assert by_id[new].get("item:dp_belysning") is None
    assert by_id[old].get("item:dp_laddning") is None
    assert by_id[new]["item:dp_laddning"] == "Nej"
    assert (by_id[old]["item:dp_gena_vagar"], by_id[new]["item:dp_gena_vagar"]) == ("Ja", "Nej")


def test_the_regional_workbook_shows_both_versions(app: Flask, tmp_path: Path) -> None:
    old, new = both_versions(app, tmp_path)
    path = tmp_path / "regionen.xlsx"
    with app.app_context():
        export_query.regional_workbook(
            get_db(), current_catalogue(), directory(), ExportFilter(), path
        )
    ws = openpyxl.load_workbook(path)["Detaljplan"]
    header = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(header)}
    rows = {row[col["Svarets id"]]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    dropped = next(h for h in header if h.endswith("(tas inte längre upp)") and "belysta" in h)
    added = next(h for h in header if "elcyklar" in h)
    reworded = next(h for h in header if h.endswith(REWORDED))
    assert col[dropped] > col[added]
    assert rows[old][col["Checklistans version"]] == 1
    assert rows[new][col["Checklistans version"]] == 2
    assert (rows[old][col[dropped]], rows[new][col[dropped]]) == ("Ja", None)
    assert (rows[old][col[added]], rows[new][col[added]]) == (None, "Nej")
    assert (rows[old][col[reworded]], rows[new][col[reworded]]) == ("Ja", "Nej")

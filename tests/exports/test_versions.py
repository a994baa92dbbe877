"""Responses on two versions of a checklist in one workbook, matched by item id.

Version 2 (written by tests.exports.helpers.second_version) drops one item, adds one
and rewords one.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

from exports.workbook import build_regional_workbook
from forms import Catalogue
from tests.exports.helpers import ORG_NAMES, find_row, record, second_version


def test_mixed_versions_share_one_sheet(tmp_path: Path) -> None:
    v1, v2, ids = second_version(tmp_path)
    catalogue = Catalogue([v1, v2])
    dropped, added, reworded = ids["dropped"], ids["added"], ids["reworded"]
    old = record("karlskrona", answers={dropped: "nej", reworded: "ja"}, version=1, rid="old")
    new = record("ronneby", answers={added: "ja", reworded: "delvis"}, version=2, rid="new")
    path = tmp_path / "mixed.xlsx"
    build_regional_workbook(
        path, catalogue, lambda f: iter([old, new]) if f == "detaljplan" else iter([]), ORG_NAMES
    )
    wb = openpyxl.load_workbook(path)

    ws = wb["Detaljplan"]
    header = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(header)}
    dropped_header = next(h for h in header if v1.find_item(dropped).question in h)
    # An item no longer asked keeps the number and wording it last had, after every current
    # item and before the response id, which comes last.
    number = [i.id for i in v1.items].index(dropped) + 1
    assert dropped_header == f"{number}. {v1.find_item(dropped).question} (tas inte längre upp)"
    asked = [i for h, i in col.items() if h.split(". ")[0].isdigit() and "(tas inte" not in h]
    assert col[dropped_header] > max(asked)
    assert header[-1] == "Svarets id" and header[:3] == ["Organisation", "Planens namn", "Referens"]
    added_header = next(h for h in header if v2.find_item(added).question in h)
    reworded_header = next(h for h in header if v2.find_item(reworded).question in h)
    assert ws.tables["Svar_detaljplan"].ref.endswith("3")  # both responses, one table

    old_row = find_row(ws, "old", column=3)
    new_row = find_row(ws, "new", column=3)
    assert old_row[col["Checklistans version"]] == 1
    assert new_row[col["Checklistans version"]] == 2
    assert old_row[col[dropped_header]] == "Nej"
    assert new_row[col[dropped_header]] is None
    assert old_row[col[added_header]] is None
    assert new_row[col[added_header]] == "Ja"
    # The reworded item is one column: both answers sit in it.
    assert (old_row[col[reworded_header]], new_row[col[reworded_header]]) == ("Ja", "Delvis")

    codebook = wb["Frågor"]
    gone = find_row(codebook, dropped, column=3)
    assert gone[1] == "–" and gone[5] == "1" and gone[6] == "Nej"
    fresh = find_row(codebook, added, column=3)
    assert fresh[5] == "2" and fresh[6] == "Ja"
    changed = find_row(codebook, reworded, column=3)
    assert changed[4] == v2.find_item(reworded).question
    assert changed[5] == "1, 2"
    assert changed[7] == v1.find_item(reworded).question

    heat = wb["Karta Detaljplan"]
    gone_row = find_row(heat, "–")
    assert gone_row[1].endswith("(tas inte längre upp)")
    # Karlskrona answered Nej (score 0 from 1 answer); Ronneby never saw it.
    assert gone_row[2:9] == (0, 1, None, None, None, None, 0)
    assert find_row(heat, v2.find_item(added).question, column=2)[2:9] == (
        None,
        None,
        1,
        1,
        None,
        None,
        1,
    )

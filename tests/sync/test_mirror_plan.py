"""The pure planning of one worksheet: binding cell, rows people use, dense or sparse grids."""

from __future__ import annotations

from exports.columns import Column
from service.sync.mirror import RowUpdate, plan_sheet, sparse

COLUMNS = [Column("response_id", "Svarets id", "fixed"), Column("revision", "Version", "fixed")]


def cells(plan) -> dict[tuple[int, int], object]:  # type: ignore[no-untyped-def]
    return {(r.row, r.col + n): v for r in plan.runs for n, v in enumerate(r.values)}


def test_binding_goes_right_of_the_managed_block_and_new_rows_around_peoples_rows() -> None:
    rows = [
        ["response_id", "revision", None],
        ["Svarets id", "Version", "Egen"],
        ["a", 1, "not"],
        [None, None, "Summa"],  # a row people use below the table
    ]
    update = RowUpdate("b", 1, {"response_id": "b", "revision": 1})
    dense = plan_sheet(rows, COLUMNS, [update], binding="form:detaljplan")
    assert dense == plan_sheet(sparse(rows), COLUMNS, [update], binding="form:detaljplan")
    written = cells(dense)
    assert written[(0, 2)] == "form:detaljplan" and not dense.bound
    assert written[(4, 0)] == "b"  # row 4, not the people's row 3
    assert (3, 0) not in written
    again = [[*rows[0][:2], "form:detaljplan"], *rows[1:]]
    assert plan_sheet(again, COLUMNS, [], binding="form:detaljplan").bound

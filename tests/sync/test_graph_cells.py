"""The Graph sink's cell blocks: nulls where the pass has nothing to say, typed values."""

from __future__ import annotations

import datetime as dt

from service.sync.sinks import graph_cells
from service.sync.sinks.graph_cells import blocks, excel_value, grid_of, top_left


def test_rows_close_together_share_a_block_far_ones_do_not() -> None:
    writes = {(2, 0): "a", (3, 1): "b", (90, 0): "c"}
    found = list(blocks(writes, managed=[0, 1]))
    assert [b.address for b in found] == ["A3:B4", "A91:B91"]
    assert found[0].values == [["a", None], [None, "b"]]
    assert found[0].formats == [["@", None], [None, "@"]]
    assert found[1].values == [["c", None]]


def test_a_persons_column_between_managed_columns_is_never_in_a_block() -> None:
    writes = {(2, 0): "a", (2, 1): "b", (2, 3): "d"}  # column C (2) is a person's
    assert [b.address for b in blocks(writes, managed=[0, 1, 3])] == ["A3:B3", "D3:D3"]


def test_blocks_stay_under_the_size_of_one_request(monkeypatch) -> None:
    monkeypatch.setattr(graph_cells, "MAX_CHARACTERS", 1_000)
    writes = {(row, 0): "x" * 300 for row in range(2, 12)}
    found = list(blocks(writes, managed=[0]))
    assert len(found) == 4 and sum(len(b.values) for b in found) == 10


def test_values_keep_their_type() -> None:
    assert excel_value(dt.datetime(2026, 11, 29, 12, 0)) == (46355.5, "yyyy-mm-dd hh:mm")
    assert excel_value(dt.date(1900, 3, 1)) == (61, "yyyy-mm-dd")
    assert excel_value(3) == (3, "0")
    assert excel_value("=1+1") == ("=1+1", "@")
    assert excel_value(None) == ("", "@")


def test_a_used_range_becomes_a_grid_from_a1() -> None:
    assert top_left("'Min flik'!C2:D3") == (1, 2)
    answer = {"address": "Blad1!B2:C3", "values": [["x", ""], ["", ""]]}
    assert grid_of(answer) == [[], ["", "x", ""]]
    assert grid_of({"address": "Blad1!A1", "values": [[""]]}) == []

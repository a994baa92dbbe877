"""A plan's stages in the checklist's order, and comparing two states question by question."""

from __future__ import annotations

from typing import Any

from forms.compare import BETTER, CHANGED, SAME, WORSE, compare
from forms.stages import next_stage, stage_label, stage_position, stages


def test_stages_follow_the_order_of_the_stage_choices(catalogue: Any) -> None:
    dp = catalogue.latest("detaljplan")
    assert [c.value for c in stages(dp)][:3] == ["planbesked", "planuppdrag", "samrad"]
    assert next_stage(dp, None).value == "planbesked"
    assert next_stage(dp, "samrad").value == "underrattelse"
    assert next_stage(dp, "laga_kraft") is None
    assert next_stage(dp, "okant") is None
    assert stage_label(dp, "granskning") == "Granskning"
    assert stage_label(dp, "borttaget") == "borttaget"
    assert stage_position(dp, "samrad") < stage_position(dp, "antagande")
    assert stage_position(dp, None) == len(stages(dp))
    tfp = catalogue.latest("trafikforsorjningsprogram")
    assert next_stage(tfp, "remissversion").value == "remiss"


def test_compare_names_each_move_and_filters_the_unchanged(catalogue: Any) -> None:
    form = catalogue.latest("detaljplan")
    a, b, c, d, e = (item.id for item in list(form.items)[:5])
    before = {
        "answers": {
            a: {"value": "nej", "comment": ""},
            b: {"value": "ja", "comment": "Bra"},
            c: {"value": "delvis", "comment": "Samma "},
            d: {"value": "ej_aktuellt", "comment": ""},
        }
    }
    after = {
        "answers": {
            a: {"value": "delvis", "comment": ""},
            b: {"value": "nej", "comment": "Bra"},
            c: {"value": "delvis", "comment": "Samma"},
            d: {"value": "ja", "comment": ""},
            e: {"value": "ja", "comment": "Ny"},
        }
    }
    result = compare(form, before, after)
    rows = {row.item.id: row for s in result.sections for row in s.items}
    assert len(rows) == form.item_count == result.item_count
    assert rows[a].answer_move == BETTER
    assert rows[b].answer_move == WORSE and not rows[b].comment_changed
    assert rows[c].answer_move == SAME and not rows[c].changed  # trailing space only
    assert rows[d].answer_move == CHANGED  # from "Ej aktuellt": off the scale
    assert rows[e].answer_move == CHANGED and rows[e].comment_changed
    assert result.changed_count == 4
    only = result.only_changed()
    assert [row.item.id for s in only.sections for row in s.items] == [a, b, d, e]
    assert [row.number for s in only.sections for row in s.items] == [1, 2, 4, 5]
    assert compare(form, after, after).only_changed().sections == ()

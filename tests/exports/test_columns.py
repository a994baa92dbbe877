"""Row values from the shared column layout: labels in place of stored codes."""

from __future__ import annotations

import datetime as dt

from exports.columns import RowMaker
from exports.records import ResponseRecord
from forms.loader import parse_form

DEFINITION = """\
id: prov
version: 1
title: Prov
metadata:
  - id: modes
    label: Trafikslag
    type: multichoice
    choices:
      - {value: buss, label: Buss}
      - {value: tag, label: Tåg}
      - {value: farja, label: Färja}
  - id: stage
    label: Skede
    type: choice
    choices:
      - {value: samrad, label: Samråd}
sections:
  - id: s
    title: Avsnitt
    items:
      - id: prov_a
        question: Finns en hållplats?
"""


def test_codes_become_labels_in_the_order_stored() -> None:
    maker = RowMaker([parse_form(DEFINITION, "prov.yaml")], {"ronneby": "Ronneby kommun"})
    record = ResponseRecord(
        id="r1",
        org="ronneby",
        form_id="prov",
        form_version=1,
        status="submitted",
        revision=1,
        updated_at=dt.datetime(2026, 3, 1, 12, 0),
        data={
            "metadata": {"modes": "tag buss okand", "stage": "samrad"},
            "answers": {"prov_a": {"value": "ej_aktuellt", "comment": ""}},
        },
    )
    values = maker.values(record)
    assert values["meta:modes"] == "Tåg, Buss, okand"  # an unknown code is kept as it is
    assert values["meta:stage"] == "Samråd"
    assert values["item:prov_a"] == "Ej aktuellt"
    assert values["org"] == "Ronneby kommun" and values["status"] == "Inskickat"

"""The heat map of one checklist: items by organisation, each cell the share of *Ja*.

Below it, answer shares per section with a native stacked bar chart, so weak spots in
public-transport planning stand out at a glance. See exports.tally for how shares count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.utils import get_column_letter

from exports.cells import (
    BOLD,
    HEADER_FILL,
    PERCENT_FORMAT,
    SECTION_FILL,
    TITLE,
    WRAP,
    cell,
)
from exports.items import ItemInfo, by_section
from exports.tally import ANSWER_LABELS, FormTally, shares
from forms import Form

HEADER_ROW = 4
EXPLANATION = (
    "Varje ruta visar andelen Ja bland svaren Ja, Delvis och Nej (Ej aktuellt räknas inte). "
    "Röd = låg andel, grön = hög. Tom ruta = inga sådana svar."
)
# Colours of the chart's series, in answer-scale order: Ja, Delvis, Nej, Ej aktuellt.
SERIES_COLOURS = ("63BE7B", "FFEB84", "F8696B", "BFBFBF")


def write_heatmap(
    ws: Any,
    form: Form,
    infos: Sequence[ItemInfo],
    tally: FormTally,
    orgs: Sequence[tuple[str, str]],
) -> None:
    """`orgs` are the (slug, name) columns, in order; only those with responses are shown."""
    shown = [(slug, name) for slug, name in orgs if slug in tally.orgs]
    last_col = 2 + len(shown) + 1
    ws.column_dimensions["A"].width = 7
    ws.column_dimensions["B"].width = 60
    for n in range(3, last_col + 1):
        ws.column_dimensions[get_column_letter(n)].width = 14
    ws.freeze_panes = f"C{HEADER_ROW + 2}"

    ws.append([cell(ws, f"{form.short_title} – andel Ja per fråga och organisation", font=TITLE)])
    if not tally.responses:
        ws.append([cell(ws, "Inga svar i urvalet för den här checklistan.", font=BOLD)])
        return
    ws.append([cell(ws, EXPLANATION)])
    ws.append([])
    headers = ["Nr", "Fråga", *(name for _, name in shown), "Alla organisationer"]
    ws.append([cell(ws, h, font=BOLD, fill=HEADER_FILL, alignment=WRAP) for h in headers])
    counts = [tally.orgs[slug].responses for slug, _ in shown]
    ws.append([None, cell(ws, "Antal svar", font=BOLD), *counts, tally.responses])

    row = HEADER_ROW + 1
    first_item_row = row + 1
    for title, items in by_section(infos):
        ws.append([None, cell(ws, title, font=BOLD, fill=SECTION_FILL)])
        row += 1
        for info in items:
            question = info.question + (" (tas inte längre upp)" if info.removed else "")
            values = [tally.ja_share(info.id, slug) for slug, _ in shown]
            values.append(tally.ja_share(info.id))
            ws.append(
                [
                    cell(ws, info.label),
                    cell(ws, question, alignment=WRAP),
                    *(cell(ws, v, number_format=PERCENT_FORMAT) for v in values),
                ]
            )
            row += 1
    area = f"C{first_item_row}:{get_column_letter(last_col)}{row}"
    ws.conditional_formatting.add(
        area,
        ColorScaleRule(
            start_type="num",
            start_value=0,
            start_color="F8696B",
            mid_type="num",
            mid_value=0.5,
            mid_color="FFEB84",
            end_type="num",
            end_value=1,
            end_color="63BE7B",
        ),
    )
    ws.append([])
    ws.append([])
    _section_chart(ws, form, infos, tally, row + 3)


def _section_chart(
    ws: Any, form: Form, infos: Sequence[ItemInfo], tally: FormTally, top: int
) -> None:
    """A table of answer shares per section at row `top`, and a bar chart drawn from it."""
    ws.append(
        [
            cell(ws, "Avsnitt", font=BOLD, fill=HEADER_FILL),
            *(cell(ws, label, font=BOLD, fill=HEADER_FILL) for label in ANSWER_LABELS),
        ]
    )
    groups = by_section(infos)
    for title, items in groups:
        section_id = items[0].section_id
        values = shares(tally.sections.get(section_id) or Counter())
        ws.append([cell(ws, title), *(cell(ws, v, number_format=PERCENT_FORMAT) for v in values)])
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "percentStacked"
    chart.overlap = 100
    chart.title = f"{form.short_title}: svarsfördelning per avsnitt"
    chart.y_axis.title = "Andel av svaren"
    chart.y_axis.number_format = PERCENT_FORMAT
    chart.x_axis.scaling.orientation = "maxMin"  # first section at the top, as in the table
    data = Reference(ws, min_col=2, max_col=5, min_row=top, max_row=top + len(groups))
    categories = Reference(ws, min_col=1, min_row=top + 1, max_row=top + len(groups))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    for series, colour in zip(chart.series, SERIES_COLOURS, strict=True):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    chart.width = 24
    chart.height = max(8.0, 0.7 * len(groups) + 3)
    ws.add_chart(chart, f"G{top}")

"""The heat map of one checklist: questions by organisation, each cell a score with its count.

Score Ja = 1, Delvis = ½, Nej = 0, Ej aktuellt left out (see exports.tally); beside each
score the number of answers it rests on. The county column is the mean of the
organisations' scores, each organisation counting once. Every expected organisation has
a column, empty where it has no answers. Below: the same per section, and a bar chart
comparing the organisations section by section.

    Nr | Fråga | Karlskrona | antal svar | Ronneby | antal svar | … | Länet
    1  | …     |       0.75 |          2 |    0.00 |          1 | … | 0.38
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from exports.cells import BOLD, SECTION_FILL, SMALL, TITLE, TOP, WRAP, cell
from exports.items import ItemInfo, by_section
from exports.pages import TEXT_CHARS_PER_UNIT, fit_width, header_row, print_setup, wrapped_lines
from exports.tally import FormTally, mean, score, scored
from forms import Form

HEADER_ROW = 6
COUNT_ALIGN = Alignment(horizontal="center", vertical="top")
SCORE_FORMAT = "0.00"
COUNT_HEADER = "antal svar"
COUNTY = "Länet (medel av organisationerna)"
EXPLANATION = (
    "Poäng: Ja = 1, Delvis = ½, Nej = 0; Ej aktuellt räknas inte. Rutan är medelpoängen av "
    "organisationens svar på frågan, och antal svar visar hur många svar den bygger på.",
    "Länet är medelvärdet av organisationernas poäng: varje organisation räknas en gång, "
    "hur många planer den än har. Tom ruta: inga svar.",
    "Färgen följer poängen (röd 0, gul 0,5, grön 1); talet står alltid i rutan.",
)
QUESTION_WIDTH = 55


def write_heatmap(
    ws: Any,
    form: Form,
    infos: Sequence[ItemInfo],
    tally: FormTally,
    orgs: Sequence[tuple[str, str]],
    *,
    period: str = "",
) -> None:
    """`orgs` are the (slug, name) columns in order: the expected ones and any that answered."""
    score_cols = [3 + 2 * n for n in range(len(orgs))]
    county_col = 3 + 2 * len(orgs)
    widths = [5.0, float(QUESTION_WIDTH)]
    for _, name in orgs:
        widths += [fit_width(name, 10, cap=20), 7.0]
    widths.append(fit_width(COUNTY, 12))
    for n, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = f"C{HEADER_ROW + 1}"
    title = f"{form.short_title} – poäng per fråga och organisation"
    print_setup(ws, title=title, period=period, repeat_rows=f"{HEADER_ROW}:{HEADER_ROW}")

    ws.append([cell(ws, title, font=TITLE)])
    if not tally.responses:
        ws.append([cell(ws, "Inga svar i urvalet för den här checklistan.", font=BOLD)])
        return
    for line in EXPLANATION:
        ws.append([cell(ws, line)])
    ws.append([])
    headers = ["Nr", "Fråga"]
    for _, name in orgs:
        headers += [name, COUNT_HEADER]
    headers.append(COUNTY)
    header_row(ws, HEADER_ROW, headers, widths)
    counts: list[Any] = [None, cell(ws, "Antal checklistor", font=BOLD)]
    for slug, _ in orgs:
        counts += [tally.orgs[slug].responses if slug in tally.orgs else None, None]
    ws.append([*counts, tally.responses])

    row = HEADER_ROW + 1
    first = row + 1
    for title_, items in by_section(infos):
        ws.append([None, cell(ws, title_, font=BOLD, fill=SECTION_FILL)])
        row += 1
        for info in items:
            question = info.question + (" (tas inte längre upp)" if info.removed else "")
            lines = wrapped_lines(question, QUESTION_WIDTH, TEXT_CHARS_PER_UNIT)
            ws.row_dimensions[row + 1].height = 15 * lines + 2
            ws.append(
                [
                    cell(ws, info.label, alignment=TOP),
                    cell(ws, question, alignment=WRAP),
                    *_scores(ws, [tally.item(slug, info.id) for slug, _ in orgs]),
                ]
            )
            row += 1
    _colour(ws, score_cols, county_col, first, row)
    ws.append([])
    ws.append([])
    _section_table(ws, form, infos, tally, orgs, row + 3, widths)


def _scores(ws: Any, counters: Sequence[Any]) -> list[Any]:
    """Score and count per organisation, then the county's mean of the scores."""
    values: list[Any] = []
    scores = []
    for counts in counters:
        value = score(counts)
        scores.append(value)
        values.append(cell(ws, value, number_format=SCORE_FORMAT, alignment=TOP))
        values.append(cell(ws, scored(counts) or None, font=SMALL, alignment=COUNT_ALIGN))
    values.append(cell(ws, mean(scores), font=BOLD, number_format=SCORE_FORMAT, alignment=TOP))
    return values


def _colour(ws: Any, score_cols: Sequence[int], county_col: int, first: int, last: int) -> None:
    """A red–yellow–green scale over the score columns only (not over the counts)."""
    ranges = " ".join(
        f"{get_column_letter(c)}{first}:{get_column_letter(c)}{last}"
        for c in (*score_cols, county_col)
    )
    ws.conditional_formatting.add(
        ranges,
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


def _section_table(
    ws: Any,
    form: Form,
    infos: Sequence[ItemInfo],
    tally: FormTally,
    orgs: Sequence[tuple[str, str]],
    top: int,
    widths: Sequence[float],
) -> None:
    """Scores per section in the heat map's own columns (row `top`), and a chart from them."""
    headers = ["", "Avsnitt"]
    for _, name in orgs:
        headers += [name, COUNT_HEADER]
    headers.append(COUNTY)
    header_row(ws, top, headers, widths)
    groups = by_section(infos)
    for title, items in groups:
        section_id = items[0].section_id
        ws.append(
            [
                None,
                cell(ws, title, alignment=WRAP),
                *_scores(ws, [tally.section(slug, section_id) for slug, _ in orgs]),
            ]
        )
    last = top + len(groups)
    _colour(ws, [3 + 2 * n for n in range(len(orgs))], 3 + 2 * len(orgs), top + 1, last)
    if not orgs:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.title = f"{form.short_title}: poäng per avsnitt och organisation"
    chart.x_axis.scaling.orientation = "maxMin"  # first section at the top, as in the table
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.number_format = "0.0"
    chart.y_axis.title = "Poäng (Ja 1, Delvis ½, Nej 0)"
    for n in range(len(orgs)):
        column = 3 + 2 * n
        data = Reference(ws, min_col=column, max_col=column, min_row=top, max_row=last)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=top + 1, max_row=last))
    chart.width = 26
    chart.height = max(9.0, 0.45 * len(groups) * max(len(orgs), 1) / 2 + 4)
    ws.add_chart(chart, f"B{last + 3}")

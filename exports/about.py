"""*Om arbetsboken*: what each sheet and column holds, which versions, what is left out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from exports.cells import BOLD, TITLE, WRAP, cell
from exports.pages import TEXT_CHARS_PER_UNIT, print_setup, wrapped_lines
from forms import Form

WIDTHS = (28.0, 90.0)
SHEETS_REGIONAL = (
    (
        "Översikt",
        "Vem har skickat in vad: organisationer × checklistor med antal, senaste "
        "skede och datum. Saknas och ej aktuellt bygger på organisationsfilens expects.",
    ),
    (
        "Karta …",
        "En per checklista: poäng per fråga och organisation (Ja 1, Delvis ½, Nej 0, "
        "Ej aktuellt räknas inte) med antalet svar bakom varje poäng, länets medel av "
        "organisationerna, poäng per avsnitt och ett diagram.",
    ),
    ("En flik per checklista", "En rad per inskickad checklista med kolumnerna nedan."),
    (
        "Data",
        "En rad per checklista och fråga: organisation, plan, referens, skede, datum, "
        "avsnitt, frågans nummer och text, svar, poäng och kommentar. Gjord för pivottabeller "
        "och Power BI.",
    ),
    (
        "Samråd",
        "En rad per skickad samrådskommentar, rättelse och svar: vem som frågade, planen, "
        "skedet, frågan, remissinstansen, typ, kommentar eller svar, status (öppen, "
        "hanterad, återkallad) och datum. Utkast och namn på personer finns bara i tjänsten.",
    ),
    ("Frågor", "Alla frågor i alla versioner, med tidigare formuleringar."),
)
SHEETS_OWN = (
    (
        "En flik per checklista",
        "En rad per inskickad checklista, samma kolumner som i organisationens kalkylblad.",
    ),
    (
        "Samråd",
        "Organisationens egna samråd och det den själv skickat när den blivit tillfrågad, "
        "en rad per skickad kommentar, rättelse och svar.",
    ),
)
COLUMNS = (
    ("Organisation", "Organisationen som skickade in checklistan."),
    ("Planens namn", "Planens eller programmets namn, som organisationen skrev det."),
    ("Referens", "Planens referens. Tills planer har egna referensnummer är det svarets id."),
    ("Status", "Inskickat (eller Utkast, när utkast tas med)."),
    ("Inskickat", "När checklistan skickades in första gången (svensk tid)."),
    ("Senast ändrad", "När den senaste versionen skickades in (svensk tid)."),
    ("Version av svaret", "1 för första inskickningen, sedan 2, 3 … för varje ändring."),
    ("Checklistans version", "Vilken version av checklistan som besvarades."),
    (
        "Övriga uppgifter",
        "Planens uppgifter (diarienummer, skede, datum …) i checklistans ordning.",
    ),
    (
        "1. Fråga …, Kommentar 1 …",
        "Svar och kommentar per fråga i den senaste versionens "
        "ordning; en ny fråga står på sin plats.",
    ),
    (
        "… (tas inte längre upp)",
        "Frågor som inte finns i den senaste versionen, sist, med "
        "det nummer och den formulering de senast hade.",
    ),
    ("Svarets id", "Svarets nyckel i tjänsten; sista kolumnen."),
)


def write_about(
    ws: Any,
    *,
    title: str,
    forms: Sequence[tuple[Form, Sequence[int]]],
    with_drafts: bool,
    regional: bool,
    period: str = "",
) -> None:
    """The sheet; `forms` pairs each checklist with the version numbers it was answered on."""
    for letter, width in zip("AB", WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    print_setup(ws, title=title, period=period)
    rows: list[list[Any]] = [[cell(ws, "Om arbetsboken", font=TITLE)], [cell(ws, title)]]
    _block(ws, rows, "Flikar", SHEETS_REGIONAL if regional else SHEETS_OWN)
    _block(ws, rows, "Kolumner på flikarna per checklista", COLUMNS)
    versions = [
        (form.short_title, "version " + ", ".join(str(v) for v in numbers) if numbers else "–")
        for form, numbers in forms
    ]
    _block(ws, rows, "Checklistornas versioner i arbetsboken", versions)
    drafts = (
        "Utkast ingår och är markerade Utkast i kolumnen Status."
        if with_drafts
        else "Utkast ingår inte: bara inskickade checklistor, var och en i sin senast "
        "inskickade version."
    )
    _block(ws, rows, "Utkast", [("Utkast", drafts)])
    _block(
        ws,
        rows,
        "Att tänka på",
        [
            ("Tider", "Alla tider är svensk tid; datum är riktiga datum som går att sortera."),
            ("Text", "Allt som organisationerna skrev står som text; inget körs som formel."),
        ],
    )
    for number, row in enumerate(rows, 1):
        texts = [
            (str(c.value), w)
            for c, w in zip(row, WIDTHS, strict=False)
            if c is not None and c.alignment.wrap_text
        ]
        lines = max((wrapped_lines(t, w, TEXT_CHARS_PER_UNIT) for t, w in texts), default=1)
        if lines > 1:
            ws.row_dimensions[number].height = 15 * lines + 2
        ws.append(row)


def _block(ws: Any, rows: list[list[Any]], heading: str, lines: Sequence[tuple[str, str]]) -> None:
    rows.append([])
    rows.append([cell(ws, heading, font=BOLD)])
    for label, text in lines:
        rows.append([cell(ws, label, font=BOLD, alignment=WRAP), cell(ws, text, alignment=WRAP)])

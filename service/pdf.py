"""PDF/A documents of checklists, made with WeasyPrint (the one module that imports it).

WeasyPrint needs Debian's Pango at run time; it is imported on first use so the rest of the
service starts without it, and a missing library is reported as PdfUnavailable.
"""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path

# PDF/A-3b: archival (fonts embedded, XMP metadata declaring conformance, an sRGB output
# intent), and what a diarium accepts.
VARIANT = "pdf/a-3b"
STYLESHEET = Path(__file__).parent / "static" / "pdf.css"


class PdfUnavailable(Exception):
    """The PDF library cannot run on this machine (Pango missing)."""


def html_to_pdfa(html: str) -> bytes:
    """The HTML document (title, lang and author in its head) as PDF/A bytes."""
    try:
        from weasyprint import CSS, HTML
    except OSError as exc:  # the shared libraries are absent
        raise PdfUnavailable(str(exc)) from None
    document = HTML(string=html, base_url=str(STYLESHEET.parent))
    with warnings.catch_warnings():
        # WeasyPrint opens its bundled sRGB profile for the PDF/A output intent and leaves
        # the file to the garbage collector, which warns; the file is read and gone by then.
        warnings.simplefilter("ignore", ResourceWarning)
        pdf: bytes = document.write_pdf(
            stylesheets=[CSS(filename=str(STYLESHEET))], pdf_variant=VARIANT
        )
    return pdf


WARM_UP_HTML = '<html lang="sv"><head><title>-</title></head><body><p>Å</p></body></html>'


def warm_up() -> None:
    """Load WeasyPrint, Pango and the fonts once, before gunicorn forks its workers.

    The first document of a process otherwise pays about 1.5–3 s for that; with
    `--preload` every worker starts with it done. A machine without Pango is left alone:
    the download says so when it is asked for.
    """
    with contextlib.suppress(PdfUnavailable):
        html_to_pdfa(WARM_UP_HTML)

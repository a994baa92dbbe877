"""`checklistor export`: the region's workbook from the command line."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import click

from exports.filters import ExportFilter, FilterError, parse_date
from service.access import directory
from service.catalogue import current_catalogue
from service.cli_app import command_app
from service.db import get_db
from service.export_query import count, regional_workbook


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1024:.0f} kB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


@click.command("export")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Filen att skriva (.xlsx).",
)
@click.option("--from", "date_from", metavar="ÅÅÅÅ-MM-DD", help="Första dagen i perioden.")
@click.option("--to", "date_to", metavar="ÅÅÅÅ-MM-DD", help="Sista dagen i perioden.")
@click.option("--org", "orgs", multiple=True, metavar="SLUG", help="Organisation (kan upprepas).")
@click.option("--form", "forms", multiple=True, metavar="ID", help="Checklista (kan upprepas).")
@click.option("--with-drafts", is_flag=True, help="Ta med utkast, inte bara inskickade svar.")
def export(
    out: Path,
    date_from: str | None,
    date_to: str | None,
    orgs: tuple[str, ...],
    forms: tuple[str, ...],
    with_drafts: bool,
) -> None:
    """Skriv regionens sammanställda Excel-arbetsbok."""
    with command_app().app_context():
        known_orgs = directory()
        catalogue = current_catalogue()
        for slug in orgs:
            if known_orgs.get(slug) is None:
                raise click.BadParameter(
                    f"'{slug}' finns inte. Kända: {', '.join(known_orgs.slugs())}",
                    param_hint="--org",
                )
        for form_id in forms:
            if form_id not in catalogue:
                known = ", ".join(f.id for f in catalogue.current())
                raise click.BadParameter(
                    f"'{form_id}' finns inte. Kända: {known}", param_hint="--form"
                )
        try:
            selection = ExportFilter(
                parse_date(date_from, "Datumet"),
                parse_date(date_to, "Datumet"),
                frozenset(orgs),
                frozenset(forms),
                with_drafts,
            )
        except FilterError as exc:
            raise click.UsageError(str(exc)) from None
        if not out.parent.is_dir():
            raise click.BadParameter(f"mappen {out.parent} finns inte", param_hint="--out")

        db = get_db()
        total = count(db, selection)
        started = time.monotonic()
        # Write beside the target and rename: an interrupted export leaves no broken file.
        fd, tmp_name = tempfile.mkstemp(suffix=".xlsx.tmp", dir=out.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            if sys.stderr.isatty():
                with click.progressbar(length=total, label="Skriver svar", file=sys.stderr) as bar:
                    summary = regional_workbook(
                        db, catalogue, known_orgs, selection, tmp, lambda _r: bar.update(1)
                    )
            else:
                summary = regional_workbook(db, catalogue, known_orgs, selection, tmp)
            umask = os.umask(0o022)
            os.umask(umask)
            tmp.chmod(0o666 & ~umask)  # a file at a path of the person's choosing: their umask
            tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)
        seconds = time.monotonic() - started
        click.echo(
            f"Skrev {summary.responses} svar från {len(summary.organisations)} organisationer "
            f"({len(summary.per_form)} checklistor, {len(summary.sheets)} flikar) till {out} "
            f"på {seconds:.1f} s, {_size(out)}."
        )

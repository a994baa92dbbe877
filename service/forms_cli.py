"""`checklistor forms`: checklists as Excel workbooks (XLSForm) from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from forms.diff import FormDiff
from forms.xlsform_writer import write_xlsform
from service import form_store
from service.catalogue import current_catalogue
from service.cli_app import command_app
from service.db import get_db


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise click.BadParameter(f"{path} kan inte läsas: {exc.strerror}") from None


def describe(changes: FormDiff) -> list[str]:
    """The differences as lines for a terminal, in Swedish."""
    lines = [f"Ny fråga: {i.id}: {i.question}" for i in changes.added]
    lines += [f"Tas bort: {i.id}: {i.question}" for i in changes.removed]
    lines += [f"Omformulerad: {c.what}: {c.old} → {c.new}" for c in changes.reworded]
    lines += [f"Ny hjälptext: {c.what}" for c in changes.help_changed]
    lines += [f"Flyttad till ett annat avsnitt: {i.id}" for i in changes.moved]
    lines += [f"Nytt fält: {f.id}: {f.label}" for f in changes.fields_added]
    lines += [f"Fält tas bort: {f.id}: {f.label}" for f in changes.fields_removed]
    lines += [f"Ändrat fält: {c.what}: {c.old} → {c.new}" for c in changes.fields_changed]
    lines += [f"Nytt avsnitt: {title}" for title in changes.sections_added]
    lines += [f"Avsnitt tas bort: {title}" for title in changes.sections_removed]
    lines += [f"Avsnitt byter namn: {c.old} → {c.new}" for c in changes.sections_renamed]
    lines += [f"{c.what} ändrad: {c.old} → {c.new}" for c in changes.texts_changed]
    return lines


def _refuse(error: form_store.PublishError) -> None:
    click.echo(f"Arbetsboken kan inte publiceras ({len(error.problems)} problem):", err=True)
    for problem in error.problems:
        click.echo(f"  {problem}", err=True)
    sys.exit(1)


@click.group("forms")
def forms_group() -> None:
    """Checklistorna som Excel-arbetsböcker (XLSForm): hämta, kontrollera, publicera."""


@forms_group.command("export")
@click.argument("form_id", metavar="FORM")
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Filen (.xlsx)."
)
def export_form(form_id: str, out: Path) -> None:
    """Skriv den gällande versionen av checklistan FORM som en XLSForm-arbetsbok."""
    with command_app().app_context():
        catalogue = current_catalogue()
        if form_id not in catalogue:
            known = ", ".join(f.id for f in catalogue.current())
            raise click.BadParameter(f"'{form_id}' finns inte. Kända: {known}", param_hint="FORM")
        form = catalogue.latest(form_id)
        try:
            out.write_bytes(write_xlsform(form))
        except OSError as exc:
            raise click.BadParameter(f"{out} kan inte skrivas: {exc.strerror}") from None
        click.echo(f"Skrev {form.short_title}, version {form.version}, till {out}.")


@forms_group.command("check")
@click.argument("path", metavar="FILE.xlsx", type=click.Path(dir_okay=False, path_type=Path))
def check(path: Path) -> None:
    """Kontrollera en arbetsbok och visa skillnaderna mot den publicerade versionen."""
    data = _read(path)
    with command_app().app_context():
        try:
            candidate = form_store.check(current_catalogue(), data, path.name)
        except form_store.Unchanged as exc:
            # Valid, and already in force: nothing to publish, nothing wrong.
            click.echo(f"{path.name}: {exc.problems[0]}")
            return
        except form_store.PublishError as exc:
            _refuse(exc)
            return
        form, current = candidate.form, candidate.current
        click.echo(
            f"{path.name} går att publicera som version {form.version} av {form.short_title} "
            f"(gällande version: {current.version})."
        )
        for line in describe(candidate.changes):
            click.echo(f"  {line}")


@forms_group.command("publish")
@click.argument("path", metavar="FILE.xlsx", type=click.Path(dir_okay=False, path_type=Path))
def publish(path: Path) -> None:
    """Publicera en arbetsbok som ny version; nya svar använder den direkt."""
    data = _read(path)
    with command_app().app_context():
        try:
            candidate = form_store.publish(
                get_db(), current_catalogue(), data, path.name, "kommandoraden"
            )
        except form_store.PublishError as exc:
            _refuse(exc)
            return
        form = candidate.form
        click.echo(f"Publicerade {form.short_title} version {form.version}.")
        for line in describe(candidate.changes):
            click.echo(f"  {line}")

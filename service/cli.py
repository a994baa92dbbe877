"""The `checklistor` command: run the service and manage sign-in links."""

from __future__ import annotations

import os
import sys

import click
from flask import Flask

from service.access import directory, issue_link, link_url
from service.backup_cli import backup, restore
from service.cli_app import command_app
from service.consultations.cli import notify
from service.db import get_db
from service.db_cli import db_group
from service.errors import StartupError
from service.export_cli import export
from service.forms_cli import forms_group
from service.mail.cli import mail_group
from service.models import AccessLink
from service.personal_data import personal_data_group
from service.sync.cli import run_beside, sync

# gunicorn as the service runs it: the app loaded once before the workers fork; its lines
# in our form with sign-in tokens redacted (its own access log stays off: the app writes a
# line per request, service/logs.py); and no control socket, whose default path
# (~/.gunicorn/gunicorn.ctl) every instance of a user on a host would share and take from
# one another. The service does not use it; signals do the same work.
GUNICORN_OPTIONS = (
    *("--preload", "--no-control-socket"),
    *("--logger-class", "service.logs.GunicornLogger"),
)


@click.group(help="Checklistor för kollektivtrafik i planeringen.")
def cli() -> None:
    pass


def _print_links(
    app: Flask, subjects: list[tuple[str, str]], rotate: bool = False, indent: str = ""
) -> None:
    with app.app_context():
        for subject, name in subjects:
            url = link_url(issue_link(get_db(), app.config["SECRET_KEY"], subject, rotate=rotate))
            click.echo(f"{indent}{name}: {url}" if len(subjects) > 1 else url)


def _everyone(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        subjects = [(o.slug, o.name) for o in directory()]
    return [*subjects, (AccessLink.ADMIN, "Regionens administratörer")]


@cli.command("access-link")
@click.argument("org", required=False)
@click.option("--admin", is_flag=True, help="Länken för regionens administratörer.")
@click.option("--all", "everyone", is_flag=True, help="Länkar för alla organisationer och admin.")
@click.option("--rotate", is_flag=True, help="Byt ut länken; den gamla slutar fungera.")
def access_link(org: str | None, admin: bool, everyone: bool, rotate: bool) -> None:
    """Skriv ut den hemliga inloggningslänken för en organisation (ORG = dess slug)."""
    if sum(bool(x) for x in (org, admin, everyone)) != 1:
        raise click.UsageError("Ange en organisation, --admin eller --all.")
    app = command_app()
    if everyone:
        subjects = _everyone(app)
    elif admin:
        subjects = [(AccessLink.ADMIN, "Regionens administratörer")]
    else:
        with app.app_context():
            found = directory().get(org or "")
            if found is None:
                known = ", ".join(directory().slugs())
                raise click.BadParameter(
                    f"'{org}' finns inte. Kända organisationer: {known}", param_hint="ORG"
                )
        subjects = [(found.slug, found.name)]
    _print_links(app, subjects, rotate)
    if rotate:
        click.echo("De tidigare länkarna fungerar inte längre.", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="CHECKLISTOR_HOST")
@click.option("--port", default=8000, show_default=True, type=int, envvar="CHECKLISTOR_PORT")
@click.option("--workers", default=2, show_default=True, type=int, envvar="CHECKLISTOR_WORKERS")
@click.option("--links/--no-links", default=True, help="Skriv ut inloggningslänkarna vid start.")
@click.option("--sync/--no-sync", "with_sync", default=True, help="Kör synken bredvid webben.")
def serve(host: str, port: int, workers: int, links: bool, with_sync: bool) -> None:
    """Starta webbtjänsten (gunicorn), med synken bredvid."""
    if links:  # the printed links (and the server's, which inherits it) name this address
        os.environ.setdefault("CHECKLISTOR_PUBLIC_URL", f"http://{host}:{port}")
    app = command_app()
    if links:
        click.echo("Inloggningslänkar (dela bara med respektive organisation):")
        _print_links(app, _everyone(app), indent="  ")
    click.echo(f"Tjänsten startar på http://{host}:{port}/ (avsluta med Ctrl+C)")
    sys.stdout.flush()
    gunicorn = [
        os.path.join(os.path.dirname(sys.executable), "gunicorn"),
        *GUNICORN_OPTIONS,
        *("--bind", f"{host}:{port}", "--workers", str(workers), "service.wsgi:app"),
    ]
    if not with_sync:
        os.execv(gunicorn[0], gunicorn)
    sys.exit(run_beside(gunicorn))


cli.add_command(export)
cli.add_command(sync)
cli.add_command(forms_group)
cli.add_command(db_group)
cli.add_command(mail_group)
cli.add_command(notify)
cli.add_command(personal_data_group)
cli.add_command(backup)
cli.add_command(restore)


def main() -> None:
    try:
        cli()
    except StartupError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)

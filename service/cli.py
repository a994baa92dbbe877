"""The `checklistor` command: run the service and manage sign-in links."""

from __future__ import annotations

import os
import sys

import click
from flask import Flask

from service import create_app
from service.access import directory, issue_link, link_url
from service.db import get_db
from service.errors import StartupError
from service.export_cli import export
from service.forms_cli import forms_group
from service.models import AccessLink
from service.sync.cli import run_beside, sync


def _app() -> Flask:
    return create_app()


@click.group(help="Checklistor för kollektivtrafik i planeringen.")
def cli() -> None:
    pass


@cli.command("access-link")
@click.argument("org", required=False)
@click.option("--admin", is_flag=True, help="Länken för regionens administratörer.")
@click.option("--all", "everyone", is_flag=True, help="Länkar för alla organisationer och admin.")
@click.option("--rotate", is_flag=True, help="Byt ut länken; den gamla slutar fungera.")
def access_link(org: str | None, admin: bool, everyone: bool, rotate: bool) -> None:
    """Skriv ut den hemliga inloggningslänken för en organisation (ORG = dess slug)."""
    if sum(bool(x) for x in (org, admin, everyone)) != 1:
        raise click.UsageError("Ange en organisation, --admin eller --all.")
    app = _app()
    with app.app_context():
        orgs = directory()
        if org and orgs.get(org) is None:
            raise click.BadParameter(
                f"'{org}' finns inte. Kända organisationer: {', '.join(orgs.slugs())}",
                param_hint="ORG",
            )
        subjects = [(o.slug, o.name) for o in orgs] if everyone else []
        if org:
            subjects = [(org, orgs.get(org).name)]  # type: ignore[union-attr]
        if admin or everyone:
            subjects.append((AccessLink.ADMIN, "Regionens administratörer"))
        for subject, name in subjects:
            token = issue_link(get_db(), app.config["SECRET_KEY"], subject, rotate=rotate)
            url = link_url(token)
            click.echo(f"{name}: {url}" if len(subjects) > 1 else url)
        if rotate:
            click.echo("De tidigare länkarna fungerar inte längre.", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Starta webbtjänsten (gunicorn) med synken bredvid och skriv ut inloggningslänkarna."""
    app = _app()
    os.environ.setdefault("CHECKLISTOR_PUBLIC_URL", f"http://{host}:{port}")
    app.config["PUBLIC_URL"] = os.environ["CHECKLISTOR_PUBLIC_URL"]
    with app.app_context():
        click.echo("Inloggningslänkar (dela bara med respektive organisation):")
        for org in directory():
            click.echo(
                f"  {org.name}: {link_url(issue_link(get_db(), app.config['SECRET_KEY'], org.slug))}"
            )
        admin = issue_link(get_db(), app.config["SECRET_KEY"], AccessLink.ADMIN)
        click.echo(f"  Regionens administratörer: {link_url(admin)}")
    click.echo(f"Tjänsten startar på http://{host}:{port}/ (avsluta med Ctrl+C)")
    sys.stdout.flush()
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    sys.exit(
        run_beside(
            [
                gunicorn,
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--preload",
                "--access-logfile",
                "-",
                "service.wsgi:app",
            ]
        )
    )


cli.add_command(export)
cli.add_command(sync)
cli.add_command(forms_group)


def main() -> None:
    try:
        cli()
    except StartupError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)

"""What a running service holds, built once from its Settings: with the web app or without.

`build(settings)` reads the checklist definitions, the organisations and the identity file,
checks the mail settings and opens the database; the web app keeps the result in one typed
slot (`runtime_of(app)`, `current_runtime()`), the sync worker and the CLI use it directly.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from forms import Catalogue, DefinitionError, load_catalogue
from service import config, db
from service.catalogue import PublishedCache
from service.identity import Identity, load_identity
from service.mail.transport import check_settings as check_mail_settings
from service.organisations import Directory, load_directory
from service.settings import Settings, StartupError

EXTENSION = "checklistor"  # the one slot in Flask's app.extensions


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    engine: Engine
    sessionmaker: sessionmaker[Session]
    forms: Catalogue  # the definitions shipped with the service; see service.catalogue
    organisations: Directory
    identity: Identity
    published: PublishedCache = field(default_factory=PublishedCache, compare=False)

    def session(self) -> Session:
        """A database session of its own (background work, the CLI, the worker)."""
        return self.sessionmaker()


def build(settings: Settings, *, check_schema: bool = True) -> Runtime:
    """Everything the settings name, checked; StartupError (one line) when unusable.

    check_schema=False is for `checklistor db` and backups, which open an outdated database.
    """
    settings = config.prepare(settings)
    try:
        forms = load_catalogue(settings.forms_dir) if settings.forms_dir else load_catalogue()
    except DefinitionError as exc:
        raise StartupError(str(exc)) from None
    organisations = load_directory(
        settings.organisations_file, {form.id for form in forms.current()}
    )
    identity = load_identity(settings.identity_file, settings.instance_path)
    check_mail_settings(settings)
    engine = db.connect(settings, check_schema=check_schema)
    return Runtime(
        settings=settings,
        engine=engine,
        sessionmaker=sessionmaker(engine, expire_on_commit=False),
        forms=forms,
        organisations=organisations,
        identity=identity,
    )


def runtime_of(app: Any) -> Runtime:
    """The runtime of a Flask app made by `service.create_app`."""
    found = app.extensions[EXTENSION]
    if not isinstance(found, Runtime):
        raise TypeError(f"{app!r} was not made by service.create_app")
    return found


def current_runtime() -> Runtime:
    from flask import current_app

    return runtime_of(current_app)


def settings_of(app: Any) -> Settings:
    return runtime_of(app).settings


def current_settings() -> Settings:
    return current_runtime().settings


def reconfigure(app: Any, **changes: Any) -> Settings:
    """Change settings of a running app (tests): `reconfigure(app, smtp_url=...)`."""
    runtime = runtime_of(app)
    settings = dataclasses.replace(runtime.settings, **changes)
    app.extensions[EXTENSION] = dataclasses.replace(runtime, settings=settings)
    return settings

"""The checklistor web service: Flask app factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf import CSRFProtect

from forms import DefinitionError, load_catalogue
from service import access, assets, config, db, errors, i18n, identity, logs, views
from service.errors import StartupError
from service.mail.transport import check_settings as check_mail_settings
from service.organisations import load_directory

csrf = CSRFProtect()


def create_app(test_config: dict[str, Any] | None = None, *, check_schema: bool = True) -> Flask:
    """Build the app; raises StartupError (one line) when configuration is unusable.

    check_schema=False is for `checklistor db`, which must open an outdated database.
    """
    instance = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "CHECKLISTOR_INSTANCE_PATH"
    )
    app = Flask(
        __name__,
        instance_path=str(Path(instance).resolve()) if instance else None,
        instance_relative_config=True,
    )
    config.load(app, test_config)

    forms_dir = app.config.get("FORMS_DIR")
    try:
        app.extensions["checklistor.forms"] = (
            load_catalogue(Path(forms_dir)) if forms_dir else load_catalogue()
        )
    except DefinitionError as exc:
        raise StartupError(str(exc)) from None
    app.extensions["checklistor.organisations"] = load_directory(
        config.organisations_path(app),
        {form.id for form in app.extensions["checklistor.forms"].current()},
    )
    identity.init_app(app)
    check_mail_settings(app)

    db.init_app(app, check_schema=check_schema)
    csrf.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    views.init_app(app)
    assets.init_app(app)
    logs.init_app(app)
    app.before_request(access.load_identity)
    return app

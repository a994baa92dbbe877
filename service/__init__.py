"""The checklistor web service: Flask app factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf import CSRFProtect

from service import access, assets, config, db, errors, i18n, identity, logs, runtime, views
from service.settings import Settings

csrf = CSRFProtect()


def create_app(test_config: dict[str, Any] | None = None, *, check_schema: bool = True) -> Flask:
    """Build the app; raises StartupError (one line) when configuration is unusable.

    Settings come from the environment (service/settings.py), or from `test_config` alone
    in tests (its keys named as the variables without the prefix; keys that are no
    setting go to Flask's config). check_schema=False is for `checklistor db`, which must
    open an outdated database.
    """
    instance = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "CHECKLISTOR_INSTANCE_PATH"
    )
    app = Flask(
        __name__,
        instance_path=str(Path(instance).resolve()) if instance else None,
        instance_relative_config=True,
    )
    instance_path = Path(app.instance_path)
    if test_config is None:
        settings = Settings.from_env(os.environ, instance_path)
    else:
        settings = Settings.from_mapping(test_config, instance_path)
    built = runtime.build(settings, check_schema=check_schema)
    app.extensions[runtime.EXTENSION] = built
    flask_keys = {k: v for k, v in (test_config or {}).items() if k not in settings_keys()}
    app.config.from_mapping(config.flask_config(built.settings, flask_keys))

    identity.init_app(app)
    db.init_app(app)
    csrf.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    views.init_app(app)
    assets.init_app(app)
    logs.init_app(app)
    app.before_request(access.load_identity)
    return app


def settings_keys() -> set[str]:
    """The config-style names of the settings (`DATABASE_URL`, `SMTP_URL`, …)."""
    return {name.upper() for name in Settings.__dataclass_fields__}

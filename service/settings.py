"""The service's settings: one typed, frozen object read once from the environment.

The web app, the CLI and the sync worker all start from `Settings.from_env(os.environ)`.
Plain `SECRET_KEY` and `DATABASE_URL` as most deployments set them; everything else as
`CHECKLISTOR_<NAME>`. A value that cannot be used stops start-up with one line that names
the variable. Tests build theirs with `Settings.from_mapping({"DATABASE_URL": ...})`, keys
named as the variables without the prefix. The README's tables are checked against the
fields here (tests/service/test_settings.py).

This module imports nothing of Flask: the worker reads the same settings without the app.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PREFIX = "CHECKLISTOR_"
PLAIN = ("SECRET_KEY", "DATABASE_URL")  # read without the prefix, as most platforms set them
# Read before any settings exist: by `checklistor serve`'s options and by the logging set-up.
PROCESS_VARIABLES = (
    "CHECKLISTOR_HOST",
    "CHECKLISTOR_PORT",
    "CHECKLISTOR_WORKERS",
    "CHECKLISTOR_LOG_FORMAT",
    "CHECKLISTOR_LOG_LEVEL",
)
TRUE, FALSE = ("1", "true", "yes", "on", "ja"), ("0", "false", "no", "off", "nej", "")


class StartupError(Exception):
    """Configuration the service cannot start with; str() is one line for the operator."""


@dataclass(frozen=True)
class Settings:
    """Every setting of the service, with its default; see the README's Configuration."""

    instance_path: Path = Path("instance")  # CHECKLISTOR_INSTANCE_PATH
    secret_key: str | None = None  # None: made on first start, kept in instance/secret_key
    database_url: str | None = None  # None: the SQLite file in the instance folder
    auto_migrate: bool | None = None  # None: only the embedded SQLite upgrades by itself
    organisations: Path | None = None  # None: instance/organisations.yaml or the shipped file
    forms_dir: Path | None = None  # None: the shipped definitions
    identity: Path | None = None  # None: instance/identity.yaml or the shipped file
    public_url: str = "http://127.0.0.1:8000"
    secure_cookies: bool = False
    # The server-side session also ends this long without a request, and at once on Logga ut.
    session_idle_minutes: float = 8 * 60
    # A regional export of more responses than this is built in the background.
    export_inline_limit: int = 5000
    # Spreadsheet mirrors (service/sync): local workbooks, Google or Microsoft 365.
    sheets_dir: Path | None = None  # None: instance/sheets
    google_credentials: Path | None = None  # the service account's JSON key file
    sync_writes_per_minute: int = 60  # Google's write quota per user (service account)
    sync_google_timeout: float = 60.0  # seconds to wait for one Google answer
    sync_google_api_url: str | None = None  # None: Google; a proxy or the tests' stand-in
    sync_lease_seconds: int = 600  # how long a worker holds a sheet before others may take it
    sync_stale_seconds: float = 300.0  # no pass this long while entries wait: "stopped"
    graph_tenant_id: str | None = None
    graph_client_id: str | None = None
    graph_client_secret: str | None = None
    graph_certificate: str | None = None  # path to a PEM file with key and certificate
    sync_graph_timeout: float = 60.0
    sync_graph_api_url: str | None = None  # None: Microsoft's
    sync_graph_authority_host: str | None = None  # None: Microsoft's
    sync_graph_ca_bundle: str | None = None  # None: the system's trusted authorities
    # Mail (service/mail): SMTP by URL, or .eml files in the mail folder when not set.
    smtp_url: str | None = None  # smtp://user:pass@host:587 (STARTTLS) or smtps://…
    mail_from: str | None = None  # the sender's address; required with smtp_url
    mail_dir: Path | None = None  # None: instance/mail
    testing: bool = field(default=False, metadata={"env": None})  # tests only

    # -- reading ---------------------------------------------------------------------------

    @classmethod
    def from_env(cls, environ: Mapping[str, str], instance_path: Path | None = None) -> Settings:
        """The settings from environment variables; StartupError names a faulty one.

        `instance_path` wins over CHECKLISTOR_INSTANCE_PATH (the app factory passes Flask's)."""
        values: dict[str, Any] = {}
        for spec in dataclasses.fields(cls):
            name = env_name(spec)
            if name is None:
                continue
            # CHECKLISTOR_SECRET_KEY and CHECKLISTOR_DATABASE_URL are read too, as before.
            for candidate in (name, PREFIX + name) if name in PLAIN else (name,):
                if environ.get(candidate, "") != "":
                    values[spec.name] = environ[candidate]
                    break
        if instance_path is not None:
            values["instance_path"] = instance_path
        elif "instance_path" not in values:
            values["instance_path"] = default_instance_path()
        return cls._build(values, lambda spec: env_name(spec) or spec.name)

    @classmethod
    def from_mapping(
        cls, mapping: Mapping[str, Any], instance_path: Path | None = None
    ) -> Settings:
        """Settings from config-style keys (`DATABASE_URL`, `SYNC_LEASE_SECONDS`, `TESTING`);
        keys that are not settings are left to the caller (Flask's own, for instance)."""
        fields = {spec.name.upper(): spec.name for spec in dataclasses.fields(cls)}
        values = {fields[key]: value for key, value in mapping.items() if key in fields}
        if instance_path is not None:
            values["instance_path"] = instance_path
        values.setdefault("instance_path", default_instance_path())
        return cls._build(values, lambda spec: spec.name.upper())

    @classmethod
    def _build(cls, raw: Mapping[str, Any], label: Any) -> Settings:
        hints = typing.get_type_hints(cls)
        typed = {
            spec.name: _convert(raw[spec.name], hints[spec.name], label(spec))
            for spec in dataclasses.fields(cls)
            if spec.name in raw
        }
        typed["instance_path"] = Path(typed["instance_path"]).resolve()
        settings = cls(**typed)
        settings.check()
        return settings

    def check(self) -> None:
        """What each value must be beyond its type (StartupError naming the variable)."""
        for name in ("public_url", "sync_google_api_url", "sync_graph_api_url"):
            value = getattr(self, name)
            if value is not None and urlsplit(value).scheme not in ("http", "https"):
                raise StartupError(
                    f"{variable(name)} ska vara en adress som börjar med http:// eller https:// "
                    f"(is not an http(s) URL): {value!r}"
                )
        for name in ("sync_lease_seconds", "sync_stale_seconds", "sync_writes_per_minute"):
            if getattr(self, name) <= 0:
                raise StartupError(
                    f"{variable(name)} ska vara större än 0 (must be positive): {getattr(self, name)}"
                )

    # -- derived places --------------------------------------------------------------------

    @property
    def default_database_url(self) -> str:
        return f"sqlite:///{self.instance_path / 'checklistor.db'}"

    @property
    def database(self) -> str:
        """The database URL in use."""
        return self.database_url or self.default_database_url

    @property
    def may_auto_upgrade(self) -> bool:
        """Upgrade an older schema by itself? Only the embedded default, unless configured."""
        if self.auto_migrate is not None:
            return self.auto_migrate
        return self.database == self.default_database_url

    def _local_or(self, configured: Path | None, name: str, shipped: Path) -> Path:
        if configured:
            return configured
        local = self.instance_path / name
        return local if local.exists() else shipped

    @property
    def organisations_file(self) -> Path:
        from service.organisations import DEFAULT_FILE

        return self._local_or(self.organisations, "organisations.yaml", DEFAULT_FILE)

    @property
    def identity_file(self) -> Path:
        from service.identity import DEFAULT_FILE

        return self._local_or(self.identity, "identity.yaml", DEFAULT_FILE)

    @property
    def sheets_folder(self) -> Path:
        return self.sheets_dir or self.instance_path / "sheets"

    @property
    def mail_folder(self) -> Path:
        return self.mail_dir or self.instance_path / "mail"


def env_name(spec: dataclasses.Field[Any]) -> str | None:
    """The environment variable of a field; None for fields no variable sets."""
    if "env" in spec.metadata:
        return typing.cast(str | None, spec.metadata["env"])
    upper = spec.name.upper()
    return upper if upper in PLAIN else PREFIX + upper


def variable(name: str) -> str:
    """The variable of the field `name`, for messages."""
    return next(
        env_name(spec) or name for spec in dataclasses.fields(Settings) if spec.name == name
    )


def variable_names() -> list[str]:
    """Every environment variable a setting is read from, in the order of the fields."""
    return [name for spec in dataclasses.fields(Settings) if (name := env_name(spec))]


def default_instance_path() -> Path:
    """Where Flask would put the app's instance folder (`./instance` in a checkout)."""
    from flask.sansio.scaffold import find_package

    prefix, package_path = find_package("service")
    if prefix is None:
        return Path(package_path, "instance").resolve()
    return Path(prefix, "var", "service-instance").resolve()


def _convert(value: Any, hint: Any, name: str) -> Any:
    """`value` (text from the environment, or a typed value from a mapping) as `hint`."""
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    optional = type(None) in options
    kind = next(t for t in options if t is not type(None))
    if value is None or (optional and value == ""):
        if optional:
            return None
        raise StartupError(f"{name} måste ha ett värde (must be set)")
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in TRUE or text in FALSE:
                return text in TRUE
            raise ValueError
        if kind is int:
            if isinstance(value, float | bool):
                raise ValueError
            return int(str(value).strip()) if isinstance(value, str) else int(value)
        if kind is float:
            if isinstance(value, bool):
                raise ValueError
            return float(str(value).strip()) if isinstance(value, str) else float(value)
        if kind is Path:
            return Path(os.fspath(value)).expanduser()
        return str(value)
    except (TypeError, ValueError):
        words = {
            bool: "true eller false (true or false)",
            int: "ett heltal (a whole number)",
            float: "ett tal (a number)",
        }
        raise StartupError(f"{name} ska vara {words.get(kind, 'text')}: {value!r}") from None

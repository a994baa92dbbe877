"""The typed settings: read once from the environment, every one documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

import flask
import pytest
from click.testing import CliRunner

from service import runtime
from service.settings import PROCESS_VARIABLES, Settings, StartupError, variable_names
from service.sync.cli import sync
from service.sync.worker import Worker
from support.live import TEST_SECRET_KEY

README = Path(__file__).parents[2] / "README.md"


def documented() -> set[str]:
    """Every variable named in the first column of a table row of the README."""
    names: set[str] = set()
    for line in README.read_text(encoding="utf-8").splitlines():
        cells = line.strip().split("|")
        if line.strip().startswith("|") and len(cells) > 2:
            names.update(re.findall(r"`((?:CHECKLISTOR_)?[A-Z][A-Z_]+)`", cells[1]))
    return names


def test_the_readme_documents_exactly_the_settings() -> None:
    expected = {*variable_names(), *PROCESS_VARIABLES}
    assert documented() - expected == set(), "documented but not read by the service"
    assert expected - documented() == set(), "read by the service but not documented"


def test_values_are_read_with_their_types(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "CHECKLISTOR_SECURE_COOKIES": "true",
            "CHECKLISTOR_SYNC_LEASE_SECONDS": "120",
            "CHECKLISTOR_SYNC_GOOGLE_TIMEOUT": "2.5",
            "CHECKLISTOR_SHEETS_DIR": str(tmp_path / "sheets"),
            "CHECKLISTOR_AUTO_MIGRATE": "",
            "DATABASE_URL": "sqlite:///x.db",
            "UNRELATED": "ignored",
        },
        tmp_path,
    )
    assert settings.secure_cookies is True
    assert settings.sync_lease_seconds == 120
    assert settings.sync_google_timeout == 2.5
    assert settings.sheets_folder == tmp_path / "sheets"
    assert settings.auto_migrate is None
    assert settings.database == "sqlite:///x.db"
    assert settings.mail_folder == tmp_path / "mail"
    assert not settings.may_auto_upgrade


def test_the_plain_variables_are_also_read_with_the_prefix(tmp_path: Path) -> None:
    prefixed = Settings.from_env({"CHECKLISTOR_DATABASE_URL": "sqlite:///a.db"}, tmp_path)
    assert prefixed.database == "sqlite:///a.db"
    both = {"DATABASE_URL": "sqlite:///b.db", "CHECKLISTOR_DATABASE_URL": "sqlite:///a.db"}
    assert Settings.from_env(both, tmp_path).database == "sqlite:///b.db"


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("CHECKLISTOR_SYNC_LEASE_SECONDS", "tio", "ett heltal"),
        ("CHECKLISTOR_SYNC_STALE_SECONDS", "0", "större än 0"),
        ("CHECKLISTOR_SECURE_COOKIES", "kanske", "true eller false"),
        ("CHECKLISTOR_PUBLIC_URL", "checklistor.example.se", "http://"),
    ],
)
def test_a_faulty_value_stops_with_the_variables_name(
    tmp_path: Path, name: str, value: str, words: str
) -> None:
    with pytest.raises(StartupError) as caught:
        Settings.from_env({name: value}, tmp_path)
    assert str(caught.value).startswith(name)
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def no_app(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("a Flask app was made")


def test_the_worker_runs_on_the_settings_alone_without_a_web_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(flask.Flask, "__init__", no_app)
    settings = Settings.from_env({"SECRET_KEY": TEST_SECRET_KEY}, tmp_path / "instance")
    built = runtime.build(settings)
    try:
        assert Worker(built).run_once() == []
        assert built.settings.database == f"sqlite:///{tmp_path / 'instance' / 'checklistor.db'}"
    finally:
        built.engine.dispose()


def test_the_sync_command_makes_no_web_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flask.Flask, "__init__", no_app)
    monkeypatch.setenv("CHECKLISTOR_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET_KEY)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    result = CliRunner().invoke(sync, ["--status"])
    assert result.exit_code == 0, result.output
    assert "Synken: går som den ska" in result.output


def test_commands_take_the_app_flasks_test_runner_gives(app: flask.Flask) -> None:
    result = app.test_cli_runner().invoke(sync, ["--status"])
    assert result.exit_code == 0, result.output
    assert "Synken: går som den ska" in result.output

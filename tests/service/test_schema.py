"""Schema migrations: the models match them, fresh databases are made, old ones refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from service import create_app, schema
from service.cli import cli
from service.errors import StartupError
from service.models import Base
from service.runtime import runtime_of, settings_of
from support.live import TEST_SECRET_KEY


def make(tmp_path: Path, url: str, **extra: object) -> object:
    return create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": TEST_SECRET_KEY,
            "DATABASE_URL": url,
            **extra,
        }
    )


def test_migrations_build_exactly_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    schema.upgrade(engine)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert differences == []


def test_a_fresh_database_is_created_at_the_newest_schema(
    tmp_path: Path, database_url: str
) -> None:
    app = make(tmp_path, database_url)
    engine = runtime_of(app).engine
    assert schema.current_revision(engine) == schema.head_revision()
    engine.dispose()


def test_an_older_shared_database_is_refused_until_upgraded(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(database_url)
    command.upgrade(schema._config(engine), "0001")
    with pytest.raises(StartupError) as caught:
        make(tmp_path, database_url)
    assert str(caught.value) == (
        f"Databasens schema är äldre (0001) än tjänsten kräver ({schema.head_revision()}). "
        "Kör: checklistor db upgrade"
    )
    with engine.begin() as conn:  # nothing was changed by the refused start
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CHECKLISTOR_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET_KEY)
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"från 0001 till {schema.head_revision()}" in result.output
    status = CliRunner().invoke(cli, ["db", "status"])
    assert "(aktuellt)" in status.output
    runtime_of(make(tmp_path, database_url)).engine.dispose()
    engine.dispose()


def test_the_embedded_default_upgrades_by_itself(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    url = f"sqlite:///{instance / 'checklistor.db'}"
    engine = create_engine(url)
    command.upgrade(schema._config(engine), "0001")
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": TEST_SECRET_KEY})
    assert settings_of(app).database == url
    assert schema.current_revision(engine) == schema.head_revision()
    engine.dispose()


def test_an_unknown_newer_schema_is_refused(tmp_path: Path, database_url: str) -> None:
    engine = create_engine(database_url)
    schema.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StartupError, match="nyare än eller okänt"):
        make(tmp_path, database_url)
    engine.dispose()

"""Files that hold every answer are private to the service; exports follow the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from service import create_app
from service.export_cli import export
from service.runtime import runtime_of
from tests.sync.helpers import submit, workbook_path, worker


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_instance_folder_database_and_mirrors_are_private(tmp_path: Path, loose_umask) -> None:
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    instance.chmod(0o755)  # a folder made earlier, before this rule
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance), "SECRET_KEY": "x"})
    assert mode(instance) == 0o700
    database = instance / "checklistor.db"
    submit(app)
    engine = runtime_of(app).sessionmaker.kw["bind"]
    with engine.connect():  # WAL and SHM exist while a connection is open
        for name in ("checklistor.db", "checklistor.db-wal", "checklistor.db-shm"):
            assert mode(instance / name) == 0o600, name
    worker(app).run_once()
    assert mode(workbook_path(app)) == 0o600
    database.chmod(0o644)  # tightened again at the next start
    create_app({"TESTING": True, "INSTANCE_PATH": str(instance), "SECRET_KEY": "x"})
    assert mode(database) == 0o600


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_an_export_at_a_chosen_path_follows_the_umask(
    app: Flask, tmp_path: Path, umask: int
) -> None:
    submit(app)
    out = tmp_path / "delad" / "region.xlsx"
    out.parent.mkdir()
    old = os.umask(umask)
    try:
        result = CliRunner().invoke(export, ["--out", str(out)], obj=app)
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert mode(out) == 0o666 & ~umask

"""Start-up and the command line: one clear line for a broken configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli import cli
from support.live import TEST_SECRET_KEY

BROKEN = """\
id: trasig
version: 1
title: Trasig
metadata:
  - {id: plan_name, label: Namn, type: text}
sections:
  - id: s
    title: Avsnitt
    items:
      - id: fraga_a
        question: Första frågan?
      - id: fraga_a
        question: Samma id igen?
"""


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHECKLISTOR_")}
    env.update(
        {"CHECKLISTOR_INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": TEST_SECRET_KEY}
    )
    env.pop("DATABASE_URL", None)
    env.update(extra)
    return env


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "service", "access-link", "--admin"],
        [sys.executable, "-c", "import service.wsgi"],
    ],
    ids=["cli", "wsgi"],
)
def test_broken_definition_stops_start_up_with_one_line(tmp_path: Path, command: list[str]) -> None:
    forms_dir = tmp_path / "forms"
    forms_dir.mkdir()
    (forms_dir / "trasig.yaml").write_text(BROKEN, encoding="utf-8")
    done = subprocess.run(
        command,
        env=env_for(tmp_path, CHECKLISTOR_FORMS_DIR=str(forms_dir)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "Fel i formulärdefinitionen trasig.yaml, avsnittet 's', fråga 2: "
        "id:t 'fraga_a' används redan av en annan fråga"
    ]


def test_broken_organisations_file_is_one_line(tmp_path: Path) -> None:
    orgs = tmp_path / "orgs.yaml"
    orgs.write_text(
        "organisations:\n  - slug: Stora Bokstäver\n    name: X\n    kind: municipality\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "service", "access-link", "--admin"],
        env=env_for(tmp_path, CHECKLISTOR_ORGANISATIONS=str(orgs)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(
        f"Fel i organisationsfilen {orgs}, organisation 1: slug 'Stora Bokstäver'"
    )


def test_access_link_prints_the_same_link_until_rotated(tmp_path: Path) -> None:
    runner = CliRunner()
    env = env_for(tmp_path)
    first = runner.invoke(cli, ["access-link", "karlskrona"], env=env)
    assert first.exit_code == 0, first.output
    link = first.output.strip()
    assert link.startswith("http://127.0.0.1:8000/in/")
    assert runner.invoke(cli, ["access-link", "karlskrona"], env=env).output.strip() == link
    rotated = runner.invoke(cli, ["access-link", "karlskrona", "--rotate"], env=env)
    assert rotated.exit_code == 0 and rotated.output.splitlines()[0] != link
    admin = runner.invoke(cli, ["access-link", "--admin"], env=env).output.strip()
    assert admin.startswith("http://127.0.0.1:8000/in/") and admin != link


def test_access_link_for_all_lists_every_organisation(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["access-link", "--all"], env=env_for(tmp_path))
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 9
    assert lines[0].startswith("Karlskrona kommun: http://")
    assert lines[-1].startswith("Regionens administratörer: http://")


def test_access_link_for_unknown_organisation(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["access-link", "lund"], env=env_for(tmp_path))
    assert result.exit_code == 2
    assert "'lund' finns inte" in result.output and "karlskrona" in result.output

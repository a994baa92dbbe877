"""Sink kinds plug in: one module and one registry line; settings are checked at start-up."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from service import create_app
from service.errors import StartupError
from service.organisations import load_directory
from service.runtime import runtime_of
from service.settings import Settings
from service.sync import registry
from service.sync.cli import sync
from service.sync.kind import Context, SinkKind, setting
from service.sync.mirror import SheetBatch
from tests.sync.helpers import submit, worker

WRITTEN: dict[str, list[SheetBatch]] = {}


@dataclass(frozen=True)
class MemorySettings:
    bucket: str = setting("hinkens namn")
    rows_per_write: int = setting("rader per skrivning", 100)


class MemorySink:
    def __init__(self, bucket: str) -> None:
        self.bucket = bucket
        self.description = f"Minneshink {bucket}"

    def write(self, batches: list[SheetBatch]) -> None:
        WRITTEN.setdefault(self.bucket, []).extend(batches)


# The whole of a new kind: its settings, its description, its limits and its sink.
MEMORY = SinkKind(
    name="memory",
    label="minneshink",
    settings=MemorySettings,
    markers=("bucket",),
    cell_limit=100,
    dates_as_text=True,
    describe=lambda s, slug, _context: f"Minneshink {s.bucket} för {slug}",
    build=lambda s, _slug, _context: MemorySink(s.bucket),
)


@pytest.fixture
def memory_kind() -> Iterator[SinkKind]:
    registry.register(MEMORY)  # the one registry line
    WRITTEN.clear()
    yield MEMORY
    registry.unregister("memory")


def organisations(tmp_path: Path, spreadsheet: str) -> Path:
    path = tmp_path / "organisations.yaml"
    path.write_text(
        "organisations:\n"
        "  - {slug: karlskrona, name: Karlskrona kommun, kind: municipality,"
        f" spreadsheet: {spreadsheet}}}\n"
        "  - {slug: ronneby, name: Ronneby kommun, kind: municipality}\n",
        encoding="utf-8",
    )
    return path


def test_a_registered_kind_gets_the_worker_s_batches(tmp_path: Path, memory_kind: SinkKind) -> None:
    orgs = organisations(tmp_path, "{bucket: karlskrona-hink, rows_per_write: 5}")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'test.db'}",
            "ORGANISATIONS": str(orgs),
        }
    )
    org = runtime_of(app).organisations.get("karlskrona")
    assert org.spreadsheet.kind is memory_kind
    assert org.spreadsheet.settings == MemorySettings("karlskrona-hink", 5)
    rid = submit(app, comment="x" * 500)
    submit(app, org="ronneby")
    results = {r.target: r.outcome for r in worker(app).run_once()}
    assert results == {"karlskrona": "written", "ronneby": "written"}
    (batch,) = WRITTEN["karlskrona-hink"]
    assert batch.form_id == "detaljplan" and batch.updates[0].response_id == rid
    values = batch.updates[0].values
    assert isinstance(values["submitted_at"], str)  # the kind asked for dates as text
    assert max(len(v) for v in values.values() if isinstance(v, str)) == 100  # its cell limit
    status = CliRunner().invoke(sync, ["--status"], obj=app)
    assert "Minneshink karlskrona-hink för karlskrona" in status.output
    assert "Lokal arbetsbok" in status.output  # ronneby keeps the embedded default


@pytest.mark.parametrize(
    ("spreadsheet", "field", "fault"),
    [
        ("{bucket: h, rows_per_write: många}", "rows_per_write", "ska vara ett heltal"),
        ("{kind: memory}", "bucket", "saknas (hinkens namn)"),
        ("{bucket: h, colour: blå}", "colour", "okänd inställning för minneshink"),
        ("{kind: papper}", "kind", "'papper' finns inte"),
        ("{drive_id: 'b!x'}", "item_id", "saknas"),
        ("{drive_id: 'b!x', site_id: s, item_id: '01X'}", "drive_id", "precis en av"),
        ("{sharing_url: 'http://x.se/a'}", "sharing_url", "https"),
        ("{google_key: [1, 2]}", "google_key", "ska vara text"),
        ("{google_key: k, item_id: i}", "kind", "ange kind"),
    ],
)
def test_a_wrong_setting_stops_start_up_naming_organisation_and_field(
    tmp_path: Path, memory_kind: SinkKind, spreadsheet: str, field: str, fault: str
) -> None:
    with pytest.raises(StartupError) as caught:
        load_directory(organisations(tmp_path, spreadsheet))
    message = str(caught.value)
    assert f"organisationen 'karlskrona', spreadsheet.{field}:" in message
    assert fault in message


def test_settings_of_the_built_in_kinds(tmp_path: Path) -> None:
    directory = load_directory(
        organisations(tmp_path, "{kind: microsoft, site_id: 'site,1,2', item_id: '01ABC'}")
    )
    target = directory.get("karlskrona").spreadsheet  # type: ignore[union-attr]
    assert target.kind.name == "microsoft" and target.settings.item_id == "01ABC"
    context = Context(Settings(instance_path=tmp_path))
    assert target.describe("karlskrona", context) == (
        "Excel i Microsoft 365 (webbplats site,1,2, objekt 01ABC)"
    )
    assert directory.get("ronneby").spreadsheet.kind.name == "xlsx"  # type: ignore[union-attr]


def test_microsoft_without_app_credentials_parks_with_a_reason(tmp_path: Path) -> None:
    orgs = organisations(tmp_path, "{drive_id: 'b!x', item_id: '01X'}")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'test.db'}",
            "ORGANISATIONS": str(orgs),
        }
    )
    submit(app)
    result: Any = worker(app).run_once()[0]
    assert result.outcome == "parked"
    assert "CHECKLISTOR_GRAPH_TENANT_ID" in result.reason

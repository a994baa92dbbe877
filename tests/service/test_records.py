"""The one records query: the mirror and the downloads read the same rows, streamed."""

from __future__ import annotations

from flask import Flask

from exports.filters import ExportFilter
from forms import parse_fields
from service import records, responses
from service.models import Response
from service.runtime import runtime_of
from service.sync.batches import load_records
from support.answers import complete_answers
from tests.sync.helpers import submit


def test_the_mirror_and_the_downloads_read_the_same_records(app: Flask) -> None:
    first, second = submit(app), submit(app, org="ronneby")
    submit(app, comment="Ändrad", response_id=first)  # a second revision
    form = runtime_of(app).forms.latest("detaljplan")
    with runtime_of(app).session() as db:
        edited = db.get(Response, second)
        assert edited is not None
        changes = complete_answers(form, "nej")  # a draft of changes, not sent in
        responses.save_draft(db, edited, parse_fields(form, changes.items()))
        draft = responses.create(db, "karlskrona", form)
        db.commit()

        mirrored = load_records(db, [first, second, draft.id])
        downloaded = list(records.stream(db, ExportFilter(), "detaljplan"))
        with_drafts = list(records.stream(db, ExportFilter(with_drafts=True), "detaljplan"))

    assert {r.id: r for r in mirrored} == {r.id: r for r in downloaded}
    assert [r.id for r in mirrored] == [first, second]  # in the order they arrived
    by_id = {r.id: r for r in mirrored}
    assert by_id[first].revision == 2
    assert by_id[first].submitted_at is not None
    assert by_id[first].submitted_at < by_id[first].updated_at  # first and latest submission
    assert by_id[second].data != parse_fields(form, changes.items()).to_dict()  # as sent in
    assert {r.id: r.status for r in with_drafts} == {
        first: "submitted",
        second: "submitted",
        draft.id: "draft",
    }


def test_streaming_leaves_the_session_s_connection_as_it_was(app: Flask) -> None:
    submit(app)
    with runtime_of(app).session() as db:
        assert len(list(records.stream(db, ExportFilter(), "detaljplan", batch_size=1))) == 1
        options = db.connection().get_execution_options()
        assert "yield_per" not in options
        assert "stream_results" not in options

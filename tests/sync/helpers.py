"""Submitting responses through the service's own code, and reading workbooks back."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from flask import Flask
from openpyxl import load_workbook

from forms import parse_fields
from forms.xlsform_writer import write_xlsform
from service import form_store, responses
from service.catalogue import catalogue_for
from service.models import Response
from service.runtime import runtime_of
from service.sync.worker import Worker
from support.answers import complete_answers


def submit(
    app: Flask,
    org: str = "karlskrona",
    form_id: str = "detaljplan",
    comment: str = "",
    response_id: str | None = None,
) -> str:
    """Submit a complete response (or resubmit `response_id`); the first comment is `comment`."""
    catalogue = runtime_of(app).forms
    form = catalogue.latest(form_id)
    fields = complete_answers(form)
    if comment:
        fields[next(iter(form.items)).comment_name] = comment
    with runtime_of(app).session() as db:
        response = db.get(Response, response_id) if response_id else None
        if response is None:
            response = responses.create(db, org, form)
        responses.submit(db, response, parse_fields(form, fields.items()))
        return response.id


def later(minutes: int) -> Any:
    """A clock `minutes` ahead, for a worker that takes over expired claims."""
    return lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=minutes)


def worker(app: Flask, **kwargs: Any) -> Worker:
    kwargs.setdefault("sleep", lambda _s: None)
    return Worker(runtime_of(app), **kwargs)


def workbook_path(app: Flask, org: str = "karlskrona") -> Path:
    return Path(app.instance_path) / "sheets" / f"{org}.xlsx"


def sheet_rows(path: Path, title: str = "Detaljplan") -> list[list[Any]]:
    """Values of a worksheet, the hidden key row first."""
    sheet = load_workbook(path)[title]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def by_key(rows: list[list[Any]]) -> list[dict[str, Any]]:
    """Data rows as {column key: value}, using the sheet's own key row."""
    keys = rows[0]
    return [{k: v for k, v in zip(keys, row, strict=False) if k} for row in rows[2:]]


def publish_short_title(app: Flask, short_title: str, form_id: str = "detaljplan") -> None:
    """Publish a new version of a checklist that differs only in its short title."""
    with runtime_of(app).session() as db:
        catalogue = catalogue_for(runtime_of(app), db)
        form = dataclasses.replace(catalogue.latest(form_id), short_title=short_title)
        form_store.publish(db, catalogue, write_xlsform(form), "ny.xlsx", "test")

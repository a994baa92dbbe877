"""How many SQL statements one complete submission makes, counted in this process.

The service under load runs in gunicorn, out of reach of a statement counter, so this
builds the same app in-process on the same database and submits once through Flask's
test client, counting every statement the engine sends (a SQLAlchemy event).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from forms import Form
from service import create_app
from service.access import issue_link
from service.db import get_db
from support.live import CSRF, TEST_SECRET_KEY


def statements_per_submission(
    database_url: str, instance: Path, org: str, form: Form, answers: dict[str, str]
) -> list[str]:
    """The statements of one submission (after a first one has warmed the caches)."""
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": TEST_SECRET_KEY,
            "DATABASE_URL": database_url,
        }
    )
    with app.app_context():
        token = issue_link(get_db(), TEST_SECRET_KEY, org)
    client = app.test_client()
    client.get(f"/in/{token}")
    path = f"/checklista/{form.id}/ny"
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(" ".join(statement.split()))

    for attempt in range(2):
        page = client.get(path).get_data(as_text=True)
        found = CSRF.search(page)
        if not found:
            raise RuntimeError(f"no CSRF token on {path}")
        data = {"csrf_token": found.group(1), **answers, "action": "submit"}
        if attempt:
            event.listen(Engine, "before_cursor_execute", count)
        try:
            reply = client.post(path, data=data)
        finally:
            if attempt:
                event.remove(Engine, "before_cursor_execute", count)
        if reply.status_code != 302:
            raise RuntimeError(f"submit to {path}: HTTP {reply.status_code}")
    return seen

"""Moved to support/live.py (bench/ uses it too); this old path serves tests written
before the move. Import from support.live."""

from support.live import (
    BIN,
    TEST_SECRET_KEY,
    Planner,
    checklistor,
    free_port,
    gunicorn,
    link_path,
    service_env,
    stop,
    sync_worker,
    wait_until_up,
)

__all__ = [
    "BIN",
    "TEST_SECRET_KEY",
    "Planner",
    "checklistor",
    "free_port",
    "gunicorn",
    "link_path",
    "service_env",
    "stop",
    "sync_worker",
    "wait_until_up",
]

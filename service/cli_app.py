"""What a `checklistor` command works on: one helper for every command module.

A command gets the app (or, for the sync worker, only the runtime) from the click
context's object when one is given there (tests pass their app, or Flask's
`app.test_cli_runner()` a ScriptInfo), and otherwise builds it once per command line from
the environment (service/settings.py).
"""

from __future__ import annotations

import os

import click
from flask import Flask
from flask.cli import ScriptInfo

from service.runtime import EXTENSION, Runtime, build, runtime_of
from service.settings import Settings

MADE = "checklistor.app"  # click's per-command-line store (ctx.meta), not Flask's


def command_app(*, check_schema: bool = True) -> Flask:
    """The command's app: the one given to the click context, else one made now.

    check_schema=False for commands that must open an outdated database (db, backup)."""
    ctx = click.get_current_context()
    given = ctx.find_object(Flask)
    if given is not None:
        return given
    info = ctx.find_object(ScriptInfo)
    if info is not None:
        return info.load_app()
    made: dict[bool, Flask] = ctx.meta.setdefault(MADE, {})
    if check_schema not in made:
        from service import create_app

        made[check_schema] = create_app(check_schema=check_schema)
    return made[check_schema]


def command_runtime() -> Runtime:
    """The runtime alone (the sync worker): from a given app, or built without Flask."""
    ctx = click.get_current_context()
    given = ctx.find_object(Runtime)
    if given is not None:
        return given
    if ctx.find_object(Flask) is not None or ctx.find_object(ScriptInfo) is not None:
        return runtime_of(command_app())
    made = ctx.meta.get(MADE, {}).get(True)
    if made is not None and EXTENSION in made.extensions:
        return runtime_of(made)
    key = f"{MADE}.runtime"
    if key not in ctx.meta:
        ctx.meta[key] = build(Settings.from_env(os.environ))
    runtime: Runtime = ctx.meta[key]
    return runtime

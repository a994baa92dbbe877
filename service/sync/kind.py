"""What a kind of sink declares: its typed settings, its description and its limits.

A kind is one module with one `SinkKind` value; `service.sync.registry` lists the kinds.
The organisations file names a kind's settings under an organisation's `spreadsheet:`;
they are checked at start-up, field by field, against the kind's settings dataclass, so a
typo stops the service with one Swedish line that names the organisation and the field.
"""

from __future__ import annotations

import dataclasses
import time
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from service.settings import Settings
from service.sync.sinks import Sink

TYPE_WORDS = {str: "text", int: "ett heltal", float: "ett tal", bool: "true eller false"}


class SettingsError(ValueError):
    """A setting that cannot be used; `field` is its name under `spreadsheet:`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def setting(help: str, default: Any = dataclasses.MISSING) -> Any:
    """A settings field with its Swedish explanation (shown in start-up errors).

    Without `default` the field is required."""
    return field(default=default, metadata={"help": help})


@dataclass
class Context:
    """What a sink may need from the running service; one per worker."""

    settings: Settings
    sleep: Callable[[float], None] = time.sleep
    # Test seams by kind name, e.g. a transport adapter for Google.
    seams: Mapping[str, Any] = field(default_factory=dict)
    # Clients a worker keeps between passes (tokens, connections), by kind name.
    clients: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SinkKind:
    """One kind of spreadsheet mirror.

    `markers` are settings keys that choose this kind when `kind:` is not given.
    `cell_limit` is the longest text a cell takes; `dates_as_text` whether dates and times
    are sent as text (Google's RAW input) rather than as real dates.
    """

    name: str
    label: str  # Swedish, as people read it: "Microsoft 365 (Excel)"
    settings: type
    markers: tuple[str, ...]
    cell_limit: int
    dates_as_text: bool
    describe: Callable[[Any, str, Context], str]  # (settings, organisation slug, context)
    build: Callable[[Any, str, Context], Sink]


@dataclass(frozen=True)
class Target:
    """An organisation's spreadsheet: the kind and its checked settings."""

    kind: SinkKind
    settings: Any

    def describe(self, slug: str, context: Context) -> str:
        return self.kind.describe(self.settings, slug, context)

    def build(self, slug: str, context: Context) -> Sink:
        return self.kind.build(self.settings, slug, context)


def parse_settings(kind: SinkKind, raw: Mapping[str, Any]) -> Any:
    """`raw` (the YAML mapping) as the kind's settings dataclass, or SettingsError."""
    fields = {f.name: f for f in dataclasses.fields(kind.settings)}
    hints = typing.get_type_hints(kind.settings)
    for key in raw:
        if key != "kind" and key not in fields:
            known = ", ".join(fields) or "inga"
            raise SettingsError(str(key), f"okänd inställning för {kind.label} (möjliga: {known})")
    values: dict[str, Any] = {}
    for name, spec in fields.items():
        if name not in raw or raw[name] is None:
            if spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
                raise SettingsError(name, f"saknas ({_help(spec)})")
            continue
        values[name] = _coerce(name, raw[name], hints[name], spec)
    settings = kind.settings(**values)
    check = getattr(settings, "check", None)
    if check is not None:
        check()
    return settings


def _help(spec: dataclasses.Field[Any]) -> str:
    return str(spec.metadata.get("help", spec.name))


def _coerce(name: str, value: Any, hint: Any, spec: dataclasses.Field[Any]) -> Any:
    target = next((t for t in typing.get_args(hint) if t is not type(None)), hint)
    if target is str and isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value).strip()
        if text:
            return text
    elif isinstance(value, bool):
        if target is bool:
            return value
    elif target is int and isinstance(value, int):
        return value
    elif target is float and isinstance(value, int | float):
        return float(value)
    raise SettingsError(name, f"ska vara {TYPE_WORDS.get(target, target)} ({_help(spec)})")

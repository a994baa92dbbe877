"""The kinds of sink, by name; an organisation's `spreadsheet:` setting resolved to one.

Adding a kind is one module declaring a `SinkKind` and one line in `BUILT_IN` below. The
worker knows only the `Sink` protocol and `Target`; the organisations file is checked
here at start-up, so a wrong setting never reaches a sync pass.

    spreadsheet: {google_key: 1AbC…}                        -> google (its marker)
    spreadsheet: {drive_id: b!…, item_id: 01…}              -> microsoft
    spreadsheet: {kind: microsoft, sharing_url: https://…}  -> microsoft (named)
    (none)                                                  -> xlsx, the embedded default
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.sync.kind import SettingsError, SinkKind, Target, parse_settings
from service.sync.sinks import graph, kinds

BUILT_IN: tuple[SinkKind, ...] = (
    kinds.XLSX,
    kinds.GOOGLE,
    graph.KIND,
)
DEFAULT = "xlsx"

KINDS: dict[str, SinkKind] = {}


def register(kind: SinkKind) -> SinkKind:
    """Make `kind` choosable in the organisations file (a second one by name replaces it)."""
    KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    KINDS.pop(name, None)


for _kind in BUILT_IN:
    register(_kind)


def kind_for(raw: Mapping[str, Any]) -> SinkKind:
    """The kind named by `kind:`, else the one whose marker key is present, else the default."""
    named = raw.get("kind")
    if named is not None:
        if named not in KINDS:
            raise SettingsError("kind", f"'{named}' finns inte; möjliga: {', '.join(KINDS)}")
        return KINDS[str(named)]
    chosen = [kind for kind in KINDS.values() if any(m in raw for m in kind.markers)]
    if len(chosen) > 1:
        names = " och ".join(k.label for k in chosen)
        raise SettingsError("kind", f"inställningarna passar både {names}; ange kind:")
    return chosen[0] if chosen else KINDS[DEFAULT]


def target(raw: Mapping[str, Any] | None) -> Target:
    """An organisation's `spreadsheet:` mapping, checked; SettingsError names the field."""
    raw = raw or {}
    kind = kind_for(raw)
    return Target(kind, parse_settings(kind, raw))


def default_target() -> Target:
    return target({})

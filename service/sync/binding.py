"""Which worksheet belongs to which checklist: found by the binding cell, never by title.

Every mirrored worksheet carries `form:<checklist id>` in its hidden key row. A pass
looks for that cell first; the tab's title is then only set to what the checklist is
called now (a renamed checklist renames its tab). A mirror written before bindings
existed is adopted: an unbound mirror (its key row has `response_id`) whose title is
one the checklist has had. Titles are compared as Excel and Google compare them,
ignoring case. Worked example, the checklist's short title went from "Detaljplan" to
"DetaljPlan" and older code left the tabs

    0 "Detaljplan"   (unbound mirror, all rows)   -> kept, bound, renamed "DetaljPlan"
    1 "DetaljPlan1"  (unbound mirror, newer rows) -> a split: dropped if it holds
                                                     nothing but the sync's own cells
    2 "Anteckningar" (people's own tab)           -> untouched

and the tab that is kept then receives every response again (`sync --all`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from exports.sheetnames import MAX_SHEET_NAME, clean_sheet_name
from service.sync.mirror import BINDING_PREFIX, KEY_ROW, SheetBatch


@dataclass
class Tab:
    """One worksheet as the sink found it: position, title and hidden key row."""

    index: int
    title: str
    keys: dict[int, str]

    @property
    def binding(self) -> str:
        return next((k for k in self.keys.values() if k.startswith(BINDING_PREFIX)), "")

    @property
    def is_mirror(self) -> bool:
        return "response_id" in self.keys.values()


@dataclass
class Placement:
    """Where one batch goes: an existing tab (None: create one) and the title it must have."""

    batch: SheetBatch
    tab: Tab | None
    title: str
    splits: list[Tab] = field(default_factory=list)  # older copies of the same mirror


def key_row(cells: Mapping[int, Any]) -> dict[int, str]:
    return {c: str(v).strip() for c, v in cells.items() if v not in (None, "")}


def _same_title(title: str, names: set[str]) -> bool:
    """`title` is one of `names` ignoring case, or one with openpyxl's or our suffix."""
    folded = title.casefold()
    if folded in names:
        return True
    match = re.fullmatch(r"(.*?)(?:\d+| \(\d+\))", folded)
    return bool(match and match.group(1) in names)


def _item_keys(keys: Sequence[str]) -> set[str]:
    return {k for k in keys if k.startswith(("item:", "comment:"))}


def place(tabs: Sequence[Tab], batches: Sequence[SheetBatch]) -> list[Placement]:
    """Each batch's worksheet (bound, else adopted, else new) and its unique title."""
    used: set[int] = set()
    placements: list[Placement] = []
    for batch in batches:
        bound = [t for t in tabs if t.binding == batch.binding and t.index not in used]
        names = {n.casefold() for n in (batch.title, *batch.former_titles)}
        ours = _item_keys([c.key for c in batch.columns])

        def adoptable(tab: Tab, names: set[str] = names, ours: set[str] = ours) -> bool:
            theirs = _item_keys(list(tab.keys.values()))
            return (
                tab.index not in used
                and not tab.binding
                and tab.is_mirror
                and _same_title(tab.title, names)
                and (not theirs or bool(theirs & ours))
            )

        unbound = [t for t in tabs if adoptable(t)]
        candidates = bound or unbound
        chosen = candidates[0] if candidates else None
        splits = [t for t in unbound if t is not chosen]
        for tab in [chosen, *splits]:
            if tab is not None:
                used.add(tab.index)
        placements.append(Placement(batch, chosen, batch.title, splits))
    return placements


def assign_titles(tabs: Sequence[Tab], placements: list[Placement], dropped: set[int]) -> None:
    """Titles that differ, ignoring case, from every tab that stays and is not placed."""
    managed = {p.tab.index for p in placements if p.tab} | dropped
    taken = {t.title.casefold() for t in tabs if t.index not in managed}
    for placement in placements:
        placement.title = _free(placement.title, taken.__contains__)
        taken.add(placement.title.casefold())


def _free(wanted: str, taken: Callable[[str], bool]) -> str:
    base = clean_sheet_name(wanted)
    name, n = base, 1
    while taken(name.casefold()):
        n += 1
        suffix = f" ({n})"
        name = base[: MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
    return name


def only_sync_cells(grid: Mapping[int, Mapping[int, Any]]) -> bool:
    """Every value lies in a column the sync keyed: a split copy that may be dropped."""
    keyed = {c for c, v in grid.get(KEY_ROW, {}).items() if v not in (None, "")}
    return all(set(cells) <= keyed for cells in grid.values())

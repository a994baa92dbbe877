"""The items of one checklist across its versions: number, wording, section, versions.

Order follows the shared column layout (exports.columns): the newest version's items,
then items no longer asked. The heat map groups them by section, the codebook lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from forms import Form


@dataclass(frozen=True)
class ItemInfo:
    id: str
    number: int | None  # position in the newest version; None when no longer asked
    question: str  # the newest wording
    section_id: str
    section_title: str
    versions: tuple[int, ...]  # form versions the item appears in, oldest first
    earlier_wordings: tuple[str, ...] = ()

    @property
    def removed(self) -> bool:
        return self.number is None

    @property
    def label(self) -> int | str:
        """The item's number for a sheet, or a dash for an item no longer asked."""
        return self.number if self.number is not None else "–"


def item_infos(versions: Sequence[Form]) -> list[ItemInfo]:
    """Every item asked in any of `versions`, newest version's order first."""
    newest_first = sorted(versions, key=lambda f: f.version, reverse=True)
    in_versions: dict[str, list[int]] = {}
    wordings: dict[str, list[str]] = {}
    for form in reversed(newest_first):
        for item in form.items:
            in_versions.setdefault(item.id, []).append(form.version)
            seen = wordings.setdefault(item.id, [])
            if item.question not in seen:
                seen.append(item.question)

    infos: list[ItemInfo] = []
    done: set[str] = set()
    for rank, form in enumerate(newest_first):
        titles = {s.id: s.title for s in form.sections}
        for number, item in enumerate(form.items, 1):
            if item.id in done:
                continue
            done.add(item.id)
            earlier = tuple(w for w in wordings[item.id] if w != item.question)
            infos.append(
                ItemInfo(
                    item.id,
                    number if rank == 0 else None,
                    item.question,
                    item.section_id,
                    titles[item.section_id],
                    tuple(in_versions[item.id]),
                    earlier,
                )
            )
    return infos


def by_section(infos: Sequence[ItemInfo]) -> list[tuple[str, list[ItemInfo]]]:
    """(section title, items) in order of first appearance; removed items stay in their section."""
    groups: dict[str, tuple[str, list[ItemInfo]]] = {}
    for info in infos:
        groups.setdefault(info.section_id, (info.section_title, []))[1].append(info)
    return list(groups.values())

"""Synthetic responses for the benchmarks: realistic text lengths, cheap to make, lazy.

Text is cut from one Swedish corpus at random offsets and lengths, so making a record
costs a few slices rather than hundreds of random words, and the generator is never
what dominates a benchmark's time or memory.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from forms import Catalogue, Form, load_catalogue
from forms.catalogue import DEFINITIONS_DIR

ORGANISATIONS = Path(__file__).parent.parent / "service" / "organisations.yaml"
SAMPLE = (
    "hållplatsen ligger inom gångavstånd från de flesta bostäderna men passagen över "
    "huvudgatan saknar belysning och behöver ses över inför granskning bussen kan vända "
    "vid skolan om gatan breddas linjen trafikeras varje halvtimme vardagar kommunen och "
    "Blekingetrafiken har haft samråd om turtätheten planområdet ansluter till stråket "
    "mot centrum cykelparkering finns vid stationen snöröjningen av busstråken är "
    "beaktad i driftavtalet kurvradierna klarar boggibuss enligt trafikutredningen "
    "etapp två byggs först när linjen förlängts diarienummer och beslut finns i protokollet"
)
# Answers as planners give them: mostly Ja, some Delvis and Nej, a few not relevant.
ANSWERS = ["ja"] * 9 + ["delvis"] * 5 + ["nej"] * 4 + ["ej_aktuellt"] * 2


@functools.cache
def corpus(seed: int = 7, size: int = 400_000) -> str:
    rng = random.Random(seed)
    vocabulary = SAMPLE.split()
    words: list[str] = []
    length = 0
    while length < size:
        word = rng.choice(vocabulary)
        if rng.random() < 0.08:
            word += "."
        elif rng.random() < 0.06:
            word += ","
        words.append(word)
        length += len(word) + 1
    return " ".join(words)


class TextMaker:
    """Slices of the corpus with lengths like real comments (mostly short, a long tail)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.text = corpus()

    def text_of(self, low: int, high: int) -> str:
        n = self.rng.randint(low, high)
        start = self.rng.randrange(len(self.text) - n)
        return self.text[start : start + n].strip().capitalize() or "Ja"

    def comment(self) -> str:
        roll = self.rng.random()
        if roll < 0.6:
            return self.text_of(15, 120)
        if roll < 0.95:
            return self.text_of(120, 600)
        return self.text_of(600, 2500)


def two_versions(folder: Path) -> Catalogue:
    """The shipped checklists plus a version 2 of each: one item dropped, one added, one reworded."""
    for path in sorted(DEFINITIONS_DIR.glob("*.yaml")):
        shutil.copy(path, folder / path.name)
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["version"] = int(data["version"]) + 1
        sections = data["sections"]
        dropped = sections[0]["items"].pop()
        sections[-1]["items"].append(
            {
                "id": f"{dropped['id']}_ny",
                "question": "Är kollektivtrafiken med i planens genomförandebeskrivning?",
            }
        )
        first = sections[-1]["items"][0]
        first["question"] = first["question"].rstrip("?") + " enligt gällande riktlinjer?"
        target = folder / f"{path.stem}-v{data['version']}.yaml"
        target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_catalogue(folder)


def org_names() -> dict[str, str]:
    data = yaml.safe_load(ORGANISATIONS.read_text(encoding="utf-8"))
    return {o["slug"]: o["name"] for o in data["organisations"]}


def submission_data(form: Form, text: TextMaker) -> dict[str, Any]:
    """A complete response as stored: {"metadata": {...}, "answers": {...}}."""
    rng = text.rng
    metadata: dict[str, str] = {}
    for spec in form.metadata:
        if spec.type in ("choice", "multichoice"):
            metadata[spec.id] = rng.choice(spec.choices).value
        elif spec.type == "date":
            metadata[spec.id] = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        elif spec.type == "integer":
            metadata[spec.id] = str(rng.randint(0, 900))
        elif spec.type == "email":
            metadata[spec.id] = f"planerare{rng.randint(1, 99)}@kommun.se"
        elif spec.type == "textarea":
            metadata[spec.id] = text.text_of(80, 500)
        else:
            metadata[spec.id] = text.text_of(8, 45)
    answers: dict[str, dict[str, str]] = {}
    for item in form.items:
        comment = text.comment() if rng.random() < 0.35 else ""
        answers[item.id] = {"value": rng.choice(ANSWERS), "comment": comment}
    return {"metadata": metadata, "answers": answers}


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if n < total % parts else 0) for n in range(parts)]


def records(catalogue: Catalogue, form_id: str, count: int, seed: int = 1) -> Iterator[Any]:
    """`count` submitted ResponseRecords to one checklist, by organisation then date, lazily.

    The order is the export query's (organisation, date); 40 % answer version 1, the
    rest the newest version, the older ones earlier in time.
    """
    from exports.records import ResponseRecord

    rng = random.Random(f"{seed}-{form_id}")
    text = TextMaker(rng)
    versions = catalogue.versions(form_id)
    start = dt.datetime(2024, 1, 8, 8, 0)
    for org, n in zip(sorted(org_names()), split(count, 8), strict=True):
        step = dt.timedelta(days=900) / max(n, 1)
        for i in range(n):
            form = versions[0] if i < n * 0.4 else versions[-1]
            moment = start + step * i
            revision = rng.choice((1, 1, 1, 2, 3))
            yield ResponseRecord(
                id=f"{form_id[:3]}{org[:4]}{i:07d}",
                org=org,
                form_id=form_id,
                form_version=form.version,
                status="submitted",
                revision=revision,
                updated_at=moment + dt.timedelta(days=revision - 1),
                submitted_at=moment,
                data=submission_data(form, text),
            )

"""Keyboard-only helpers: move with Tab, choose with arrows and Space, act with Enter.

Nothing here clicks or sets values from script; every value is typed or chosen the way a
keyboard user does, and every step checks where the focus landed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from forms import Form
from forms.model import Field, Item

MATCHES = "(s) => document.activeElement && document.activeElement.matches(s)"
DESCRIBE = "() => { const e = document.activeElement; return e ? e.outerHTML.slice(0, 120) : '' }"


def tab_to(page: Any, selector: str, limit: int = 400, back: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`."""
    key = "Shift+Tab" if back else "Tab"
    for _ in range(limit):
        if page.evaluate(MATCHES, selector):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{selector} not reached by {key}; focus is on {page.evaluate(DESCRIBE)}")


def activate(page: Any, selector: str) -> None:
    """Tab to a link or button and press Enter, waiting for the page it loads."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_field(page: Any, spec: Field, value: str) -> None:
    """Tab to a metadata field and enter `value` as a keyboard user would."""
    tab_to(page, f"#{spec.input_name}")
    if spec.type == "choice":
        # A closed select jumps to the option whose label starts with what is typed
        # (a space would open the list instead, so type the shortest unique start).
        page.keyboard.type(unique_prefix(spec.choice_label(value), [c.label for c in spec.choices]))
    elif spec.type == "date":
        day = dt.date.fromisoformat(value)
        # Chromium's date control here takes month, day, year (its en-US layout).
        page.keyboard.type(f"{day:%m%d%Y}")
    else:
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
    actual = page.eval_on_selector(f"#{spec.input_name}", "(e) => e.value")
    assert actual == value, f"{spec.id}: typed {value!r}, field holds {actual!r}"


def unique_prefix(label: str, labels: list[str]) -> str:
    for end in range(1, len(label) + 1):
        start = label[:end].lower()
        if sum(other.lower().startswith(start) for other in labels) == 1:
            assert " " not in start, f"{label!r} has no unique start without a space"
            return label[:end]
    raise AssertionError(f"{label!r} is not unique")


def choose(page: Any, item: Item, value: str) -> None:
    """Tab into an item's radio group and pick `value` with Space or the arrow keys."""
    tab_to(page, f'input[name="{item.answer_name}"]')
    values = [c.value for c in item.choices]
    checked = checked_value(page, item)
    if checked is None:
        # Focus lands on the first option (the last when coming backwards): Space picks
        # it, then each arrow moves on and picks the next, wrapping round.
        page.keyboard.press("Space")
        checked = checked_value(page, item)
        assert checked is not None, f"{item.id}: Space chose nothing"
    steps = (values.index(value) - values.index(checked)) % len(values)
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
    assert checked_value(page, item) == value, f"{item.id}: {value} not chosen"


def checked_value(page: Any, item: Item) -> str | None:
    value: str | None = page.evaluate(
        "(n) => { const e = document.querySelector(`input[name='${n}']:checked`);"
        " return e ? e.value : null }",
        item.answer_name,
    )
    return value


def comment(page: Any, item: Item, text: str) -> None:
    """Type a comment; an empty comment box first opens with its Lägg till kommentar button."""
    if page.locator(f"#{item.comment_name}").is_hidden():
        tab_to(page, f"#item-{item.id} .add-comment")
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == item.comment_name
    else:
        tab_to(page, f"#{item.comment_name}")
    page.keyboard.type(text)


def send(page: Any) -> None:
    """Fortsätt to Kontrollera dina svar, then Skicka in, by keyboard."""
    activate(page, 'button[value="review"]')
    assert "/kontrollera" in page.url, page.url
    activate(page, 'button[value="submit"]')


def planned_answer(item: Item, n: int) -> str:
    """A varied but repeatable answer for the n-th item."""
    return item.choices[n % len(item.choices)].value


def metadata_values(form: Form, org: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for spec in form.metadata:
        if spec.type == "choice":
            values[spec.id] = spec.choices[-1].value
        elif spec.type == "date":
            values[spec.id] = "2026-03-15"
        elif spec.type == "email":
            values[spec.id] = f"planerare@{org}.se"
        elif spec.type == "integer":
            values[spec.id] = "120"
        else:
            values[spec.id] = f"{spec.label} för {form.short_title}"
    return values


def field_value(page: Any, name: str) -> str:
    value: str = page.eval_on_selector(f"#{name}", "(e) => e.value")
    return value

"""A complete, valid set of posted fields for a checklist, as a planner would send it."""

from __future__ import annotations

from forms import Form


def complete_answers(
    form: Form,
    value: str = "ja",
    *,
    text: str | None = None,
    email: str = "planerare@karlskrona.se",
    number: str = "120",
) -> dict[str, str]:
    """Posted fields of a complete, valid response to `form`.

    Text fields get `text`, or by default "Test <label>".
    """
    data: dict[str, str] = {}
    for spec in form.metadata:
        if spec.type == "choice":
            data[spec.input_name] = spec.choices[0].value
        elif spec.type == "date":
            data[spec.input_name] = "2026-03-15"
        elif spec.type == "email":
            data[spec.input_name] = email
        elif spec.type == "integer":
            data[spec.input_name] = number
        else:
            data[spec.input_name] = text or f"Test {spec.label}"
    for n, item in enumerate(form.items):
        data[item.answer_name] = value
        data[item.comment_name] = f"Kommentar {n}" if n % 3 == 0 else ""
    return data

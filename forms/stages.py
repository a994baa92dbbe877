"""A plan's stages: the order the checklist's `stage` choices give, and the next one."""

from __future__ import annotations

from forms.model import Choice, Form

STAGE_FIELD = "stage"


def stages(form: Form) -> tuple[Choice, ...]:
    """The stages of `form` in the order of its `stage` field (empty if it has none)."""
    spec = form.find_field(STAGE_FIELD)
    return spec.choices if spec is not None else ()


def stage_label(form: Form, code: str | None) -> str:
    """The label of a stage code, or the code itself when the form no longer offers it."""
    if not code:
        return ""
    return next((c.label for c in stages(form) if c.value == code), code)


def stage_position(form: Form, code: str | None) -> int:
    """Where a stage comes in the order; unknown or missing stages sort last."""
    codes = [c.value for c in stages(form)]
    return codes.index(code) if code in codes else len(codes)


def next_stage(form: Form, current: str | None) -> Choice | None:
    """The stage after `current`; the first stage when there is none; None after the last.

    Worked example for the detaljplan (planbesked, planuppdrag, samrad, …, laga_kraft):
    next_stage(dp, "samrad") is Underrättelse, next_stage(dp, None) is Planbesked and
    next_stage(dp, "laga_kraft") is None.
    """
    order = stages(form)
    if not order:
        return None
    if current is None:
        return order[0]
    codes = [c.value for c in order]
    if current not in codes:
        return None
    position = codes.index(current)
    return order[position + 1] if position + 1 < len(order) else None

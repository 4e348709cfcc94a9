"""A draft placed in a registry: the prompt file's mapping, in promptreg's field order.

Here the registry's settings decide what the source cannot: the id (namespace plus the
draft's name), an owner and a model promptreg.yaml lists, the tier. Every variable is
typed and untrusted; every compromise made here joins the draft's notes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from promptreg.core.config import Settings
from promptreg.core.model import TIERS
from promptreg.importers.draft import Draft, Note

VAR_TYPES = ("string", "integer", "number", "boolean", "array", "object")
_RANGES = {"temperature": (0, 2), "top_p": (0, 1)}
_CHECKS = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def _model(draft: Draft, settings: Settings, notes: list[Note]) -> dict[str, Any]:
    listed = list(settings.models)
    name = draft.model if draft.model in settings.models else (listed[0] if listed else "")
    if draft.model and draft.model != name:
        notes.append(
            Note(
                draft.source,
                draft.line,
                f"the source's model {draft.model!r} is not "
                f"listed in promptreg.yaml; the draft uses {name!r}",
            )
        )
    model: dict[str, Any] = {"name": name}
    for key in ("temperature", "top_p", "max_output_tokens", "seed"):
        value = draft.settings.get(key)
        if value is None:
            continue
        low, high = _RANGES.get(key, (0 if key == "max_output_tokens" else None, None))
        number = isinstance(value, int | float) and not isinstance(value, bool)
        integer = key in ("max_output_tokens", "seed")
        if (
            not number
            or (integer and not isinstance(value, int))
            or (low is not None and value < low)
            or (high is not None and value > high)
        ):
            notes.append(
                Note(
                    draft.source,
                    draft.line,
                    f"model setting {key}={value!r} is out of range for promptreg and was left out",
                )
            )
            continue
        model[key] = value
    return model


def _variables(draft: Draft, notes: list[Note]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for var in draft.variables:
        kind = var.type if var.type in VAR_TYPES else "string"
        entry: dict[str, Any] = {
            "type": kind,
            "description": var.description.strip()
            or f"Imported from {draft.format}; say what the caller passes.",
        }
        if var.has_default:
            if _CHECKS[kind](var.default):
                entry["required"] = False
                entry["default"] = var.default
            else:
                notes.append(
                    Note(
                        draft.source,
                        draft.line,
                        f"the default of {var.name} is not "
                        f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}; it was left out",
                    )
                )
        elif not var.required:
            entry["required"] = False
        if var.enum:
            entry["enum"] = list(var.enum)
        entry["trusted"] = False
        out[var.name] = entry
    return out


def _evals(draft: Draft) -> list[dict[str, Any]]:
    names: set[str] = set()
    cases = []
    for case in draft.evals:
        name, number = case.name or "case", 2
        while name in names:
            name, number = f"{case.name} {number}", number + 1
        names.add(name)
        cases.append(
            {"name": name, "vars": dict(case.vars), "assert": [dict(a) for a in case.asserts]}
        )
    return cases


def draft_mapping(
    draft: Draft,
    prompt_id: str,
    settings: Settings,
    *,
    owner: str,
    tier: int,
    today: dt.date | None = None,
) -> tuple[dict[str, Any], list[Note]]:
    """The prompt file's data, and every note for the author (the draft's and these)."""
    notes = list(draft.notes)
    if tier not in TIERS:
        raise ValueError(f"tier {tier} is not 1, 2 or 3")
    day = (today or dt.date.today()).isoformat()
    data: dict[str, Any] = {
        "id": prompt_id,
        "version": "0.1.0",
        "title": draft.title[:120] or prompt_id,
        "description": draft.description.strip() or f"Imported from {draft.source.name}.",
        "owner": owner,
        "tier": tier,
        "status": "draft",
    }
    tags = sorted(
        {t.lower() for t in draft.tags if t and t.replace("-", "").isalnum() and t.isascii()}
    )
    if tags:
        data["tags"] = tags
    data["model"] = _model(draft, settings, notes)
    variables = _variables(draft, notes)
    if variables:
        data["variables"] = variables
    data["messages"] = [{"role": role, "content": content} for role, content in draft.messages]
    if draft.output:
        data["output"] = draft.output
    evals = _evals(draft)
    if evals:
        data["evals"] = evals
    summary = f"Imported from {draft.source.name} ({draft.format})."
    if draft.history:
        summary += " Source history: " + "; ".join(draft.history) + "."
    data["changelog"] = [{"version": "0.1.0", "date": day, "summary": summary}]
    return data, notes

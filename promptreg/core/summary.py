"""A prompt as JSON for tools: the entry `promptreg list` prints, and what `show` adds.

The shape is a contract with scripts that read it (fields are added, never renamed), so
it is built in one place over the model, whatever command or view prints it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from promptreg.core.model import PromptSpec
from promptreg.core.paths import relative_path


def summary_json(spec: PromptSpec) -> dict[str, Any]:
    return {
        "id": spec.id,
        "version": spec.version,
        "title": spec.title,
        "tier": spec.tier,
        "status": spec.status,
        "owner": spec.owner,
        "tags": list(spec.tags),
        "model": spec.model.name,
        "content_hash": spec.content_hash,
        # As lint names files: relative to the working directory when the file is below it.
        "path": relative_path(spec.path) if spec.path else None,
    }


def served_json(refusal: str | None) -> dict[str, Any]:
    """Whether the SDK's `get` serves the prompt, and why not: `status: approved` alone
    does not say it (an edit after the approval makes it stale)."""
    return {"served": refusal is None, "refusal": refusal}


def not_served_note(specs: Sequence[PromptSpec], refusals: Sequence[str | None]) -> str:
    """One line per listed prompt the SDK would refuse, with the reason ('' if none)."""
    lines = [
        f"  {spec.id}: {why}" for spec, why in zip(specs, refusals, strict=True) if why is not None
    ]
    return "not served by the SDK:\n" + "\n".join(lines) + "\n" if lines else ""


def details_json(
    spec: PromptSpec, refusal: str | None, evals: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The summary, whether the SDK serves the prompt, its eval state, and the file's data.

    `refusal` (governance's `serving_refusal`) and `evals` (governance's `eval_report`)
    are passed in so that the shape stays next to the model and a caller showing both
    forms asks once.
    """
    details: dict[str, Any] = {**summary_json(spec), **served_json(refusal)}
    if evals is not None:
        details["evals"] = dict(evals)
    details["data"] = dict(spec.data)
    return details

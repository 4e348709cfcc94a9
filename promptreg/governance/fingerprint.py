"""What one eval result is evidence of: the fingerprint of a case as it would run now.

A result counts for a prompt only while its fingerprint equals the one computed from
the files today: the prompt's content hash, the case (its variables and assertions),
the model the endpoint is asked for with the request parameters, the judge prompt's
content (for cases it grades), the runner's grading rules and the repeat index. Any
edit to one of them makes the old results evidence of something else; an edit to
metadata (a description, an approval, the endpoint's address) leaves them standing.

The recipe lives here, below the linter, because the eval rules compute fingerprints
offline; `promptreg test` computes them with the same functions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from promptreg.core.config import Settings
from promptreg.core.errors import PromptregError
from promptreg.core.evalsettings import Endpoint
from promptreg.core.hashing import canonical_json
from promptreg.core.model import EvalCase, PromptSpec

# typing costs ~15 ms to import and the SDK path needs it only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

RUNNER_VERSION = 1
"""Raised when the way answers are requested or graded changes, so that results graded
by older rules stop counting. Not the package version: a release that changes nothing
about grading must not void every recorded result."""

JUDGED = "llm-rubric"
"""The assertion type whose verdict comes from the judge prompt."""


def _digest(value: Any) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def case_data(case: EvalCase) -> dict[str, Any]:
    """The parts of a case that change what is asked or how it is graded; its
    description is left out."""
    asserts = []
    for item in case.asserts:
        entry: dict[str, Any] = {"type": item.type}
        if item.value is not None:
            entry["value"] = item.value
        if item.threshold is not None:
            entry["threshold"] = item.threshold
        asserts.append(entry)
    return {"name": case.name, "vars": dict(case.vars), "assert": asserts}


def case_hash(case: EvalCase) -> str:
    return _digest(case_data(case))


def request_parameters(spec: PromptSpec, endpoint: Endpoint) -> dict[str, Any]:
    """The request's settings besides the model and the messages."""
    model = spec.model
    parameters: dict[str, Any] = {"api": endpoint.api}
    for name in ("temperature", "top_p", "max_output_tokens", "seed"):
        value = getattr(model, name)
        if value is not None:
            parameters[name] = value
    if spec.output is not None:
        parameters["output_format"] = spec.output.format
    return parameters


def fingerprint(
    *,
    content_hash: str,
    case_hash: str,
    model: str,
    parameters: Mapping[str, Any],
    judge: str,
    repeat: int,
    runner: int = RUNNER_VERSION,
) -> str:
    """`sha256:<hex>` over exactly the parts that make a result evidence of something."""
    return _digest(
        {
            "content": content_hash,
            "case": case_hash,
            "model": model,
            "parameters": dict(parameters),
            "judge": judge,
            "runner": runner,
            "repeat": repeat,
        }
    )


def needs_judge(case: EvalCase) -> bool:
    return any(item.type == JUDGED for item in case.asserts)


class JudgeMissingError(PromptregError):
    """An llm-rubric case needs the judge prompt, and promptreg.yaml names none that loads."""


def judge_spec(settings: Settings) -> PromptSpec:
    from promptreg.core.tree import spec_by_id  # only prompts with llm-rubric cases need it

    judge = settings.evals.judge
    if judge is None:
        raise JudgeMissingError(
            "an llm-rubric assertion needs a judge prompt, and promptreg.yaml names none",
            hint="add `evals: {judge: NAMESPACE/NAME}` naming a registry prompt that grades "
            "an answer against a rubric (docs/evals.md shows one)",
        )
    try:
        return spec_by_id(settings, judge)
    except PromptregError as exc:
        raise JudgeMissingError(
            f"the judge prompt {judge!r} (evals.judge) cannot be used: {exc.message}",
            hint=exc.hint,
        ) from None


def judge_identity(judge: PromptSpec, endpoint: Endpoint) -> str:
    """The judge's part of a fingerprint: its content and the model that runs it."""
    return f"{judge.content_hash}@{endpoint.model_for(judge.model.name)}"


@dataclass(frozen=True, slots=True)
class CaseKey:
    """One case of a prompt, with everything its fingerprints are made of."""

    index: int
    name: str
    content_hash: str
    case_hash: str
    model: str
    parameters: Mapping[str, Any]
    judge: str

    def fingerprint(self, repeat: int) -> str:
        return fingerprint(
            content_hash=self.content_hash,
            case_hash=self.case_hash,
            model=self.model,
            parameters=self.parameters,
            judge=self.judge,
            repeat=repeat,
        )

    def components(self) -> dict[str, Any]:
        return {
            "content_hash": self.content_hash,
            "case_hash": self.case_hash,
            "model": self.model,
            "parameters": dict(self.parameters),
            "judge": self.judge,
            "runner": RUNNER_VERSION,
        }


def case_keys(
    spec: PromptSpec,
    settings: Settings,
    endpoint: Endpoint | None = None,
    judge: PromptSpec | None = None,
) -> list[CaseKey]:
    """The keys of every case of `spec` as it would run now on `endpoint` (default: the
    configured one). The judge prompt is loaded only when a case needs it."""
    endpoint = endpoint or settings.evals.default_endpoint()
    model = endpoint.model_for(spec.model.name)
    parameters = request_parameters(spec, endpoint)
    judged = ""
    if any(needs_judge(case) for case in spec.evals):
        judged = judge_identity(judge or judge_spec(settings), endpoint)
    return [
        CaseKey(
            index=index,
            name=case.name,
            content_hash=spec.content_hash,
            case_hash=case_hash(case),
            model=model,
            parameters=parameters,
            judge=judged if needs_judge(case) else "",
        )
        for index, case in enumerate(spec.evals)
    ]

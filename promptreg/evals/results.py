"""Writing a prompt's results file once all its cases have answers.

Each file is written whole, atomically, when the last of its prompt's cases is graded:
an interrupted run leaves every file as it was or complete, never half. Results of
cases not run this time (`--case`) are kept when they still match the case's current
fingerprint; anything else in the old file is evidence of content that no longer
exists, and git history keeps it.

What the model answered is written as it is only where the prompt's `logging` is
`full`; `metadata` keeps it with secrets and personal data redacted, and `none` keeps
no answer at all. Assertion details quote the answer, so they get the same treatment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from promptreg.core.config import Settings
from promptreg.core.fs import atomic_write
from promptreg.core.model import PromptSpec
from promptreg.evals.redaction import Redactor, redact
from promptreg.governance.evidence import (
    AssertionResult,
    CaseResult,
    ResultsFile,
    ResultsFormatError,
    format_time,
    read_results,
    results_path,
)
from promptreg.governance.fingerprint import CaseKey


def output_policy(spec: PromptSpec) -> str:
    return {"full": "full", "metadata": "redacted"}.get(spec.logging or "none", "omitted")


def apply_policy(result: CaseResult, policy: str, redactor: Redactor = redact) -> CaseResult:
    """The record as the prompt's logging level allows it to be kept."""
    if policy == "full":
        return result
    from dataclasses import replace

    assertions = tuple(
        AssertionResult(a.type, a.passed, redactor(a.detail), a.score) for a in result.assertions
    )
    output = redactor(result.output) if policy == "redacted" and result.output is not None else None
    error = redactor(result.error) if result.error else result.error
    return replace(result, output=output, assertions=assertions, error=error, output_policy=policy)


def merge(
    spec: PromptSpec,
    keys: Sequence[CaseKey],
    new: Sequence[CaseResult],
    old: ResultsFile | None,
) -> list[CaseResult]:
    """New results, plus old ones of cases not run now that are still current; in case
    order, then repeat order."""
    ran = {r.case for r in new}
    order = {key.name: key.index for key in keys}
    current = {key.name: key for key in keys}
    kept = [
        r
        for r in (old.results if old else ())
        if r.case not in ran
        and r.case in current
        and r.fingerprint == current[r.case].fingerprint(r.repeat)
    ]
    return sorted([*new, *kept], key=lambda r: (order.get(r.case, len(order)), r.repeat))


def results_text(
    settings: Settings,
    spec: PromptSpec,
    keys: Sequence[CaseKey],
    new: Sequence[CaseResult],
    now: dt.datetime,
) -> tuple[Path, str]:
    """Where the prompt's results file goes and its new text (old results of cases not
    run now merged in); `store` writes it."""
    path = results_path(settings, spec.id)
    old = None
    if {r.case for r in new} != {key.name for key in keys}:  # some cases kept from before
        try:
            old = read_results(path)
        except ResultsFormatError:
            old = None  # replaced by a good file; git history keeps the bad one
    results = merge(spec, keys, new, old)
    document = ResultsFile(
        spec.id, spec.version, spec.content_hash, format_time(now), tuple(results)
    )
    return path, document.dumps()


def store(path: Path, text: str) -> None:
    """Write a results file whole (only I/O: it may run on another thread)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text)

"""What the recorded eval results say changed between two states of a prompt.

Each side's results are the `.promptreg/evals/<id>.json` of that state: the committed
file at a commit, the file on disk for the working tree. Only results recorded for that
side's content count (the case fingerprints computed from the side's spec, as
governance.evidence matches them), so a results file that was not re-run after an edit
says nothing about the edited version. The two sides are then matched case by case by
evals.compare, the comparison `promptreg test --compare` reports: passed then failing
is a regression.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from promptreg.core.config import Settings
from promptreg.core.errors import PromptregError
from promptreg.core.model import PromptSpec
from promptreg.evals.compare import Comparison, compare
from promptreg.git.history import WORKING
from promptreg.git.repo import Repository
from promptreg.governance.evidence import (
    CaseResult,
    ResultsFile,
    ResultsFormatError,
    results_from_bytes,
    results_path,
)
from promptreg.governance.fingerprint import case_keys


@dataclass(frozen=True, slots=True)
class EvalChanges:
    """The two sides' recorded results and their case-by-case comparison."""

    before: tuple[CaseResult, ...]
    after: tuple[CaseResult, ...]
    comparison: Comparison

    @property
    def regressions(self) -> int:
        return self.comparison.regressions


def _file_at(settings: Settings, repo: Repository | None, ref: str, prompt_id: str) -> bytes | None:
    path = results_path(settings, prompt_id)
    if ref == WORKING:
        try:
            return path.read_bytes()
        except OSError:
            return None
    if repo is None:
        return None
    relative = repo.relative(path)
    if relative is None:
        return None
    name = f"{ref}:{relative}"
    return repo.blobs([name]).get(name)


def recorded_for(
    settings: Settings, repo: Repository | None, ref: str, spec: PromptSpec
) -> tuple[CaseResult, ...]:
    """The results recorded at `ref` for `spec`'s content there (none when unreadable)."""
    data = _file_at(settings, repo, ref, spec.id)
    if data is None or not spec.evals:
        return ()
    try:
        loaded: ResultsFile = results_from_bytes(data)
        keys = {key.name: key for key in case_keys(spec, settings)}
    except (ResultsFormatError, PromptregError):
        return ()
    return tuple(
        r
        for r in loaded.results
        if r.case in keys and r.fingerprint == keys[r.case].fingerprint(r.repeat)
    )


def eval_changes(
    settings: Settings,
    repo: Repository | None,
    sides: Sequence[tuple[str, PromptSpec]],
    label: str,
) -> EvalChanges:
    """`sides` is ((ref, spec) before, (ref, spec) after); `label` names the older side."""
    (ref_a, old), (ref_b, new) = sides
    before = recorded_for(settings, repo, ref_a, old)
    after = recorded_for(settings, repo, ref_b, new)
    return EvalChanges(before, after, compare(label, [(new.id, after)], {old.id: list(before)}))


def change_lines(changes: EvalChanges, label_a: str, label_b: str) -> list[str]:
    """The eval part of the Diff view, one line per case that changed (what tests read)."""
    if not changes.before and not changes.after:
        return ["no recorded results for either version (run the evals, then commit them)"]
    lines = [
        f"recorded results: {sum(r.passed for r in changes.before)}/{len(changes.before)} "
        f"passed at {label_a}, {sum(r.passed for r in changes.after)}/{len(changes.after)} "
        f"at {label_b}"
    ]
    words = {
        "regression": f"passed at {label_a}, fails at {label_b}",
        "fixed": f"failed at {label_a}, passes at {label_b}",
        "new": f"no result at {label_a}",
        "removed": f"no result at {label_b}",
        "still-failing": "fails at both",
    }
    for change in changes.comparison.changes:
        if change.kind in words:
            detail = f": {change.detail}" if change.detail else ""
            lines.append(f"{change.kind.upper()} {change.case!r} ({words[change.kind]}){detail}")
    return lines

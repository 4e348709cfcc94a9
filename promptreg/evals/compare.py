"""`--compare BASE`: what passed on the base revision and fails now, case by case.

The base side costs nothing where it can: the base revision's committed results
(`.promptreg/evals/` as of BASE) are used for every case whose base fingerprint they
hold. Only the remaining base cases are run (and never recorded: the results files
describe the working tree). Cases are matched by name and repeat.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from promptreg.core.config import Settings
from promptreg.core.evalsettings import Endpoint
from promptreg.core.loader import load_prompt
from promptreg.core.model import PromptSpec
from promptreg.governance.evidence import (
    RESULTS_DIR,
    CaseResult,
    ResultsFormatError,
    results_from_bytes,
)
from promptreg.governance.fingerprint import case_keys

KINDS = ("regression", "fixed", "new", "removed", "still-failing", "unchanged")
_WORDS = {
    "regression": "passed on the base, fails now",
    "fixed": "failed on the base, passes now",
    "new": "no result on the base",
    "removed": "on the base only",
    "still-failing": "fails on both",
    "unchanged": "passes on both",
}


@dataclass(frozen=True, slots=True)
class BaseSide:
    """One prompt as it was at the base revision, with its usable committed results."""

    spec: PromptSpec | None
    committed: tuple[CaseResult, ...]
    """Results from the base's results file that match the base's fingerprints."""
    to_run: tuple[str, ...]
    """Names of base cases without such a result: they have to run."""


def base_sides(
    settings: Settings,
    rev: str,
    specs: Sequence[PromptSpec],
    endpoint: Endpoint,
    judge: PromptSpec | None,
) -> tuple[str, dict[str, BaseSide]]:
    """The base commit id, and each prompt's base side, read with two git calls."""
    from promptreg.git.gitio import cat_blobs, ls_tree, repo_root, resolve  # only here

    root = repo_root(settings.root)
    commit = resolve(root, rev)
    try:
        registry = settings.registry_dir.resolve().relative_to(root.resolve()).as_posix()
        evals = (
            settings.root.joinpath(*RESULTS_DIR).resolve().relative_to(root.resolve()).as_posix()
        )
    except ValueError:
        return commit, {s.id: BaseSide(None, (), ()) for s in specs}
    prompts = ls_tree(root, commit, registry)
    results = ls_tree(root, commit, evals)
    wanted: dict[str, tuple[str | None, str | None]] = {}
    for spec in specs:
        prompt_path = f"{registry}/{spec.id}.prompt.yaml"
        results_path = f"{evals}/{spec.id}.json"
        wanted[spec.id] = (
            prompts[prompt_path].blob if prompt_path in prompts else None,
            results[results_path].blob if results_path in results else None,
        )
    blobs = cat_blobs(root, [b for pair in wanted.values() for b in pair if b])
    sides = {}
    for spec in specs:
        prompt_blob, results_blob = wanted[spec.id]
        data = blobs.get(prompt_blob) if prompt_blob else None
        base = load_prompt(root / registry / f"{spec.id}.prompt.yaml", data).spec if data else None
        sides[spec.id] = _side(
            settings, base, blobs.get(results_blob) if results_blob else None, endpoint, judge
        )
    return commit, sides


def _side(
    settings: Settings,
    base: PromptSpec | None,
    data: bytes | None,
    endpoint: Endpoint,
    judge: PromptSpec | None,
) -> BaseSide:
    if base is None or not base.evals:
        return BaseSide(base, (), ())
    keys = {key.name: key for key in case_keys(base, settings, endpoint, judge)}
    recorded: tuple[CaseResult, ...] = ()
    if data is not None:
        try:
            recorded = results_from_bytes(data).results
        except ResultsFormatError:
            recorded = ()
    usable = tuple(
        r
        for r in recorded
        if r.case in keys and r.fingerprint == keys[r.case].fingerprint(r.repeat)
    )
    covered = {r.case for r in usable}
    return BaseSide(base, usable, tuple(name for name in keys if name not in covered))


@dataclass(frozen=True, slots=True)
class Change:
    prompt: str
    case: str
    repeat: int
    kind: str
    detail: str = ""


@dataclass(slots=True)
class Comparison:
    base: str
    changes: list[Change] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def regressions(self) -> int:
        return self.count("regression")

    def to_json(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "counts": {kind: self.count(kind) for kind in KINDS},
            "changes": [
                {
                    "prompt": c.prompt,
                    "case": c.case,
                    "repeat": c.repeat,
                    "kind": c.kind,
                    "detail": c.detail,
                }
                for c in self.changes
                if c.kind != "unchanged"
            ],
        }

    def text(self) -> str:
        counts = ", ".join(f"{self.count(k)} {k}" for k in KINDS if self.count(k))
        lines = [f"compared with {self.base[:10]}: {counts or 'nothing to compare'}"]
        lines += [
            f"  {c.kind.upper()} {c.prompt} {c.case!r}" + (f": {c.detail}" if c.detail else "")
            for c in self.changes
            if c.kind in ("regression", "fixed", "new", "removed")
        ]
        return "\n".join(lines)

    def markdown(self, limit: int) -> str:
        out = [f"### Compared with `{self.base[:10]}`", ""]
        out.append(" · ".join(f"**{self.count(k)}** {k}" for k in KINDS))
        shown = [c for c in self.changes if c.kind not in ("unchanged", "still-failing")]
        if shown:
            out += ["", "| change | prompt | case | detail |", "|---|---|---|---|"]
            for change in shown[:limit]:
                detail = change.detail.replace("|", "\\|").replace("\n", " ")[:200]
                out.append(
                    f"| {_WORDS[change.kind]} | `{change.prompt}` | {change.case} | {detail} |"
                )
            if len(shown) > limit:
                out.append(f"| | | and {len(shown) - limit} more | |")
        return "\n".join(out)


def compare(
    base: str,
    head: Iterable[tuple[str, Sequence[CaseResult]]],
    base_results: dict[str, list[CaseResult]],
) -> Comparison:
    """Match each head result with the base's result of the same case and repeat."""
    comparison = Comparison(base)
    for prompt, results in head:
        before = {(r.case, r.repeat): r for r in base_results.get(prompt, ())}
        for result in results:
            old = before.pop((result.case, result.repeat), None)
            why = next(
                (f"{a.type}: {a.detail}" for a in result.assertions if not a.passed),
                result.error or "",
            )
            if old is None:
                kind = "new"
            elif old.passed and not result.passed:
                kind = "regression"
            elif not old.passed and result.passed:
                kind, why = "fixed", ""
            else:
                kind = "unchanged" if result.passed else "still-failing"
            comparison.changes.append(
                Change(prompt, result.case, result.repeat, kind, why if not result.passed else "")
            )
        for case, repeat in sorted(before):
            comparison.changes.append(Change(prompt, case, repeat, "removed"))
    order = {kind: index for index, kind in enumerate(KINDS)}
    comparison.changes.sort(key=lambda c: (order[c.kind], c.prompt, c.case, c.repeat))
    return comparison

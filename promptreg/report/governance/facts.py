"""What the sign-off report says, gathered once as plain values the renderers only read.

Every answer comes from the code that enforces it: whether the SDK serves a prompt is
`serving_refusal`, whether an approval holds is `approval_issues`, whether git backs it
is `provenance_issues`, open findings are the linter's. The report never has its own
opinion of the registry.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from promptreg.core.config import Settings
from promptreg.core.loader import load_prompt
from promptreg.core.model import PromptSpec
from promptreg.core.tree import prompt_files
from promptreg.governance.approval import approval_issues, serving_refusal
from promptreg.governance.provenance import provenance_issues
from promptreg.lint.rule import FAMILIES
from promptreg.lint.runner import Linter


@dataclass(frozen=True, slots=True)
class ApprovalFact:
    reviewer: str
    group: str
    date: str
    state: str
    """valid | stale | invalid"""
    problem: str | None
    verified: str
    """verified | not verified | not checked (the tier does not ask for it)"""
    verification_problem: str | None = None


@dataclass(frozen=True, slots=True)
class EvalFact:
    state: str
    """no results | fresh | stale | failed | incomplete (a case has no current result)"""
    age_days: int | None = None
    max_age_days: int | None = None


@dataclass(frozen=True, slots=True)
class PromptFact:
    id: str
    title: str
    tier: int
    owner: str
    status: str
    version: str
    served: bool
    refusal: str | None
    approvals: tuple[ApprovalFact, ...]
    approvals_needed: int
    evals: EvalFact
    findings: int


@dataclass(frozen=True, slots=True)
class Change:
    """One committed change to a tier-3 prompt within the period."""

    prompt_id: str
    commit: str
    date: str
    author: str
    version: str | None
    approvals: tuple[str, ...]
    subject: str


@dataclass(frozen=True, slots=True)
class GovernanceDelta:
    """What the change since the base does to one prompt's governance."""

    prompt_id: str
    changes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GovernanceReport:
    generated: str
    registry: str
    prompts: tuple[PromptFact, ...]
    broken_files: tuple[str, ...]
    findings_by_family: dict[str, int]
    history: tuple[Change, ...] = ()
    history_days: int = 90
    history_note: str | None = None
    base: str | None = None
    deltas: tuple[GovernanceDelta, ...] = ()
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def served(self) -> int:
        return sum(1 for p in self.prompts if p.served)


def _approvals(spec: PromptSpec, settings: Settings) -> tuple[ApprovalFact, ...]:
    issues = {
        i.approval_index: i for i in approval_issues(spec, settings) if i.approval_index is not None
    }
    verify = settings.tier(spec.tier).verify_approvals
    provenance: dict[int, str] = {}
    general: str | None = None
    if verify:
        for found in provenance_issues(spec, settings):
            if found.approval_index is None:
                general = general or found.message
            else:
                provenance.setdefault(found.approval_index, found.message)
    facts = []
    for index, approval in enumerate(spec.approvals):
        issue = issues.get(index)
        state = "valid" if issue is None else ("stale" if issue.kind == "stale" else "invalid")
        problem = provenance.get(index) or general
        verified = "not checked" if not verify else ("not verified" if problem else "verified")
        facts.append(
            ApprovalFact(
                approval.reviewer,
                approval.group,
                approval.date,
                state,
                issue.message if issue else None,
                verified,
                problem if verify else None,
            )
        )
    return tuple(facts)


def eval_state(spec: PromptSpec, settings: Settings, now: dt.datetime | None = None) -> EvalFact:
    """The recorded results of the prompt's current cases (governance.evidence), against
    the tier's freshness: what the eval rules of lint judge, in one word."""
    from promptreg.governance.evidence import eval_state as recorded_state

    max_age = settings.tier(spec.tier).eval_max_age_days
    state = recorded_state(spec, settings)
    if state.problem or not state.recorded:
        return EvalFact("no results", None, max_age)
    oldest = state.oldest_case()
    age = None if oldest is None else ((now or dt.datetime.now(dt.UTC)) - oldest).days
    if state.passed < state.recorded or state.missing:
        return EvalFact("failed" if state.passed < state.recorded else "incomplete", age, max_age)
    stale = max_age is not None and age is not None and age > max_age
    return EvalFact("stale" if stale else "fresh", age, max_age)


def collect(settings: Settings, today: dt.date | None = None) -> GovernanceReport:
    """The inventory, serve state, approvals, evals and open findings of the registry."""
    paths = prompt_files(settings.registry_dir)
    lint = Linter(settings).lint_paths(paths)
    per_file = Counter(f.path.resolve() for f in lint.findings)
    specs: list[PromptSpec] = []
    broken: list[str] = []
    for path in paths:
        spec = load_prompt(path).spec
        if spec is None:
            broken.append(path.relative_to(settings.root).as_posix())
        else:
            specs.append(spec)
    facts = []
    for spec in sorted(specs, key=lambda s: s.id):
        refusal = serving_refusal(spec, settings)
        facts.append(
            PromptFact(
                id=spec.id,
                title=spec.title,
                tier=spec.tier,
                owner=spec.owner,
                status=spec.status,
                version=spec.version,
                served=refusal is None,
                refusal=refusal,
                approvals=_approvals(spec, settings),
                approvals_needed=settings.tier(spec.tier).approvals,
                evals=eval_state(spec, settings),
                findings=per_file[spec.path.resolve()] if spec.path else 0,
            )
        )
    families = Counter(f.code[0] for f in lint.findings)
    counts = {
        "tier": dict(sorted(Counter(str(p.tier) for p in facts).items())),
        "owner": dict(sorted(Counter(p.owner for p in facts).items())),
        "status": dict(sorted(Counter(p.status for p in facts).items())),
    }
    return GovernanceReport(
        generated=(today or dt.date.today()).isoformat(),
        registry=settings.registry_dir.relative_to(settings.root).as_posix(),
        prompts=tuple(facts),
        broken_files=tuple(broken),
        findings_by_family={f: families.get(f, 0) for f in FAMILIES if families.get(f)},
        counts=counts,
    )

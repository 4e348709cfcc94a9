"""Tier-3 change history over a period, and what a change since a base does to governance.

Both read committed states through the history layer (one `git log` per prompt); a
registry outside git has no history, which the report says instead of failing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess

from promptreg.core.config import Settings
from promptreg.core.errors import PromptregError, UsageError
from promptreg.core.model import PromptSpec
from promptreg.git.history import Revision, history
from promptreg.governance.approval import serving_refusal
from promptreg.report.governance.facts import Change, GovernanceDelta, GovernanceReport

MAX_ANCESTORS = 200_000


def _within(date: str, since: dt.date) -> bool:
    try:
        return dt.date.fromisoformat(date[:10]) >= since
    except ValueError:
        return False


def tier3_history(
    settings: Settings, report: GovernanceReport, days: int, today: dt.date
) -> tuple[tuple[Change, ...], str | None]:
    since = today - dt.timedelta(days=days)
    changes: list[Change] = []
    for fact in report.prompts:
        if fact.tier != 3:
            continue
        try:
            revisions = history(settings, fact.id)
        except PromptregError as exc:
            return (), f"no history: {exc.message}"
        changes.extend(
            Change(
                fact.id,
                r.short,
                r.date[:10],
                f"{r.author_name} <{r.author_email}>",
                r.version,
                r.approvals,
                r.subject,
            )
            for r in revisions
            if _within(r.date, since)
        )
    changes.sort(key=lambda c: (c.date, c.prompt_id), reverse=True)
    return tuple(changes), None


def _ancestors(settings: Settings, base: str) -> set[str]:
    """Commits reachable from `base`: the states a prompt could have had there."""
    if base.startswith("-"):
        raise UsageError(f"{base!r} is not a revision")
    process = subprocess.run(
        ["git", "rev-list", f"--max-count={MAX_ANCESTORS}", base, "--"],
        cwd=settings.root,
        capture_output=True,
        text=True,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("GIT_")}, "LC_ALL": "C"},
    )
    if process.returncode != 0:
        raise UsageError(
            f"cannot read the base revision {base!r}: {process.stderr.strip() or 'git failed'}",
            hint="pass a commit, branch or tag of this repository, e.g. --base origin/main",
        )
    return set(process.stdout.split())


def _state_at(revisions: list[Revision], ancestors: set[str]) -> PromptSpec | None:
    return next((r.spec for r in revisions if r.commit in ancestors), None)


def deltas(settings: Settings, report: GovernanceReport, base: str) -> tuple[GovernanceDelta, ...]:
    """Prompts whose tier, approvals or served state differ between `base` and now."""
    ancestors = _ancestors(settings, base)
    found: list[GovernanceDelta] = []
    for fact in report.prompts:
        try:
            revisions = history(settings, fact.id)
        except PromptregError:
            revisions = []
        before = _state_at(revisions, ancestors)
        if before is None:
            found.append(
                GovernanceDelta(
                    fact.id,
                    (f"new prompt, tier {fact.tier}, {'served' if fact.served else 'not served'}",),
                )
            )
            continue
        notes = []
        if before.tier != fact.tier:
            notes.append(f"tier {before.tier} -> {fact.tier}")
        reviewers_before = {a.reviewer for a in before.approvals}
        reviewers_now = {a.reviewer for a in fact.approvals}
        if reviewers_before != reviewers_now:
            added = ", ".join(sorted(reviewers_now - reviewers_before)) or "none"
            removed = ", ".join(sorted(reviewers_before - reviewers_now)) or "none"
            notes.append(f"approvals added: {added}; removed: {removed}")
        served_before = serving_refusal(before, settings) is None
        if served_before != fact.served:
            notes.append("now served" if fact.served else f"no longer served: {fact.refusal}")
        if notes:
            found.append(GovernanceDelta(fact.id, tuple(notes)))
    return tuple(found)


def with_changes(
    settings: Settings,
    report: GovernanceReport,
    *,
    days: int,
    today: dt.date,
    base: str | None,
) -> GovernanceReport:
    changes, note = tier3_history(settings, report, days, today)
    extra = {"history": changes, "history_days": days, "history_note": note}
    if base is not None:
        extra.update(base=base, deltas=deltas(settings, report, base))
    return dataclasses.replace(report, **extra)  # type: ignore[arg-type]

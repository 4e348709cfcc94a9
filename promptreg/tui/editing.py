"""Bumping and formatting from the palette: show what will be written, write it on `y`.

A plan is made with the functions `promptreg bump` and `promptreg fmt` call
(edit.bump.plan_bump and edit.rewrite.bump_text; edit.fmt.format_file), so the TUI
refuses where the CLI refuses and in its words. The plan holds the file's bytes as they
were when it was shown: writing refuses when the file changed since (write_edit's own
check for a bump, the same comparison for fmt), so what is written is what was seen.
Nothing is committed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from promptreg.core.config import Settings
from promptreg.core.errors import PromptregError, UsageError
from promptreg.core.model import PromptSpec
from promptreg.core.versions import Level
from promptreg.edit.bump import BumpPlan, bump_baseline, plan_bump
from promptreg.edit.fmt import format_file
from promptreg.edit.rewrite import bump_text, write_edit


class NothingToDo(PromptregError):
    """The file is already as the action would leave it; the message says so."""


@dataclass(frozen=True, slots=True)
class FilePlan:
    """A change to one prompt file, planned and not yet written."""

    action: str
    """"bump" or "fmt"."""
    path: Path
    original: bytes
    """The file's bytes when the plan was made."""
    summary: str
    """What it will do, in words (the version and changelog entry, or the layout)."""
    diff: str
    """The change as a unified diff of the file."""
    new_text: str | None = None
    """The file's text after a bump (fmt formats the file again when it is written)."""
    done: str = ""
    """What to say once it is written."""

    @property
    def preview(self) -> str:
        return f"{self.summary}\n\n{self.diff}" if self.diff else self.summary


def _unified(path: Path, before: str, after: str) -> str:
    name = path.name
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"{name} (now)",
            tofile=f"{name} (after)",
        )
    )


def _path(spec: PromptSpec) -> Path:
    if spec.path is None:
        raise UsageError(f"{spec.id} has no file here to change")
    return spec.path


def bump_summary(plan: BumpPlan) -> str:
    """BumpPlan.message says what was done; this says what will be, from the same plan."""
    if plan.needed:
        why = f"{plan.needed} needed: " + "; ".join(
            dict.fromkeys(c.description for c in plan.changes)
        )
    elif plan.base is None:
        why = "not compared: no git repository"
    else:
        why = f"new since {plan.base}" if plan.new else f"no content change since {plan.base}"
    entry = plan.entry
    lines = [
        f"bump {plan.prompt_id} {plan.current} → {plan.target} ({plan.level}; {why})",
        f"changelog: {entry.version} {entry.date} {entry.summary}"
        + ("  (generated)" if plan.generated else ""),
        f"into {plan.path}; nothing is committed",
    ]
    if plan.status is not None:
        lines.append(f"status: approved → {plan.status}: nobody has approved the new content yet")
    if plan.approved:
        lines.append("the new version makes the existing approvals stale")
    return "\n".join(lines)


def plan_bump_of(settings: Settings, spec: PromptSpec, level: Level | None = None) -> FilePlan:
    """What `promptreg bump ID [LEVEL]` would write now; the CLI's UsageError or GitError
    when it refuses, NothingToDo when there is nothing to bump."""
    path = _path(spec)
    original = path.read_bytes()
    baseline = bump_baseline(settings, None, level)
    plan = plan_bump(spec, path, baseline, level=level)
    if plan.outcome != "bump":
        raise NothingToDo(plan.message.strip())
    text = original.decode("utf-8")
    new_text = bump_text(
        text, plan.target, plan.entry, replace_top=plan.replace_top, status=plan.status, path=path
    )
    return FilePlan(
        "bump",
        path,
        original,
        bump_summary(plan),
        _unified(path, text, new_text),
        new_text,
        done=f"bumped {plan.prompt_id} {plan.current} → {plan.target}; commit {path.name}",
    )


def plan_fmt_of(spec: PromptSpec) -> FilePlan:
    """What `promptreg fmt FILE` would change now; UsageError with fmt's reason when it
    cannot format the file, NothingToDo when it is formatted already."""
    path = _path(spec)
    original = path.read_bytes()
    outcome = format_file(path, check=True, diff=True)
    if outcome.error is not None:
        raise UsageError(outcome.error, hint="`promptreg fmt` refuses this file the same way")
    if not outcome.changed:
        raise NothingToDo(f"{path.name} is already formatted")
    return FilePlan(
        "fmt",
        path,
        original,
        f"fmt {spec.id}: canonical key order and layout, every comment kept\n"
        f"into {path}; nothing is committed",
        outcome.diff,
        done=f"reformatted {path.name}; commit it to record it",
    )


def apply_plan(plan: FilePlan) -> str:
    """Write what `plan` showed; EditError (or UsageError) when the file changed since."""
    if plan.new_text is not None:
        write_edit(plan.path, plan.original, plan.new_text)
        return plan.done
    if plan.path.read_bytes() != plan.original:
        raise UsageError(
            f"{plan.path} changed since the change was shown; nothing was written",
            hint="run the action again to see what it would change now",
        )
    outcome = format_file(plan.path, check=False, diff=False)
    if outcome.error is not None:
        raise UsageError(outcome.error)
    return plan.done

"""Choosing a prompt's next version: as far as its change needs, counted from the base.

The level comes from comparing the working file with the base revision (default HEAD)
through versions.classify, the same analysis the V rules use, so a bump planned here
passes V001/V002/V004. The new version counts from the base's version: bumping twice
before committing moves the same unreleased version, it does not skip one.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from promptreg.core.config import Settings
from promptreg.core.errors import UsageError
from promptreg.core.model import ChangelogEntry, PromptSpec
from promptreg.core.versions import (
    LEVELS,
    Change,
    Level,
    Version,
    classify,
    level_between,
    parse_version,
    required_level,
)
from promptreg.git.baseline import Baseline
from promptreg.git.gitio import GitError

Outcome = Literal["bump", "not-needed", "up-to-date"]
"""bump: write `target` and `entry`; not-needed: the content is as at the base and no
level was asked for; up-to-date: the file already has `target` and its entry."""

_KIND = {"major": "breaking change", "minor": "new feature", "patch": "change"}


@dataclass(frozen=True, slots=True)
class BumpPlan:
    prompt_id: str
    path: Path
    outcome: Outcome
    current: str
    """The version in the file now."""
    target: str
    """The version to write (for not-needed, the current one)."""
    level: Level
    needed: Level | None
    """The smallest level the changes since the base need; None when there are none."""
    changes: tuple[Change, ...]
    entry: ChangelogEntry
    replace_top: bool
    """The top changelog entry is a bump made since the base: it is moved, not kept."""
    base: str | None
    """The revision compared with; None when there was no git repository to compare in."""
    new: bool
    """The prompt did not exist at the base."""
    generated: bool
    """The changelog summary was generated, not given."""
    approved: bool
    """The file carries approvals, which the new version makes stale."""
    status: str | None = None
    """The status to write with the bump: `review` for an approved prompt, whose new
    content nobody has approved yet (the SDK stops serving it from this file until it
    is approved again; the stale approvals are then information, not errors)."""

    @property
    def message(self) -> str:
        """What to tell the person: for a bump, the report once it is written (stdout);
        for not-needed, why nothing was done (stderr); for up-to-date, that it is done
        (stdout)."""
        if self.outcome == "not-needed":
            return (
                f"{self.prompt_id}: the content is the same as at {self.base}; no bump is "
                "needed (give a level to bump anyway)\n"
            )
        if self.outcome == "up-to-date":
            return f"{self.prompt_id} is already at {self.target} with a changelog entry\n"
        if self.needed:
            described = dict.fromkeys(c.description for c in self.changes)
            why = f"{self.needed} needed: " + "; ".join(described)
        elif self.base is None:
            why = "not compared: no git repository"
        elif not self.changes:
            why = f"new since {self.base}" if self.new else f"no content change since {self.base}"
        else:
            why = f"compared with {self.base}"
        entry = self.entry
        lines = [
            f"bumped {self.prompt_id} {self.current} → {self.target} ({self.level}; {why})",
            f"changelog: {entry.version} {entry.date} {entry.summary}"
            + (
                "  (generated: edit it in the file, or pass -m next time)" if self.generated else ""
            ),
            f"wrote {_relative(self.path)}",
        ]
        if self.status is not None:
            lines.append(
                f"status: approved → {self.status}: nobody has approved the new content yet"
            )
        if self.approved:
            lines.append(
                "the new version changes the content hash, so the existing approvals are "
                f"stale; ask reviewers to run `promptreg approve {self.prompt_id}` after you "
                "commit"
            )
        return "\n".join(lines) + "\n"


def bump_baseline(settings: Settings, rev: str | None, level: Level | None) -> Baseline | None:
    """The base to compare with: `rev`, else HEAD. None outside git when a level was
    given, as a bump to a level the person chose needs no comparison."""
    name = rev or "HEAD"
    try:
        return Baseline(settings, name)
    except GitError as exc:
        if rev is None and level is not None:
            return None
        raise GitError(
            exc.message,
            hint=f"give the level explicitly (`promptreg bump ID {level or 'patch'}`) to bump "
            "without comparing, or pass --base REF"
            if rev is None
            else exc.hint,
        ) from None


def plan_bump(
    spec: PromptSpec,
    path: Path,
    baseline: Baseline | None,
    *,
    level: Level | None = None,
    message: str | None = None,
    today: dt.date | None = None,
) -> BumpPlan:
    """The bump of `spec` (the file at `path`) against `baseline` (None: not compared).

    `level` None means the level the change needs; a lower one than needed raises
    UsageError, as does a version that is not semantic. `message` None generates the
    changelog summary from the changes.
    """
    base = baseline.rev if baseline is not None else None
    base_spec = baseline.spec(path) if baseline is not None else None
    current = _version(spec.version, spec, "the file")
    changes = classify(base_spec, spec) if base_spec is not None else []
    needed = required_level(changes)
    chosen: Level = level or needed or "patch"
    if needed is not None and LEVELS.index(chosen) < LEVELS.index(needed):
        reasons = "; ".join(c.description for c in changes if c.level == needed)
        raise UsageError(
            f"{_KIND[needed]} ({reasons}) needs a {needed} bump, not {chosen}",
            hint=f"run `promptreg bump {spec.id} {needed}`, or undo the change",
        )
    outcome: Outcome = "bump"
    released: str | None = None
    if base_spec is None:
        target = str(current.bumped(chosen))
    else:
        released = base_spec.version
        start = _version(base_spec.version, base_spec, str(base))
        already = level_between(start, current)
        if (
            level is None
            and already is not None
            and LEVELS.index(already) >= LEVELS.index(needed or "patch")
        ):
            target, chosen = spec.version, already  # bumped by hand far enough
        elif level is None and needed is None:
            outcome, target = "not-needed", spec.version
        else:
            target = str(start.bumped(chosen))
    done = spec.version == target and any(e.version == target for e in spec.changelog)
    if outcome == "bump" and done:
        outcome = "up-to-date"
    top = spec.changelog[0] if spec.changelog else None
    # A version bumped earlier and never committed is moved, not left behind in the log.
    replace_top = (
        top is not None
        and released is not None
        and top.version == spec.version
        and spec.version not in (released, target)
    )
    summary = message or (
        top.summary if replace_top and top is not None else _summary(changes, base_spec)
    )
    entry = ChangelogEntry(target, (today or dt.date.today()).isoformat(), summary)
    return BumpPlan(
        prompt_id=spec.id,
        path=path,
        outcome=outcome,
        current=spec.version,
        target=target,
        level=chosen,
        needed=needed,
        changes=tuple(changes),
        entry=entry,
        replace_top=replace_top,
        base=base,
        new=base_spec is None,
        generated=not message and not replace_top,
        approved=bool(spec.approvals),
        status="review" if outcome == "bump" and spec.status == "approved" else None,
    )


def _version(text: str, spec: PromptSpec, where: str) -> Version:
    version = parse_version(text)
    if version is None:
        raise UsageError(
            f"{spec.id}: version {text!r} in {where} is not a semantic version",
            hint="write it as MAJOR.MINOR.PATCH, e.g. 1.2.0",
        )
    return version


def _summary(changes: list[Change], base: PromptSpec | None) -> str:
    if base is None:
        return "Version bump."
    if not changes:
        return "Version bump without a content change."
    text = "; ".join(dict.fromkeys(c.description for c in changes))
    return text[0].upper() + text[1:] + "."


def _relative(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)

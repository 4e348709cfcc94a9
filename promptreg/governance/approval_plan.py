"""Whether a person may approve a prompt now, and the entry their approval would be.

Everything `promptreg approve` decides before it writes, short of the lint check (which
needs the linter, a layer above: promptreg.actions.approve does that): who the reviewer
is as promptreg.yaml spells them, that they have not approved this content already,
which of their groups the approval is for, and four eyes (the author of the current
content cannot approve it). Each refusal says who can act.

A module of its own, apart from approval.py, because it reads git history and the SDK,
which imports approval.py, must stay light.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from promptreg.core.config import Settings
from promptreg.core.errors import PromptregError, UsageError
from promptreg.core.model import Approval, PromptSpec
from promptreg.git.gitio import GitError
from promptreg.git.repo import Repository
from promptreg.governance.approval import accepted_groups, groups_of, in_group, listed_spelling
from promptreg.governance.file_history import FileHistory
from promptreg.governance.provenance import content_author


class ApprovalRefused(PromptregError):
    """The approval cannot be recorded; the message says why and who can act."""


@dataclass(frozen=True, slots=True)
class ApprovalPlan:
    """The approval to write, once every check before the lint check has passed."""

    approval: Approval
    replace_index: int | None
    """The reviewer's stale entry to write over, or None to add a new one."""


def plan_approval(
    spec: PromptSpec,
    settings: Settings,
    identity: str,
    history: FileHistory | None,
    *,
    group: str | None = None,
    today: dt.date | None = None,
    repo: Repository | None = None,
) -> ApprovalPlan:
    """The approval `identity` (a git user.email) may give `spec` now, for `group` (None:
    their one group the tier accepts); ApprovalRefused or UsageError otherwise.

    `history` is the file's committed history (load_history), None when the file is not
    inside a git repository, which is refused: four eyes needs the history. `repo` is
    the repository it was read from: with require_signed, the content's writer is the
    signer of its commit, which git checks there.
    """
    reviewer = listed_spelling(settings, identity)
    previous = _previous_approval(spec, reviewer)
    chosen = _group(settings, spec, reviewer, group)
    _four_eyes(spec, history, reviewer, settings, repo)
    date = (today or dt.date.today()).isoformat()
    return ApprovalPlan(Approval(reviewer, chosen, date, spec.content_hash), previous)


def _previous_approval(spec: PromptSpec, reviewer: str) -> int | None:
    """Index of the reviewer's stale approval to replace; refuses a second approval."""
    mine = [
        (index, approval)
        for index, approval in enumerate(spec.approvals)
        if approval.reviewer.casefold() == reviewer.casefold()
    ]
    for _, approval in mine:
        if approval.content_hash == spec.content_hash:
            raise ApprovalRefused(
                f"{reviewer} already approved this content of {spec.id} {spec.version} "
                f"(on {approval.date}); an approval counts once per person",
                location=spec.location(("approvals",), key=True),
                hint="another member of the required group must give the next approval",
            )
    return mine[0][0] if mine else None


def _group(settings: Settings, spec: PromptSpec, reviewer: str, wanted: str | None) -> str:
    accepted = accepted_groups(settings, spec.tier)
    mine = groups_of(settings, reviewer)
    required = " or ".join(accepted)
    if wanted is not None:
        if wanted not in settings.reviewers:
            raise UsageError(
                f"group {wanted!r} is not defined under reviewers: in {settings.path}",
                hint=f"groups: {', '.join(settings.reviewers) or 'none'}",
            )
        if not in_group(settings, reviewer, wanted):
            raise ApprovalRefused(
                f"{reviewer} is not a member of group {wanted!r} in {settings.path}",
                hint=f"your groups: {', '.join(mine) or 'none'}",
            )
        if accepted and wanted not in accepted:
            raise ApprovalRefused(
                f"tier {spec.tier} prompts need approvals from {required}, not {wanted!r}",
                hint=f"a member of {required} must approve {spec.id}",
            )
        return wanted
    eligible = [g for g in mine if not accepted or g in accepted]
    if not eligible:
        who = f"in groups {', '.join(mine)}" if mine else "not listed under reviewers:"
        raise ApprovalRefused(
            f"{reviewer} cannot approve {spec.id}: tier {spec.tier} needs approvals from "
            f"{required or 'a review group'}, and {reviewer} is {who} in {settings.path}",
            hint="if this is the wrong identity, set `git config user.email`; otherwise ask "
            f"a member of {required or 'a review group'}",
        )
    if len(eligible) > 1:
        raise UsageError(
            f"{reviewer} is in more than one group that can approve {spec.id}: "
            f"{', '.join(eligible)}",
            hint=f"choose one with --group, e.g. --group {eligible[0]}",
        )
    return eligible[0]


def _four_eyes(
    spec: PromptSpec,
    history: FileHistory | None,
    reviewer: str,
    settings: Settings,
    repo: Repository | None,
) -> None:
    if history is None:
        raise GitError(
            f"{spec.path} is not inside a git repository",
            hint="approvals are checked against git history; approve inside the registry's "
            "repository",
        )
    author = content_author(history, spec.content_hash, reviewer, settings, repo)
    if author.email.casefold() == reviewer.casefold():
        raise ApprovalRefused(
            f"{reviewer} made the current content of {spec.id} ({author.where}); the author "
            "of a change cannot approve it (four eyes)",
            hint="another member of the required group must approve it",
        )

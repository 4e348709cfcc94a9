"""`plan_approval`: every refusal and every choice, decided from data alone.

The plan needs a spec, the settings, an identity and the file's committed history; the
history here is built in memory (promptreg.governance.file_history's records), so each
row is a pure call. The same refusals end to end, through git and the CLI, are in
test_approve.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from promptreg.core.config import Settings, load_config
from promptreg.core.errors import PromptregError, UsageError
from promptreg.core.loader import load_prompt
from promptreg.core.model import PromptSpec
from promptreg.git.gitio import GitError
from promptreg.git.log import Commit
from promptreg.governance.approval import groups_of, in_group, listed_spelling
from promptreg.governance.approval_plan import ApprovalRefused, plan_approval
from promptreg.governance.file_history import FileHistory, FileState

REPO = Path(__file__).resolve().parents[2]
TIER3 = "registry/legal/contract-clause-risk.prompt.yaml"
TIER2 = "registry/support/summarize-ticket.prompt.yaml"
TODAY = dt.date(2026, 11, 20)
STALE = "sha256:" + "0" * 64


def spec_of(relative: str, approvals: list[tuple[str, str]] | None = None) -> PromptSpec:
    """A registry prompt in review, with the given (reviewer, content_hash) approvals;
    "current" stands for the prompt's own content hash."""
    text = (REPO / relative).read_text(encoding="utf-8")
    text = re.sub(r"(?m)^approvals:\n(?:  .*\n)*", "approvals: []\n", text)
    text = text.replace("status: approved", "status: review")
    spec = load_prompt(REPO / relative, text.encode()).spec
    assert spec is not None
    if not approvals:
        return spec
    entries = "".join(
        f"  - {{reviewer: {who}, group: compliance, date: 2026-11-01, "
        f"content_hash: {spec.content_hash if digest == 'current' else digest}}}\n"
        for who, digest in approvals
    )
    approved = load_prompt(
        REPO / relative, text.replace("approvals: []\n", f"approvals:\n{entries}").encode()
    ).spec
    assert approved is not None and approved.content_hash == spec.content_hash
    return approved


def commit(author: str, blob: str, *parents: str) -> Commit:
    name = author.split("@")[0].title()
    return Commit("c" * 39 + blob[-1], name, author, "2026-11-01", "change", TIER3, blob, parents)


def history(spec: PromptSpec, kind: str) -> FileHistory | None:
    """The file's history: who made the current content, or why nobody can tell."""
    current = FileState(spec.content_hash)
    older = FileState(STALE)
    if kind == "outside git":
        return None
    if kind == "uncommitted":  # HEAD holds other content: the change is the runner's own
        return FileHistory(TIER3, (commit("dana@example.com", "b1", ""),), {"b1": older}, older)
    if kind == "made before the log":  # the one commit shown only re-wrote a comment
        states = {"b1": current, "b2": current}
        return FileHistory(TIER3, (commit("dana@example.com", "b2", "b1"),), states, current)
    author = {"by dana": "dana@example.com", "by mei": "mei@example.com"}[kind.split(",")[0]]
    commits = (commit(author, "b2", "b1"), commit("dana@example.com", "b1", ""))
    states = {"b1": older, "b2": current}
    return FileHistory(TIER3, commits, states, current, shallow=kind.endswith("shallow"))


def two_group_settings() -> Settings:
    """Mei leads a team too, and tier 3 accepts either group."""
    settings = load_config(REPO / "promptreg.yaml")
    reviewers = {
        **settings.reviewers,
        "team-leads": (*settings.reviewers["team-leads"], "mei@example.com"),
    }
    tier3 = settings.tier(3)._replace(groups=("compliance", "team-leads"))
    tiers = {**settings.tiers, 3: tier3}
    return dataclasses.replace(settings, reviewers=reviewers, tiers=tiers)


REFUSALS = [
    # (case, file, approvals, identity, group, history, error, message, hint)
    (
        "second approval of the same content",
        TIER3,
        [("jo@example.com", "current")],
        "jo@example.com",
        None,
        "by dana",
        ApprovalRefused,
        "jo@example.com already approved this content",
        "another member",
    ),
    (
        "a reviewer outside the tier's groups",
        TIER3,
        None,
        "ravi@example.com",
        None,
        "by dana",
        ApprovalRefused,
        "tier 3 needs approvals from compliance, and ravi@example.com is in groups team-leads",
        "ask a member of compliance",
    ),
    (
        "somebody promptreg.yaml does not list",
        TIER3,
        None,
        "stranger@example.com",
        None,
        "by dana",
        ApprovalRefused,
        "stranger@example.com is not listed under reviewers:",
        "set `git config user.email`",
    ),
    (
        "a group the reviewer is not in",
        TIER3,
        None,
        "ravi@example.com",
        "compliance",
        "by dana",
        ApprovalRefused,
        "ravi@example.com is not a member of group 'compliance'",
        "your groups: team-leads",
    ),
    (
        "a group the tier does not accept",
        TIER3,
        None,
        "ravi@example.com",
        "team-leads",
        "by dana",
        ApprovalRefused,
        "tier 3 prompts need approvals from compliance, not 'team-leads'",
        "a member of compliance must approve legal/contract-clause-risk",
    ),
    (
        "a group that does not exist",
        TIER3,
        None,
        "mei@example.com",
        "auditors",
        "by dana",
        UsageError,
        "group 'auditors' is not defined under reviewers:",
        "groups: team-leads, compliance",
    ),
    (
        "the author of the committed content",
        TIER3,
        None,
        "mei@example.com",
        None,
        "by mei",
        ApprovalRefused,
        "mei@example.com made the current content of legal/contract-clause-risk "
        "(commit cccccccccc by Mei <mei@example.com>)",
        "another member",
    ),
    (
        "the author of an uncommitted change",
        TIER3,
        None,
        "mei@example.com",
        None,
        "uncommitted",
        ApprovalRefused,
        "(uncommitted changes in the working tree); the author of a change "
        "cannot approve it (four eyes)",
        "another member",
    ),
    (
        "outside a git repository",
        TIER3,
        None,
        "mei@example.com",
        None,
        "outside git",
        GitError,
        "is not inside a git repository",
        "approve inside the registry's repository",
    ),
    (
        "a shallow clone",
        TIER3,
        None,
        "mei@example.com",
        None,
        "by dana, shallow",
        GitError,
        "this clone is shallow",
        "git fetch --unshallow",
    ),
    (
        "no commit in the log made the content",
        TIER3,
        None,
        "mei@example.com",
        None,
        "made before the log",
        PromptregError,
        "cannot find the commit that made the current content",
        "commit of its own",
    ),
    (
        "a tier 3 prompt for a team lead",
        TIER3,
        None,
        "ravi@example.com",
        "team-leads",
        "by dana",
        ApprovalRefused,
        "tier 3 prompts need approvals from compliance, not 'team-leads'",
        "a member of compliance must approve legal/contract-clause-risk",
    ),
]


@pytest.mark.parametrize(
    ("file", "approvals", "identity", "group", "kind", "error", "message", "hint"),
    [row[1:] for row in REFUSALS],
    ids=[row[0] for row in REFUSALS],
)
def test_refusals(
    file: str,
    approvals: list[tuple[str, str]] | None,
    identity: str,
    group: str | None,
    kind: str,
    error: type[PromptregError],
    message: str,
    hint: str,
) -> None:
    spec = spec_of(file, approvals)
    settings = load_config(REPO / "promptreg.yaml")
    with pytest.raises(error) as caught:
        plan_approval(spec, settings, identity, history(spec, kind), group=group, today=TODAY)
    assert type(caught.value) is error
    assert message in caught.value.message
    assert caught.value.hint is not None and hint in caught.value.hint


def test_a_reviewer_in_two_accepted_groups_must_choose() -> None:
    spec = spec_of(TIER3)
    settings = two_group_settings()
    with pytest.raises(UsageError) as caught:
        plan_approval(spec, settings, "mei@example.com", history(spec, "by dana"))
    assert "more than one group that can approve" in caught.value.message
    assert caught.value.hint == "choose one with --group, e.g. --group team-leads"
    plan = plan_approval(
        spec, settings, "mei@example.com", history(spec, "by dana"), group="compliance"
    )
    assert plan.approval.group == "compliance"


def test_the_plan_for_a_reviewer_who_may_approve() -> None:
    spec = spec_of(TIER3)
    settings = load_config(REPO / "promptreg.yaml")
    plan = plan_approval(spec, settings, "Jo@Example.COM", history(spec, "by mei"), today=TODAY)
    assert plan.replace_index is None
    approval = plan.approval
    assert (approval.reviewer, approval.group, approval.date) == (
        "jo@example.com",  # as promptreg.yaml spells it
        "compliance",
        "2026-11-20",
    )
    assert approval.content_hash == spec.content_hash


def test_approving_again_after_a_change_replaces_the_stale_entry() -> None:
    spec = spec_of(TIER3, [("mei@example.com", "current"), ("jo@example.com", STALE)])
    settings = load_config(REPO / "promptreg.yaml")
    plan = plan_approval(spec, settings, "jo@example.com", history(spec, "by dana"))
    assert plan.replace_index == 1
    assert plan.approval.date == dt.date.today().isoformat()


def test_one_membership_test_for_approve_and_the_checks() -> None:
    settings = load_config(REPO / "promptreg.yaml")
    assert in_group(settings, "mei@example.com", "compliance")
    assert not in_group(settings, "Mei@example.com", "compliance")  # spelling is exact
    assert not in_group(settings, "mei@example.com", "no-such-group")
    assert groups_of(settings, "ravi@example.com") == ["team-leads"]
    assert groups_of(settings, "stranger@example.com") == []
    assert listed_spelling(settings, "MEI@example.com") == "mei@example.com"
    assert listed_spelling(settings, "stranger@example.com") == "stranger@example.com"

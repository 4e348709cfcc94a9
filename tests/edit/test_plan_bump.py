"""plan_bump: every level decision and every refusal, one row each, on real repositories.

Each row commits the commented registry prompt at 1.3.0 (or, for a prompt that is new,
commits nothing of it), writes the working version the row describes and plans a bump
against HEAD.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from promptreg.core.config import load_config
from promptreg.core.errors import UsageError
from promptreg.core.loader import load_prompt
from promptreg.core.model import ChangelogEntry, PromptSpec
from promptreg.core.versions import Level
from promptreg.edit.bump import BumpPlan, bump_baseline, plan_bump
from promptreg.edit.rewrite import bump_text
from promptreg.git.baseline import Baseline
from promptreg.git.gitio import GitError
from tests.edit.test_bump import (
    COMMENTED,
    PROMPT_ID,
    RELATIVE,
    message_edit,
    optional_added,
    variable_removed,
)
from tests.gitrepo import REPO, GitRepo

pytestmark = pytest.mark.usefixtures("isolated_home")  # git reads no user configuration

TODAY = dt.date(2026, 12, 1)
EARLIER = ChangelogEntry("1.3.1", "2026-11-30", "Reword the rules.")


def unchanged(text: str) -> str:
    return text


def bumped_by_hand(text: str) -> str:
    return message_edit(text).replace("version: 1.3.0 ", "version: 1.4.0 ", 1)


def bumped_before(text: str) -> str:
    """A message edit bumped to 1.3.1 (with its entry) and not committed."""
    return bump_text(message_edit(text), "1.3.1", EARLIER)


def bumped_before_then_broken(text: str) -> str:
    return variable_removed(bumped_before(text))


@dataclass(frozen=True)
class Row:
    work: Callable[[str], str]
    """The working file, from the committed text."""
    outcome: str
    target: str
    level: Level
    needed: Level | None
    summary: str
    asked: Level | None = None
    message: str | None = None
    committed: bool = True
    """False: the prompt is new since the base."""
    compared: bool = True
    """False: no baseline (outside git)."""
    replace_top: bool = False
    says: str = ""
    """The start of what the person is told."""


ROWS = {
    "a message edit needs a patch": Row(
        message_edit,
        "bump",
        "1.3.1",
        "patch",
        "patch",
        "Message text changed.",
        says="bumped support/summarize-ticket 1.3.0 → 1.3.1 (patch; patch needed: "
        "message text changed)\nchangelog: 1.3.1 2026-12-01 Message text changed.  (generated",
    ),
    "an optional variable needs a minor": Row(
        optional_added,
        "bump",
        "1.4.0",
        "minor",
        "minor",
        "Optional variable 'language' was added.",
    ),
    "a removed variable needs a major": Row(
        variable_removed, "bump", "2.0.0", "major", "major", "Variable 'customer_tier' was removed."
    ),
    "a higher level than needed is taken": Row(
        message_edit, "bump", "1.4.0", "minor", "patch", "Message text changed.", asked="minor"
    ),
    "a given message is the summary": Row(
        message_edit,
        "bump",
        "1.3.1",
        "patch",
        "patch",
        "Say it better.",
        message="Say it better.",
        says="bumped support/summarize-ticket 1.3.0 → 1.3.1 (patch; patch needed: "
        "message text changed)\nchangelog: 1.3.1 2026-12-01 Say it better.\nwrote ",
    ),
    "no change and no level: nothing to do": Row(
        unchanged,
        "not-needed",
        "1.3.0",
        "patch",
        None,
        "Version bump without a content change.",
        says="support/summarize-ticket: the content is the same as at HEAD; no bump is needed",
    ),
    "no change with a level: bumped anyway": Row(
        unchanged,
        "bump",
        "1.3.1",
        "patch",
        None,
        "Version bump without a content change.",
        asked="patch",
        says="bumped support/summarize-ticket 1.3.0 → 1.3.1 (patch; no content change since HEAD)",
    ),
    "a version bumped by hand far enough is kept": Row(
        bumped_by_hand, "bump", "1.4.0", "minor", "patch", "Message text changed."
    ),
    "a bump already made and logged is done": Row(
        bumped_before,
        "up-to-date",
        "1.3.1",
        "patch",
        "patch",
        "Message text changed.",
        says="support/summarize-ticket is already at 1.3.1 with a changelog entry\n",
    ),
    "an unreleased bump is moved, its summary kept": Row(
        bumped_before_then_broken,
        "bump",
        "2.0.0",
        "major",
        "major",
        "Reword the rules.",
        replace_top=True,
    ),
    "a prompt new since the base counts from its own version": Row(
        unchanged,
        "bump",
        "1.3.1",
        "patch",
        None,
        "Version bump.",
        committed=False,
        says="bumped support/summarize-ticket 1.3.0 → 1.3.1 (patch; new since HEAD)",
    ),
    "without git the asked level counts from the file": Row(
        message_edit,
        "bump",
        "1.4.0",
        "minor",
        None,
        "Version bump.",
        asked="minor",
        compared=False,
        says="bumped support/summarize-ticket 1.3.0 → 1.4.0 (minor; not compared: no git",
    ),
}


def working(repo: GitRepo, work: Callable[[str], str], *, committed: bool = True) -> PromptSpec:
    """Commit the prompt at 1.3.0 (or only the configuration), then write `work` of it."""
    if committed:
        repo.write(RELATIVE, COMMENTED)
    repo.commit("base")
    repo.write(RELATIVE, work(COMMENTED))
    spec = load_prompt(repo.path(PROMPT_ID)).spec
    assert spec is not None
    return spec


def plan(repo: GitRepo, spec: PromptSpec, row: Row) -> BumpPlan:
    baseline = Baseline(repo.settings, "HEAD") if row.compared else None
    path = repo.path(PROMPT_ID)
    return plan_bump(spec, path, baseline, level=row.asked, message=row.message, today=TODAY)


@pytest.mark.parametrize("name", list(ROWS))
def test_plan_bump(name: str, git_repo: Callable[..., GitRepo]) -> None:
    row = ROWS[name]
    repo = git_repo()
    spec = working(repo, row.work, committed=row.committed)

    result = plan(repo, spec, row)

    assert (result.outcome, result.target, result.level, result.needed) == (
        row.outcome,
        row.target,
        row.level,
        row.needed,
    )
    assert result.entry == ChangelogEntry(row.target, TODAY.isoformat(), row.summary)
    assert result.replace_top is row.replace_top
    assert result.current == spec.version
    assert result.base == ("HEAD" if row.compared else None)
    assert result.new is not (row.committed and row.compared)
    assert result.generated is (row.message is None and not row.replace_top)
    assert result.message.startswith(row.says)
    if result.outcome == "bump":
        assert "\nwrote " in result.message
        # The existing approval goes stale with any new version, and the plan says so.
        assert "existing approvals are stale" in result.message


@pytest.mark.parametrize(
    ("work", "asked", "message", "hint"),
    [
        pytest.param(
            variable_removed,
            "minor",
            "breaking change (variable 'customer_tier' was removed) needs a major bump, not minor",
            f"run `promptreg bump {PROMPT_ID} major`, or undo the change",
            id="major needed, minor asked",
        ),
        pytest.param(
            variable_removed,
            "patch",
            "breaking change (variable 'customer_tier' was removed) needs a major bump, not patch",
            f"run `promptreg bump {PROMPT_ID} major`, or undo the change",
            id="major needed, patch asked",
        ),
        pytest.param(
            optional_added,
            "patch",
            "new feature (optional variable 'language' was added) needs a minor bump, not patch",
            f"run `promptreg bump {PROMPT_ID} minor`, or undo the change",
            id="minor needed, patch asked",
        ),
    ],
)
def test_plan_bump_refuses_a_level_lower_than_needed(
    git_repo: Callable[..., GitRepo],
    work: Callable[[str], str],
    asked: Level,
    message: str,
    hint: str,
) -> None:
    repo = git_repo()
    spec = working(repo, work)
    with pytest.raises(UsageError) as raised:
        plan_bump(spec, repo.path(PROMPT_ID), Baseline(repo.settings, "HEAD"), level=asked)
    assert (raised.value.message, raised.value.hint) == (message, hint)


def test_plan_bump_refuses_a_version_that_is_not_semantic(
    git_repo: Callable[..., GitRepo],
) -> None:
    repo = git_repo()
    spec = dataclasses.replace(working(repo, message_edit), version="1.3")
    with pytest.raises(UsageError) as raised:
        plan_bump(spec, repo.path(PROMPT_ID), Baseline(repo.settings, "HEAD"))
    assert raised.value.message == (
        f"{PROMPT_ID}: version '1.3' in the file is not a semantic version"
    )
    assert raised.value.hint == "write it as MAJOR.MINOR.PATCH, e.g. 1.2.0"


def test_bump_baseline_outside_git(tmp_path: Path) -> None:
    shutil.copy(REPO / "promptreg.yaml", tmp_path / "promptreg.yaml")
    settings = load_config(tmp_path / "promptreg.yaml")
    assert bump_baseline(settings, None, "minor") is None
    with pytest.raises(GitError) as raised:
        bump_baseline(settings, None, None)
    assert "not inside a git repository" in raised.value.message
    assert raised.value.hint == (
        "give the level explicitly (`promptreg bump ID patch`) to bump without comparing, "
        "or pass --base REF"
    )
    with pytest.raises(GitError) as raised:
        bump_baseline(settings, "main", "minor")  # a base asked for is never skipped
    assert "not inside a git repository" in raised.value.message
    assert "give the level explicitly" not in (raised.value.hint or "")


def test_bump_baseline_with_an_unknown_base_keeps_gits_answer(
    git_repo: Callable[..., GitRepo],
) -> None:
    repo = git_repo()
    repo.commit("base")
    assert bump_baseline(repo.settings, None, None) is not None
    with pytest.raises(GitError, match="'no-such-ref' is not a commit") as raised:
        bump_baseline(repo.settings, "no-such-ref", "patch")
    assert "give the level explicitly" not in (raised.value.hint or "")

"""Class 5: a pinned version is served only from states the branch itself was in.

The attack: a pull request's branch commits version 2.2.5 of a tier 3 prompt, approved
"by" two reviewers in commits that claim their names, then moves the prompt on to a
harmless 2.3.0 in review, and is merged. Every check of the pull request saw 2.3.0;
2.2.5 exists only on the side branch. `get(id, version="2.2.5")` used to serve the
newest commit anywhere in history carrying that version. A second attack stays on the
main line: a version whose approvals were typed in by the author, never by reviewers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from promptreg import NotApprovedError, Registry
from promptreg.core.loader import load_prompt
from tests.gitrepo import MEI, GitRepo, Who
from tests.governance.test_provenance import DANA, PROMPT_ID, RELATIVE, REPO, edited

AMARA: Who = ("Amara Reviewer", "amara@example.com")
APPROVED = (REPO / RELATIVE).read_text(encoding="utf-8")
HASH_LINE = re.compile(r"content_hash: sha256:[0-9a-f]{64}")


def _state(version: str, *, approved: bool, changed: bool = False) -> str:
    """The prompt at `version`, its approvals' hashes those of its own content (or in
    review with none); `changed` edits a message, so the content differs."""
    text = re.sub(r"(?m)^version: .*$", f"version: {version}", APPROVED, count=1)
    if changed:
        text = edited(text)
    if not approved:
        return unapproved_text(text)
    spec = load_prompt(Path("x.prompt.yaml"), text.encode()).spec
    assert spec is not None
    return HASH_LINE.sub(f"content_hash: {spec.content_hash}", text)


def unapproved_text(text: str) -> str:
    text = text.replace("status: approved", "status: review")
    return re.sub(r"(?m)^approvals:\n(?:  .*\n)*", "approvals: []\n", text)


def _approvals_by_their_reviewers(repo: GitRepo, text: str, message: str) -> None:
    """`text` (approved by Mei and Amara) committed as reviewers commit approvals: the
    content in review first, then each entry by its reviewer, then the status."""
    lines = text.splitlines(keepends=True)
    start = lines.index("approvals:\n")
    entries = [i for i in range(start + 1, len(lines)) if lines[i].startswith("  - reviewer:")]
    end = next(
        (i for i in range(start + 1, len(lines)) if not lines[i].startswith("  ")), len(lines)
    )
    head, tail = "".join(lines[:start]), "".join(lines[end:])
    first = "".join(lines[entries[0] : entries[1]])
    both = "".join(lines[entries[0] : end])
    repo.write(RELATIVE, unapproved_text(text))
    repo.commit(message, DANA)
    for who, block in ((MEI, first), (AMARA, both)):
        in_review = head.replace("status: approved", "status: review")
        repo.write(RELATIVE, f"{in_review}approvals:\n{block}{tail}")
        repo.commit(f"Approve {message}", who)
    repo.write(RELATIVE, text)
    repo.commit(f"Release {message}", DANA)


@pytest.fixture
def merged(git_repo: Callable[..., GitRepo]) -> GitRepo:
    repo = git_repo(identity=DANA)
    _approvals_by_their_reviewers(repo, _state("2.2.0", approved=True), "2.2.0")
    repo.git("checkout", "-q", "-b", "feature")
    forged = _state("2.2.5", approved=True, changed=True)
    _approvals_by_their_reviewers(repo, forged, "2.2.5")  # authors typed as the reviewers
    repo.write(RELATIVE, _state("2.3.0", approved=False))
    repo.commit("2.3.0 for review", DANA)
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "feature", "-m", "Merge feature")
    return repo


def test_a_version_only_a_side_branch_had_is_refused(merged: GitRepo) -> None:
    registry = Registry(merged.settings)
    assert registry.get(PROMPT_ID, version="2.2.0").version == "2.2.0"
    with pytest.raises(NotApprovedError) as caught:
        registry.get(PROMPT_ID, version="2.2.5")
    assert "side branch" in str(caught.value) and "first-parent" in str(caught.value)
    assert PROMPT_ID in str(caught.value)


def test_a_main_line_version_with_typed_in_approvals_is_refused(
    git_repo: Callable[..., GitRepo],
) -> None:
    repo = git_repo(identity=DANA)
    _approvals_by_their_reviewers(repo, _state("2.2.0", approved=True), "2.2.0")
    repo.write(RELATIVE, _state("2.2.1", approved=True, changed=True))
    repo.commit("2.2.1, approvals typed in", DANA)
    repo.write(RELATIVE, _state("2.3.0", approved=False))
    repo.commit("2.3.0 for review", DANA)
    registry = Registry(repo.settings)
    assert registry.get(PROMPT_ID, version="2.2.0").version == "2.2.0"
    with pytest.raises(NotApprovedError) as caught:
        registry.get(PROMPT_ID, version="2.2.1")
    assert "do not hold against git history" in str(caught.value)
    assert "Dana" in str(caught.value)

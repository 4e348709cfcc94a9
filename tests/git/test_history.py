"""History, versions named by number or revision, and the SDK's pinned versions, on real git.

Each test builds a repository with the shared `git_repo` fixture (tests/gitrepo.py): a
fixed identity and dates, HOME pointed at a temporary directory and the system git config
ignored, so neither the machine's nor the developer's git settings change what is seen.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import promptreg.git.gitio
import promptreg.git.history
import promptreg.git.summary
from promptreg import NotApprovedError, PromptNotFoundError, Registry
from promptreg.cli.main import main
from promptreg.core.config import load_config
from promptreg.core.diff import diff_specs
from promptreg.core.errors import InvalidPromptError
from promptreg.core.loader import load_prompt
from promptreg.git.gitio import GitError
from promptreg.git.history import WORKING, history, resolve_version
from tests.gitrepo import GitRepo, Who

REPO = Path(__file__).resolve().parents[2]
PROMPT = "support/summarize-ticket"
RELATIVE = f"registry/{PROMPT}.prompt.yaml"
ORIGINAL = (REPO / RELATIVE).read_text(encoding="utf-8")
HASH_LINE = re.compile(r"content_hash: sha256:[0-9a-f]{64}")

ADA: Who = ("Ada Lovelace", "ada@example.com")
BO: Who = ("Bo Chen", "bo@example.com")
CY: Who = ("Cy Young", "cy@example.com")

TIER_LINE = re.compile(r"(?m)^ *Customer tier: \{\{ customer_tier \}\}\n\n?")
TIER_VARIABLE = re.compile(r"(?m)^  customer_tier:\n(?:    .*\n)+")


def edit(text: str, old: str | re.Pattern[str], new: str) -> str:
    """`text` with `old` replaced once; fails loudly if the example prompt has moved on."""
    edited = (
        old.sub(new, text, count=1) if isinstance(old, re.Pattern) else text.replace(old, new, 1)
    )
    assert edited != text, f"{old!r} is not in the example prompt any more"
    return edited


def approve(text: str) -> str:
    """The file with its approval's hash set to the file's own content hash."""
    spec = load_prompt(Path("x.prompt.yaml"), text.encode()).spec
    assert spec is not None
    return HASH_LINE.sub(f"content_hash: {spec.content_hash}", text)


def at_version(text: str, version: str) -> str:
    return re.sub(r"(?m)^version: .*$", f"version: {version}", text, count=1)


def commit(repo: GitRepo, text: str, message: str, who: Who | None = None) -> str:
    """The example prompt's file set to `text` and committed (by Ada unless `who`)."""
    repo.write(RELATIVE, text)
    return repo.commit(message, who)


def make_registry(root: Path) -> Path:
    (root / "registry" / "support").mkdir(parents=True)
    shutil.copy(REPO / "promptreg.yaml", root / "promptreg.yaml")
    return root


# The states the scenario commits, oldest first: (version, status, approved?, author).
V100_DRAFT = edit(at_version(ORIGINAL, "1.0.0"), "status: approved", "status: draft")
V100 = approve(at_version(ORIGINAL, "1.0.0"))
V110 = approve(
    edit(at_version(ORIGINAL, "1.1.0"), "Be neutral and factual.", "Be neutral, brief, factual.")
)
# 1.2.0 edits a message but keeps 1.1.0's approval: stale as committed.
V120 = edit(at_version(V110, "1.2.0"), "Never guess.", "Never guess or invent details.")
V200 = approve(edit(edit(at_version(V110, "2.0.0"), TIER_LINE, ""), TIER_VARIABLE, ""))


@pytest.fixture
def repo(git_repo: Callable[..., GitRepo]) -> GitRepo:
    """Five commits: draft, approval, a message edit, a stale edit, a breaking removal."""
    repo = git_repo(identity=ADA)
    commit(repo, V100_DRAFT, "Add summarize-ticket as a draft")
    commit(repo, V100, "Approve summarize-ticket 1.0.0", BO)
    commit(repo, V110, "Shorter summaries")
    commit(repo, V120, "Do not invent details", BO)
    commit(repo, V200, "Drop the customer tier", CY)
    return repo


@dataclass(frozen=True)
class Run:
    status: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    def run(*args: str) -> Run:
        status = main(list(args))
        captured = capsys.readouterr()
        return Run(status, captured.out, captured.err)

    return run


# --- history --------------------------------------------------------------------------


def test_history_lists_every_commit_newest_first(repo: GitRepo) -> None:
    revisions = history(repo.settings, PROMPT)
    assert [r.version for r in revisions] == ["2.0.0", "1.2.0", "1.1.0", "1.0.0", "1.0.0"]
    assert [r.status for r in revisions] == ["approved"] * 4 + ["draft"]
    assert [r.author_name for r in revisions] == [CY[0], BO[0], ADA[0], BO[0], ADA[0]]
    assert revisions[0].author_email == CY[1]
    assert revisions[0].commit == repo.git("rev-parse", "HEAD")
    assert revisions[-1].commit == repo.git("rev-list", "--max-parents=0", "HEAD")
    assert revisions[0].subject == "Drop the customer tier"
    assert revisions[0].date == "2026-01-05T10:00:00+00:00"
    assert revisions[0].approvals == ("dana@example.com",)
    assert revisions[0].path == RELATIVE
    assert revisions[0].spec is not None
    assert revisions[0].content_hash == revisions[0].spec.content_hash
    assert "customer_tier" not in revisions[0].spec.variables


def test_history_calls_git_a_bounded_number_of_times(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []
    real = promptreg.git.gitio.git

    def counting(args: Any, cwd: Path, **kwargs: Any) -> Any:
        calls.append(list(args))
        return real(args, cwd, **kwargs)

    monkeypatch.setattr(promptreg.git.gitio, "git", counting)  # every git call goes through it

    assert len(history(repo.settings, PROMPT)) == 5
    few = len(calls)
    text = V200
    for n in range(1, 26):
        text = text.replace(f"version: 2.0.{n - 1}", f"version: 2.0.{n}")
        commit(repo, text, f"patch {n}")
    calls.clear()
    assert len(history(repo.settings, PROMPT)) == 30
    assert len(calls) == few <= 5


def test_summary_cache_is_used_and_a_corrupt_one_ignored(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = repo.root / ".promptreg" / "cache"
    first = history(repo.settings, PROMPT, cache=cache)
    assert (cache / "history.json").is_file()
    assert (cache / ".gitignore").read_text(encoding="utf-8").endswith("*\n")

    def no_parse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a cached blob was parsed again")

    monkeypatch.setattr(promptreg.git.history, "load_prompt", no_parse)
    monkeypatch.setattr(promptreg.git.summary, "load_prompt", no_parse)
    again = history(repo.settings, PROMPT, cache=cache)
    assert again == first
    assert [r.approvals for r in again] == [r.approvals for r in first]
    monkeypatch.undo()

    assert again[2].spec is not None  # specs still load, from the blob, when asked for
    assert again[2].spec.version == "1.1.0"

    (cache / "history.json").write_text('{"format": 1, "entries": [1, 2]}', encoding="utf-8")
    assert history(repo.settings, PROMPT, cache=cache) == first
    (cache / "history.json").write_text("not json", encoding="utf-8")
    assert history(repo.settings, PROMPT, cache=cache) == first


def test_parallel_validation_gives_the_same_history(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(promptreg.git.summary, "PARALLEL_MIN_BLOBS", 2)
    assert history(repo.settings, PROMPT, workers=2) == history(repo.settings, PROMPT)


def test_history_follows_a_rename(repo: GitRepo) -> None:
    new_id = "support/summarize-ticket-v2"
    target = repo.root / f"registry/{new_id}.prompt.yaml"
    repo.git("mv", RELATIVE, target.relative_to(repo.root).as_posix())
    text = target.read_text(encoding="utf-8").replace(f"id: {PROMPT}", f"id: {new_id}")
    target.write_text(text, encoding="utf-8")
    repo.git("commit", "-q", "-am", "Rename")

    revisions = history(repo.settings, new_id)
    assert len(revisions) == 6
    assert revisions[0].path == f"registry/{new_id}.prompt.yaml"
    assert revisions[1].path == RELATIVE


def test_merge_commits_count_with_the_file_they_left(repo: GitRepo) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    feature = commit(repo, at_version(V200, "2.1.0"), "Feature")
    repo.git("checkout", "-q", "main")
    repo.write("README", "unrelated\n")
    repo.commit("Unrelated")
    repo.git("merge", "-q", "--no-ff", "feature", "-m", "Merge feature")
    repo.commits += 1

    revisions = history(repo.settings, PROMPT)
    assert [r.subject for r in revisions[:3]] == [
        "Merge feature",
        "Feature",
        "Drop the customer tier",
    ]
    assert [r.version for r in revisions[:3]] == ["2.1.0", "2.1.0", "2.0.0"]
    assert revisions[1].commit == feature
    assert revisions[0].blob == revisions[1].blob


def test_broken_commit_is_listed_with_its_problems(repo: GitRepo, cli: Callable[..., Run]) -> None:
    commit(repo, "id: [unclosed\n", "Oops")
    revisions = history(repo.settings, PROMPT)
    assert revisions[0].spec is None
    assert revisions[0].version is None
    assert revisions[0].problems
    assert str(revisions[0].problems[0].location).startswith(revisions[0].short + ":")
    run = cli("history", PROMPT, "--config", str(repo.root / "promptreg.yaml"))
    assert run.status == 0
    assert run.out.splitlines()[1].split()[0] == "?"
    assert "invalid" in run.out.splitlines()[1]
    assert "1 did not load" in run.err


def test_reverted_content_is_its_own_revision(repo: GitRepo) -> None:
    commit(repo, V120, "Revert to 1.2.0")
    revisions = history(repo.settings, PROMPT)
    assert [r.version for r in revisions[:3]] == ["1.2.0", "2.0.0", "1.2.0"]
    assert revisions[0].commit != revisions[2].commit
    assert revisions[0].blob == revisions[2].blob


def test_uncommitted_prompt_has_no_history(git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo()
    repo.write(RELATIVE, V100)
    assert history(repo.settings, PROMPT) == []


def test_unknown_prompt_suggests_a_known_one(repo: GitRepo) -> None:
    with pytest.raises(PromptNotFoundError, match="did you mean"):
        history(repo.settings, "support/summarise-ticket")


def test_history_cli_table(repo: GitRepo, cli: Callable[..., Run]) -> None:
    run = cli("history", PROMPT, "--config", str(repo.root / "promptreg.yaml"))
    assert run.status == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].split() == [
        "VERSION",
        "HASH",
        "COMMIT",
        "DATE",
        "AUTHOR",
        "STATUS",
        "APPROVALS",
    ]
    assert len(lines) == 6
    head = repo.git("rev-parse", "HEAD")
    first = lines[1].split()
    assert first[0] == "2.0.0"
    assert first[2] == head[:10]
    assert first[3] == "2026-01-05"
    assert lines[1].rstrip().endswith("dana@example.com")
    assert "Cy Young" in lines[1]
    assert lines[5].split()[:1] == ["1.0.0"]
    assert "draft" in lines[5]
    assert "5 commits" in run.err


def test_history_cli_json(repo: GitRepo, cli: Callable[..., Run]) -> None:
    run = cli("history", PROMPT, "--format", "json", "--config", str(repo.root / "promptreg.yaml"))
    assert run.status == 0, run.err
    payload = json.loads(run.out)
    assert payload["id"] == PROMPT
    revisions = payload["revisions"]
    assert [r["version"] for r in revisions] == ["2.0.0", "1.2.0", "1.1.0", "1.0.0", "1.0.0"]
    assert revisions[0]["author"] == {"name": CY[0], "email": CY[1]}
    assert revisions[0]["commit"] == repo.git("rev-parse", "HEAD")
    assert revisions[0]["content_hash"].startswith("sha256:")
    assert revisions[0]["approvals"] == ["dana@example.com"]
    assert revisions[0]["valid"] is True


# --- versions by number, revision or working tree -------------------------------------


def test_resolve_version_number_revision_and_working_tree(repo: GitRepo) -> None:
    settings = repo.settings
    label, spec = resolve_version(settings, PROMPT, "1.1.0")
    assert spec.version == "1.1.0"
    assert "Be neutral, brief, factual." in spec.messages[0].content
    commit = repo.git("rev-parse", "HEAD~2")
    assert label == f"1.1.0 ({commit[:10]})"

    label, spec = resolve_version(settings, PROMPT, "1.0.0")
    assert spec.status == "approved"  # the newest commit carrying 1.0.0

    label, spec = resolve_version(settings, PROMPT, "HEAD~1")
    assert (label, spec.version) == ("1.2.0 (HEAD~1)", "1.2.0")
    label, spec = resolve_version(settings, PROMPT, commit)
    assert label == f"1.1.0 ({commit[:10]})"

    repo.path(PROMPT).write_text(at_version(V200, "2.1.0"), encoding="utf-8")
    label, spec = resolve_version(settings, PROMPT, WORKING)
    assert (label, spec.version) == ("2.1.0 (working tree)", "2.1.0")
    label, spec = resolve_version(settings, PROMPT, "2.1.0")
    assert label == "2.1.0 (working tree)"


def test_unknown_version_lists_the_known_ones(repo: GitRepo) -> None:
    with pytest.raises(PromptNotFoundError) as caught:
        resolve_version(repo.settings, PROMPT, "9.9.9")
    assert "2.0.0, 1.2.0, 1.1.0, 1.0.0" in str(caught.value)
    with pytest.raises(PromptNotFoundError, match="neither a version") as caught:
        resolve_version(repo.settings, PROMPT, "no-such-branch")
    assert "1.1.0" in str(caught.value)


def test_revision_without_the_prompt(repo: GitRepo) -> None:
    repo.git("checkout", "-q", "--orphan", "empty")
    repo.git("rm", "-rq", "--cached", ".")
    (repo.root / "README").write_text("x", encoding="utf-8")
    repo.git("add", "README")
    repo.git("commit", "-q", "-m", "empty")
    with pytest.raises(PromptNotFoundError, match="does not exist at empty"):
        resolve_version(repo.settings, PROMPT, "empty")


def test_diff_between_committed_versions(repo: GitRepo) -> None:
    _, old = resolve_version(repo.settings, PROMPT, "1.0.0")
    _, new = resolve_version(repo.settings, PROMPT, "2.0.0")
    result = diff_specs(old, new)
    assert ("major", "variable 'customer_tier' was removed") in {
        (c.level, c.description) for c in result.changes
    }
    assert result.suggested_level == "major"
    assert result.bump == "major"
    assert result.bump_sufficient
    assert [(v.name, v.kind) for v in result.variables] == [("customer_tier", "removed")]
    system, user = result.messages
    assert system.unified[:2] == ("--- a/messages[0] (system)", "+++ b/messages[0] (system)")
    assert any(
        line.startswith("-") and "Be neutral and factual." in line for line in system.unified
    )
    assert any(
        line.startswith("+") and "Be neutral, brief, factual." in line for line in system.unified
    )
    assert "-Customer tier: {{ customer_tier }}" in user.unified


def test_diff_cli_head_against_working_tree(repo: GitRepo, cli: Callable[..., Run]) -> None:
    text = V200.replace("temperature: 0.2", "temperature: 0.3").replace(
        "title: Summarise a support ticket", "title: Summarise a ticket"
    )
    repo.path(PROMPT).write_text(text, encoding="utf-8")
    run = cli("diff", PROMPT, "--config", str(repo.root / "promptreg.yaml"))
    assert run.status == 0, run.err
    assert run.out.startswith(f"{PROMPT}: 2.0.0 (HEAD) → 2.0.0 (working tree)\n")
    assert 'title: "Summarise a support ticket" → "Summarise a ticket"' in run.out
    assert "model.temperature: 0.2 → 0.3" in run.out
    assert "version: 2.0.0 → 2.0.0, not raised, but the changes need a patch bump" in run.out

    run = cli("diff", PROMPT, "--format", "json", "--config", str(repo.root / "promptreg.yaml"))
    payload = json.loads(run.out)
    assert payload["a"] == {"ref": "HEAD", "label": "2.0.0 (HEAD)"}
    assert payload["b"] == {"ref": "working", "label": "2.0.0 (working tree)"}
    assert payload["suggested_level"] == "patch"
    assert payload["bump_sufficient"] is False
    paths = [m["path"] for m in payload["metadata"]]
    assert ["title"] in paths
    assert ["model", "temperature"] in paths


def test_diff_cli_versions_and_revisions(repo: GitRepo, cli: Callable[..., Run]) -> None:
    config = ("--config", str(repo.root / "promptreg.yaml"))
    run = cli("diff", PROMPT, "1.1.0", "2.0.0", *config)
    assert run.status == 0, run.err
    assert "major  variable 'customer_tier' was removed" in run.out
    assert "version: 1.1.0 → 2.0.0, a major bump; the changes need a major bump" in run.out
    assert "  - customer_tier (removed)" in run.out

    run = cli("diff", PROMPT, "HEAD~4", "HEAD~3", *config)  # the status change
    assert 'status: "draft" → "approved"' in run.out
    assert "content hash" not in run.out

    run = cli("diff", PROMPT, "1.1.0", "1.2.0", "--format", "json", *config)
    payload = json.loads(run.out)
    assert payload["changes"] == [
        {"level": "patch", "description": "message text changed", "path": ["messages"]}
    ]
    [message] = payload["messages"]
    assert message["role"] == {"before": "system", "after": "system"}
    assert any(
        line.startswith("+") and "Never guess or invent details." in line
        for line in message["unified"]
    )

    run = cli("diff", PROMPT, "2.0.0", *config)  # one side: against the working tree
    assert run.out.endswith("no differences\n")


def test_diff_cli_unknown_version(repo: GitRepo, cli: Callable[..., Run]) -> None:
    run = cli("diff", PROMPT, "3.0.0", "--config", str(repo.root / "promptreg.yaml"))
    assert run.status == 2
    assert "no version 3.0.0" in run.err
    assert "known versions, newest first: 2.0.0, 1.2.0, 1.1.0, 1.0.0" in run.err
    assert "Traceback" not in run.err


# --- the SDK's pinned versions -------------------------------------------------------


def test_get_an_older_version_from_history(repo: GitRepo) -> None:
    registry = Registry(repo.settings)
    current = registry.get(PROMPT)
    assert current.version == "2.0.0"
    old = registry.get(PROMPT, version="1.1.0")
    assert old.version == "1.1.0"
    assert "Be neutral, brief, factual." in old.spec.messages[0].content
    assert "customer_tier" in old.spec.variables
    rendered = old.render(ticket_text="Order 1234", customer_tier="pro")
    assert "Customer tier: pro" in rendered[1]["content"]
    assert registry.get(PROMPT, version="1.1.0") is old
    assert registry.get(PROMPT, version="2.0.0") is current
    assert registry.get(PROMPT) is current


def test_get_refuses_a_version_whose_approval_was_stale_then(repo: GitRepo) -> None:
    registry = Registry(repo.settings)
    with pytest.raises(NotApprovedError) as caught:
        registry.get(PROMPT, version="1.2.0")
    message = str(caught.value)
    assert "stale" in message
    assert repo.git("rev-parse", "HEAD~1")[:10] in message
    prompt = registry.get(PROMPT, version="1.2.0", allow_unapproved=True)
    assert prompt.version == "1.2.0"


def test_get_unknown_version_lists_known_ones(repo: GitRepo) -> None:
    with pytest.raises(PromptNotFoundError) as caught:
        Registry(repo.settings).get(PROMPT, version="1.5.0")
    text = str(caught.value)
    assert "the working tree has 2.0.0" in text
    assert "2.0.0, 1.2.0, 1.1.0, 1.0.0" in text


def test_get_a_version_of_a_deleted_prompt(repo: GitRepo) -> None:
    repo.path(PROMPT).unlink()
    registry = Registry(repo.settings)
    assert registry.get(PROMPT, version="1.1.0").version == "1.1.0"
    with pytest.raises(PromptNotFoundError):
        registry.get(PROMPT)


def test_get_a_version_that_does_not_load(repo: GitRepo) -> None:
    broken = at_version(V200, "2.1.0").replace("tier: 2", "tier: seven")
    commit(repo, broken, "Broken")
    repo.path(PROMPT).write_text(V200, encoding="utf-8")
    with pytest.raises(InvalidPromptError, match="as committed in"):
        Registry(repo.settings).get(PROMPT, version="2.1.0")


def test_plain_get_does_not_call_git(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_git(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("git was called")

    monkeypatch.setattr(promptreg.git.gitio, "git", no_git)
    registry = Registry(repo.settings)
    assert registry.get(PROMPT).version == "2.0.0"
    assert registry.get(PROMPT, version="2.0.0").version == "2.0.0"


# --- without git ----------------------------------------------------------------------


@pytest.fixture
def no_repo(tmp_path: Path, isolated_home: Path) -> Path:
    """A registry that is not in any git repository (tmp_path is outside this checkout)."""
    root = make_registry(tmp_path / "plain")
    (root / RELATIVE).write_text(V200, encoding="utf-8")
    ceiling = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, check=False
    )
    assert ceiling.returncode != 0, "the temporary directory must not be inside a git repository"
    return root


def test_history_outside_git_is_a_clear_error(no_repo: Path, cli: Callable[..., Run]) -> None:
    settings = load_config(no_repo / "promptreg.yaml")
    with pytest.raises(GitError) as caught:
        history(settings, PROMPT)
    assert caught.value.hint
    assert "not inside a git repository" in str(caught.value)
    for command in (["history", PROMPT], ["diff", PROMPT]):
        run = cli(*command, "--config", str(no_repo / "promptreg.yaml"))
        assert run.status == 2
        assert "not inside a git repository" in run.err
        assert "hint:" in run.err
        assert "Traceback" not in run.err
        assert run.out == ""


def test_without_git_the_working_tree_still_works(no_repo: Path, cli: Callable[..., Run]) -> None:
    registry = Registry.open(no_repo)
    assert registry.get(PROMPT).version == "2.0.0"
    assert registry.get(PROMPT, version="2.0.0").version == "2.0.0"
    with pytest.raises(PromptNotFoundError) as caught:
        registry.get(PROMPT, version="1.0.0")
    assert "working tree" in str(caught.value)
    assert "git" in str(caught.value)
    run = cli("diff", PROMPT, WORKING, WORKING, "--config", str(no_repo / "promptreg.yaml"))
    assert run.status == 0
    assert "no differences" in run.out

"""Approvals verified against git history (G011-G014), on real repositories.

Every test builds a registry in a temporary git repository (tests/gitrepo.py) and
commits as two or more people, with fixed identities, HOME in the temporary directory
and the system git config ignored, so neither the machine's nor the developer's git
settings leak in. Signing tests make a throwaway SSH key with ssh-keygen.

The rule fixtures of G011-G014 need history, which the plain fixture harness cannot
give; `history_repo` below builds it from a fixture folder (see its docstring), and the
tests at the end run every such fixture through it.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import promptreg.git.gitio
from promptreg.cli.main import main
from promptreg.core.config import Settings, load_config
from promptreg.core.loader import load_prompt
from promptreg.core.model import Approval
from promptreg.core.tree import prompt_id_for
from promptreg.git.repo import Repository
from promptreg.governance import provenance
from promptreg.governance.file_history import FileHistory, load_history
from promptreg.governance.provenance import content_author, provenance_issues
from promptreg.lint.context import FileContext
from promptreg.lint.rule import Rule
from promptreg.lint.rules import governance
from promptreg.lint.rules.provenance import RULES as PROVENANCE_RULES
from tests.gitrepo import JO, GitRepo, Who, make_git_repo, require_ssh_keygen

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "rules"
PROMPT_ID = "legal/contract-clause-risk"
RELATIVE = f"registry/{PROMPT_ID}.prompt.yaml"
OTHER_ID = "legal/dsar-triage"
OTHER_RELATIVE = f"registry/{OTHER_ID}.prompt.yaml"

DANA: Who = ("Dana Author", "dana@example.com")  # team-leads: writes prompts
MEI: Who = ("Mei Reviewer", "mei@example.com")  # compliance; Jo (JO) too

RULES_BY_CODE: dict[str, Rule] = {
    rule.code: rule for rule in (*PROVENANCE_RULES, *governance.RULES) if rule.check
}
CHECKED = ("G004", "G011", "G012", "G013", "G014")


def unapproved(relative: str) -> str:
    """A registry prompt as a reviewer finds it: in review, without approvals."""
    text = (REPO / relative).read_text(encoding="utf-8")
    text = text.replace("status: approved", "status: review")
    return re.sub(r"(?m)^approvals:\n(?:  .*\n)*", "approvals: []\n", text)


def edited(text: str) -> str:
    """The same prompt with a content change (a message edit)."""
    changed = text.replace(
        "You do\n      not give legal advice", "You never\n      give legal advice", 1
    )
    assert changed != text
    return changed


def prompt(repo: GitRepo) -> Path:
    return repo.path(PROMPT_ID)


@pytest.fixture
def repo(git_repo: Callable[..., GitRepo]) -> GitRepo:
    """Dana has committed the tier 3 prompt for review; nobody has approved it yet."""
    repo = git_repo(identity=DANA)
    repo.write(RELATIVE, unapproved(RELATIVE))
    repo.commit("Add contract-clause-risk for review", DANA)
    return repo


def findings(
    path: Path, settings: Settings, codes: tuple[str, ...] = CHECKED
) -> list[tuple[str, int, str]]:
    """(code, line, message) of the given rules on one file, run directly.

    The rules are run without the catalogue so that these tests do not depend on the
    provenance rules being registered there. Like a lint run, the rules share one
    Repository, found afresh for each call (None outside git).
    """
    result = load_prompt(path)
    assert result.spec is not None, result.problems
    ctx = FileContext(
        path,
        result.document,
        result.spec,
        settings,
        prompt_id_for(path, settings.registry_dir),
        git=Repository.at(path.parent),
    )
    found = []
    for code in codes:
        check = RULES_BY_CODE[code].check
        assert check is not None
        found += [(code, hit.span.line, hit.message) for hit in check(ctx)]
    return found


def approve(repo: GitRepo, who: Who, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`promptreg approve` run in process as `who` (the repository's user.email)."""
    repo.git("config", "user.email", who[1])
    capsys.readouterr()
    status = main(["approve", PROMPT_ID, "--config", str(repo.root / "promptreg.yaml")])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.out + captured.err


def type_approval(repo: GitRepo, reviewer: str, content_hash: str | None = None) -> None:
    """Add an approval entry by hand, as someone editing the file would."""
    from promptreg.edit.rewrite import approval_text

    spec = load_prompt(prompt(repo)).spec
    assert spec is not None
    approval = Approval(reviewer, "compliance", "2026-11-20", content_hash or spec.content_hash)
    prompt(repo).write_text(
        approval_text(prompt(repo).read_text(encoding="utf-8"), approval), encoding="utf-8"
    )


# --- the acceptance scenarios ---------------------------------------------------------------


def test_valid_approval_passes(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = approve(repo, MEI, capsys)
    assert status == 0, out
    assert findings(prompt(repo), repo.settings) == []  # not committed yet: nothing to check
    repo.commit("Approve contract-clause-risk", MEI)
    assert findings(prompt(repo), repo.settings) == []
    status, out = approve(repo, JO, capsys)
    assert status == 0, out
    repo.commit("Approve contract-clause-risk", JO)
    assert findings(prompt(repo), repo.settings) == []
    spec = load_prompt(prompt(repo)).spec
    assert spec is not None
    assert [a.reviewer for a in spec.approvals] == ["mei@example.com", "jo@example.com"]


def test_approval_committed_by_another_identity_is_refused(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = approve(repo, MEI, capsys)
    assert status == 0, out
    commit = repo.commit("Add Mei's approval", DANA)  # Dana commits Mei's approval
    found = findings(prompt(repo), repo.settings)
    assert [code for code, _, _ in found] == ["G011"]
    _, line, message = found[0]
    assert commit[:10] in message
    assert "dana@example.com" in message and "mei@example.com" in message
    assert prompt(repo).read_text().splitlines()[line - 1].strip() == "- reviewer: mei@example.com"


def test_self_approval_is_refused_by_approve_and_by_the_rules(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(RELATIVE, edited(prompt(repo).read_text()))
    change = repo.commit("Mei edits the system message", MEI)
    before = prompt(repo).read_bytes()
    status, out = approve(repo, MEI, capsys)
    assert status == 2
    assert "four eyes" in out and change[:10] in out
    assert prompt(repo).read_bytes() == before
    # Typed in and committed around the command: G014 names the commit that made the content.
    type_approval(repo, "mei@example.com")
    repo.commit("Approve my own change", MEI)
    found = findings(prompt(repo), repo.settings)
    assert [code for code, _, _ in found] == ["G014"]
    assert change[:10] in found[0][2]


def test_stale_hash_is_refused(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert approve(repo, MEI, capsys)[0] == 0
    repo.commit("Approve contract-clause-risk", MEI)
    repo.write(RELATIVE, edited(prompt(repo).read_text()))
    repo.commit("Edit the system message after approval", DANA)
    found = findings(prompt(repo), repo.settings)
    assert [code for code, _, _ in found] == ["G004"]  # stale, but honestly committed
    # A hash this prompt never had: stale and untraceable.
    type_approval(repo, "jo@example.com", "sha256:" + "0" * 64)
    added = repo.commit("Approve something", JO)
    found = findings(prompt(repo), repo.settings)
    assert sorted(code for code, _, _ in found) == ["G004", "G004", "G012"]
    message = next(m for c, _, m in found if c == "G012")
    assert added[:10] in message and "never committed" in message


def test_signed_approval_passes_and_the_same_commit_unsigned_is_refused(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    require_ssh_keygen()
    repo.edit_config(
        "lint:\n", "require_signed: true\nallowed_signers: .promptreg/allowed_signers\nlint:\n"
    )
    repo.allow_signers("dana@example.com", "mei@example.com")
    repo.commit("Require signed approvals", DANA)
    repo.sign_history(DANA)
    status, out = approve(repo, MEI, capsys)
    assert status == 0, out
    assert "commit -S" in out
    approved = prompt(repo).read_bytes()
    repo.commit("Approve contract-clause-risk", MEI, key=repo.key_for("mei@example.com"))
    assert findings(prompt(repo), repo.settings) == []
    # The same change committed unsigned instead.
    repo.git("reset", "-q", "--hard", "HEAD~1")
    prompt(repo).write_bytes(approved)
    unsigned = repo.commit("Approve contract-clause-risk", MEI)
    found = findings(prompt(repo), repo.settings)
    assert [code for code, _, _ in found] == ["G013"]
    assert unsigned[:10] in found[0][2] and "no signature" in found[0][2]


def test_signed_with_a_key_not_listed_for_the_reviewer_is_refused(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    require_ssh_keygen()
    repo.edit_config("lint:\n", "require_signed: true\nlint:\n")  # default signers path
    repo.allow_signers("dana@example.com", "jo@example.com")
    repo.commit("Require signed approvals", DANA)
    repo.sign_history(DANA)
    assert approve(repo, MEI, capsys)[0] == 0
    repo.commit("Approve", MEI, key=repo.key_for("mei@example.com"))
    found = findings(prompt(repo), repo.settings)
    assert [code for code, _, _ in found] == ["G013"]
    assert "not listed" in found[0][2]
    # Jo's key signing Mei's approval: a good signature, but not Mei's.
    repo.git("reset", "-q", "--hard", "HEAD~1")
    assert approve(repo, MEI, capsys)[0] == 0
    repo.commit("Approve", MEI, key=repo.key_for("jo@example.com"))
    found = findings(prompt(repo), repo.settings)
    assert [code for code, _, _ in found] == ["G013"]
    assert "key of jo@example.com, not of mei@example.com" in found[0][2]


def test_missing_allowed_signers_file_fails_signed_verification(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.edit_config("lint:\n", "require_signed: true\nlint:\n")
    repo.commit("Require signed approvals", DANA)
    repo.allow_signers("dana@example.com")  # to approve; then the file goes missing
    repo.sign_history(DANA)
    assert approve(repo, MEI, capsys)[0] == 0
    (repo.root / ".promptreg" / "allowed_signers").unlink()
    repo.commit("Approve", MEI)
    found = findings(prompt(repo), repo.settings)
    assert [code for code, _, _ in found] == ["G013", "G014"]
    assert ".promptreg/allowed_signers does not exist" in found[0][2]
    assert "no good signature" in found[1][2]


# --- copies, merges and history -------------------------------------------------------------


def test_approval_copied_from_another_prompt_names_that_prompt(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(OTHER_RELATIVE, (REPO / OTHER_RELATIVE).read_text(encoding="utf-8"))
    repo.commit("Add dsar-triage", DANA)
    other = load_prompt(repo.root / OTHER_RELATIVE).spec
    assert other is not None
    copied = other.approvals[0]
    type_approval(repo, copied.reviewer, copied.content_hash)
    repo.commit("Copy Jo's approval over", JO)
    found = findings(prompt(repo), repo.settings, ("G011", "G012"))
    assert [code for code, _, _ in found] == ["G012"]
    assert f"matches prompt {OTHER_ID}" in found[0][2]


def test_approval_moved_between_versions_is_attributed_to_whoever_moved_it(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert approve(repo, MEI, capsys)[0] == 0
    repo.commit("Approve", MEI)
    text = prompt(repo).read_text()
    entry = re.search(r"(?m)^  - reviewer: mei@example\.com\n(?:    .*\n)+", text)
    assert entry is not None
    repo.write(RELATIVE, text.replace(entry.group(0), ""))
    repo.commit("Drop the approval", DANA)
    repo.write(RELATIVE, text)
    readded = repo.commit("Put it back", DANA)
    found = findings(prompt(repo), repo.settings, ("G011",))
    assert len(found) == 1 and readded[:10] in found[0][2]


def test_approval_from_a_merged_branch_belongs_to_the_reviewer(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("checkout", "-q", "-b", "review")
    assert approve(repo, MEI, capsys)[0] == 0
    repo.commit("Approve", MEI)
    repo.git("checkout", "-q", "main")
    repo.write("registry/legal/notes.txt", "unrelated\n")
    repo.commit("Unrelated work on main", DANA)
    repo.commits += 1
    repo.git("merge", "-q", "--no-ff", "-m", "Merge review", "review", who=DANA)
    assert findings(prompt(repo), repo.settings) == []


def test_approval_added_in_a_merge_commit_belongs_to_the_merger(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("checkout", "-q", "-b", "side")
    repo.write("registry/legal/notes.txt", "side\n")
    repo.commit("Side work", DANA)
    repo.git("checkout", "-q", "main")
    repo.commits += 1
    repo.git("merge", "-q", "--no-ff", "--no-commit", "side", who=DANA)
    type_approval(repo, "mei@example.com")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Merge side (and sneak in an approval)", who=DANA)
    merge = repo.git("rev-parse", "HEAD")
    found = findings(prompt(repo), repo.settings, ("G011",))
    assert len(found) == 1 and merge[:10] in found[0][2]


def test_rules_are_silent_outside_git_and_below_verified_tiers(
    tmp_path: Path, git_repo: Callable[..., GitRepo]
) -> None:
    root = tmp_path / "plain"
    root.mkdir()
    shutil.copy(REPO / "promptreg.yaml", root / "promptreg.yaml")
    path = root / RELATIVE
    path.parent.mkdir(parents=True)
    text = unapproved(RELATIVE)
    path.write_text(text, encoding="utf-8")
    settings = load_config(root / "promptreg.yaml")
    spec = load_prompt(path).spec
    assert spec is not None
    path.write_text(
        text.replace(
            "approvals: []",
            "approvals:\n  - {reviewer: mei@example.com, group: compliance, date: 2026-11-20, "
            f"content_hash: {spec.content_hash}}}",
        ),
        encoding="utf-8",
    )
    assert findings(path, settings, ("G011", "G012", "G013", "G014")) == []
    # Tier 2 does not verify approvals, even inside a repository.
    repo = git_repo("t2")
    repo.write(RELATIVE, path.read_text().replace("tier: 3", "tier: 2"))
    repo.commit("Tier 2 prompt with a typed approval", DANA)
    assert findings(prompt(repo), repo.settings, ("G011", "G012", "G013", "G014")) == []


def shallow_clone(repo: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    """A clone one commit deep of the repository after Mei approved (and committed)."""
    assert approve(repo, MEI, capsys)[0] == 0
    repo.commit("Approve", MEI)
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone))
    return clone


def test_shallow_clone_is_reported_not_trusted(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    clone = shallow_clone(repo, capsys, tmp_path)
    settings = load_config(clone / "promptreg.yaml")
    found = findings(clone / RELATIVE, settings, ("G011",))
    assert len(found) == 1 and "shallow" in found[0][2]


def test_git_calls_are_bounded_and_shared_by_the_rules(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.edit_config("lint:\n", "require_signed: true\nlint:\n")
    repo.allow_signers("dana@example.com", "mei@example.com")
    for number in range(6):  # a longer history costs no extra git calls
        repo.write(
            RELATIVE, re.sub(r"English[^.]*\.", f"English {number}.", prompt(repo).read_text())
        )
        repo.commit(f"Edit {number}", DANA)
    repo.sign_history(DANA)
    assert approve(repo, MEI, capsys)[0] == 0
    repo.commit("Approve", MEI, key=repo.key_for("mei@example.com"))
    calls: list[list[str]] = []
    real = promptreg.git.gitio.git

    def counting(args: list[str], cwd: Path, **kwargs: Any) -> Any:
        calls.append(list(args))
        return real(args, cwd, **kwargs)

    monkeypatch.setattr(promptreg.git.gitio, "git", counting)  # every git call goes through it
    assert findings(prompt(repo), repo.settings, ("G011", "G012", "G013", "G014")) == []
    kinds = [next(a for a in call if not a.startswith("-") and "=" not in a) for call in calls]
    assert kinds.count("log") == 2  # the file's history, then the signatures of writers
    assert kinds.count("cat-file") == 1
    assert len(calls) <= 5  # plus rev-parse for the root and shallowness, once per run


def test_content_author_for_four_eyes(repo: GitRepo) -> None:
    spec = load_prompt(prompt(repo)).spec
    assert spec is not None
    author = content_author(committed(repo), spec.content_hash, "mei@example.com")
    assert author.email == "dana@example.com" and author.where.startswith("commit ")
    repo.write(RELATIVE, edited(prompt(repo).read_text()))
    changed = load_prompt(prompt(repo)).spec
    assert changed is not None
    author = content_author(committed(repo), changed.content_hash, "mei@example.com")
    assert author.email == "mei@example.com"
    assert author.where == "uncommitted changes in the working tree"
    # A metadata-only commit by someone else does not make them the content's author.
    repo.git("checkout", "--", RELATIVE)
    repo.write(
        RELATIVE, prompt(repo).read_text().replace("title: First-pass", "title: A first-pass")
    )
    repo.commit("Jo retitles the prompt", JO)
    author = content_author(committed(repo), spec.content_hash, "mei@example.com")
    assert author.email == "dana@example.com"
    history = load_history(prompt(repo), Repository.find(repo.root))
    assert history is not None and len(history.commits) == 2


def committed(repo: GitRepo) -> FileHistory:
    history = load_history(prompt(repo), Repository.find(repo.root))
    assert history is not None
    return history


def test_cache_token_follows_head_and_the_signers_file(repo: GitRepo) -> None:
    before = provenance.cache_token(repo.settings)
    repo.write("registry/legal/notes.txt", "x\n")
    repo.commit("Another commit", DANA)
    assert provenance.cache_token(repo.settings) != before


def test_provenance_issues_are_computed_once_per_file(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert approve(repo, MEI, capsys)[0] == 0
    repo.commit("Approve", DANA)  # committed by the wrong person: there is an issue to find
    spec = load_prompt(prompt(repo)).spec
    assert spec is not None
    settings = repo.settings
    git = Repository.find(repo.root)
    logs: list[list[str]] = []
    real = promptreg.git.gitio.git

    def counting(args: list[str], cwd: Path, **kwargs: Any) -> Any:
        logs.extend([list(args)] if "log" in args else [])
        return real(args, cwd, **kwargs)

    monkeypatch.setattr(promptreg.git.gitio, "git", counting)
    assert provenance_issues(spec, settings, git) is provenance_issues(spec, settings, git)
    assert [issue.kind for issue in provenance_issues(spec, settings, git)] == ["author"]
    assert len(logs) == 1


# --- one Repository per run: a later run sees what changed -----------------------------


def lint(config: Path, path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """`promptreg lint` in this process (as the TUI would run it again and again)."""
    capsys.readouterr()
    main(["lint", "--select", "G011,G012,G014", "--no-cache", "--config", str(config), str(path)])
    return capsys.readouterr().out


def test_a_second_lint_sees_the_commit_made_since_the_first(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    config = repo.config
    assert approve(repo, MEI, capsys)[0] == 0
    approved = prompt(repo).read_bytes()
    wrong = repo.commit("Add Mei's approval", DANA)
    first = lint(config, prompt(repo), capsys)
    assert "G011" in first and f"was added in commit {wrong[:10]}" in first
    repo.git("reset", "-q", "--hard", "HEAD~1")
    prompt(repo).write_bytes(approved)
    repo.commit("Approve", MEI)
    assert "G011" not in lint(config, prompt(repo), capsys)


def test_a_second_lint_after_unshallowing_trusts_the_full_history(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    clone = shallow_clone(repo, capsys, tmp_path)
    assert "this clone is shallow" in lint(clone / "promptreg.yaml", clone / RELATIVE, capsys)
    repo.git("-C", str(clone), "fetch", "-q", "--unshallow")
    assert "G011" not in lint(clone / "promptreg.yaml", clone / RELATIVE, capsys)


def test_a_second_lint_indexes_a_prompt_committed_since_the_first(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    other = load_prompt(REPO / OTHER_RELATIVE).spec
    assert other is not None
    copied = other.approvals[0]
    type_approval(repo, copied.reviewer, copied.content_hash)
    repo.commit("Copy an approval from a prompt not in this registry yet", JO)
    first = lint(repo.config, prompt(repo), capsys)
    assert "G012" in first and "matches prompt" not in first
    repo.write(OTHER_RELATIVE, (REPO / OTHER_RELATIVE).read_text(encoding="utf-8"))
    repo.commit("Add dsar-triage", DANA)
    assert f"matches prompt {OTHER_ID}" in lint(repo.config, prompt(repo), capsys)


def test_a_repository_kept_across_a_commit_answers_from_its_snapshot_until_refreshed(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert approve(repo, MEI, capsys)[0] == 0
    approved = prompt(repo).read_bytes()
    repo.commit("Add Mei's approval", DANA)
    git = Repository.find(repo.root)
    assert [code for code, _, _ in findings_with(git, repo)] == ["G011"]
    repo.git("reset", "-q", "--hard", "HEAD~1")
    prompt(repo).write_bytes(approved)
    repo.commit("Approve", MEI)
    assert [code for code, _, _ in findings_with(git, repo)] == ["G011"]  # the snapshot
    git.refresh()
    assert findings_with(git, repo) == []
    assert findings(prompt(repo), repo.settings) == []  # a new Repository: the new commit


def findings_with(git: Repository, repo: GitRepo) -> list[tuple[str, int, str]]:
    path = prompt(repo)
    result = load_prompt(path)
    assert result.spec is not None
    ctx = FileContext(path, result.document, result.spec, repo.settings, PROMPT_ID, git=git)
    check = RULES_BY_CODE["G011"].check
    assert check is not None
    return [("G011", hit.span.line, hit.message) for hit in check(ctx)]


# --- fixtures that need history -------------------------------------------------------------


STEP_RE = re.compile(r"(?P<order>\d+)-(?P<email>[^/]+?)(?P<signed>\.signed(?:-unlisted)?)?\Z")


def history_repo(folder: Path, working: Path, tmp_path: Path) -> tuple[Settings, Path]:
    """A repository where the fixture `working` (bad*/good*.prompt.yaml) has a history.

    Layout: `<CODE>/history/<working file's name without .prompt.yaml>/NN-EMAIL
    [.signed|.signed-unlisted].prompt.yaml` are the states of the file, committed in
    order, each by EMAIL as author and committer. `.signed` commits are signed with a
    throwaway SSH key that the allowed-signers file lists for EMAIL; `.signed-unlisted`
    ones with a key it does not list. Then the working copy is written (the last state
    plus `# expect:` comments, which change neither content nor approvals) and linted;
    a `without-git` file among the states removes the repository's .git first (G020).
    The folder's promptreg.yaml applies if it has one (G013's sets require_signed),
    otherwise tests/fixtures/rules/promptreg.yaml; either way with `registry: registry`.
    """
    repo = make_git_repo(tmp_path / "repo", tmp_path / "home")
    config = folder / "promptreg.yaml"
    text = (config if config.is_file() else FIXTURES / "promptreg.yaml").read_text()
    repo.write("promptreg.yaml", re.sub(r"(?m)^registry: .*$", "registry: registry", text))
    relative = f"registry/demo/{working.name}"
    folder_of_steps = folder / "history" / working.name.removesuffix(".prompt.yaml")
    assert folder_of_steps.is_dir(), f"{working} has no history folder {folder_of_steps}"
    steps = []
    for step in sorted(folder_of_steps.glob("*.prompt.yaml")):
        match = STEP_RE.match(step.name.removesuffix(".prompt.yaml"))
        assert match, f"{step.name}: name it NN-EMAIL[.signed].prompt.yaml"
        steps.append((step, match["email"], match["signed"] or ""))
    signers = sorted({email for _, email, signed in steps if signed == ".signed"})
    if signers or repo.settings.require_signed:
        where = provenance.allowed_signers_path(repo.settings).relative_to(repo.root)
        repo.allow_signers(*signers, relative=where.as_posix())
    for number, (step, email, signed) in enumerate(steps, 1):
        key = None
        if signed:
            key = repo.key_for(email if signed == ".signed" else f"unlisted-{email}")
        repo.write(relative, step.read_text(encoding="utf-8"))
        repo.commit(f"step {number}", (email.split("@")[0].title(), email), key=key)
    repo.write(relative, working.read_text(encoding="utf-8"))
    if (folder_of_steps / "without-git").is_file():
        shutil.rmtree(repo.root / ".git")
    return repo.settings, repo.root / relative


def _history_fixtures() -> list[tuple[str, Path]]:
    return [
        (folder.name, path)
        for folder in sorted(FIXTURES.iterdir())
        if folder.is_dir() and (folder / "history").is_dir()
        for kind in ("bad", "good")
        for path in sorted(folder.glob(f"{kind}*.prompt.yaml"))
    ]


def _expected(path: Path) -> set[tuple[int, str]]:
    expected = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = re.search(r"#\s*expect:\s*([A-Z]\d{3}(?:\s*,\s*[A-Z]\d{3})*)\s*$", line)
        for code in match.group(1).split(",") if match else ():
            expected.add((number, code.strip()))
    return expected


@pytest.mark.parametrize(
    "item", _history_fixtures(), ids=lambda item: item[1].relative_to(FIXTURES).as_posix()
)
def test_history_fixture(item: tuple[str, Path], tmp_path: Path, isolated_home: Path) -> None:
    code, path = item
    settings, target = history_repo(FIXTURES / code, path, tmp_path)
    found = {(line, c) for c, line, _ in findings(target, settings, (code,))}
    assert found == _expected(path)
    if path.name.startswith("bad"):
        assert found, f"{path} marks no expected finding"


@pytest.mark.parametrize("code", [rule.code for rule in PROVENANCE_RULES])
def test_every_provenance_rule_has_history_fixtures(code: str) -> None:
    folder = FIXTURES / code
    assert any(folder.glob("bad*.prompt.yaml")) and any(folder.glob("good*.prompt.yaml"))
    assert (folder / "history").is_dir()

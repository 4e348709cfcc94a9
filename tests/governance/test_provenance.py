"""Approvals verified against git history (G011-G014), on real repositories.

Every test builds a registry in a temporary git repository and commits as two or more
people: each git process gets its identity from GIT_AUTHOR_*/GIT_COMMITTER_* and
`-c user.email=…`, HOME points at the temporary directory and the system git config is
ignored, so neither the machine's nor the developer's git settings leak in. Signing
tests make a throwaway SSH key with ssh-keygen.

The rule fixtures of G011-G014 need history, which the plain fixture harness cannot
give; `history_repo` below builds it from a fixture folder (see its docstring), and the
tests at the end run every such fixture through it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from promptreg.cli.main import main
from promptreg.core.config import Settings, load_config
from promptreg.core.loader import load_prompt
from promptreg.core.model import Approval
from promptreg.core.tree import prompt_id_for
from promptreg.governance import provenance
from promptreg.governance.provenance import content_author, load_history, provenance_issues
from promptreg.lint.context import FileContext
from promptreg.lint.rule import Rule
from promptreg.lint.rules import governance
from promptreg.lint.rules.provenance import RULES as PROVENANCE_RULES

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "rules"
PROMPT_ID = "legal/contract-clause-risk"
RELATIVE = f"registry/{PROMPT_ID}.prompt.yaml"
OTHER_ID = "legal/dsar-triage"
OTHER_RELATIVE = f"registry/{OTHER_ID}.prompt.yaml"

Who = tuple[str, str]
DANA: Who = ("Dana Author", "dana@example.com")  # team-leads: writes prompts
MEI: Who = ("Mei Reviewer", "mei@example.com")  # compliance
JO: Who = ("Jo Reviewer", "jo@example.com")  # compliance

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


@dataclass
class GitRepo:
    root: Path
    home: Path
    count: int = 0
    keys: dict[str, Path] = field(default_factory=dict)

    def git(self, *args: str, who: Who | None = None) -> str:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(HOME=str(self.home), GIT_CONFIG_NOSYSTEM="1")
        identity: list[str] = []
        if who is not None:
            name, email = who
            date = f"2026-11-{1 + self.count:02d}T10:00:00+00:00"
            env.update(
                GIT_AUTHOR_NAME=name,
                GIT_AUTHOR_EMAIL=email,
                GIT_COMMITTER_NAME=name,
                GIT_COMMITTER_EMAIL=email,
                GIT_AUTHOR_DATE=date,
                GIT_COMMITTER_DATE=date,
            )
            identity = ["-c", f"user.email={email}", "-c", f"user.name={name}"]
        process = subprocess.run(
            ["git", *identity, *args], cwd=self.root, env=env, capture_output=True, text=True
        )
        assert process.returncode == 0, process.stderr
        return process.stdout.strip()

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def commit(self, who: Who, message: str, *, key: Path | None = None) -> str:
        self.git("add", "-A")
        self.count += 1
        signing = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}"] if key else []
        self.git(*signing, "commit", "-q", *(["-S"] if key else []), "-m", message, who=who)
        return self.git("rev-parse", "HEAD")

    def key_for(self, email: str) -> Path:
        """A throwaway ed25519 key pair for `email` (private key path; .pub beside it)."""
        if email not in self.keys:
            require_ssh_keygen()
            path = self.home / "keys" / email
            path.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", email, "-f", str(path)],
                check=True,
                capture_output=True,
            )
            self.keys[email] = path
        return self.keys[email]

    def public_key(self, email: str) -> str:
        return Path(f"{self.key_for(email)}.pub").read_text(encoding="utf-8").strip()

    def allow_signers(self, *emails: str, relative: str = ".promptreg/allowed_signers") -> Path:
        lines = [f'{email} namespaces="git" {self.public_key(email)}' for email in emails]
        return self.write(relative, "\n".join(lines) + "\n")

    @property
    def settings(self) -> Settings:
        return load_config(self.root / "promptreg.yaml")

    @property
    def prompt(self) -> Path:
        return self.root / RELATIVE

    def set_config(self, replace: str, by: str) -> None:
        config = self.root / "promptreg.yaml"
        text = config.read_text(encoding="utf-8")
        assert replace in text
        config.write_text(text.replace(replace, by), encoding="utf-8")


def require_ssh_keygen() -> None:
    if shutil.which("ssh-keygen") is None:
        pytest.fail(
            "ssh-keygen is not installed: the signed-approval tests need it (openssh-client)"
        )


def new_repo(tmp_path: Path) -> GitRepo:
    root = tmp_path / "repo"
    root.mkdir(parents=True)
    shutil.copy(REPO / "promptreg.yaml", root / "promptreg.yaml")
    repo = GitRepo(root, tmp_path)
    repo.git("init", "-q", "-b", "main")
    return repo


@pytest.fixture(autouse=True)
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """promptreg's own git calls read no user or system configuration either."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """Dana has committed the tier 3 prompt for review; nobody has approved it yet."""
    repo = new_repo(tmp_path)
    repo.write(RELATIVE, unapproved(RELATIVE))
    repo.commit(DANA, "Add contract-clause-risk for review")
    return repo


def findings(
    path: Path, settings: Settings, codes: tuple[str, ...] = CHECKED
) -> list[tuple[str, int, str]]:
    """(code, line, message) of the given rules on one file, run directly.

    The rules are run without the catalogue so that these tests do not depend on the
    provenance rules being registered there.
    """
    result = load_prompt(path)
    assert result.spec is not None, result.problems
    ctx = FileContext(
        path, result.document, result.spec, settings, prompt_id_for(path, settings.registry_dir)
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

    spec = load_prompt(repo.prompt).spec
    assert spec is not None
    approval = Approval(reviewer, "compliance", "2026-11-20", content_hash or spec.content_hash)
    repo.prompt.write_text(
        approval_text(repo.prompt.read_text(encoding="utf-8"), approval), encoding="utf-8"
    )


# --- the acceptance scenarios ---------------------------------------------------------------


def test_valid_approval_passes(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = approve(repo, MEI, capsys)
    assert status == 0, out
    assert findings(repo.prompt, repo.settings) == []  # not committed yet: nothing to check
    repo.commit(MEI, "Approve contract-clause-risk")
    assert findings(repo.prompt, repo.settings) == []
    status, out = approve(repo, JO, capsys)
    assert status == 0, out
    repo.commit(JO, "Approve contract-clause-risk")
    assert findings(repo.prompt, repo.settings) == []
    spec = load_prompt(repo.prompt).spec
    assert spec is not None
    assert [a.reviewer for a in spec.approvals] == ["mei@example.com", "jo@example.com"]


def test_approval_committed_by_another_identity_is_refused(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = approve(repo, MEI, capsys)
    assert status == 0, out
    commit = repo.commit(DANA, "Add Mei's approval")  # Dana commits Mei's approval
    found = findings(repo.prompt, repo.settings)
    assert [code for code, _, _ in found] == ["G011"]
    _, line, message = found[0]
    assert commit[:10] in message
    assert "dana@example.com" in message and "mei@example.com" in message
    assert repo.prompt.read_text().splitlines()[line - 1].strip() == "- reviewer: mei@example.com"


def test_self_approval_is_refused_by_approve_and_by_the_rules(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(RELATIVE, edited(repo.prompt.read_text()))
    change = repo.commit(MEI, "Mei edits the system message")
    before = repo.prompt.read_bytes()
    status, out = approve(repo, MEI, capsys)
    assert status == 2
    assert "four eyes" in out and change[:10] in out
    assert repo.prompt.read_bytes() == before
    # Typed in and committed around the command: G014 names the commit that made the content.
    type_approval(repo, "mei@example.com")
    repo.commit(MEI, "Approve my own change")
    found = findings(repo.prompt, repo.settings)
    assert [code for code, _, _ in found] == ["G014"]
    assert change[:10] in found[0][2]


def test_stale_hash_is_refused(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert approve(repo, MEI, capsys)[0] == 0
    repo.commit(MEI, "Approve contract-clause-risk")
    repo.write(RELATIVE, edited(repo.prompt.read_text()))
    repo.commit(DANA, "Edit the system message after approval")
    found = findings(repo.prompt, repo.settings)
    assert [code for code, _, _ in found] == ["G004"]  # stale, but honestly committed
    # A hash this prompt never had: stale and untraceable.
    type_approval(repo, "jo@example.com", "sha256:" + "0" * 64)
    added = repo.commit(JO, "Approve something")
    found = findings(repo.prompt, repo.settings)
    assert sorted(code for code, _, _ in found) == ["G004", "G004", "G012"]
    message = next(m for c, _, m in found if c == "G012")
    assert added[:10] in message and "never committed" in message


def test_signed_approval_passes_and_the_same_commit_unsigned_is_refused(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    require_ssh_keygen()
    repo.set_config(
        "lint:\n", "require_signed: true\nallowed_signers: .promptreg/allowed_signers\nlint:\n"
    )
    repo.allow_signers("mei@example.com")
    repo.commit(DANA, "Require signed approvals")
    status, out = approve(repo, MEI, capsys)
    assert status == 0, out
    assert "commit -S" in out
    approved = repo.prompt.read_bytes()
    repo.commit(MEI, "Approve contract-clause-risk", key=repo.key_for("mei@example.com"))
    assert findings(repo.prompt, repo.settings) == []
    # The same change committed unsigned instead.
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.prompt.write_bytes(approved)
    unsigned = repo.commit(MEI, "Approve contract-clause-risk")
    found = findings(repo.prompt, repo.settings)
    assert [code for code, _, _ in found] == ["G013"]
    assert unsigned[:10] in found[0][2] and "no signature" in found[0][2]


def test_signed_with_a_key_not_listed_for_the_reviewer_is_refused(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    require_ssh_keygen()
    repo.set_config("lint:\n", "require_signed: true\nlint:\n")  # default signers path
    repo.allow_signers("jo@example.com")
    repo.commit(DANA, "Require signed approvals")
    assert approve(repo, MEI, capsys)[0] == 0
    repo.commit(MEI, "Approve", key=repo.key_for("mei@example.com"))
    found = findings(repo.prompt, repo.settings)
    assert [code for code, _, _ in found] == ["G013"]
    assert "not listed" in found[0][2]
    # Jo's key signing Mei's approval: a good signature, but not Mei's.
    repo.git("reset", "-q", "--hard", "HEAD~1")
    assert approve(repo, MEI, capsys)[0] == 0
    repo.commit(MEI, "Approve", key=repo.key_for("jo@example.com"))
    found = findings(repo.prompt, repo.settings)
    assert [code for code, _, _ in found] == ["G013"]
    assert "key of jo@example.com, not of mei@example.com" in found[0][2]


def test_missing_allowed_signers_file_fails_signed_verification(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.set_config("lint:\n", "require_signed: true\nlint:\n")
    repo.commit(DANA, "Require signed approvals")
    assert approve(repo, MEI, capsys)[0] == 0
    repo.commit(MEI, "Approve")
    found = findings(repo.prompt, repo.settings)
    assert [code for code, _, _ in found] == ["G013"]
    assert ".promptreg/allowed_signers does not exist" in found[0][2]


# --- copies, merges and history -------------------------------------------------------------


def test_approval_copied_from_another_prompt_names_that_prompt(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(OTHER_RELATIVE, (REPO / OTHER_RELATIVE).read_text(encoding="utf-8"))
    repo.commit(DANA, "Add dsar-triage")
    other = load_prompt(repo.root / OTHER_RELATIVE).spec
    assert other is not None
    copied = other.approvals[0]
    type_approval(repo, copied.reviewer, copied.content_hash)
    repo.commit(JO, "Copy Jo's approval over")
    found = findings(repo.prompt, repo.settings, ("G011", "G012"))
    assert [code for code, _, _ in found] == ["G012"]
    assert f"matches prompt {OTHER_ID}" in found[0][2]


def test_approval_moved_between_versions_is_attributed_to_whoever_moved_it(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert approve(repo, MEI, capsys)[0] == 0
    repo.commit(MEI, "Approve")
    text = repo.prompt.read_text()
    entry = re.search(r"(?m)^  - reviewer: mei@example\.com\n(?:    .*\n)+", text)
    assert entry is not None
    repo.write(RELATIVE, text.replace(entry.group(0), ""))
    repo.commit(DANA, "Drop the approval")
    repo.write(RELATIVE, text)
    readded = repo.commit(DANA, "Put it back")
    found = findings(repo.prompt, repo.settings, ("G011",))
    assert len(found) == 1 and readded[:10] in found[0][2]


def test_approval_from_a_merged_branch_belongs_to_the_reviewer(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("checkout", "-q", "-b", "review")
    assert approve(repo, MEI, capsys)[0] == 0
    repo.commit(MEI, "Approve")
    repo.git("checkout", "-q", "main")
    repo.write("registry/legal/notes.txt", "unrelated\n")
    repo.commit(DANA, "Unrelated work on main")
    repo.count += 1
    repo.git("merge", "-q", "--no-ff", "-m", "Merge review", "review", who=DANA)
    assert findings(repo.prompt, repo.settings) == []


def test_approval_added_in_a_merge_commit_belongs_to_the_merger(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("checkout", "-q", "-b", "side")
    repo.write("registry/legal/notes.txt", "side\n")
    repo.commit(DANA, "Side work")
    repo.git("checkout", "-q", "main")
    repo.count += 1
    repo.git("merge", "-q", "--no-ff", "--no-commit", "side", who=DANA)
    type_approval(repo, "mei@example.com")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Merge side (and sneak in an approval)", who=DANA)
    merge = repo.git("rev-parse", "HEAD")
    found = findings(repo.prompt, repo.settings, ("G011",))
    assert len(found) == 1 and merge[:10] in found[0][2]


def test_rules_are_silent_outside_git_and_below_verified_tiers(tmp_path: Path) -> None:
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
    repo = new_repo(tmp_path / "t2")
    repo.write(RELATIVE, path.read_text().replace("tier: 3", "tier: 2"))
    repo.commit(DANA, "Tier 2 prompt with a typed approval")
    assert findings(repo.prompt, repo.settings, ("G011", "G012", "G013", "G014")) == []


def test_shallow_clone_is_reported_not_trusted(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert approve(repo, MEI, capsys)[0] == 0
    repo.commit(MEI, "Approve")
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone))
    settings = load_config(clone / "promptreg.yaml")
    found = findings(clone / RELATIVE, settings, ("G011",))
    assert len(found) == 1 and "shallow" in found[0][2]


def test_git_calls_are_bounded_and_shared_by_the_rules(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.set_config("lint:\n", "require_signed: true\nlint:\n")
    repo.allow_signers("mei@example.com")
    for number in range(6):  # a longer history costs no extra git calls
        repo.write(
            RELATIVE, re.sub(r"English[^.]*\.", f"English {number}.", repo.prompt.read_text())
        )
        repo.commit(DANA, f"Edit {number}")
    assert approve(repo, MEI, capsys)[0] == 0
    repo.commit(MEI, "Approve", key=repo.key_for("mei@example.com"))
    calls: list[list[str]] = []
    real = provenance.git

    def counting(args: list[str], cwd: Path, **kwargs: Any) -> Any:
        calls.append(list(args))
        return real(args, cwd, **kwargs)

    monkeypatch.setattr(provenance, "git", counting)
    monkeypatch.setattr(provenance, "cat_blobs", _counted(provenance.cat_blobs, calls))
    assert findings(repo.prompt, repo.settings, ("G011", "G012", "G013", "G014")) == []
    kinds = [next(a for a in call if not a.startswith("-") and "=" not in a) for call in calls]
    assert kinds.count("log") == 2  # the file's history, then the signatures of adders
    assert kinds.count("cat-file") == 1
    assert len(calls) <= 5  # plus rev-parse for the root and shallowness, once per process


def _counted(function: Callable[..., Any], calls: list[list[str]]) -> Callable[..., Any]:
    def wrapper(root: Path, blobs: list[str]) -> Any:
        calls.append(["cat-file"])
        return function(root, blobs)

    return wrapper


def test_content_author_for_four_eyes(repo: GitRepo) -> None:
    spec = load_prompt(repo.prompt).spec
    assert spec is not None
    author = content_author(repo.prompt, spec.content_hash, "mei@example.com")
    assert author.email == "dana@example.com" and author.where.startswith("commit ")
    repo.write(RELATIVE, edited(repo.prompt.read_text()))
    changed = load_prompt(repo.prompt).spec
    assert changed is not None
    author = content_author(repo.prompt, changed.content_hash, "mei@example.com")
    assert author.email == "mei@example.com"
    assert author.where == "uncommitted changes in the working tree"
    # A metadata-only commit by someone else does not make them the content's author.
    repo.git("checkout", "--", RELATIVE)
    repo.write(
        RELATIVE, repo.prompt.read_text().replace("title: First-pass", "title: A first-pass")
    )
    repo.commit(JO, "Jo retitles the prompt")
    author = content_author(repo.prompt, spec.content_hash, "mei@example.com")
    assert author.email == "dana@example.com"
    history = load_history(repo.prompt)
    assert history is not None and len(history.commits) == 2


def test_cache_token_follows_head_and_the_signers_file(repo: GitRepo) -> None:
    before = provenance.cache_token(repo.settings)
    repo.write("registry/legal/notes.txt", "x\n")
    repo.commit(DANA, "Another commit")
    assert provenance.cache_token(repo.settings) != before


def test_provenance_issues_are_computed_once_per_file(repo: GitRepo) -> None:
    spec = load_prompt(repo.prompt).spec
    assert spec is not None
    assert provenance_issues(spec, repo.settings) is provenance_issues(spec, repo.settings)


# --- fixtures that need history -------------------------------------------------------------


STEP_RE = re.compile(r"(?P<order>\d+)-(?P<email>[^/]+?)(?P<signed>\.signed(?:-unlisted)?)?\Z")


def history_repo(folder: Path, working: Path, tmp_path: Path) -> tuple[Settings, Path]:
    """A repository where the fixture `working` (bad*/good*.prompt.yaml) has a history.

    Layout: `<CODE>/history/<working file's name without .prompt.yaml>/NN-EMAIL
    [.signed|.signed-unlisted].prompt.yaml` are the states of the file, committed in
    order, each by EMAIL as author and committer. `.signed` commits are signed with a
    throwaway SSH key that the allowed-signers file lists for EMAIL; `.signed-unlisted`
    ones with a key it does not list. Then the working copy is written (the last state
    plus `# expect:` comments, which change neither content nor approvals) and linted.
    The folder's promptreg.yaml applies if it has one (G013's sets require_signed),
    otherwise tests/fixtures/rules/promptreg.yaml; either way with `registry: registry`.
    """
    repo = new_repo(tmp_path)
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
        repo.commit((email.split("@")[0].title(), email), f"step {number}", key=key)
    repo.write(relative, working.read_text(encoding="utf-8"))
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
def test_history_fixture(item: tuple[str, Path], tmp_path: Path) -> None:
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

"""A real git repository in a temporary directory, for every test that needs history.

Fixed identities and dates, a scrubbed environment (no inherited GIT_* variables, no
user or system configuration) and throwaway SSH keys for signed commits, as
pre-commit's own tests do. The `git_repo` fixture in tests/conftest.py makes one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from promptreg.core.config import Settings, load_config

REPO = Path(__file__).resolve().parents[1]
"""This checkout: its promptreg.yaml and registry/ are what most tests start from."""

Who = tuple[str, str]
"""A git identity: (name, e-mail)."""

DANA: Who = ("Dana Author", "dana@example.com")
MEI: Who = ("Mei Tanaka", "mei@example.com")
JO: Who = ("Jo Okafor", "jo@example.com")


def require_ssh_keygen() -> None:
    if shutil.which("ssh-keygen") is None:
        pytest.fail("ssh-keygen is needed to sign commits; install openssh-client")


@dataclass
class GitRepo:
    """A work tree with its own repository. Every commit is dated a day after the last,
    so histories (and their order) are the same on every run."""

    root: Path
    home: Path
    commits: int = 0
    keys: dict[str, Path] = field(default_factory=dict)
    identity: Who = DANA
    """Who commits when a call names nobody."""

    def env(self, who: Who | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(HOME=str(self.home), GIT_CONFIG_NOSYSTEM="1")
        name, email = who or self.identity
        date = f"2026-{1 + self.commits // 28:02d}-{1 + self.commits % 28:02d}T10:00:00+00:00"
        env.update(
            GIT_AUTHOR_NAME=name,
            GIT_AUTHOR_EMAIL=email,
            GIT_COMMITTER_NAME=name,
            GIT_COMMITTER_EMAIL=email,
            GIT_AUTHOR_DATE=date,
            GIT_COMMITTER_DATE=date,
        )
        return env

    def git(self, *args: str, who: Who | None = None, check: bool = True) -> str:
        name, email = who or self.identity
        identity = ["-c", f"user.email={email}", "-c", f"user.name={name}"]
        process = subprocess.run(
            ["git", *identity, "-c", "commit.gpgsign=false", *args],
            cwd=self.root,
            env=self.env(who),
            capture_output=True,
            text=True,
        )
        if check:
            assert process.returncode == 0, process.stderr
        return process.stdout.strip()

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def commit(
        self, message: str = "change", who: Who | None = None, *, key: Path | None = None
    ) -> str:
        """Stage everything and commit it (signed with `key` when given); the commit id."""
        self.git("add", "-A", who=who)
        signing = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}"] if key else []
        self.git(*signing, "commit", "-q", *(["-S"] if key else []), "-m", message, who=who)
        self.commits += 1
        return self.git("rev-parse", "HEAD")

    def sign_history(self, who: Who | None = None) -> None:
        """Rewrite every commit so far signed with `who`'s key (authors unchanged): with
        require_signed, who wrote content is known only from a signature."""
        _, email = who or self.identity
        key = self.key_for(email)
        signing = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}"]
        self.git(*signing, "rebase", "-q", "--force-rebase", "-S", "--root", who=who)

    def path(self, prompt_id: str) -> Path:
        return self.root / "registry" / f"{prompt_id}.prompt.yaml"

    @property
    def config(self) -> Path:
        return self.root / "promptreg.yaml"

    @property
    def settings(self) -> Settings:
        return load_config(self.config)

    def edit_config(self, old: str, new: str) -> None:
        text = self.config.read_text(encoding="utf-8")
        assert old in text
        self.config.write_text(text.replace(old, new), encoding="utf-8")

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


def make_git_repo(
    root: Path,
    home: Path,
    *,
    config: bool = True,
    registry: bool = False,
    identity: Who = DANA,
) -> GitRepo:
    """`git init` in `root`, with this checkout's promptreg.yaml (and its registry/ when
    `registry`) copied in, nothing committed yet."""
    root.mkdir(parents=True, exist_ok=True)
    home.mkdir(parents=True, exist_ok=True)
    if config:
        shutil.copy(REPO / "promptreg.yaml", root / "promptreg.yaml")
    if registry:
        shutil.copytree(REPO / "registry", root / "registry")
    repo = GitRepo(root, home, identity=identity)
    repo.git("init", "-q", "-b", "main")
    return repo

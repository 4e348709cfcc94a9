"""The git layer: the git CLI with a scrubbed environment and NUL-separated output.

Hooks run inside git with GIT_DIR, GIT_INDEX_FILE and friends set for the hook's own
repository; inherited, they would point our commands at the wrong place. As in
pre-commit's git module, every command gets an environment without them, asks for
NUL-separated output (paths may contain anything), and a failure becomes an error a
person can act on. Nothing outside the V rules, history, diff, bump and approve needs
git, and all of those say so when it is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from promptreg.core.errors import PromptregError

_KEEP = frozenset(
    (
        "GIT_EXEC_PATH",
        "GIT_SSH",
        "GIT_SSH_COMMAND",
        "GIT_SSL_CAINFO",
        "GIT_SSL_NO_VERIFY",
        "GIT_CONFIG_NOSYSTEM",
    )
)


class GitError(PromptregError):
    """git is missing, the path is not in a repository, or a git command failed."""


def scrubbed_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in _KEEP}
    env["LC_ALL"] = "C"
    env["GIT_TERMINAL_PROMPT"] = "0"
    if extra:
        env.update(extra)
    return env


def git(
    args: Sequence[str], cwd: Path, *, input: bytes | None = None, check: bool = True
) -> subprocess.CompletedProcess[bytes]:
    """Run `git ARGS` in `cwd`; GitError with git's own message when it fails."""
    executable = shutil.which("git")
    if executable is None:
        raise GitError("git is not installed", hint="install git, or run without --base")
    process = subprocess.run(
        [executable, *args], cwd=cwd, input=input, capture_output=True, env=scrubbed_env()
    )
    if check and process.returncode != 0:
        message = process.stderr.decode("utf-8", "replace").strip() or "no message"
        raise GitError(f"git {' '.join(args[:2])} failed: {message}")
    return process


def zsplit(data: bytes) -> list[str]:
    """Split NUL-separated git output, dropping the empty tail."""
    return [part.decode("utf-8", "surrogateescape") for part in data.split(b"\0") if part]


def repo_root(path: Path) -> Path:
    """The top of the work tree holding `path`; GitError outside a repository."""
    start = path if path.is_dir() else path.parent
    process = git(["rev-parse", "--show-toplevel"], start, check=False)
    if process.returncode != 0:
        raise GitError(
            f"{path} is not inside a git repository",
            hint="run `git init`, or run this command inside the registry's repository",
        )
    return Path(process.stdout.decode().strip())


def resolve(root: Path, rev: str) -> str:
    """The commit id of `rev`; GitError with a hint when it names nothing."""
    process = git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root, check=False)
    if process.returncode != 0:
        raise GitError(
            f"{rev!r} is not a commit in {root}",
            hint="use a branch, a tag or a commit id, e.g. --base origin/main",
        )
    return process.stdout.decode().strip()


@dataclass(frozen=True, slots=True)
class TreeEntry:
    path: str
    blob: str


def ls_tree(root: Path, commit: str, under: str) -> dict[str, TreeEntry]:
    """Every file below `under` (a path relative to root) at `commit`, by path."""
    process = git(["ls-tree", "-r", "-z", "--full-tree", commit, "--", under], root)
    entries = {}
    for record in zsplit(process.stdout):
        meta, _, path = record.partition("\t")
        kind, blob = meta.split()[1:3]
        if kind == "blob":
            entries[path] = TreeEntry(path, blob)
    return entries


def cat_blobs(root: Path, blobs: Sequence[str]) -> dict[str, bytes]:
    """Contents of many blobs with one `git cat-file --batch`: one process, not one each."""
    if not blobs:
        return {}
    unique = list(dict.fromkeys(blobs))
    process = git(["cat-file", "--batch"], root, input="".join(f"{b}\n" for b in unique).encode())
    out = process.stdout
    contents: dict[str, bytes] = {}
    position = 0
    for blob in unique:
        header_end = out.index(b"\n", position)
        header = out[position:header_end].split()
        if header[-1] == b"missing":
            position = header_end + 1
            continue
        size = int(header[2])
        start = header_end + 1
        contents[blob] = out[start : start + size]
        position = start + size + 1
    return contents

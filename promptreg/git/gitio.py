"""The git layer: the git CLI with a scrubbed environment, a fixed repository and no
configuration that runs programs.

Hooks run inside git with GIT_DIR, GIT_INDEX_FILE and friends set for the hook's own
repository; inherited, they would point our commands at the wrong place. As in
pre-commit's git module, every command gets an environment without them, asks for
NUL-separated output (paths may contain anything), and a failure becomes an error a
person can act on. Nothing outside the V rules, history, diff, bump and approve needs
git, and all of those say so when it is missing.

The files under review are not trusted, and git reads more than it is asked to: run in
a folder, it looks for a repository there and upwards, and a committed folder holding
`HEAD`, `objects/` and `refs/` is a repository to it, with a `config` of the pull
request's choosing. So the repository is discovered once, from the registry's root
(`locate`), with implicit bare repositories refused (`safe.bareRepository=explicit`),
and every later command names it with `--git-dir` and `--work-tree`. Each command also
overrides, on its command line (which git reads last), every setting that makes git
run a program: signature programs point at absolute paths chosen here (ssh-keygen for
SSH signatures, nothing runnable for the others), fsmonitor, hooks, pager and ssh are
switched off, and filter and diff drivers configured anywhere get empty commands.
System and user configuration (the machine's owner's) still apply to everything else.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from promptreg.core.errors import PromptregError
from promptreg.core.gitdir import may_be_in_repository

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


NOTHING = os.devnull
"""What a program setting points at when git must run nothing: an absolute path that
cannot be executed (git reports the failure, e.g. a signature it could not check)."""

DRIVERS = r"^(filter|diff|merge)\..+\.(clean|smudge|process|textconv|command|driver)$"
"""Settings naming a program that .gitattributes, which the tree controls, can select."""


def _executable() -> str:
    executable = shutil.which("git")
    if executable is None:
        raise GitError("git is not installed", hint="install git, or run without --base")
    return executable


def safe_options() -> list[str]:
    """`-c` options for every command: each setting that makes git run a program, fixed.

    SSH signatures are checked by the ssh-keygen found on PATH now, by absolute path; no
    other signature format is accepted, so their programs run nothing.
    """
    keygen = shutil.which("ssh-keygen") or NOTHING
    fixed = {
        "safe.bareRepository": "explicit",
        "core.fsmonitor": "false",
        "core.hooksPath": NOTHING,
        "core.sshCommand": NOTHING,
        "core.pager": "cat",
        "core.askPass": NOTHING,
        "credential.helper": "",
        "diff.external": NOTHING,
        "gpg.program": NOTHING,
        "gpg.openpgp.program": NOTHING,
        "gpg.x509.program": NOTHING,
        "gpg.ssh.program": str(Path(keygen).resolve()),
        "gpg.ssh.defaultKeyCommand": NOTHING,
        "log.showSignature": "false",
        "log.mailmap": "false",
    }
    return [option for key, value in fixed.items() for option in ("-c", f"{key}={value}")]


def git_dir(root: Path) -> Path:
    """The repository of the work tree whose top is `root`, from its `.git` (a folder, or
    a file naming one, as in linked work trees and submodules); never searched for."""
    dot = root / ".git"
    if dot.is_dir():
        return dot
    try:
        text = dot.read_text(encoding="utf-8", errors="replace")
    except OSError:
        raise GitError(
            f"{root} is not the top of a git work tree (it has no .git)",
            hint="run this command inside the registry's repository",
        ) from None
    named = text.strip().removeprefix("gitdir:").strip()
    return (root / named) if named else dot


@functools.lru_cache(maxsize=64)
def _driver_options(repository: str) -> tuple[str, ...]:
    """`-c` options emptying every filter, diff and merge driver command configured for
    `repository` (in any scope): the tree's .gitattributes must not reach a program."""
    asked = ["config", "-z", "--get-regexp", DRIVERS]
    process = subprocess.run(
        [_executable(), f"--git-dir={repository}", *safe_options(), *asked],
        capture_output=True,
        env=scrubbed_env(),
    )
    keys = (record.partition("\n")[0] for record in zsplit(process.stdout))
    return tuple(option for key in keys if "=" not in key for option in ("-c", f"{key}="))


def command(root: Path, args: Sequence[str]) -> list[str]:
    """The full command line of `git ARGS` for the work tree at `root`."""
    repository = git_dir(root)
    return [
        _executable(),
        "--no-pager",
        f"--git-dir={repository}",
        f"--work-tree={root}",
        *safe_options(),
        *_driver_options(str(repository)),
        *args,
    ]


def git(
    args: Sequence[str], cwd: Path, *, input: bytes | None = None, check: bool = True
) -> subprocess.CompletedProcess[bytes]:
    """Run `git ARGS` in the work tree whose top is `cwd` (found by `locate`); GitError
    with git's own message when it fails."""
    process = subprocess.run(
        command(cwd, args), cwd=cwd, input=input, capture_output=True, env=scrubbed_env()
    )
    if check and process.returncode != 0:
        message = process.stderr.decode("utf-8", "replace").strip() or "no message"
        raise GitError(f"git {' '.join(args[:2])} failed: {message}")
    return process


def zsplit(data: bytes) -> list[str]:
    """Split NUL-separated git output, dropping the empty tail."""
    return [part.decode("utf-8", "surrogateescape") for part in data.split(b"\0") if part]


def _not_a_repository(path: Path) -> GitError:
    return GitError(
        f"{path} is not inside a git repository",
        hint="run `git init`, or run this command inside the registry's repository",
    )


def repo_root(path: Path) -> Path:
    """The top of the work tree holding `path`; GitError outside a repository.

    The one place git searches for a repository. `path` is where a command starts (the
    folder of promptreg.yaml, the working directory), never a folder inside the registry,
    whose contents a pull request chooses; a bare-looking folder is refused on the way.
    """
    start = path if path.is_dir() else path.parent
    if not may_be_in_repository(start):
        raise _not_a_repository(path)
    process = subprocess.run(
        [_executable(), "--no-pager", *safe_options(), "rev-parse", "--show-toplevel"],
        cwd=start,
        capture_output=True,
        env=scrubbed_env(),
    )
    if process.returncode != 0:
        raise _not_a_repository(path)
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

"""What the bundle builder asks of git about the whole registry, in one call each.

The per-file readers (promptreg.git.log) ask one `git log` per prompt; a bundle of ten
thousand prompts needs their states along the branch at once. `registry_states` reads
every commit that touched the registry folder with one `git log --raw`, either along
the first-parent history of HEAD (what the branch itself went through: the states a
bundle may serve) or over every commit HEAD reaches (side branches included, to say
what was left out and why). Paths are never renamed here: a prompt's id is its path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from promptreg.git import gitio

SYMLINK_MODE = "120000"
SUBMODULE_MODE = "160000"


@dataclass(frozen=True, slots=True)
class TreeFile:
    path: str
    mode: str
    kind: str
    blob: str


@dataclass(frozen=True, slots=True)
class State:
    """The file as one commit left it."""

    commit: str
    blob: str
    """"" when the commit deleted it."""


def tree(root: Path, commit: str, under: str) -> list[TreeFile]:
    """Every entry below `under` at `commit`, with its mode (symbolic links included)."""
    process = gitio.git(["ls-tree", "-r", "-z", "--full-tree", commit, "--", under], root)
    entries = []
    for record in gitio.zsplit(process.stdout):
        meta, _, path = record.partition("\t")
        mode, kind, blob = meta.split()[:3]
        entries.append(TreeFile(path, mode, kind, blob))
    return entries


def registry_states(root: Path, under: str, *, first_parent: bool) -> dict[str, list[State]]:
    """Each path's states below `under`, newest commit first, from HEAD.

    `first_parent` walks the branch's own line, and shows a merge with what it brought
    (its diff against the first parent); otherwise every commit HEAD reaches is walked
    and merges are left out, since each change they bring has a commit of its own.
    """
    walk = ["--first-parent", "--diff-merges=first-parent"] if first_parent else []
    process = gitio.git(
        [
            "-c",
            "log.showSignature=false",
            "log",
            "--format=%x01%H",
            "-z",
            "--raw",
            "--no-renames",
            "--no-abbrev",
            *walk,
            "HEAD",
            "--",
            under,
        ],
        root,
    )
    states: dict[str, list[State]] = {}
    commit = ""
    tokens = process.stdout.split(b"\0")
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip(b"\n")
        index += 1
        if token.startswith(b"\x01"):
            commit = token[1:].decode()
        elif token.startswith(b":") and index < len(tokens):
            fields = token.decode().split()
            path = tokens[index].decode("utf-8", "surrogateescape")
            index += 1
            blob = fields[3] if len(fields) > 3 and fields[3].strip("0") else ""
            states.setdefault(path, []).append(State(commit, blob))
    return states


def uncommitted(root: Path, paths: list[str]) -> list[str]:
    """Paths below `paths` whose working-tree or index state differs from HEAD, or that
    git does not track yet."""
    process = gitio.git(
        ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *paths], root
    )
    return [record[3:] for record in gitio.zsplit(process.stdout) if len(record) > 3]


def branch(root: Path) -> str:
    """The checked-out branch's name; "" for a detached HEAD (as CI checks out)."""
    process = gitio.git(["symbolic-ref", "--quiet", "--short", "HEAD"], root, check=False)
    return process.stdout.decode().strip()

"""Every committed state of a prompt file, and any one state by version or revision.

Git is asked a fixed number of times however long the history is: `rev-parse` for the
repository, one `git log --raw` that lists each commit touching the file together with
the blob it left there, and one `git cat-file --batch` that reads all those blobs. A
process per commit would make a 500-commit history take seconds.

Renames are followed (`--follow` costs nothing extra), so a prompt that moved keeps its
older states. Merge commits count with the file as they left it (their diff against the
first parent), and commits that deleted the file are left out: they hold no state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from promptreg.config import Settings
from promptreg.errors import InvalidPromptError, Problem, PromptNotFoundError
from promptreg.gitio import GitError, cat_blobs, git, repo_root, resolve
from promptreg.loader import load_prompt
from promptreg.model import PromptSpec
from promptreg.registry import Registry
from promptreg.versions import parse_version

WORKING = "working"
"""The ref that names the working tree's file rather than a commit."""

SHORT = 10
"""Characters of a commit id shown to people (git's own default grows past 7 in big repos)."""

_MARK = "\x01"
# One record per commit: the mark, then NUL-separated fields; --raw entries follow.
_FORMAT = "%x01%H%x00%an%x00%ae%x00%aI%x00%s"
_NO_BLOB = "0" * 40


@dataclass(frozen=True, slots=True)
class Revision:
    """The prompt file as one commit left it."""

    commit: str
    author_name: str
    author_email: str
    date: str
    """Author date, ISO 8601 with offset."""
    subject: str
    path: str
    """The file's path in the repository at this commit (older ones differ after a rename)."""
    blob: str
    version: str | None
    content_hash: str | None
    status: str | None
    approvals: tuple[str, ...]
    """Reviewers recorded in the file at this commit, valid or not."""
    spec: PromptSpec | None = field(default=None, repr=False, compare=False)
    """None when the file did not load at this commit; `problems` says why."""
    problems: tuple[Problem, ...] = field(default=(), repr=False, compare=False)

    @property
    def short(self) -> str:
        return self.commit[:SHORT]

    def to_json(self) -> dict[str, Any]:
        return {
            "commit": self.commit,
            "author": {"name": self.author_name, "email": self.author_email},
            "date": self.date,
            "subject": self.subject,
            "path": self.path,
            "blob": self.blob,
            "version": self.version,
            "content_hash": self.content_hash,
            "status": self.status,
            "approvals": list(self.approvals),
            "valid": self.spec is not None,
            "problems": [str(p) for p in self.problems],
        }


@dataclass(frozen=True, slots=True)
class _Entry:
    commit: str
    author_name: str
    author_email: str
    date: str
    subject: str
    path: str
    blob: str


def _relative_path(settings: Settings, prompt_id: str) -> tuple[Path, str]:
    """The repository root and the prompt file's path inside it."""
    path = Registry(settings).path_of(prompt_id)
    root = repo_root(settings.root)
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise GitError(
            f"{path} is outside the git repository at {root}",
            hint="keep the registry directory inside the repository that holds promptreg.yaml",
        ) from None
    return root, relative


def _parse_log(data: bytes) -> list[_Entry]:
    """Commit records of `git log -z --raw` in the _FORMAT above, newest first.

    Fields are taken by count, not by content, so subjects and paths may hold anything.
    """
    tokens = [t.decode("utf-8", "surrogateescape") for t in data.split(b"\0")]
    entries: list[_Entry] = []
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip("\n")
        if not token.startswith(_MARK):
            index += 1
            continue
        commit = token[1:]
        name, email, date, subject = tokens[index + 1 : index + 5]
        index += 5
        blob = path = None
        while index < len(tokens) and tokens[index].lstrip("\n").startswith(":"):
            meta = tokens[index].lstrip("\n").split()
            status = meta[4]
            paths = 2 if status[0] in "RC" else 1
            path = tokens[index + paths]
            blob = meta[3]
            index += 1 + paths
        if blob is not None and path is not None and blob != _NO_BLOB:
            entries.append(_Entry(commit, name, email, date, subject, path, blob))
    return entries


def _log(root: Path, relative: str) -> list[_Entry]:
    process = git(
        [
            "log",
            f"--format={_FORMAT}",
            "-z",
            "--raw",
            "--no-abbrev",
            "--follow",
            "--diff-merges=first-parent",
            "--",
            relative,
        ],
        root,
        check=False,
    )
    if process.returncode != 0:
        message = process.stderr.decode("utf-8", "replace").strip()
        if "does not have any commits" in message:
            return []
        raise GitError(f"git log failed: {message or 'no message'}")
    return _parse_log(process.stdout)


def _revision(entry: _Entry, data: bytes | None) -> Revision:
    where = Path(f"{entry.commit[:SHORT]}:{entry.path}")
    spec: PromptSpec | None = None
    problems: tuple[Problem, ...]
    if data is None:
        problems = (Problem("F012", f"blob {entry.blob} is missing from the repository", where),)
    else:
        result = load_prompt(where, data)
        spec, problems = result.spec, result.problems
    if spec is not None:
        version, content_hash, status = spec.version, spec.content_hash, spec.status
        approvals = tuple(a.reviewer for a in spec.approvals)
    else:
        version = content_hash = status = None
        approvals = ()
    return Revision(
        commit=entry.commit,
        author_name=entry.author_name,
        author_email=entry.author_email,
        date=entry.date,
        subject=entry.subject,
        path=entry.path,
        blob=entry.blob,
        version=version,
        content_hash=content_hash,
        status=status,
        approvals=approvals,
        spec=spec,
        problems=problems,
    )


def history(settings: Settings, prompt_id: str) -> list[Revision]:
    """Every committed state of the prompt, newest first; GitError outside a repository."""
    root, relative = _relative_path(settings, prompt_id)
    entries = _log(root, relative)
    if not entries and not (root / relative).is_file():
        Registry(settings).load(prompt_id)  # raises PromptNotFoundError with "did you mean"
    contents = cat_blobs(root, [e.blob for e in entries])
    loaded: dict[str, Revision] = {}
    revisions = []
    for entry in entries:
        # A file that returns to earlier content (a revert) is parsed once.
        same = loaded.get(entry.blob)
        if same is None or same.path != entry.path:
            same = loaded[entry.blob] = _revision(entry, contents.get(entry.blob))
            revisions.append(same)
        else:
            revisions.append(
                Revision(
                    entry.commit,
                    entry.author_name,
                    entry.author_email,
                    entry.date,
                    entry.subject,
                    entry.path,
                    entry.blob,
                    same.version,
                    same.content_hash,
                    same.status,
                    same.approvals,
                    same.spec,
                    same.problems,
                )
            )
    return revisions


def known_versions(revisions: list[Revision]) -> list[str]:
    """Distinct versions in the history, newest first."""
    return list(dict.fromkeys(r.version for r in revisions if r.version is not None))


def committed_version(settings: Settings, prompt_id: str, version: str) -> Revision:
    """The last commit that carried `version`; PromptNotFoundError listing the known ones.

    A version committed several times (an approval added, a description edited) is the
    state of its newest commit: that is what the version ended up as.
    """
    revisions = history(settings, prompt_id)
    for revision in revisions:
        if revision.version == version:
            return revision
    raise _unknown_version(prompt_id, version, known_versions(revisions))


def _unknown_version(prompt_id: str, version: str, known: list[str]) -> PromptNotFoundError:
    listed = ", ".join(known) if known else "none committed yet"
    return PromptNotFoundError(
        f"no version {version} of {prompt_id!r} in git history",
        hint=f"known versions, newest first: {listed}; `promptreg history {prompt_id}` "
        "lists every commit",
    )


def _checked(spec: PromptSpec | None, problems: tuple[Problem, ...], what: str) -> PromptSpec:
    if spec is None:
        raise InvalidPromptError(
            problems,
            hint=f"the file at {what} does not load; pick another version or revision",
        )
    return spec


def resolve_version(
    settings: Settings, prompt_id: str, ref: str = WORKING
) -> tuple[str, PromptSpec]:
    """A version number, a git revision, or "working", as (label, spec).

    A version number means its newest commit, or the working tree when only the working
    tree has it; anything else that is not "working" is a git revision.
    """
    registry = Registry(settings)
    if ref == WORKING:
        spec = registry.spec(prompt_id)
        return f"{spec.version} (working tree)", spec
    if parse_version(ref) is not None:
        revisions = history(settings, prompt_id)
        match = next((r for r in revisions if r.version == ref), None)
        if match is not None:
            spec = _checked(match.spec, match.problems, f"commit {match.short}")
            return f"{ref} ({match.short})", spec
        path = registry.path_of(prompt_id)
        if path.is_file():
            result = registry.load(prompt_id)
            if result.spec is not None and result.spec.version == ref:
                return f"{ref} (working tree)", result.spec
            if result.spec is not None:
                revisions_known = [result.spec.version, *known_versions(revisions)]
                raise _unknown_version(prompt_id, ref, list(dict.fromkeys(revisions_known)))
        raise _unknown_version(prompt_id, ref, known_versions(revisions))
    root, relative = _relative_path(settings, prompt_id)
    commit = resolve(root, ref)
    name = f"{commit}:{relative}"
    data = cat_blobs(root, [name]).get(name)
    if data is None:
        raise PromptNotFoundError(
            f"{prompt_id!r} does not exist at {ref} ({commit[:SHORT]})",
            hint=f"`promptreg history {prompt_id}` lists the commits that hold it",
        )
    result = load_prompt(Path(f"{commit[:SHORT]}:{relative}"), data)
    spec = _checked(result.spec, result.problems, ref)
    shown = commit[:SHORT] if commit.startswith(ref) else ref
    return f"{spec.version} ({shown})", spec

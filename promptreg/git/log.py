"""The one reader of `git log -z --raw` for a file: each commit, who made it, and the
file's blob before (in every parent) and after.

Two questions are asked of a file's log, and they need git to walk it differently:

- "versions" (history, diff, the SDK's pinned versions) follows renames, so a prompt
  that moved keeps its older states, and counts a merge with the file as it left it
  (its diff against the first parent);
- "provenance" (who added an approval, who made the content) does not follow renames,
  walks in topological order so "newest" means newest in the graph, and shows a merge
  only when the file differs from every parent, with each parent's blob.

A third, "mainline", is the versions walk along first parents only: the states the
branch itself was in, one after another (each merge counts as what it left), never a
commit that exists only on a merged side branch. A pinned version is served from there.

All print the same fields and parse into the same `Commit`; only the walk differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SHORT = 10
"""Characters of a commit id shown to people (git's own default grows past 7 in big repos)."""

View = Literal["versions", "provenance", "mainline"]

_MARK = "\x01"
# One record per commit: the mark, then NUL-separated fields; --raw entries follow.
_FORMAT = "%x01%H%x00%an%x00%ae%x00%aI%x00%s"
_FIELDS = 5
_NULL = "0" * 40
_COMMON = ("log", "--no-ext-diff", "--no-textconv", f"--format={_FORMAT}", "-z", "--raw")


def log_args(view: View, relative: str, rev: str | None = None) -> list[str]:
    """The git arguments that list the commits of `relative` as `view` sees them, from
    `rev` (None: HEAD) back."""
    if view == "versions":
        walk = ["--follow", "--diff-merges=first-parent"]
    elif view == "mainline":
        walk = ["--follow", "--first-parent", "--diff-merges=first-parent"]
    else:
        walk = ["--no-renames", "--topo-order", "--diff-merges=combined"]
    start = [rev] if rev else []
    return [*_COMMON, "--no-abbrev", *walk, *start, "--", relative]


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit that touched the file, and the file's blob around it."""

    id: str
    author_name: str
    author_email: str
    date: str
    """Author date, ISO 8601 with offset."""
    subject: str
    path: str
    """The file's path after this commit (older ones differ after a rename)."""
    blob: str
    """The file's blob after the commit; "" when the commit deleted it."""
    parent_blobs: tuple[str, ...]
    """The file's blob in each parent the log shows; "" where a parent did not have it."""

    @property
    def short(self) -> str:
        return self.id[:SHORT]

    def describe(self) -> str:
        return f"commit {self.short} by {self.author_name} <{self.author_email}>"

    def authored_by(self, email: str) -> bool:
        return self.author_email.casefold() == email.casefold()


def parse_log(data: bytes) -> list[Commit]:
    """The commits of `git log` run with `log_args`, in log order.

    Fields are taken by position, not by content, so subjects and paths may hold
    anything. A raw entry starts with one colon per parent shown: `:100644 100644 a b M`
    for one, `::100644 100644 100644 p1 p2 result MM` for a combined merge; a rename or
    copy against one parent is followed by two paths, every other entry by one.
    """
    tokens = [t.decode("utf-8", "surrogateescape") for t in data.split(b"\0")]
    commits: list[Commit] = []
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip("\n")
        if not token.startswith(_MARK) or index + _FIELDS > len(tokens):
            index += 1
            continue
        commit = token[1:]
        name, email, date, subject = tokens[index + 1 : index + _FIELDS]
        index += _FIELDS
        found: tuple[tuple[str, ...], str, str] | None = None
        while index < len(tokens):
            entry = tokens[index].lstrip("\n")
            if entry.startswith(_MARK):
                break
            if not entry.startswith(":"):
                index += 1
                continue
            count = len(entry) - len(entry.lstrip(":"))
            fields = entry.lstrip(":").split()
            status = fields[-1] if fields else ""
            paths = 2 if count == 1 and status[:1] in ("R", "C") else 1
            blobs = [b if b != _NULL else "" for b in fields[count + 1 : 2 * count + 2]]
            if len(blobs) == count + 1 and index + paths < len(tokens):
                found = (tuple(blobs[:count]), blobs[count], tokens[index + paths])
            index += 1 + paths
        if found is not None:
            parents, blob, path = found
            commits.append(Commit(commit, name, email, date, subject, path, blob, parents))
    return commits

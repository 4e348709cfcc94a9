"""The promptreg block of a CODEOWNERS file: who the forge asks to review which prompt.

Tier policies name reviewer groups; a forge (GitHub, GitLab) only enforces reviews for
paths listed in CODEOWNERS. This module writes one line per prompt whose tier needs
approvals from a group, owned by that group's e-mail addresses, between two marker
lines, and leaves every other byte of the file as it was. promptreg.yaml and the
allowed-signers file get a line too: whoever can rewrite the tier policy, or add a key
under a reviewer's address, can undo every other line, so they are owned by the
reviewers of the strictest tier. Forges read CODEOWNERS from the pull request's base
branch, so a pull request cannot drop these lines for itself.

Tiers are read from the raw YAML, not the validated prompt, so a file with a schema
error still gets its owners, and a file whose tier cannot be read at all gets the
strictest tier's: breaking a file must not be a way round its review.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from promptreg.core.bounded import MIB, read_bounded
from promptreg.core.config import CONFIG_NAME, Settings
from promptreg.core.errors import UsageError
from promptreg.core.fs import atomic_write
from promptreg.core.location import Location, Span
from promptreg.core.tree import prompt_files
from promptreg.core.yamlio import read_document
from promptreg.git.gitio import GitError, repo_root

BEGIN = "# BEGIN promptreg"
END = "# END promptreg"
"""The markers of the block; a registry whose promptreg.yaml is not at the repository's
top adds that file's path to both, so several registries can share one CODEOWNERS."""
HEADER = (
    "# Written by `promptreg codeowners` from promptreg.yaml; edit the tiers and reviewers",
    "# there, not these lines. Keep this block last: the last matching line wins.",
)

SEARCHED = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
"""Where GitHub (the first three, in its order) and GitLab look for the file."""


@dataclass(frozen=True, slots=True)
class Block:
    """Where the marked block sits in a file's lines: [start, end], both marker lines."""

    start: int
    end: int


def project_root(settings: Settings) -> Path:
    """The repository's top (CODEOWNERS paths are relative to it); without git, the
    directory of promptreg.yaml."""
    try:
        return repo_root(settings.root).resolve()
    except GitError:
        return settings.root.resolve()


def default_path(root: Path) -> Path:
    """The existing CODEOWNERS file the forge reads, or where a new one belongs."""
    for candidate in SEARCHED:
        if (root / candidate).is_file():
            return root / candidate
    if (root / ".github").is_dir():
        return root / ".github" / "CODEOWNERS"
    return root / "CODEOWNERS"


def tier_owners(settings: Settings, tier: int) -> tuple[str, ...]:
    """Sorted e-mail addresses of the groups a tier requires, () when it needs none."""
    policy = settings.tier(tier)
    if policy.approvals <= 0:
        return ()
    return tuple(sorted({email for group in policy.groups for email in settings.reviewers[group]}))


def _escape(path: str) -> str:
    """A literal path as a CODEOWNERS pattern (gitignore syntax, spaces escaped)."""
    for char in "\\*?[ ":
        path = path.replace(char, "\\" + char)
    return path


@dataclass(frozen=True, slots=True)
class Head:
    """The two fields whole-registry checks read from a prompt, None when unreadable."""

    id: str | None
    tier: int | None


def read_heads(settings: Settings) -> dict[Path, Head]:
    """Every prompt file's id and tier, sorted by path: one hardened parse per file,
    without positions (a third faster), shared by `promptreg check`'s checks."""
    heads = {}
    for path in prompt_files(settings.registry_dir):
        value = read_document(path, positions=False).value
        fields = value if isinstance(value, dict) else {}
        prompt_id, tier = fields.get("id"), fields.get("tier")
        heads[path] = Head(
            prompt_id if isinstance(prompt_id, str) else None,
            tier if isinstance(tier, int) and not isinstance(tier, bool) else None,
        )
    return heads


def owner_lines(
    settings: Settings, root: Path, heads: Mapping[Path, Head] | None = None
) -> list[str]:
    """`/path owner...` for promptreg.yaml and each prompt that needs a group's review."""

    def pattern(path: Path) -> str:
        try:
            return "/" + _escape(path.resolve().relative_to(root).as_posix())
        except ValueError:
            raise UsageError(
                f"{path} is outside the repository at {root}",
                hint="run promptreg codeowners inside the repository that holds the registry",
            ) from None

    lines: list[str] = []
    by_tier = [tier_owners(settings, tier) for tier in sorted(settings.tiers, reverse=True)]
    strictest = next((owners for owners in by_tier if owners), ())
    if strictest:
        guards = " ".join(strictest)
        lines.extend(f"{pattern(file)} {guards}" for file in (settings.path, _signers(settings)))
    for path, head in (read_heads(settings) if heads is None else heads).items():
        tier = head.tier
        owners = tier_owners(settings, tier) if tier is not None else strictest
        if owners:
            lines.append(f"{pattern(path)} {' '.join(owners)}")
    return lines


def _signers(settings: Settings) -> Path:
    """The allowed-signers file, owned whether or not it exists yet: the change that
    adds it is the one that most needs review."""
    declared = settings.signers_in_tree or settings.allowed_signers
    return declared or settings.root / ".promptreg" / "allowed_signers"


def markers(settings: Settings, root: Path) -> tuple[str, str]:
    try:
        config = settings.path.resolve().relative_to(root).as_posix()
    except ValueError:
        config = CONFIG_NAME
    suffix = "" if config == CONFIG_NAME else f" {config}"
    return BEGIN + suffix, END + suffix


def render_block(
    settings: Settings,
    root: Path,
    newline: str = "\n",
    heads: Mapping[Path, Head] | None = None,
) -> str:
    begin, end = markers(settings, root)
    lines = [begin, *HEADER, *owner_lines(settings, root, heads), end]
    return "".join(line + newline for line in lines)


def _lines(text: str) -> list[str]:
    """Lines with their endings, split at LF only, as git and the forges split them."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def find_block(text: str, path: Path, marks: tuple[str, str] = (BEGIN, END)) -> Block | None:
    """The marked block in `text`; UsageError when the markers are unpaired or repeated."""
    begin, end = marks
    lines = [line.strip() for line in _lines(text)]
    begins = [i for i, line in enumerate(lines) if line == begin]
    ends = [i for i, line in enumerate(lines) if line == end]
    if not begins and not ends:
        return None
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        first = min([*begins, *ends])
        raise UsageError(
            f"expected one `{begin}` line followed by one `{end}` line, found "
            f"{len(begins)} and {len(ends)}",
            location=Location(path, Span.at(first + 1)),
            hint="delete the promptreg lines by hand, then run `promptreg codeowners` again",
        )
    return Block(begins[0], ends[0])


def updated_text(
    text: str,
    settings: Settings,
    root: Path,
    path: Path,
    heads: Mapping[Path, Head] | None = None,
) -> str:
    """`text` with the block replaced (or appended); every other byte kept."""
    newline = "\r\n" if "\r\n" in text else "\n"
    block = render_block(settings, root, newline, heads)
    found = find_block(text, path, markers(settings, root))
    if found is None:
        if not text:
            return block
        if not text.endswith("\n"):
            text += newline
        separator = "" if text.endswith(newline * 2) else newline
        return text + separator + block
    lines = _lines(text)
    before = "".join(lines[: found.start])
    after = "".join(lines[found.end + 1 :])
    last = lines[found.end]
    if not last.endswith("\n") and not after:
        block = block.removesuffix(newline)  # the file ended on the END line: keep that
    return before + block + after


MAX_CODEOWNERS_BYTES = 3 * MIB
"""GitHub ignores a CODEOWNERS file of 3 MB or more."""


def read_text(path: Path) -> str:
    if not path.exists():
        return ""
    try:
        return read_bounded(path, MAX_CODEOWNERS_BYTES, "CODEOWNERS file").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})",
            hint="save CODEOWNERS as UTF-8, or pass --path for another file",
        ) from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


def unified_diff(old: str, new: str, name: str) -> str:
    return "".join(
        difflib.unified_diff(
            _lines(old),
            _lines(new),
            f"a/{name}",
            f"b/{name}",
        )
    )


State = Literal["current", "missing", "no-block", "stale"]


@dataclass(frozen=True, slots=True)
class CodeownersUpdate:
    """The CODEOWNERS file as it is and as `promptreg codeowners` would write it."""

    path: Path
    old: str
    """The file's text now; "" when it does not exist."""
    new: str
    state: State
    """current: nothing to write; missing: no file; no-block: a file without the block;
    stale: a block that differs from the tiers and reviewers."""


def plan_codeowners(settings: Settings, path: Path | None = None) -> CodeownersUpdate:
    """What the file at `path` (default: the one the forge reads) should hold."""
    root = project_root(settings)
    path = (path if path is not None else default_path(root)).absolute()
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        raise UsageError(
            f"--path {path} is outside the repository at {root}",
            hint="the forge reads CODEOWNERS only inside the repository (its top, .github/, "
            "docs/ or .gitlab/); give a path there",
        ) from None
    old = read_text(path)
    new = updated_text(old, settings, root, path)
    state: State
    if old == new:
        state = "current"
    elif not path.exists():
        state = "missing"
    elif find_block(old, path, markers(settings, root)) is None:
        state = "no-block"
    else:
        state = "stale"
    return CodeownersUpdate(path, old, new, state)


def write_codeowners(update: CodeownersUpdate) -> None:
    """Write the new text, atomically, creating the folder when needed."""
    update.path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(update.path, update.new)

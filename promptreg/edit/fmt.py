"""One canonical key order and layout for prompt files, with every comment kept.

ruamel.yaml's round-trip mode does the rewriting (edit/layout.py), so comments, quotes,
block scalars and flow collections survive. Every result is checked before it is
returned: the same data, the same comments, no new problems, and formatting it again
changes nothing. A check that fails raises FormatError, so fmt never writes a damaging
change.

A file that edit/canonical.py proves canonical from the fast loader's spans is left
alone without the round trip, which is most files on most runs.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from promptreg.core.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, PromptregError
from promptreg.core.fs import atomic_write
from promptreg.core.loader import PROMPT_SUFFIX, load_prompt
from promptreg.core.location import Location, Span
from promptreg.core.yamlio import parse, read_document
from promptreg.edit import comments
from promptreg.edit.canonical import is_canonical
from promptreg.edit.layout import FIELD_ORDER, canonical_layout
from promptreg.edit.roundtrip import parse_for_rewrite

__all__ = [
    "FIELD_ORDER",
    "FormatError",
    "FormatOutcome",
    "FormatTally",
    "comparable",
    "files_to_format",
    "format_file",
    "format_paths",
    "format_text",
]


class FormatError(PromptregError):
    """The file cannot be formatted safely, so it is left as it was."""


@dataclass(frozen=True, slots=True)
class FormatOutcome:
    path: Path
    changed: bool
    """The file is not (or, with check, would not be) in canonical form."""
    diff: str = ""
    """A unified diff, when asked for and the file changed."""
    error: str | None = None
    """Why the file was left alone, ready to print: `file:line:col: message`."""


def format_text(text: str, *, path: Path = Path("<text>")) -> str:
    """`text` in canonical key order and layout; raises FormatError instead of damaging it."""
    newline = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
    source = text.replace("\r\n", "\n")
    at_start = Location(path, Span.at(1, 1))
    before = parse_for_rewrite(
        source,
        path,
        error=FormatError,
        hint="fmt only rewrites files that load safely; `promptreg lint` lists the problems",
    )
    result = canonical_layout(source, path, error=FormatError)
    after = parse(result, path)
    if after.problems or comparable(after.value) != comparable(before.value):
        raise FormatError(
            "formatting would change what the file means; it was left unchanged",
            location=at_start,
            hint="this is a bug in promptreg fmt; please report it with the file",
        )
    expected = comments.inventory(source, error=FormatError, location=at_start)
    found = comments.inventory(result, error=FormatError, location=at_start)
    where = comments.where_lost(expected, found)
    if where is not None:
        raise FormatError(
            "formatting would drop or alter a comment here; the file was left unchanged",
            location=Location(path, Span(where, where)),
            hint="comments inside a flow collection ({...} or [...]), between a key and a "
            "value on the next line, or before `---` cannot be kept; move it above the key",
        )
    # Proved canonical (edit/canonical.py) means a second run changes nothing, without
    # a second round trip.
    if not is_canonical(after) and canonical_layout(result, path, error=FormatError) != result:
        raise FormatError(
            "formatting is not stable for this file (a second run would change it again)",
            location=at_start,
            hint="this is a bug in promptreg fmt; please report it with the file",
        )
    return result.replace("\n", newline)


def format_file(path: Path, *, check: bool, diff: bool) -> FormatOutcome:
    """Format one file; writes (atomically) only when it changed and `check` is false."""
    if not path.name.endswith(PROMPT_SUFFIX):
        return FormatOutcome(path, False, error=f"{path}: not a prompt file (*{PROMPT_SUFFIX})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return FormatOutcome(path, False, error=f"{path}: cannot read: {exc.strerror or exc}")
    if is_canonical(read_document(path, data)):
        return FormatOutcome(path, False)  # proved without the round trip
    blocking = [p for p in load_prompt(path, data).problems if p.code.startswith("F")]
    if blocking:
        return FormatOutcome(path, False, error="\n".join(str(p) for p in blocking))
    text = data.decode("utf-8")
    try:
        result = format_text(text, path=path)
    except FormatError as exc:
        return FormatOutcome(path, False, error=str(exc))
    if result == text:
        return FormatOutcome(path, False)
    patch = ""
    if diff:
        name = path.as_posix()
        patch = "".join(
            difflib.unified_diff(
                text.splitlines(keepends=True),
                result.splitlines(keepends=True),
                fromfile=name,
                tofile=name,
            )
        )
    if not check:
        atomic_write(path, result)
    return FormatOutcome(path, True, patch)


def format_paths(paths: Iterable[Path], *, check: bool, diff: bool) -> Iterator[FormatOutcome]:
    """format_file for each of files_to_format(paths)."""
    for file in files_to_format(paths):
        yield format_file(file, check=check, diff=diff)


def files_to_format(paths: Iterable[Path]) -> list[Path]:
    """A directory stands for the prompt files below it; a file is taken as given (and
    refused by format_file when it is not a prompt file)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            # Only a directory needs the tree walk and, through it, the settings module:
            # one file (the pre-commit case) starts without them.
            from promptreg.core.tree import prompt_files

            files += prompt_files(path)
        else:
            files.append(path)
    return files


@dataclass(slots=True)
class FormatTally:
    """What a run of fmt did, for its summary line and exit status."""

    dry: bool
    """--check or --diff: nothing is written."""
    changed: int = 0
    unchanged: int = 0
    failed: int = 0

    def add(self, outcome: FormatOutcome) -> None:
        if outcome.error is not None:
            self.failed += 1
        elif outcome.changed:
            self.changed += 1
        else:
            self.unchanged += 1

    @property
    def exit_status(self) -> int:
        """2 when a file could not be formatted; 1 when a dry run found work; else 0."""
        if self.failed:
            return EXIT_USAGE
        return EXIT_FINDINGS if self.dry and self.changed else EXIT_OK

    def summary(self) -> str:
        def files(count: int) -> str:
            return f"{count} file{'' if count == 1 else 's'}"

        dry = self.dry
        parts = []
        if self.changed:
            parts.append(
                f"{files(self.changed)} {'would be reformatted' if dry else 'reformatted'}"
            )
        if self.unchanged or not parts:
            parts.append(
                f"{files(self.unchanged)} {'already formatted' if dry else 'left unchanged'}"
            )
        if self.failed:
            parts.append(f"{files(self.failed)} could not be formatted")
        return ", ".join(parts)


def comparable(value: Any) -> str:
    """Data as comparable text: key order ignored, but 1, 1.0, true and "1" all differ."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)

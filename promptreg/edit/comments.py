"""The one inventory of a file's comments, behind the promise every edit makes: every
comment survives.

fmt moves keys, so it asks that the same comments are there; bump and approve change
values in place, so they ask for the same comments in the same order. Both count with
PyYAML's pure-Python scanner, not ruamel's: an independent count, so a comment ruamel
loses is caught.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from promptreg.core.errors import PromptregError
from promptreg.core.location import Location, Position

_COMMENT_RE = re.compile(r"#[^\r\n]*")


@dataclass(frozen=True, slots=True)
class Comment:
    text: str
    """From '#' to the end of its line, trailing white space dropped."""
    position: Position


def inventory(
    text: str, *, error: type[PromptregError], location: Location | None = None
) -> list[Comment]:
    """Every comment in `text`, in order, found between the tokens YAML scans.

    Raises `error` (at `location`) when the scanner cannot read the text: libyaml read
    it, so that would be a difference between the two scanners.
    """
    found: list[Comment] = []
    previous = 0
    line, counted = 1, 0  # newlines are counted once, left to right

    def gap(start: int, end: int) -> None:
        nonlocal line, counted
        for match in _COMMENT_RE.finditer(text, start, end):
            offset = match.start()
            line += text.count("\n", counted, offset)
            line_start = text.rfind("\n", 0, offset) + 1
            counted = offset
            position = Position(line, offset - line_start + 1)
            found.append(Comment(match.group().rstrip(), position))

    try:
        # Its marks count characters, which libyaml's do not.
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            gap(previous, token.start_mark.index)
            previous = max(previous, token.end_mark.index)
    except yaml.YAMLError as exc:
        raise error(f"cannot list the comments of this file: {exc}", location=location) from None
    gap(previous, len(text))
    return found


def where_lost(expected: Sequence[Comment], found: Sequence[Comment]) -> Position | None:
    """None when `found` holds the same comment texts as `expected`, in any order (for
    fmt, which moves them); else where the first lost one was (1:1 when one was added).
    """
    before, after = Counter(c.text for c in expected), Counter(c.text for c in found)
    if before == after:
        return None
    lost = before - after
    return next((c.position for c in expected if c.text in lost), Position(1, 1))


def same_order(expected: Sequence[Comment], found: Sequence[Comment]) -> bool:
    """The same comment texts in the same order: for edits that change values in place."""
    return [c.text for c in expected] == [c.text for c in found]

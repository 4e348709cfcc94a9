"""What the X rule modules share: a file's strings, scanned once, and the way back from
a detection to a place in the file.

The detectors (promptreg.detect) work on plain strings. A file's strings are joined
once into one text, NUL-separated (no detector matches across a NUL), each detector
group scans that text in one pass, and detections map back to their string with a
bisect. The rules of a group (X0, X1) share one scan, kept in the FileContext's memo:
the runner owns the context, and it lives as long as one file is linted.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, TypeVar, cast

from promptreg.core.document import Document, PathKey
from promptreg.core.records import Record
from promptreg.detect.detection import SEPARATOR, Detection
from promptreg.lint.context import FileContext
from promptreg.lint.finding import Hit

if TYPE_CHECKING:
    from typing import Any

T = TypeVar("T")
Leaf = tuple[PathKey, str]


def leaves(value: Any, path: PathKey = ()) -> Iterator[Leaf]:
    """Every string in a plain value, with its path; integers too, as their digits.

    Integers are included because a card or phone number written without separators
    loads as one. Mapping keys are names chosen by the format, not data, and are skipped.
    """
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**6:
        yield path, str(value)


def dotted(path: PathKey) -> str:
    """A path as people write it: messages[0].content, evals[1].vars.text."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z0-9_-]+", part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out or "the document"


class Match(Record):
    """A detection placed in one string of the file: `value[start:end]` is the value."""

    detection: Detection
    path: PathKey
    value: str
    """The whole string the detection is in."""
    start: int
    end: int

    @property
    def kind(self) -> str:
        return self.detection.kind

    @property
    def text(self) -> str:
        return self.value[self.start : self.end]


class Corpus(Record):
    """A document's strings joined by SEPARATOR, with where each one starts."""

    text: str
    starts: list[int]
    leaves: list[Leaf]

    @classmethod
    def of(cls, document: Document) -> Corpus:
        found = list(leaves(document.value))
        starts = []
        offset = 0
        for _, value in found:
            starts.append(offset)
            offset += len(value) + 1
        return cls(SEPARATOR.join(value for _, value in found), starts, found)

    def place(self, detection: Detection) -> Match:
        """The detection in the string it lies in (detections never span two)."""
        index = bisect.bisect_right(self.starts, detection.start) - 1
        path, value = self.leaves[index]
        base = self.starts[index]
        return Match(detection, path, value, detection.start - base, detection.end - base)


def shared(ctx: FileContext, compute: Callable[[FileContext], T]) -> T:
    """`compute(ctx)`, once per file however many rules ask for it."""
    if compute not in ctx.memo:
        ctx.memo[compute] = compute(ctx)
    return cast(T, ctx.memo[compute])


def _corpus_of(ctx: FileContext) -> Corpus:
    return Corpus.of(ctx.document)


def corpus(ctx: FileContext) -> Corpus:
    return shared(ctx, _corpus_of)


def hit(ctx: FileContext, match: Match, advice: str) -> Hit:
    """A finding at the detected value itself, also inside a block scalar: what it is,
    where, then `advice` (from "; " or " is ...")."""
    message = f"{match.detection.description} in {dotted(match.path)}{advice}"
    return Hit(message, ctx.document.locate(match.path, match.start, match.end))


def option_list(ctx: FileContext, name: str) -> tuple[str, ...]:
    raw = ctx.settings.lint.options.get(name)
    if not isinstance(raw, list | tuple):
        return ()
    return tuple(str(item) for item in raw if isinstance(item, str) and item.strip())


def options_doc(lines: Mapping[str, str]) -> str:
    return " ".join(f"`lint.{name}` in promptreg.yaml: {text}" for name, text in lines.items())


NOT_A_FIX = (
    "No automatic fix: a secret must be revoked, not only deleted, and personal data "
    "must be replaced by made-up data a person chooses."
)

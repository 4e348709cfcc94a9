"""ruamel.yaml's round-trip mode, set up once as the registry writes YAML, and the few
facts about its comment-carrying nodes that every edit needs.

For the edits that must keep comments (fmt, bump, approve) and the emitter. ruamel is
slow to import, so it loads inside the functions, on first use; nothing outside `edit/`
imports it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from promptreg.core.document import Document
from promptreg.core.errors import PromptregError
from promptreg.core.location import Location, Span
from promptreg.core.yamlio import MAX_FILE_BYTES, parse

ROUND_TRIP_WIDTH = MAX_FILE_BYTES
"""Line width for round-trip output: no line of an accepted file is long enough to wrap."""

TrailingComment = tuple[list[Any], int, Any]
"""Where ruamel keeps the comment after a value: its comment entry, the slot in that
entry, and the token in the slot."""


def round_trip_yaml(*, sequence: int, offset: int) -> Any:
    """A ruamel.yaml round-trip reader and writer set up as the registry writes YAML."""
    from ruamel.yaml import YAML

    rt = YAML(typ="rt")  # YAML 1.2; dates and numbers are re-emitted as written
    rt.preserve_quotes = True
    rt.width = ROUND_TRIP_WIDTH
    rt.indent(mapping=2, sequence=sequence, offset=offset)
    return rt


def round_trip_load(
    text: str, path: Path, *, sequence: int, offset: int, error: type[PromptregError]
) -> tuple[Any, Any]:
    """The round-trip reader (see round_trip_yaml) and the tree it reads from `text`.

    `error` is raised, at the right line, for YAML the round-trip reader refuses
    although the fast loader read it (tabs next to values).
    """
    from ruamel.yaml.error import YAMLError

    rt = round_trip_yaml(sequence=sequence, offset=offset)
    try:
        return rt, rt.load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        span = Span.at(mark.line + 1, mark.column + 1) if mark is not None else Span.at(1, 1)
        raise error(
            f"the round-trip YAML reader cannot read this: {getattr(exc, 'problem', None) or exc}",
            location=Location(path, span),
            hint="a tab next to a value is the usual cause; use spaces",
        ) from None


def dump(rt: Any, root: Any) -> str:
    out = io.StringIO()
    rt.dump(root, out)
    return out.getvalue()


def parse_for_rewrite(text: str, path: Path, *, error: type[PromptregError], hint: str) -> Document:
    """Parse text that is about to be rewritten (fmt, bump, approve): a file that does
    not load safely, or is not a mapping, is refused with `error` before anything
    touches it."""
    document = parse(text, path)
    if document.problems:
        first = document.problems[0]
        raise error(f"{first.code} {first.message}", location=first.location, hint=hint)
    if not isinstance(document.value, dict):
        raise error(
            "the document is not a mapping of keys to values",
            location=Location(path, Span.at(1, 1)),
        )
    return document


# --- nodes and their comments --------------------------------------------------------------


def is_block_collection(value: Any) -> bool:
    """A mapping or sequence written one entry per line, whose entries carry comments."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    return isinstance(value, CommentedMap | CommentedSeq) and not value.fa.flow_style()


def is_block_scalar(value: Any) -> bool:
    """A `|` or `>` string: it ends with its own line break."""
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

    return isinstance(value, LiteralScalarString | FoldedScalarString)


def trailing_comment(node: Any, key: Any) -> TrailingComment | None:
    """The comment ruamel keeps after the value at `key` of `node`, if there is one.

    It holds the rest of the value's line and every comment line below it, up to the
    next key or item.
    """
    from ruamel.yaml.comments import CommentedMap

    entry = node.ca.items.get(key)
    slot = 2 if isinstance(node, CommentedMap) else 0
    token = entry[slot] if entry else None
    return None if token is None else (entry, slot, token)


def split_trailing(text: str, value: Any) -> tuple[str, str]:
    """A trailing comment's text (see trailing_comment): the part on the line of
    `value`, and the lines below it.

    After a block scalar every line is a line below: the scalar took its own newline.
    """
    if is_block_scalar(value):
        return "", text
    cut = text.find("\n") + 1 or len(text)
    return text[:cut], text[cut:]


def comment_token(text: str, column: int) -> Any:
    """A comment token for ruamel to write at `column` (0-based)."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    return CommentToken(text, CommentMark(max(column, 0)))


def new_mapping(pairs: Iterable[tuple[str, Any]], *, flow: bool) -> Any:
    """A mapping ruamel writes as `{a: 1, b: 2}` (flow) or one key per line (block)."""
    from ruamel.yaml.comments import CommentedMap

    return _styled(CommentedMap(pairs), flow=flow)


def new_sequence(items: Iterable[Any], *, flow: bool) -> Any:
    """A sequence ruamel writes as `[a, b]` (flow) or one `- ` item per line (block)."""
    from ruamel.yaml.comments import CommentedSeq

    return _styled(CommentedSeq(items), flow=flow)


def _styled(node: Any, *, flow: bool) -> Any:
    if flow:
        node.fa.set_flow_style()
    else:
        node.fa.set_block_style()
    return node


def field_scalar(key: str, value: str) -> Any:
    """`value` as it is written under `key`: a `date` plain (2026-11-20), as the
    registry writes its dates, anything else as ruamel decides for a string."""
    if key == "date":
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
        if day.isoformat() == value:  # not 20261120, which would come back rewritten
            return day
    return value

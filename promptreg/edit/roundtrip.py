"""ruamel.yaml's round-trip reader, set up once as the registry writes YAML.

For the edits that must keep comments (fmt, bump, approve). ruamel is slow to import,
so it loads inside the functions, on first use; nothing outside `edit/` imports it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from promptreg.core.document import Document
from promptreg.core.errors import PromptregError
from promptreg.core.location import Location, Span
from promptreg.core.yamlio import MAX_FILE_BYTES, parse

ROUND_TRIP_WIDTH = MAX_FILE_BYTES
"""Line width for round-trip output: no line of an accepted file is long enough to wrap."""


def round_trip_load(
    text: str, path: Path, *, sequence: int, offset: int, error: type[PromptregError]
) -> tuple[Any, Any]:
    """A ruamel.yaml round-trip reader set up as the registry writes YAML, and the tree.

    For the edits that must keep comments (fmt, bump, approve). ruamel is slow to import,
    so it loads here, on first use. `error` is raised, at the right line, for YAML the
    round-trip reader refuses although the fast loader read it (tabs next to values).
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    rt = YAML(typ="rt")  # YAML 1.2; dates and numbers are re-emitted as written
    rt.preserve_quotes = True
    rt.width = ROUND_TRIP_WIDTH
    rt.indent(mapping=2, sequence=sequence, offset=offset)
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

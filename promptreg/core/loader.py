"""A path becomes a validated PromptSpec, or the problems that stop it becoming one.

Bad input is data here, not an exception: the linter reports every problem, and the SDK
turns them into one InvalidPromptError at its own edge.
"""

from __future__ import annotations

import re
from pathlib import Path

from promptreg.core.document import Document
from promptreg.core.errors import Problem
from promptreg.core.model import PromptSpec, build_spec
from promptreg.core.names import PROMPT_SUFFIX as PROMPT_SUFFIX
from promptreg.core.records import Record
from promptreg.core.schema import PROMPT_SCHEMA, check_document
from promptreg.core.yamlio import read_document

ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)+\Z")
"""A prompt id: lower-case words joined by '-', in namespaces joined by '/'."""


class LoadResult(Record):
    """A file read: its document, the prompt when it loaded, and what was wrong (a
    named tuple: cheaper to define at start-up than a dataclass)."""

    document: Document
    spec: PromptSpec | None
    problems: tuple[Problem, ...]


def load_prompt(path: Path, data: bytes | None = None, *, positions: bool = True) -> LoadResult:
    """Load and validate one prompt file. `positions=False` is faster for callers that
    never report a place in the file (their problems then point at line 1)."""
    document = read_document(path, data, positions=positions)
    problems = check_document(document, PROMPT_SCHEMA)
    spec = None if problems else build_spec(document.value, document)
    return LoadResult(document, spec, tuple(problems))

"""A path becomes a validated PromptSpec, or the problems that stop it becoming one.

Bad input is data here, not an exception: the linter reports every problem, and the SDK
turns them into one InvalidPromptError at its own edge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from promptreg.errors import Problem
from promptreg.model import PromptSpec, build_spec
from promptreg.schema import PROMPT_SCHEMA, schema_problems
from promptreg.yamlio import Document, read_document

PROMPT_SUFFIX = ".prompt.yaml"
ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)+\Z")
"""A prompt id: lower-case words joined by '-', in namespaces joined by '/'."""


@dataclass(frozen=True, slots=True)
class LoadResult:
    document: Document
    spec: PromptSpec | None
    problems: tuple[Problem, ...]


def check_document(document: Document, schema: str) -> list[Problem]:
    """File-level (F) problems, then schema (S001) problems when the file is sound."""
    problems = list(document.problems)
    if problems:
        return problems
    if not isinstance(document.value, dict):
        what = "empty" if document.value is None else f"a {type(document.value).__name__}"
        problems.append(
            Problem(
                "F009",
                f"the document is {what}, not a mapping of keys to values; "
                "start from `promptreg new` or the format in docs/format.md",
                document.location(()),
            )
        )
        return problems
    return schema_problems(document, schema)


def load_prompt(path: Path, data: bytes | None = None, *, positions: bool = True) -> LoadResult:
    """Load and validate one prompt file. `positions=False` is faster for callers that
    never report a place in the file (their problems then point at line 1)."""
    document = read_document(path, data, positions=positions)
    problems = check_document(document, PROMPT_SCHEMA)
    spec = None if problems else build_spec(document.value, document)
    return LoadResult(document, spec, tuple(problems))


def prompt_id_for(path: Path, registry_root: Path) -> str | None:
    """The id a file must have from where it sits, or None outside the registry."""
    try:
        relative = path.resolve().relative_to(registry_root.resolve())
    except ValueError:
        return None
    text = relative.as_posix()
    return text[: -len(PROMPT_SUFFIX)] if text.endswith(PROMPT_SUFFIX) else None

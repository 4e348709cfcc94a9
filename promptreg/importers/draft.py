"""What an importer hands back: a draft prompt, still independent of any registry.

A reader knows the source format and nothing about promptreg.yaml; the step that
writes drafts decides ids, owners and models. Everything the reader could not carry
over travels with the draft as a Note, so nothing is dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from promptreg.core.errors import PromptregError
from promptreg.core.location import Location, Span


class SourceError(PromptregError):
    """A source file cannot be imported at all (not the format, broken, hostile)."""

    exit_status = 1


class UnknownFormatError(SourceError):
    """No importer recognises the file: skipped in a folder, an error when named."""


def source_error(
    path: Path, message: str, *, line: int = 1, hint: str | None = None
) -> SourceError:
    return SourceError(
        message,
        location=Location(path, Span.at(max(line, 1), 1)),
        hint=hint or "check that the file is what --from says, or name the format with --from",
    )


@dataclass(frozen=True, slots=True)
class Note:
    """Something the import could not carry over faithfully, with its place in the source."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class DraftVariable:
    name: str
    type: str = "string"
    description: str = ""
    default: Any = None
    has_default: bool = False
    enum: tuple[Any, ...] | None = None
    required: bool = True
    """False for an optional input without a default (it renders as nothing)."""


@dataclass(frozen=True, slots=True)
class Template:
    """A Jinja2 template made from a source template, and what the conversion saw."""

    text: str
    variables: tuple[str, ...] = ()
    """Top-level names the source template reads, in order of first use."""
    notes: tuple[tuple[int, str], ...] = ()
    """(line within the source template, message) for what did not convert exactly."""
    renamed: tuple[tuple[str, str], ...] = ()
    """(source name, variable name) where the two differ."""


@dataclass(frozen=True, slots=True)
class DraftEval:
    name: str
    vars: dict[str, Any]
    asserts: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class Draft:
    """One prompt read from a source file, in promptreg's terms but without an id yet."""

    source: Path
    line: int
    """Where in the source the prompt starts (1 for whole-file formats)."""
    name: str
    """Kebab-case name for the file; the namespace is added when the draft is placed."""
    title: str
    messages: tuple[tuple[str, str], ...]
    """(role, Jinja2 content) in order."""
    variables: tuple[DraftVariable, ...] = ()
    description: str = ""
    model: str | None = None
    """The model named in the source, which promptreg.yaml may not list."""
    settings: dict[str, Any] = field(default_factory=dict)
    """temperature, top_p, max_output_tokens, seed, as far as the source gives them."""
    output: dict[str, Any] | None = None
    evals: tuple[DraftEval, ...] = ()
    history: tuple[str, ...] = ()
    """Versions, labels and commit messages of the source, for the changelog note."""
    tags: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()
    format: str = ""
    """The catalogue name of the importer that read it."""


_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slug(text: str, fallback: str = "prompt") -> str:
    """A kebab-case name from anything: camelCase, spaces, punctuation, file names."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", text)
    words = _SLUG_RE.sub("-", spaced.lower()).strip("-")
    return words[:80].strip("-") or fallback


def title_of(name: str) -> str:
    return slug(name).replace("-", " ").capitalize()


def variables_in_order(
    names: list[str] | tuple[str, ...], declared: dict[str, DraftVariable]
) -> tuple[DraftVariable, ...]:
    """Exactly the variables the templates read: typed from the source where it declares
    them, strings otherwise."""
    seen: dict[str, DraftVariable] = {}
    for name in names:
        if name not in seen:
            seen[name] = declared.get(name) or DraftVariable(name)
    return tuple(seen.values())

"""What analysis finds in a template, as plain data without Jinja2.

promptreg.render.analysis computes these from a template's syntax tree; the lint rules
read them; the lint session keeps them between runs (promptreg.lint.templates), keyed by
the template's text, so a file whose templates did not change is linted without loading
Jinja2 at all. Hence this module imports nothing heavier than typing, and facts
convert to and from JSON. The records are named tuples, not frozen dataclasses, which
cost ten times as much to define at every run's start-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from promptreg.core.records import Record


class TemplateProblem(Record):
    """A compile-time problem, with the line inside the template (1-based)."""

    message: str
    line: int
    kind: str = "syntax"
    """syntax, forbidden (include/import/extends), unknown-name (filter or test) or
    too-deep (nesting past the limits of promptreg.render.nesting)."""


class TemplateProblemError(Exception):
    """Why a template cannot run; carries the problem with its template line."""

    def __init__(self, problem: TemplateProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class TemplateFacts(Record):
    """What the linter needs to know about one template, computed once from its AST."""

    variables: frozenset[str]
    name_lines: Mapping[str, tuple[int, ...]]
    """Template lines (1-based) where each context variable is read; read-only."""
    private_access: tuple[tuple[str, int, str | None], ...]
    """Attributes the sandbox may refuse: (name, line, what it is read from: "" for a
    string literal, "#" for an integer literal, a variable's name, or None when
    unknown)."""
    printed: Mapping[str, tuple[tuple[str, int], ...]]
    """Where each context variable's value is printed, followed through set, with,
    loops and macro arguments: (the name printed, template line); read-only."""
    literal_bytes: int
    """The UTF-8 length of the literal text: an upper bound on its tokens."""
    literal_text: str | None
    """Everything outside `{{ }}`, `{% %}` and comments: what token budgets count. None
    in facts kept between runs (the text is the bulk of them); whoever needs it
    analyses the template again."""


Analysed = TemplateFacts | TemplateProblemError
"""What analysing a template gives: its facts, or why it cannot run."""

_Json = dict[str, Any]


def analysed_to_json(analysed: Analysed) -> _Json:
    """A JSON form of facts (without the literal text) or of a problem."""
    if isinstance(analysed, TemplateProblemError):
        problem = analysed.problem
        return {"problem": [problem.message, problem.line, problem.kind]}
    return {
        "variables": sorted(analysed.variables),
        "name_lines": {name: list(lines) for name, lines in analysed.name_lines.items()},
        "private": [list(item) for item in analysed.private_access],
        "printed": {
            name: [list(site) for site in sites] for name, sites in analysed.printed.items()
        },
        "literal_bytes": analysed.literal_bytes,
    }


def analysed_from_json(data: object) -> Analysed | None:
    """The inverse of analysed_to_json; None for anything not of its shape (a store
    entry of another shape is a miss, never an error)."""
    try:
        return _from_json(data)
    except (KeyError, TypeError, ValueError):
        return None


def _from_json(data: object) -> Analysed | None:
    if not isinstance(data, dict):
        return None
    if "problem" in data:
        message, line, kind = data["problem"]
        if not (isinstance(message, str) and type(line) is int and isinstance(kind, str)):
            return None
        return TemplateProblemError(TemplateProblem(message, line, kind))
    variables = data["variables"]
    name_lines = data["name_lines"]
    private = data["private"]
    printed = data["printed"]
    size = data["literal_bytes"]
    if not (isinstance(variables, list) and all(isinstance(v, str) for v in variables)):
        return None
    if type(size) is not int or not isinstance(name_lines, dict) or not isinstance(printed, dict):
        return None
    lines = {str(k): tuple(_ints(v)) for k, v in name_lines.items()}
    sites = {
        str(k): tuple((_text(name), _int(line)) for name, line in v) for k, v in printed.items()
    }
    access = tuple(
        (_text(name), _int(line), owner if owner is None else _text(owner))
        for name, line, owner in private
    )
    return TemplateFacts(
        variables=frozenset(variables),
        name_lines=MappingProxyType(lines),
        private_access=access,
        printed=MappingProxyType(sites),
        literal_bytes=size,
        literal_text=None,
    )


def _int(value: object) -> int:
    if type(value) is not int:
        raise TypeError("not an integer")
    return value


def _ints(values: object) -> list[int]:
    if not isinstance(values, list):
        raise TypeError("not a list")
    return [_int(v) for v in values]


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value

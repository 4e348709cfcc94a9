"""Variable values typed as text (a command line, a form field) read as declared types.

The CLI's `render --var` and the TUI's test pane both take values as strings; this is
where a string becomes the integer, number, boolean, array or object a prompt
declares, with one wording of what went wrong. Checking the value against the
variable (enum, required, unknown names, finite numbers, `max_tokens`) stays with
VariableBinder, so both paths report those problems exactly as the SDK does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from promptreg.core.errors import PromptregError, UsageError
from promptreg.core.location import Location
from promptreg.core.model import Variable
from promptreg.core.yamlio import read_document

TRUE_WORDS = frozenset(("true", "yes", "1"))
FALSE_WORDS = frozenset(("false", "no", "0"))
"""How a boolean may be typed, compared case-insensitively."""


class ValueFormatError(PromptregError):
    """A value typed as text does not read as its variable's declared type."""

    def __init__(self, name: str, raw: str, expected: str, *, option: str | None = None) -> None:
        self.name = name
        self.raw = raw
        self.expected = expected
        where = f"{option} {name}" if option else name
        if expected == "boolean":
            hint = "use true or false"
        else:
            example = f'{option} \'tags=["a", "b"]\'' if option else '["a", "b"]'
            hint = f"arrays and objects are written as JSON, e.g. {example}"
        article = "an" if expected[:1] in "aeiou" else "a"
        super().__init__(f"{where}: {raw!r} is not {article} {expected}", hint=hint)


def parse_value(
    raw: str, variable: Variable | None, name: str, *, option: str | None = None
) -> Any:
    """`raw` read as `variable`'s declared type; a string when the type is string or the
    variable is unknown (the binder then reports the unknown name).

    `option` names the command-line option the text came from, for the message
    ("--var"); ValueFormatError when the text is not of the type.
    """
    if variable is None or variable.type == "string":
        return raw
    if variable.type == "boolean":
        lowered = raw.lower()
        if lowered in TRUE_WORDS:
            return True
        if lowered in FALSE_WORDS:
            return False
        raise ValueFormatError(name, raw, "boolean", option=option)
    try:
        if variable.type == "integer":
            return int(raw)
        if variable.type == "number":
            return float(raw)  # 'nan' and 'inf' too: VariableBinder refuses them, as the SDK
        return json.loads(raw)
    except ValueError:
        raise ValueFormatError(name, raw, variable.type, option=option) from None


def parse_assignment(
    item: str, variables: Mapping[str, Variable], *, option: str = "--var"
) -> tuple[str, Any]:
    """One `NAME=VALUE`, its value read as the named variable's type."""
    name, sep, raw = item.partition("=")
    if not sep or not name:
        raise UsageError(
            f"{option} {item!r} is not NAME=VALUE", hint=f"e.g. {option} ticket_text='...'"
        )
    return name, parse_value(raw, variables.get(name), name, option=option)


def read_vars_file(path: Path) -> dict[str, Any]:
    """A YAML or JSON mapping of variable names to values, read with the hardened loader.

    UsageError, naming the file and the place, when it does not parse or is not a
    mapping.
    """
    document = read_document(path)
    if document.problems:
        problem = document.problems[0]
        raise UsageError(f"{problem.message}", location=problem.location)
    if not isinstance(document.value, dict):
        raise UsageError(
            "the vars file must be a mapping of variable names to values",
            location=Location(path, document.span(())),
        )
    return document.value

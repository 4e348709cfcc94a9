"""Steps every reader shares: a Jinja2-like source template made into a draft message,
source types mapped to promptreg's, notes placed at file lines."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from promptreg.importers.draft import Note, Template
from promptreg.importers.jinja_names import free_names, rename
from promptreg.importers.names import variable_name

TYPES = {
    "string": "string",
    "str": "string",
    "text": "string",
    "integer": "integer",
    "int": "integer",
    "number": "number",
    "float": "number",
    "double": "number",
    "boolean": "boolean",
    "bool": "boolean",
    "array": "array",
    "list": "array",
    "object": "object",
    "dict": "object",
    "any": "string",
}
_DYNAMIC_EDGE_RE = re.compile(r"^\s*\{%|%\}\s*$")


def var_type(source_type: Any, path: Path, line: int, name: str, notes: list[Note]) -> str:
    found = TYPES.get(str(source_type).lower()) if source_type is not None else "string"
    if found is None:
        notes.append(
            Note(
                path,
                line,
                f"{name}: the type {source_type!r} has no promptreg "
                "equivalent; it was declared as a string",
            )
        )
        return "string"
    return found


def jinja_template(text: str) -> Template:
    """A Jinja2 or Nunjucks template with its free names renamed to variable names."""
    names = free_names(text)
    renames = {n: variable_name(n) for n in names if variable_name(n) != n}
    return Template(
        rename(text, renames),
        tuple(renames.get(n, n) for n in names),
        renamed=tuple(renames.items()),
    )


def trimmed_like_prompty(text: str) -> str:
    """Prompty strips newlines from both ends of each message after rendering; text that
    can only be known then (a block tag at an end) is wrapped in the same trim."""
    text = text.strip("\n")
    if _DYNAMIC_EDGE_RE.search(text):
        return '{% filter trim("\\n") %}' + text + "{% endfilter %}"
    return text


def renamed_note(path: Path, line: int, renames: dict[str, str]) -> list[Note]:
    if not renames:
        return []
    pairs = ", ".join(f"{a} -> {b}" for a, b in sorted(renames.items()))
    return [
        Note(
            path,
            line,
            f"variables renamed to promptreg's lower-case names ({pairs}); "
            "callers pass the new names",
        )
    ]

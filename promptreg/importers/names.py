"""Names and literal text as promptreg's templates need them.

Variable names in a prompt file are lower-case identifiers (the schema says so), so
`firstName` from a source becomes `first_name`; literal text that happens to contain
`{{`, `{%` or `{#` must not be read as a Jinja2 tag.
"""

from __future__ import annotations

import re

_SPECIAL_RE = re.compile(r"\{(?=[{%#])|\{$")


def variable_name(source: str) -> str:
    """A schema-valid variable name for a source name: camelCase and dashes to snake_case."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", source)
    name = re.sub(r"[^a-z0-9_]+", "_", spaced.lower()).strip("_") or "value"
    return f"_{name}" if name[0].isdigit() else name


def jinja_literal(text: str) -> str:
    """`text` as template source that renders to exactly `text`.

    A `{` that starts a tag (or ends the text, where the next piece may start one) is
    printed by an expression instead.
    """
    return _SPECIAL_RE.sub("{{ '{' }}", text)


_SIMPLE_RE = re.compile(r"\{\{\s*([A-Za-z_][\w-]*)\s*\}\}")


def simple_placeholders(text: str) -> tuple[str, list[str], dict[str, str]]:
    """`{{name}}` placeholders (Langfuse, OpenAI prompt objects: plain substitution, no
    escaping, no sections) as Jinja2: (template, variables in order, renames)."""
    parts: list[str] = []
    names: list[str] = []
    renames: dict[str, str] = {}
    position = 0
    for match in _SIMPLE_RE.finditer(text):
        parts.append(jinja_literal(text[position : match.start()]))
        name = variable_name(match.group(1))
        if name != match.group(1):
            renames[match.group(1)] = name
        if name not in names:
            names.append(name)
        parts.append("{{ " + name + " }}")
        position = match.end()
    parts.append(jinja_literal(text[position:]))
    return "".join(parts), names, renames

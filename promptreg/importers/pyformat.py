"""Python `str.format` templates and f-strings to Jinja2.

`{name}` becomes `{{ name }}`, `{a.b}` and `{a[0]}` keep their lookups, and the format
specs %-formatting can express (`.2f`, `05d`, `+.1e`) become the `format` filter.
Conversions (`!r`, `!a`), other specs, positional fields and, for f-strings, any
expression that is not a plain name are reported with their line; such a field is
written as a variable the author must look at, never dropped.
"""

from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass, field

from promptreg.importers.names import jinja_literal, variable_name

_SPEC_RE = re.compile(r"([+\- ]?)(#?)(0?)(\d*)(\.\d+)?([dfFeEgGxXo%s])\Z")
_INDEX_RE = re.compile(r"\[([^\]]*)\]|\.([A-Za-z_]\w*)")


@dataclass(slots=True)
class FormatResult:
    text: str
    variables: list[str] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)
    """(line offset within the template, counted from 0, message)."""
    renamed: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    """Types a format spec implies: `d` an integer, `f` a number."""


class _Builder:
    def __init__(self) -> None:
        self.result = FormatResult("")
        self.parts: list[str] = []
        self.unnamed = 0

    def literal(self, text: str) -> None:
        self.parts.append(jinja_literal(text))

    def name(self, source: str) -> str:
        name = variable_name(source)
        if name != source:
            self.result.renamed[source] = name
        if name not in self.result.variables:
            self.result.variables.append(name)
        return name

    def placeholder(self, line: int, what: str) -> str:
        self.unnamed += 1
        name = self.name(f"field_{self.unnamed}")
        self.result.notes.append(
            (
                line,
                f"{what} cannot be expressed in a template; it became the variable "
                f"{name}, which the caller must now pass",
            )
        )
        return name

    def field(self, line: int, expression: str, conversion: str | None, spec: str) -> None:
        shown = expression
        if conversion in ("r", "a"):
            self.result.notes.append(
                (
                    line,
                    f"the conversion !{conversion} on {{{shown}}} has no Jinja2 equivalent; "
                    "the value is printed with str() instead",
                )
            )
        if not spec:
            self.parts.append("{{ " + expression + " }}")
            return
        match = _SPEC_RE.match(spec)
        if match and match.group(6) not in "%s":
            flags = match.group(1).replace("-", "") + match.group(2) + match.group(3)
            width, precision, kind = match.group(4), match.group(5) or "", match.group(6)
            percent = f"%{flags}{width}{precision}{kind}"
            if re.fullmatch(r"[a-z_]\w*", expression):
                implied = "integer" if kind in "dxXo" else "number"
                self.result.types.setdefault(expression, implied)
            self.parts.append("{{ " + repr(percent) + " | format(" + expression + ") }}")
            return
        self.result.notes.append(
            (
                line,
                f"the format spec :{spec} on {{{shown}}} cannot be expressed; the value is "
                "printed without it",
            )
        )
        self.parts.append("{{ " + expression + " }}")

    def done(self) -> FormatResult:
        self.result.text = "".join(self.parts)
        return self.result


def _lookup(builder: _Builder, field_name: str, line: int) -> str:
    """`a.b[0][key]` as a Jinja2 expression, its head a declared variable."""
    head = re.match(r"[^.\[]*", field_name)
    first = head.group() if head else ""
    if not first or first.isdigit():
        return builder.placeholder(line, f"the positional field {{{field_name}}}")
    expression = builder.name(first)
    lookups = _INDEX_RE.findall(field_name[len(first) :])
    if lookups:
        builder.result.types.setdefault(
            expression, "array" if lookups[0][0].isdigit() else "object"
        )
    for index, attribute in lookups:
        if attribute:
            expression += f".{attribute}"
        elif index.isdigit():
            expression += f"[{index}]"
        else:
            expression += f"[{index!r}]"
    return expression


def convert_format(template: str) -> FormatResult:
    """A str.format template; ValueError (as str.format raises it) when it does not parse."""
    builder = _Builder()
    line = 0
    for text, field_name, spec, conversion in string.Formatter().parse(template):
        builder.literal(text)
        line += text.count("\n")
        if field_name is None:
            continue
        if spec and "{" in spec:
            builder.result.notes.append((line, f"the nested field in :{spec} cannot be expressed"))
            spec = ""
        builder.field(line, _lookup(builder, field_name, line), conversion, spec or "")
    return builder.done()


def _expression(builder: _Builder, node: ast.expr, line: int) -> str:
    if isinstance(node, ast.Name):
        return builder.name(node.id)
    if isinstance(node, ast.Attribute):
        inner = _expression(builder, node.value, line)
        if isinstance(node.value, ast.Name):
            builder.result.types.setdefault(inner, "object")
        return f"{inner}.{node.attr}"
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        inner = _expression(builder, node.value, line)
        return f"{inner}[{node.slice.value!r}]"
    return builder.placeholder(line, f"the expression {{{ast.unparse(node)}}}")


def convert_fstring(node: ast.JoinedStr, first_line: int) -> FormatResult:
    """An f-string found in source code; lines in notes are offsets from `first_line`."""
    builder = _Builder()
    for value in node.values:
        line = getattr(value, "lineno", first_line) - first_line
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            builder.literal(value.value)
        elif isinstance(value, ast.FormattedValue):
            spec = ""
            if value.format_spec is not None:
                pieces = (
                    value.format_spec.values if isinstance(value.format_spec, ast.JoinedStr) else []
                )
                if all(isinstance(p, ast.Constant) for p in pieces):
                    spec = "".join(str(p.value) for p in pieces if isinstance(p, ast.Constant))
                else:
                    builder.result.notes.append(
                        (line, "a computed format spec cannot be expressed")
                    )
            conversion = chr(value.conversion) if value.conversion > 0 else None
            builder.field(line, _expression(builder, value.value, line), conversion, spec)
    return builder.done()

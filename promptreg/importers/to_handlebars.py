"""Jinja2 templates to Handlebars that renders the same, for the Dotprompt export.

Covers what prompt templates use: `{{ name }}` and lookups, `{% if %}` / `{% elif %}`
/ `{% else %}`, `{% if not x %}`, `{% for x in list %}` with `{% else %}`, `loop.index0`,
`loop.first`, `loop.last`, and `-` white-space control (Handlebars' `~`). Anything else
(filters, expressions, macros) stops the export with the construct named, rather than
producing a file that renders differently.

Handlebars removes a line that holds only a block tag; Jinja2 keeps its newline. A
block tag alone on its line is therefore followed by an empty comment `{{!}}`, which
keeps the line from being standalone.
"""

from __future__ import annotations

import re

from promptreg.core.errors import PromptregError

_TAG_RE = re.compile(r"(\{\{-?|\{%-?|\{#)(.*?)(-?\}\}|-?%\}|#\})", re.S)
_NAME_RE = re.compile(r"[a-z_][a-z0-9_]*(?:\.[A-Za-z_]\w*)*\Z")
_FOR_RE = re.compile(r"for\s+([a-z_]\w*)\s+in\s+(\S+)\Z")


class ExportError(PromptregError):
    """The prompt uses something the target format cannot express the same way."""


def _escape_text(text: str) -> str:
    if "{{" in text or "\\{{" in text:
        text = text.replace("{{", "\\{{")
    return text


class _Exporter:
    def __init__(self, where: str) -> None:
        self.where = where
        self.loops: list[str] = []
        self.blocks: list[str] = []

    def fail(self, construct: str) -> ExportError:
        return ExportError(
            f"{self.where}: {construct.strip()} has no Handlebars equivalent that renders the same",
            hint="export to prompty (which keeps Jinja2), or rewrite the construct",
        )

    def path(self, expression: str, tag: str) -> str:
        expression = expression.strip()
        if expression.startswith("not "):
            raise self.fail(tag)
        if not _NAME_RE.match(expression) and expression not in (
            "loop.index0",
            "loop.first",
            "loop.last",
        ):
            raise self.fail(tag)
        head, _, rest = expression.partition(".")
        if head == "loop":
            if not self.loops:
                raise self.fail(tag)
            return {"index0": "@index", "first": "@first", "last": "@last"}[rest]
        if self.loops and head == self.loops[-1]:
            return "this" + (f".{rest}" if rest else "")
        if head in self.loops:
            raise self.fail(tag)
        return f"@root.{expression}" if self.loops else expression

    def statement(self, body: str, tag: str) -> str:
        words = body.strip()
        if words.startswith("if "):
            condition = words[3:].strip()
            if condition.startswith("not "):
                self.blocks.append("unless")
                return "#unless " + self.path(condition[4:], tag)
            self.blocks.append("if")
            return "#if " + self.path(condition, tag)
        if words.startswith("elif ") and self.blocks and self.blocks[-1] == "if":
            return "else if " + self.path(words[5:], tag)
        if words == "else" and self.blocks:
            return "else"
        if words in ("endif", "endfor") and self.blocks:
            kind = self.blocks.pop()
            if (words == "endfor") != (kind == "each"):
                raise self.fail(tag)
            if kind == "each":
                self.loops.pop()
            return "/" + kind
        match = _FOR_RE.match(words)
        if match:
            collection = self.path(match.group(2), tag)
            self.loops.append(match.group(1))
            self.blocks.append("each")
            return "#each " + collection
        raise self.fail(tag)


def to_handlebars(template: str, where: str) -> str:
    exporter = _Exporter(where)
    out: list[str] = []
    position = 0
    for match in _TAG_RE.finditer(template):
        out.append(_escape_text(template[position : match.start()]))
        opener, body, closer = match.groups()
        tag = match.group()
        left = "~" if opener.endswith("-") else ""
        right = "~" if closer.startswith("-") else ""
        if opener == "{#":
            if "}}" not in body and "--" not in body:
                out.append("{{!--" + body + "--}}")
        elif opener.startswith("{{"):
            out.append("{{" + left + exporter.path(body, tag) + right + "}}")
        else:
            head = exporter.statement(body, tag)
            out.append("{{" + left + head + right + "}}")
            line_start = template.rfind("\n", 0, match.start()) + 1
            line_end = template.find("\n", match.end())
            line_end = len(template) if line_end < 0 else line_end
            alone = (
                not template[line_start : match.start()].strip()
                and not template[match.end() : line_end].strip()
            )
            if alone and not left and not right:
                out.append("{{!}}")
        position = match.end()
    out.append(_escape_text(template[position:]))
    if exporter.blocks:
        raise exporter.fail(f"an unclosed {exporter.blocks[-1]} block")
    return "".join(out)

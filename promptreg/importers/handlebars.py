"""Handlebars (Dotprompt) and Mustache templates converted to Jinja2 that renders the same.

The two dialects differ where it matters: Dotprompt renders Handlebars without HTML
escaping and looks names up in the current context only (`../` reaches the parent),
while Mustache (Prompty's chevron) escapes `{{x}}` and walks the context stack. Each
construct becomes its Jinja2 twin; a helper with no twin is written back as literal
text inside `{% raw %}` and reported with its line, so the author sees it in the draft.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from promptreg.importers.handlebars_blocks import convert_block
from promptreg.importers.mustache_tokens import (
    Scope,
    TemplateSyntaxError,
    Token,
    split_parts,
    tokenize,
)
from promptreg.importers.names import jinja_literal, variable_name

PartialSource = Callable[[str], "str | None"]
"""The text of a named partial, or None when there is none."""

MAX_PARTIAL_DEPTH = 8
_PATH_RE = re.compile(r"^(?:@root\.|\.\./|\./|this\.|this/)*[@A-Za-z_][\w.\-\[\]/]*$|^this$|^\.$")
_MUSTACHE_ESCAPE = (
    ' | replace("&", "&amp;") | replace("<", "&lt;") | replace(">", "&gt;")'
    ' | replace(\'"\', "&quot;")'
)
ROLES = {"system": "system", "user": "user", "model": "assistant", "assistant": "assistant"}


@dataclass(slots=True)
class Segment:
    role: str
    parts: list[str] = field(default_factory=list)
    line: int = 1


@dataclass(slots=True)
class Conversion:
    segments: list[Segment]
    variables: list[str]
    notes: list[tuple[int, str]]
    renamed: dict[str, str]
    inferred: dict[str, str] = field(default_factory=dict)


class _Converter:
    def __init__(
        self,
        dialect: str,
        types: dict[str, str],
        partials: PartialSource,
        default_role: str,
    ) -> None:
        self.mustache = dialect == "mustache"
        self.types = types
        self.partials = partials
        self.segments = [Segment(default_role)]
        self.variables: list[str] = []
        self.notes: list[tuple[int, str]] = []
        self.renamed: dict[str, str] = {}
        self.scopes = [Scope("root")]
        self.loop_names: set[str] = set()
        self.inferred: dict[str, str] = {}
        """Types the template's use implies: looped over (array), looked into (object)."""

    # --- output ---------------------------------------------------------------------

    def emit(self, text: str) -> None:
        self.segments[-1].parts.append(text)

    def leave(self, token: Token, why: str) -> None:
        """Keep a construct as literal text for the author, and say so."""
        self.notes.append((token.line, f"{token.source.strip()} was not converted: {why}"))
        self.emit("{% raw %}" + token.source.replace("{% endraw %}", "") + "{% endraw %}")

    # --- names ----------------------------------------------------------------------

    def variable(self, source_name: str) -> str:
        name = variable_name(source_name)
        if name != source_name:
            self.renamed[source_name] = name
        if name not in self.variables:
            self.variables.append(name)
        return name

    def path(self, token: Token, text: str) -> str | None:
        """The Jinja2 expression for a Handlebars/Mustache path, or None if it has none."""
        if not _PATH_RE.match(text):
            return None
        scopes = [s for s in self.scopes if s.context is not None or s.kind == "root"]
        if text.startswith("@root."):
            text, scopes = text[len("@root.") :], scopes[:1]
        while text.startswith("../"):
            text = text[3:]
            scopes = scopes[:-1] or scopes[:1]
        text = text.removeprefix("./")
        scope = scopes[-1]
        if text in ("this", "."):
            if scope.context is None:
                return None
            return scope.context
        text = text.removeprefix("this.").removeprefix("this/")
        if text.startswith("@"):
            return self.data_variable(token, text[1:], scopes)
        segments = [s for s in re.split(r"[./]", text) if s]
        length = segments[-1] == "length" and len(segments) > 1
        if length:
            segments = segments[:-1]
        head, rest = segments[0], segments[1:]
        context = scope.context
        if any(head in s.names for s in self.scopes):
            return head + "".join(f".{self.key(s)}" for s in rest)
        if context is not None and self.mustache and head in self.types:
            self.notes.append(
                (
                    token.line,
                    f"{{{{{text}}}}} inside a section was read as the variable {head}; "
                    "Mustache would look in the section's item first",
                )
            )
            context = None
        base = f"{context}.{self.key(head)}" if context is not None else self.variable(head)
        if context is None and (rest or length):
            self.inferred.setdefault(base, "array" if length and not rest else "object")
        expression = base + "".join(
            f"[{s.strip('[]')}]" if s.strip("[]").isdigit() else f".{self.key(s)}" for s in rest
        )
        if length:
            self.notes.append(
                (
                    token.line,
                    f"{{{{{text}}}}} became the list's length, as in Handlebars.js "
                    "(the Python Dotprompt package prints nothing for it)",
                )
            )
            return f"({expression} | length)"
        return expression

    def key(self, name: str) -> str:
        return name if re.fullmatch(r"[A-Za-z_]\w*", name) else f"[{name!r}]"

    def data_variable(self, token: Token, name: str, scopes: list[Scope]) -> str | None:
        loops = [s for s in self.scopes if s.loop]
        if not loops:
            return None
        if loops[-1] is not scopes[-1] and name in ("index", "first", "last", "key"):
            self.notes.append((token.line, f"@{name} of an outer loop is read as the inner one's"))
        if name == "key":
            return loops[-1].key
        return {"index": "loop.index0", "first": "loop.first", "last": "loop.last"}.get(name)

    def argument(self, token: Token, part: str) -> str | None:
        if part[:1] in "\"'":
            return repr(part[1:-1])
        if re.fullmatch(r"-?\d+(\.\d+)?", part) or part in ("true", "false", "null"):
            return {"true": "true", "false": "false", "null": "none"}.get(part, part)
        return self.path(token, part)

    # --- tokens ---------------------------------------------------------------------

    def convert(self, tokens: list[Token], depth: int = 0) -> None:
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.kind == "text":
                self.emit(jinja_literal(token.text))
            elif token.kind == "comment":
                if "#}" not in token.text and token.text.strip():
                    self.emit("{#" + token.text + "#}")
            elif token.kind in ("var", "raw"):
                self.mustache_tag(token)
            elif token.kind == "partial":
                self.partial(token, depth)
            elif token.kind in ("open", "inverse"):
                end = self.matching_close(tokens, index)
                self.block(token, tokens[index + 1 : end], depth)
                index = end
            else:  # a stray {{/x}} or {{else}}
                raise TemplateSyntaxError(token.line, f"{token.source} has no opening block")
            index += 1

    def matching_close(self, tokens: list[Token], start: int) -> int:
        depth = 0
        for index in range(start, len(tokens)):
            kind = tokens[index].kind
            if kind in ("open", "inverse"):
                depth += 1
            elif kind == "close":
                depth -= 1
                if depth == 0:
                    return index
        raise TemplateSyntaxError(tokens[start].line, f"{tokens[start].source} is never closed")

    def mustache_tag(self, token: Token) -> None:
        parts = split_parts(token.text)
        if not parts:
            raise TemplateSyntaxError(token.line, "an empty {{ }} tag")
        helper = parts[0]
        if (not self.mustache and len(parts) > 1) or helper in ("history", "media", "section"):
            self.helper(token, parts)
            return
        expression = self.path(token, helper)
        if expression is None:
            self.leave(token, "no Jinja2 equivalent for this expression")
            return
        escape = _MUSTACHE_ESCAPE if self.mustache and token.kind == "var" else ""
        self.emit("{{ " + expression + escape + " }}")

    def helper(self, token: Token, parts: list[str]) -> None:
        name, arguments = parts[0], parts[1:]
        if name == "role" and len(arguments) == 1 and arguments[0][:1] in "\"'":
            role = arguments[0][1:-1]
            if role not in ROLES or len(self.scopes) > 1:
                self.leave(token, "a role must be system, user or model, outside any block")
                return
            self.segments.append(Segment(ROLES[role], line=token.line))
            return
        if name == "json" and arguments:
            value = self.argument(token, arguments[0])
            indent = next(
                (a[len("indent=") :] for a in arguments[1:] if a.startswith("indent=")), ""
            )
            if value is not None and (not indent or indent.isdigit()):
                self.notes.append(
                    (
                        token.line,
                        f"{token.source.strip()} became the tojson filter, which sorts "
                        "keys, puts a space after ',' and ':' and escapes <, >, & and ' as \\u "
                        "sequences; the data is the same, its layout differs",
                    )
                )
                call = f"tojson(indent={indent})" if indent else "tojson"
                self.emit("{{ " + value + " | " + call + " }}")
                return
        if name == "history":
            self.notes.append(
                (
                    token.line,
                    "{{history}} inserts the conversation so far; "
                    "promptreg prompts do not hold history: the application "
                    "sends earlier turns itself",
                )
            )
            return
        self.leave(token, f"the helper {name!r} has no Jinja2 equivalent")

    def partial(self, token: Token, depth: int) -> None:
        parts = split_parts(token.text)
        if not parts:
            raise TemplateSyntaxError(token.line, "a partial tag names no partial")
        name = parts[0].strip("\"'")
        text = self.partials(name) if depth < MAX_PARTIAL_DEPTH else None
        if text is None:
            why = "no such partial" if depth < MAX_PARTIAL_DEPTH else "partials nest too deeply"
            self.leave(token, f"{why} ({name})")
            return
        assigns = []
        for part in parts[1:]:
            key, equals, value = part.partition("=")
            expression = self.argument(token, value) if equals else None
            if expression is None or not re.fullmatch(r"[a-z_][a-z0-9_]*", key):
                self.leave(token, f"the partial argument {part!r} cannot be converted")
                return
            if expression != key or len(self.scopes) > 1:  # `x=x` at the top changes nothing
                assigns.append((key, expression))
        if token.standalone and token.indent:
            lines = text.split("\n")
            text = "\n".join(
                token.indent + ln if ln or i < len(lines) - 1 else ln for i, ln in enumerate(lines)
            )
        if assigns:
            self.emit("{% with " + ", ".join(f"{k}={v}" for k, v in assigns) + " %}")
            self.scopes.append(Scope("with", names=frozenset(k for k, _ in assigns)))
        try:
            inner = tokenize(text)
        except TemplateSyntaxError as exc:
            raise TemplateSyntaxError(token.line, f"in partial {name}: {exc.message}") from None
        self.convert(inner, depth + 1)
        if assigns:
            self.scopes.pop()
            self.emit("{% endwith %}")

    def block(self, token: Token, body: list[Token], depth: int) -> None:
        convert_block(self, token, body, depth)


def convert_template(
    source: str,
    *,
    dialect: str,
    types: dict[str, str] | None = None,
    partials: PartialSource | None = None,
    default_role: str = "user",
) -> Conversion:
    """Convert; TemplateSyntaxError (with a line) when the source does not parse."""
    converter = _Converter(dialect, types or {}, partials or (lambda name: None), default_role)
    converter.convert(tokenize(source))
    return Conversion(
        converter.segments,
        converter.variables,
        converter.notes,
        converter.renamed,
        converter.inferred,
    )

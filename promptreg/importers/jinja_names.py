"""The free names of a Jinja2 (or Nunjucks) template, and renaming them, without Jinja2.

Importers may not load the template engine (only render/ does), and they need two
things from a source template that is already Jinja2-like: which top-level names it
reads, so each becomes a declared variable, and a way to rename camelCase names to
promptreg's lower-case ones. A tokenizer over the tag bodies is enough for both; what
it misjudges, the lint pass after writing reports (T002, T003), so no name is lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_TAG_RE = re.compile(r"\{\{-?(.*?)-?\}\}|\{%-?(.*?)-?%\}|\{#.*?#\}", re.S)
_RAW_RE = re.compile(r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.S)
_TOKEN_RE = re.compile(
    r"""(?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"""
    r"""|(?P<other>\*\*|//|==|!=|<=|>=|[^\sA-Za-z_"'])"""
)
_KEYWORDS = frozenset(
    [
        "and",
        "or",
        "not",
        "in",
        "is",
        "if",
        "else",
        "elif",
        "endif",
        "for",
        "endfor",
        "set",
        "endset",
        "with",
        "endwith",
        "block",
        "endblock",
        "macro",
        "endmacro",
        "call",
        "endcall",
        "filter",
        "endfilter",
        "raw",
        "endraw",
        "include",
        "import",
        "from",
        "as",
        "extends",
        "recursive",
        "true",
        "false",
        "none",
        "True",
        "False",
        "None",
        "loop",
        "super",
        "caller",
    ]
)


def _tokens(body: str) -> list[tuple[str, str, int, int]]:
    return [
        (match.lastgroup or "other", match.group(), match.start(), match.end())
        for match in _TOKEN_RE.finditer(body)
    ]


def _bound_names(tokens: list[tuple[str, str, int, int]]) -> set[str]:
    """Names a statement binds: `for a, b in`, `set x =`, `with x =`, macro parameters."""
    if not tokens or tokens[0][0] != "name":
        return set()
    head = tokens[0][1]
    bound: set[str] = set()
    if head == "for":
        for kind, text, _, _ in tokens[1:]:
            if text == "in":
                break
            if kind == "name":
                bound.add(text)
    elif head in ("set", "with", "macro", "call"):
        depth = 0
        for index, (kind, text, _, _) in enumerate(tokens[1:], start=1):
            if text in "([{":
                depth += 1
            elif text in ")]}":
                depth -= 1
            nxt = tokens[index + 1][1] if index + 1 < len(tokens) else ""
            prev = tokens[index - 1][1]
            if (
                (kind == "name" and nxt == "=" and (head != "macro" or depth > 0))
                or (kind == "name" and head in ("set", "macro") and index == 1)
                or (kind == "name" and head == "macro" and depth > 0 and prev in ("(", ","))
            ):
                bound.add(text)
    return bound


def _free_positions(body: str, local: set[str]) -> list[tuple[str, int, int]]:
    tokens = _tokens(body)
    bound = _bound_names(tokens)
    found = []
    for index, (kind, text, start, end) in enumerate(tokens):
        if kind != "name" or text in _KEYWORDS or text in local or text in bound:
            continue
        prev = tokens[index - 1][1] if index else ""
        nxt = tokens[index + 1][1] if index + 1 < len(tokens) else ""
        if prev in (".", "|") or (prev == "is") or nxt == "=":
            continue
        if index == 0 and tokens[0][1] in _KEYWORDS:
            continue
        found.append((text, start, end))
    return found


def _walk(template: str, visit: Callable[[str, list[tuple[str, int, int]], int], None]) -> None:
    local: set[str] = set()
    raw_spans = [(m.start(), m.end()) for m in _RAW_RE.finditer(template)]
    for match in _TAG_RE.finditer(template):
        if any(start <= match.start() < end for start, end in raw_spans):
            continue
        group = 1 if match.group(1) is not None else 2 if match.group(2) is not None else 0
        if not group:
            continue
        body = match.group(group)
        tokens = _tokens(body)
        local |= _bound_names(tokens)
        visit(body, _free_positions(body, local), match.start(group))


def free_names(template: str) -> list[str]:
    """Top-level names the template reads, in order of first use."""
    names: list[str] = []

    def visit(body: str, found: list[tuple[str, int, int]], offset: int) -> None:
        names.extend(name for name, _, _ in found if name not in names)

    _walk(template, visit)
    return names


def rename(template: str, renames: dict[str, str]) -> str:
    """The template with each free name in `renames` replaced; everything else as it was."""
    if not renames:
        return template
    edits: list[tuple[int, int, str]] = []

    def visit(body: str, found: list[tuple[str, int, int]], offset: int) -> None:
        edits.extend(
            (offset + start, offset + end, renames[name])
            for name, start, end in found
            if name in renames
        )

    _walk(template, visit)
    for start, end, text in sorted(edits, reverse=True):
        template = template[:start] + text + template[end:]
    return template

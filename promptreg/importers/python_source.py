"""Prompts in Python source, found with `ast` (the code is parsed, never run).

Two places hold prompts: string constants and f-strings passed as message content to
`chat.completions.create(messages=[...])` or `responses.create(input=[...],
instructions=...)`, and strings assigned to names ending in `PROMPT` or `_TEMPLATE`.
A constant is a `str.format` template (`{name}` fields become variables); an f-string's
fields become variables when they are names or lookups, and are reported otherwise.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from promptreg.importers.assemble import renamed_note
from promptreg.importers.draft import Draft, DraftVariable, Note, slug, source_error, title_of
from promptreg.importers.importer import Importer
from promptreg.importers.names import jinja_literal
from promptreg.importers.pyformat import FormatResult, convert_format, convert_fstring

_CALLS = {("completions", "create"): "messages", ("responses", "create"): "input"}
_ROLES = ("system", "developer", "user", "assistant")
MAX_SOURCE_NODES = 500_000


def _template(
    node: ast.expr, constants: dict[str, ast.expr], path: Path, notes: list[Note]
) -> FormatResult | None:
    if isinstance(node, ast.Name) and node.id in constants:
        node = constants[node.id]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        node = node.func.value
        if isinstance(node, ast.Name) and node.id in constants:
            node = constants[node.id]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            result = convert_format(node.value)
        except ValueError as exc:
            notes.append(
                Note(path, node.lineno, f"not a str.format template ({exc}); kept as text")
            )
            return FormatResult(jinja_literal(node.value))
    elif isinstance(node, ast.JoinedStr):
        result = convert_fstring(node, node.lineno)
    else:
        return None
    notes.extend(Note(path, node.lineno + offset, message) for offset, message in result.notes)
    return result


def _call_kind(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute):
        return _CALLS.get((func.value.attr, func.attr))
    return None


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in node.keywords if k.arg == name), None)


def _draft(
    path: Path,
    name: str,
    line: int,
    parts: list[tuple[str, FormatResult]],
    notes: list[Note],
    model: str | None,
    settings: dict[str, Any],
) -> Draft:
    used: list[str] = []
    renames: dict[str, str] = {}
    types: dict[str, str] = {}
    for _, result in parts:
        used.extend(v for v in result.variables if v not in used)
        renames.update(result.renamed)
        types.update(result.types)
    return Draft(
        source=path,
        line=line,
        name=slug(name),
        title=title_of(name),
        description=f"Imported from {path.name}, line {line}.",
        messages=tuple((role, result.text) for role, result in parts),
        variables=tuple(DraftVariable(v, types.get(v, "string")) for v in used),
        model=model,
        settings=settings,
        notes=tuple(notes + renamed_note(path, line, renames)),
        format="python",
    )


def read(path: Path, text: str) -> list[Draft]:
    try:
        tree = ast.parse(text, filename=str(path))
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise source_error(
            path, f"not valid Python: {exc}", line=getattr(exc, "lineno", 1) or 1
        ) from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_SOURCE_NODES:
        raise source_error(path, "the file is too large to search for prompts")
    constants: dict[str, ast.expr] = {}
    named: list[tuple[str, ast.expr, int]] = []
    for node in nodes:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            target = node.targets[0].id
            constants[target] = node.value
            if target.upper().endswith(("PROMPT", "_TEMPLATE")):
                named.append((target, node.value, node.lineno))
    drafts: list[Draft] = []
    inlined: set[str] = set()
    for node in nodes:
        if not isinstance(node, ast.Call) or (key := _call_kind(node)) is None:
            continue
        notes: list[Note] = []
        parts: list[tuple[str, FormatResult]] = []
        instructions = _keyword(node, "instructions")
        if instructions is not None and (result := _template(instructions, constants, path, notes)):
            parts.append(("developer", result))
        listed = _keyword(node, key)
        if isinstance(listed, ast.Constant | ast.JoinedStr | ast.Name) and key == "input":
            if (result := _template(listed, constants, path, notes)) is not None:
                parts.append(("user", result))
        elif isinstance(listed, ast.List):
            for item in listed.elts:
                if not isinstance(item, ast.Dict):
                    notes.append(
                        Note(path, item.lineno, "a message that is not a dict literal was left out")
                    )
                    continue
                fields = {
                    k.value: v
                    for k, v in zip(item.keys, item.values, strict=True)
                    if isinstance(k, ast.Constant)
                }
                role = fields.get("role")
                content = fields.get("content")
                if not (
                    isinstance(role, ast.Constant) and role.value in _ROLES and content is not None
                ):
                    notes.append(
                        Note(
                            path,
                            item.lineno,
                            "a message without a literal role and content was left out",
                        )
                    )
                    continue
                result = _template(content, constants, path, notes)
                if result is None:
                    notes.append(
                        Note(
                            path,
                            item.lineno,
                            f"the {role.value} content is computed "
                            f"({ast.unparse(content)[:60]}); left for the author",
                        )
                    )
                    continue
                if isinstance(content, ast.Name):
                    inlined.add(content.id)
                parts.append((str(role.value), result))
        if not parts:
            continue
        model_node = _keyword(node, "model")
        model = (
            model_node.value
            if isinstance(model_node, ast.Constant) and isinstance(model_node.value, str)
            else None
        )
        settings = {}
        for source, target in (
            ("temperature", "temperature"),
            ("top_p", "top_p"),
            ("seed", "seed"),
            ("max_tokens", "max_output_tokens"),
            ("max_completion_tokens", "max_output_tokens"),
            ("max_output_tokens", "max_output_tokens"),
        ):
            value = _keyword(node, source)
            if isinstance(value, ast.Constant) and isinstance(value.value, int | float):
                settings[target] = value.value
        drafts.append(
            _draft(
                path, f"{path.stem}-call-{node.lineno}", node.lineno, parts, notes, model, settings
            )
        )
    for name, value, line in named:
        if name in inlined:
            continue
        notes = []
        result = _template(value, constants, path, notes)
        if result is not None:
            drafts.append(_draft(path, name.lower(), line, [("system", result)], notes, None, {}))
    return drafts


def sniff(path: Path, text: str) -> bool:
    return True


IMPORTER = Importer(
    name="python",
    summary="Python source: prompt constants and f-strings found with ast",
    extensions=(".py",),
    sniff=sniff,
    read=read,
    doc="Parses the file (never runs it) and takes the messages of each "
    "`chat.completions.create(messages=[...])` and `responses.create(input=..., "
    "instructions=...)` call whose contents are string constants, f-strings or names of "
    "constants, and every string assigned to a name ending in `PROMPT` or `_TEMPLATE` (a "
    "system message). `{name}` fields become variables; conversions (`!r`), format specs "
    "%-formatting cannot express, positional fields and f-string expressions other than "
    "names and lookups are reported with their line.",
)

"""Dotprompt files (`.prompt`): YAML front matter, then a Handlebars template.

The input schema (Picoschema or JSON Schema) types the variables, the output schema
becomes `output`, `{{role "..."}}` starts a message and `{{> name}}` is inlined from
the partials folder (`_name.prompt` beside the file or in `partials/`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from promptreg.core.links import link_on_the_way
from promptreg.importers.assemble import renamed_note
from promptreg.importers.draft import (
    Draft,
    DraftVariable,
    Note,
    slug,
    source_error,
    title_of,
    variables_in_order,
)
from promptreg.importers.handlebars import convert_template
from promptreg.importers.importer import Importer
from promptreg.importers.mustache_tokens import TemplateSyntaxError
from promptreg.importers.names import variable_name
from promptreg.importers.picoschema import PicoschemaError, to_json_schema
from promptreg.importers.source import mapping, read_text, split_front_matter, text_of

_EMPTY: dict[str, Any] = {"string": "", "array": [], "object": {}}
_CONFIG = {
    "temperature": "temperature",
    "topP": "top_p",
    "maxOutputTokens": "max_output_tokens",
    "seed": "seed",
}


def _partial_source(path: Path) -> Any:
    cache: dict[str, str | None] = {}

    def find(name: str) -> str | None:
        if name in cache:
            return cache[name]
        text = None
        if "/" not in name and "\\" not in name and not name.startswith("."):
            for candidate in (
                path.parent / f"_{name}.prompt",
                path.parent / "partials" / f"_{name}.prompt",
                path.parent / "partials" / f"{name}.prompt",
            ):
                # Partials are read from the source's own folder, never through a link
                # (a `_style.prompt` linked to a key file would be inlined into the draft).
                if candidate.is_file() and link_on_the_way(candidate, path.parent) is None:
                    _, text, _ = split_front_matter(read_text(candidate), candidate)
                    break
        cache[name] = text
        return text

    return find


def _variables(meta: dict[str, Any], path: Path) -> tuple[dict[str, DraftVariable], dict[str, str]]:
    spec = mapping(meta.get("input"))
    try:
        schema = to_json_schema(spec.get("schema") or {})
    except PicoschemaError as exc:
        raise source_error(path, f"input schema: {exc}") from None
    defaults = mapping(spec.get("default"))
    required = set(schema.get("required") or ())
    declared: dict[str, DraftVariable] = {}
    types: dict[str, str] = {}
    for name, prop in mapping(schema.get("properties")).items():
        new = variable_name(name)
        kind = str(mapping(prop).get("type") or "string")
        kind = (
            kind
            if kind in ("string", "integer", "number", "boolean", "array", "object")
            else "string"
        )
        types[name] = kind
        # A missing optional input renders as nothing in Handlebars and is false in a
        # condition; these defaults do the same in Jinja2.
        optional = name not in required
        has_default = name in defaults or (optional and kind in _EMPTY)
        enum = mapping(prop).get("enum")
        declared[new] = DraftVariable(
            new,
            kind,
            text_of(mapping(prop).get("description")),
            defaults.get(name, _EMPTY.get(kind)) if has_default else None,
            has_default,
            tuple(enum) if isinstance(enum, list) else None,
            required=not optional and not has_default,
        )
    return declared, types


def read(path: Path, text: str) -> list[Draft]:
    meta, body, body_line = split_front_matter(text, path)
    notes: list[Note] = []
    declared, types = _variables(meta, path)
    leading = len(body) - len(body.lstrip())
    first_line = body_line + body[:leading].count("\n")
    # Dotprompt strips the body only when the file has front matter.
    template = body.strip() if meta or body != text else body
    try:
        converted = convert_template(
            template, dialect="handlebars", types=types, partials=_partial_source(path)
        )
    except TemplateSyntaxError as exc:
        raise source_error(path, exc.message, line=first_line + exc.line - 1) from None
    notes.extend(Note(path, first_line + off - 1, msg) for off, msg in converted.notes)
    messages = []
    for segment in converted.segments:
        content = "".join(segment.parts)
        if content.strip():
            messages.append((segment.role, content))
    if not messages:
        raise source_error(path, "the template holds no message", line=body_line)
    if any(not content.strip("{}% \n").strip() for _, content in messages):
        notes.append(
            Note(
                path,
                first_line,
                "Dotprompt drops a message that renders to white space; the draft keeps it",
            )
        )
    undeclared = [n for n in converted.variables if n not in declared]
    for name in undeclared:
        kind = converted.inferred.get(name, "string")
        declared[name] = DraftVariable(name, kind, "", _EMPTY[kind], True)
    if undeclared:
        notes.append(
            Note(
                path,
                1,
                "not in the input schema, so typed by their use (a list "
                "looped over, an object looked into, else a string) and empty by "
                f"default, as Handlebars renders a missing value: {', '.join(undeclared)}",
            )
        )
    unused = [n for n in declared if n not in converted.variables]
    if unused:
        notes.append(Note(path, 1, f"inputs no message uses were left out: {', '.join(unused)}"))
    notes.extend(renamed_note(path, 1, converted.renamed))
    config = mapping(meta.get("config"))
    settings = {_CONFIG[k]: v for k, v in config.items() if k in _CONFIG}
    left = sorted(k for k in config if k not in _CONFIG)
    if left:
        notes.append(Note(path, 1, f"config not carried over: {', '.join(left)}"))
    left_out = ("tools", "toolDefs", "ext", "metadata", "variant")
    notes.extend(Note(path, 1, f"`{k}` was not carried over") for k in left_out if meta.get(k))
    output = mapping(meta.get("output"))
    draft_output = None
    if output:
        try:
            schema = to_json_schema(output["schema"]) if output.get("schema") else None
        except PicoschemaError as exc:
            raise source_error(path, f"output schema: {exc}") from None
        fmt = "json" if output.get("format") == "json" or schema else "text"
        draft_output = {"format": fmt, **({"schema": schema} if schema and fmt == "json" else {})}
    name = path.name.removesuffix(".prompt")
    return [
        Draft(
            source=path,
            line=1,
            name=slug(name),
            title=title_of(name),
            description=text_of(meta.get("description")) or f"Imported from {path.name}.",
            messages=tuple(messages),
            variables=variables_in_order(converted.variables, declared),
            model=text_of(meta.get("model")) or None,
            settings=settings,
            output=draft_output,
            history=(f"version {meta['version']}",) if meta.get("version") else (),
            notes=tuple(notes),
            format="dotprompt",
        )
    ]


def sniff(path: Path, text: str) -> bool:
    return not path.name.startswith("_")


IMPORTER = Importer(
    name="dotprompt",
    summary="Dotprompt files: front matter, Picoschema, Handlebars with roles and partials",
    extensions=(".prompt",),
    sniff=sniff,
    read=read,
    doc="Reads `model`, `config` (temperature, topP, maxOutputTokens), the input schema "
    "(Picoschema or JSON Schema) as typed variables and the output schema as `output`. "
    "Handlebars becomes Jinja2: `{{#if}}`/`{{else}}`, `{{#unless}}`, `{{#each}}` with "
    '`this`, `@index`, `@first`, `@last`, `{{#with}}`, `{{role "..."}}` (one message '
    "each; `model` is the assistant), `{{> partial}}` inlined from `_name.prompt` files, "
    "and `{{json x}}` as `tojson`. Other helpers (`media`, `section`, `history`) are "
    "reported and kept as text.",
)

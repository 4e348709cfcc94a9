"""Prompty files (`.prompty`): YAML front matter, then a body with role markers.

Reads the current format (inputs as a list with `kind`, `default` and `example`,
`model.options`, `template.format.kind`) and the first one (inputs as a mapping,
`sample:`, `model.parameters`, `template: mustache`). The body is split at its role
markers (`system:`, `user:` on a line of their own) before rendering, where Prompty
splits after; the two agree unless a value itself holds a role marker, which Prompty
would turn into a new message.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from promptreg.importers.assemble import (
    jinja_template,
    renamed_note,
    trimmed_like_prompty,
    var_type,
)
from promptreg.importers.draft import (
    Draft,
    DraftEval,
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
from promptreg.importers.source import mapping, split_front_matter, text_of

_ROLE_RE = re.compile(r"(?i)^\s*#?\s*(system|user|assistant|developer)(\[[^\]]*\])?\s*:\s*$")
_OPTIONS = {
    "temperature": "temperature",
    "topP": "top_p",
    "top_p": "top_p",
    "maxOutputTokens": "max_output_tokens",
    "max_tokens": "max_output_tokens",
    "seed": "seed",
}


def _inputs(
    meta: dict[str, Any], path: Path, notes: list[Note]
) -> tuple[list[DraftVariable], dict[str, Any]]:
    """Declared inputs and the sample values (v2 `example`, v1 `sample:`)."""
    raw = meta.get("inputs")
    entries: list[tuple[str, dict[str, Any]]] = []
    if isinstance(raw, list):
        entries = [(str(i.get("name")), i) for i in raw if isinstance(i, dict) and i.get("name")]
    elif isinstance(raw, dict):
        for name, spec in raw.items():
            entries.append((str(name), spec if isinstance(spec, dict) else {"default": spec}))
    variables: list[DraftVariable] = []
    samples: dict[str, Any] = {}
    for name, spec in entries:
        new = variable_name(name)
        kind = var_type(spec.get("kind", spec.get("type")), path, 1, name, notes)
        has_default = "default" in spec
        variables.append(
            DraftVariable(
                new, kind, text_of(spec.get("description")), spec.get("default"), has_default
            )
        )
        for key in ("example", "sample"):
            if key in spec:
                samples[new] = spec[key]
    for name, value in mapping(meta.get("sample")).items():
        samples[variable_name(str(name))] = value
    return variables, samples


def _model(
    meta: dict[str, Any], notes: list[Note], path: Path
) -> tuple[str | None, dict[str, Any]]:
    model = meta.get("model")
    if isinstance(model, str):
        return model, {}
    model = mapping(model)
    name = (
        model.get("id")
        or mapping(model.get("configuration")).get("azure_deployment")
        or (mapping(model.get("connection")).get("azure_deployment"))
    )
    options = {**mapping(model.get("parameters")), **mapping(model.get("options"))}
    settings = {_OPTIONS[k]: v for k, v in options.items() if k in _OPTIONS}
    left = sorted(k for k in options if k not in _OPTIONS)
    if left:
        notes.append(Note(path, 1, f"model options not carried over: {', '.join(left)}"))
    if model.get("connection") or model.get("configuration"):
        notes.append(
            Note(
                path,
                1,
                "the model connection (endpoint, keys) is the application's "
                "business in promptreg and was left out",
            )
        )
    return (str(name) if name else None), settings


def _format(meta: dict[str, Any]) -> str:
    template = meta.get("template")
    if isinstance(template, str):
        return template.lower()
    kind = mapping(mapping(template).get("format")).get("kind")
    return str(kind).lower() if kind else "jinja2"


def _sections(body: str, first_line: int) -> list[tuple[str, str, int]]:
    sections: list[tuple[str, str, int]] = []
    role, start = "system", first_line
    lines: list[str] = []
    for number, line in enumerate(body.split("\n"), start=first_line):
        match = _ROLE_RE.match(line)
        if match:
            if lines:
                sections.append((role, "\n".join(lines), start))
            role, lines, start = match.group(1).lower(), [], number + 1
            continue
        lines.append(line)
    if lines:
        sections.append((role, "\n".join(lines), start))
    return sections


def read(path: Path, text: str) -> list[Draft]:
    meta, body, body_line = split_front_matter(text, path)
    notes: list[Note] = []
    declared, samples = _inputs(meta, path, notes)
    types = {v.name: v.type for v in declared}
    engine = _format(meta)
    if engine not in ("jinja2", "mustache"):
        raise source_error(path, f"template format {engine!r} is not jinja2 or mustache")
    messages: list[tuple[str, str]] = []
    used: list[str] = []
    renames: dict[str, str] = {}
    for role, section, line in _sections(body, body_line):
        if engine == "mustache":
            try:
                converted = convert_template(section, dialect="mustache", types=types)
            except TemplateSyntaxError as exc:
                raise source_error(path, exc.message, line=line + exc.line - 1) from None
            content = "".join(converted.segments[0].parts)
            names = converted.variables
            renames.update(converted.renamed)
            notes.extend(Note(path, line + off - 1, msg) for off, msg in converted.notes)
        else:
            template = jinja_template(section)
            content, names = template.text, list(template.variables)
            renames.update(dict(template.renamed))
        content = trimmed_like_prompty(content)
        if not content.strip():
            notes.append(Note(path, line, f"an empty {role} message was left out"))
            continue
        messages.append((role, content))
        used.extend(names)
    if not messages:
        raise source_error(path, "the body holds no message", line=body_line)
    unused = [v.name for v in declared if v.name not in used]
    if unused:
        notes.append(Note(path, 1, f"inputs no message uses were left out: {', '.join(unused)}"))
    left_out = ("tools", "outputs", "outputSchema")
    notes.extend(Note(path, 1, f"`{k}` was not carried over") for k in left_out if meta.get(k))
    if any(content.rstrip().endswith("}}") for _, content in messages):
        notes.append(
            Note(
                path,
                1,
                "Prompty strips newlines at both ends of each message after "
                "rendering; a value that starts or ends with a newline keeps it here",
            )
        )
    notes.extend(renamed_note(path, 1, renames))
    variables = variables_in_order(used, {v.name: v for v in declared})
    model, settings = _model(meta, notes, path)
    name = str(meta.get("name") or path.name.removesuffix(".prompty"))
    evals = (
        (DraftEval("sample", {k: v for k, v in samples.items() if k in used}),) if samples else ()
    )
    authors = mapping(meta.get("metadata")).get("authors") or meta.get("authors")
    history: tuple[str, ...] = (f"version {meta['version']}",) if meta.get("version") else ()
    if authors:
        history += (f"authors: {', '.join(map(str, authors))}",)
    return [
        Draft(
            source=path,
            line=1,
            name=slug(name),
            title=title_of(name),
            description=text_of(meta.get("description")) or f"Imported from {path.name}.",
            messages=tuple(messages),
            variables=variables,
            model=model,
            settings=settings,
            evals=evals,
            history=history,
            notes=tuple(notes),
            format="prompty",
        )
    ]


def sniff(path: Path, text: str) -> bool:
    return True


IMPORTER = Importer(
    name="prompty",
    summary="Prompty files: front matter, inputs, role markers; Jinja2 or Mustache",
    extensions=(".prompty",),
    sniff=sniff,
    read=read,
    doc="Reads `model` (id and options), `inputs` (kind, default, example; or the first "
    "format's mapping and `sample:`), and the body's role markers (`system:`, `user:`, "
    "`assistant:`, `developer:`). Jinja2 bodies are kept; Mustache bodies are converted, "
    "with `{{x}}` keeping its HTML escaping. Samples become an eval case. Not carried "
    "over: connections, tools, outputs, thread inputs.",
)

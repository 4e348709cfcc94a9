"""OpenAI prompt objects (`pmpt_...`), exported as JSON before the v1/prompts API closes.

The object is read as `instructions` (a developer message) and/or `messages` (or
`input`) with `{{var}}` placeholders, `variables` (name to default or to
`{type, default, description}`), `model` and its settings, `version`, and `versions`
(the version history, which becomes the changelog note).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from promptreg.importers.draft import Draft, DraftVariable, Note
from promptreg.importers.hosted import as_list, build, number, text_field
from promptreg.importers.importer import Importer
from promptreg.importers.names import variable_name
from promptreg.importers.source import load_json, mapping, text_of

_SETTINGS = ("temperature", "top_p", "max_output_tokens", "seed")


def _variables(raw: Any) -> dict[str, DraftVariable]:
    out = {}
    for name, spec in mapping(raw).items():
        new = variable_name(str(name))
        if isinstance(spec, dict):
            out[new] = DraftVariable(
                new,
                str(spec.get("type", "string")),
                text_of(spec.get("description")),
                spec.get("default"),
                "default" in spec,
            )
        elif isinstance(spec, str):
            out[new] = DraftVariable(new, "string", "", spec, True)
    return out


def read(path: Path, text: str) -> list[Draft]:
    drafts = []
    for item in as_list(load_json(text, path)):
        if not (str(item.get("id", "")).startswith("pmpt_") or item.get("object") == "prompt"):
            continue
        notes: list[Note] = []
        raw: list[tuple[str, Any]] = []
        if item.get("instructions"):
            raw.append(("developer", item["instructions"]))
        listed = item.get("messages") or item.get("input") or []
        raw.extend(
            (str(m.get("role", "user")), m.get("content")) for m in listed if isinstance(m, dict)
        )
        if item.get("tools"):
            notes.append(Note(path, 1, "tools were not carried over"))
        versions = sorted(
            as_list(item.get("versions") or []), key=lambda v: number(v.get("version"))
        )
        history = tuple(
            f"OpenAI prompt version {v.get('version')}"
            + (f" ({v['created_at']})" if v.get("created_at") else "")
            + (
                f": {text_field(v, 'description', 'message')}"
                if text_field(v, "description", "message")
                else ""
            )
            for v in versions
        ) or ((f"OpenAI prompt version {item['version']}",) if item.get("version") else ())
        drafts.append(
            build(
                path,
                name=text_field(item, "name") or str(item.get("id")),
                raw_messages=raw,
                fmt="openai",
                variables=_variables(item.get("variables")),
                model=text_field(item, "model")
                or text_field(mapping(item.get("model")), "name")
                or None,
                settings={k: item[k] for k in _SETTINGS if k in item},
                history=history,
                tags=(),
                notes=notes,
                description=text_field(item, "description"),
            )
        )
    return drafts


def sniff(path: Path, text: str) -> bool:
    head = text[:4000]
    return '"pmpt_' in head or '"object": "prompt"' in head or '"object":"prompt"' in head


IMPORTER = Importer(
    name="openai",
    summary="OpenAI prompt objects (pmpt_..., JSON): instructions, messages, variables, versions",
    extensions=(".json",),
    sniff=sniff,
    read=read,
    doc="Reads prompt objects (one, or a list): `instructions` as a developer message, "
    "`messages` (or `input`) with their roles, `{{var}}` placeholders as variables typed by "
    "`variables`, `model` with `temperature`, `top_p`, `max_output_tokens`, and `versions` "
    "as the changelog note. Tools are reported.",
)

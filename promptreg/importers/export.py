"""A registry prompt written as a Prompty or Dotprompt file, so a team can interoperate.

Importing the export gives back a prompt that renders the same messages; where the
target format cannot hold something (Prompty strips newlines at the ends of each
message; Dotprompt drops messages that render to white space) the difference is
confined to those ends, and what promptreg-only metadata (tier, approvals, evals)
has no place for is kept under `metadata` or left out.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from promptreg.core.model import PromptSpec
from promptreg.importers.to_handlebars import ExportError, to_handlebars

FORMATS = ("prompty", "dotprompt")
_PROMPTY_ROLE_RE = re.compile(
    r"(?im)^\s*#?\s*(system|user|assistant|developer)(\[[^\]]*\])?\s*:\s*$"
)
_KINDS = {
    "string": "string",
    "integer": "integer",
    "number": "float",
    "boolean": "boolean",
    "array": "array",
    "object": "object",
}


def _front_matter(data: dict[str, Any]) -> str:
    return (
        "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000) + "---\n"
    )


def _metadata(spec: PromptSpec) -> dict[str, Any]:
    return {
        "promptreg": {
            "id": spec.id,
            "version": spec.version,
            "tier": spec.tier,
            "owner": spec.owner,
            "status": spec.status,
        }
    }


def to_prompty(spec: PromptSpec) -> str:
    options = {
        key: value
        for key, value in (
            ("temperature", spec.model.temperature),
            ("topP", spec.model.top_p),
            ("maxOutputTokens", spec.model.max_output_tokens),
            ("seed", spec.model.seed),
        )
        if value is not None
    }
    inputs = []
    for var in spec.variables.values():
        entry: dict[str, Any] = {
            "name": var.name,
            "kind": _KINDS[var.type],
            "description": var.description,
        }
        if var.type == "array":
            entry["items"] = {"kind": "string"}  # promptreg does not type the items
        if var.has_default:
            entry["default"] = var.default
        entry["required"] = var.required and not var.has_default
        inputs.append(entry)
    data: dict[str, Any] = {
        "name": spec.id.rsplit("/", 1)[-1],
        "description": spec.description,
        "metadata": _metadata(spec),
        "model": {
            "id": spec.model.name,
            "apiType": "chat",
            **({"options": options} if options else {}),
        },
    }
    if inputs:
        data["inputs"] = inputs
    data["template"] = {"format": {"kind": "jinja2"}, "parser": {"kind": "prompty"}}
    sections = []
    for number, message in enumerate(spec.messages, start=1):
        if _PROMPTY_ROLE_RE.search(message.content):
            raise ExportError(
                f"{spec.id} message {number} has a line Prompty would read as a role marker",
                hint="reword that line (a role name followed by ':' alone on a line)",
            )
        sections.append(f"{message.role}:\n{message.content.strip(chr(10))}\n")
    return _front_matter(data) + "\n".join(sections)


def _picoschema(spec: PromptSpec) -> dict[str, Any]:
    schema: dict[str, Any] = {}
    for var in spec.variables.values():
        optional = "" if var.required and not var.has_default else "?"
        description = " ".join(var.description.split()).replace(",", ";")
        if var.type in ("array", "object"):
            key = f"{var.name}{optional}({var.type}, {description})"
            schema[key] = "any" if var.type == "array" else {}
        else:
            schema[f"{var.name}{optional}"] = f"{var.type}, {description}"
    return schema


def to_dotprompt(spec: PromptSpec) -> str:
    config = {
        key: value
        for key, value in (
            ("temperature", spec.model.temperature),
            ("topP", spec.model.top_p),
            ("maxOutputTokens", spec.model.max_output_tokens),
            ("seed", spec.model.seed),
        )
        if value is not None
    }
    data: dict[str, Any] = {"model": spec.model.name}
    if config:
        data["config"] = config
    if spec.variables:
        data["input"] = {"schema": _picoschema(spec)}
        defaults = {v.name: v.default for v in spec.variables.values() if v.has_default}
        if defaults:
            data["input"]["default"] = defaults
    if spec.output is not None:
        data["output"] = {
            "format": spec.output.format,
            **({"schema": dict(spec.output.schema)} if spec.output.schema else {}),
        }
    data["metadata"] = _metadata(spec)
    roles = {"system": "system", "developer": "system", "user": "user", "assistant": "model"}
    parts = []
    for number, message in enumerate(spec.messages, start=1):
        body = to_handlebars(message.content, f"{spec.id} message {number} ({message.role})")
        parts.append('{{role "' + roles[message.role] + '"}}' + body)
    # A closing comment keeps Dotprompt's strip of the whole body off the last message.
    return _front_matter(data) + "".join(parts) + "{{!-- end --}}\n"


def export_text(spec: PromptSpec, target: str) -> str:
    if target == "prompty":
        return to_prompty(spec)
    if target == "dotprompt":
        return to_dotprompt(spec)
    raise ExportError(f"unknown export format {target!r}", hint=f"use one of {', '.join(FORMATS)}")

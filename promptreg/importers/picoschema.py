"""Dotprompt's Picoschema (`name?: string, description`) to JSON Schema and variables.

A schema that already is JSON Schema (it has `type` or `properties` at the top) is
taken as it is.
"""

from __future__ import annotations

import re
from typing import Any

_SCALARS = {"string", "number", "integer", "boolean", "null", "any"}
_KEY_RE = re.compile(
    r"^(?P<name>[^?(]+)(?P<optional>\?)?(?:\((?P<kind>[a-z]+)(?:,\s*(?P<desc>.*))?\))?$"
)
MAX_DEPTH = 16


class PicoschemaError(ValueError):
    pass


def is_json_schema(schema: Any) -> bool:
    return isinstance(schema, dict) and ("type" in schema or "properties" in schema)


def _scalar(text: str) -> dict[str, Any]:
    kind, _, description = text.partition(",")
    kind = kind.strip()
    if kind.endswith("[]"):
        return {"type": "array", "items": _scalar(kind[:-2])}
    if kind not in _SCALARS:
        raise PicoschemaError(
            f"unknown type {kind!r} (Picoschema knows {', '.join(sorted(_SCALARS))})"
        )
    out: dict[str, Any] = {} if kind == "any" else {"type": kind}
    if description.strip():
        out["description"] = description.strip()
    return out


def to_json_schema(schema: Any, depth: int = 0) -> dict[str, Any]:
    if depth > MAX_DEPTH:
        raise PicoschemaError("the schema nests too deeply")
    if is_json_schema(schema):
        return dict(schema)
    if isinstance(schema, str):
        return _scalar(schema)
    if not isinstance(schema, dict):
        raise PicoschemaError(f"a schema must be a type name or a mapping, not {schema!r:.40}")
    properties: dict[str, Any] = {}
    required: list[str] = []
    for key, value in schema.items():
        match = _KEY_RE.match(str(key))
        if match is None:
            raise PicoschemaError(f"cannot read the key {key!r}")
        name, kind = match.group("name").strip(), match.group("kind")
        if kind == "array":
            prop: dict[str, Any] = {"type": "array", "items": to_json_schema(value, depth + 1)}
        elif kind == "object":
            prop = to_json_schema(value, depth + 1)
        elif kind == "enum":
            prop = {"enum": list(value) if isinstance(value, list) else [value]}
        elif kind is None:
            prop = to_json_schema(value, depth + 1)
        else:
            raise PicoschemaError(f"unknown kind ({kind}) on {name}")
        if match.group("desc"):
            prop["description"] = match.group("desc").strip()
        properties[name] = prop
        if not match.group("optional"):
            required.append(name)
    out: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        out["required"] = required
    out["additionalProperties"] = False
    return out

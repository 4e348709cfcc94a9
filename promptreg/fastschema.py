"""A JSON Schema compiled to nested closures that answer one question: valid or not.

jsonschema's validator is general and explains every error, and costs ~2 ms per prompt
file; the lint path checks thousands of files, nearly all of them valid. The packaged
schemas use a small set of keywords, so they compile into plain Python checks that
answer in tens of microseconds. Only a file that fails here goes through jsonschema, for
the messages. A schema with a keyword this module does not know is not compiled
(Unsupported), and callers fall back to jsonschema for everything; a test checks both
answers agree on valid and mutated documents.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]

_ANNOTATIONS = frozenset(
    (
        "$schema",
        "$id",
        "$comment",
        "$defs",
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
    )
)
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)


class Unsupported(Exception):
    """The schema uses a keyword this compiler does not implement."""


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": _is_integer,
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: True is not 1, and containers compare item by item."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _is_date(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_RE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


_FORMATS: dict[str, Check] = {
    "date": _is_date,
    "email": lambda v: not isinstance(v, str) or "@" in v,
}


class _Compiler:
    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def ref(self, pointer: str) -> Check:
        if pointer not in self.refs:
            if not pointer.startswith("#/"):
                raise Unsupported(f"$ref {pointer}")
            target: Any = self.root
            for part in pointer[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            holder: list[Check] = []
            self.refs[pointer] = lambda v: holder[0](v)  # allows recursive references
            holder.append(self.compile(target))
        return self.refs[pointer]

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        if not isinstance(schema, Mapping):
            raise Unsupported(repr(schema))
        checks: list[Check] = []
        for keyword, value in schema.items():
            if keyword in _ANNOTATIONS:
                continue
            if keyword == "$ref":
                checks.append(self.ref(value))
            elif keyword == "type":
                names = [value] if isinstance(value, str) else list(value)
                checks.append(_any_type(tuple(_TYPES[n] for n in names)))
            elif keyword == "enum":
                checks.append(_one_of(tuple(value)))
            elif keyword == "const":
                checks.append(_one_of((value,)))
            elif keyword == "properties":
                checks.append(_properties({n: self.compile(s) for n, s in value.items()}))
            elif keyword in ("patternProperties", "additionalProperties"):
                if keyword == "patternProperties" and "additionalProperties" in schema:
                    continue  # compiled together with additionalProperties
                checks.append(self._extra_properties(schema))
            elif keyword == "required":
                checks.append(_required(tuple(value)))
            elif keyword == "propertyNames":
                checks.append(_each(dict, self.compile(value)))
            elif keyword == "items":
                checks.append(_each(list, self.compile(value)))
            elif keyword in ("minItems", "maxItems", "minLength", "maxLength"):
                checks.append(_size_check(keyword, value))
            elif keyword == "uniqueItems":
                if value:
                    checks.append(_unique)
            elif keyword == "pattern":
                checks.append(_pattern(re.compile(value)))
            elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                checks.append(_bound_check(keyword, value))
            elif keyword == "format":
                if value in _FORMATS:
                    checks.append(_FORMATS[value])
            else:
                raise Unsupported(keyword)
        if not checks:
            return lambda v: True
        return checks[0] if len(checks) == 1 else _all(tuple(checks))

    def _extra_properties(self, schema: Mapping[str, Any]) -> Check:
        known = frozenset(schema.get("properties", {}))
        patterns = [
            (re.compile(p), self.compile(sub))
            for p, sub in schema.get("patternProperties", {}).items()
        ]
        extra = schema.get("additionalProperties", True)
        other = self.compile(extra)

        def check(v: Any) -> bool:
            if not isinstance(v, dict):
                return True
            for key, item in v.items():
                matched = False
                for regex, sub in patterns:
                    if regex.search(key):
                        matched = True
                        if not sub(item):
                            return False
                if not matched and key not in known and not other(item):
                    return False
            return True

        return check


def _any_type(tests: tuple[Check, ...]) -> Check:
    return lambda v: any(t(v) for t in tests)


def _one_of(options: tuple[Any, ...]) -> Check:
    return lambda v: any(_equal(v, o) for o in options)


def _properties(props: dict[str, Check]) -> Check:
    items = tuple(props.items())
    return lambda v: not isinstance(v, dict) or all(c(v[n]) for n, c in items if n in v)


def _required(names: tuple[str, ...]) -> Check:
    return lambda v: not isinstance(v, dict) or all(n in v for n in names)


def _each(kind: type[dict[Any, Any]] | type[list[Any]], check: Check) -> Check:
    """Every key of a mapping (propertyNames) or every item of a list (items)."""
    return lambda v: not isinstance(v, kind) or all(check(item) for item in v)


def _pattern(regex: re.Pattern[str]) -> Check:
    return lambda v: not isinstance(v, str) or regex.search(v) is not None


def _all(checks: tuple[Check, ...]) -> Check:
    return lambda v: all(c(v) for c in checks)


def _size_check(keyword: str, limit: int) -> Check:
    kind = list if keyword.endswith("Items") else str
    if keyword.startswith("min"):
        return lambda v: not isinstance(v, kind) or len(v) >= limit
    return lambda v: not isinstance(v, kind) or len(v) <= limit


def _bound_check(keyword: str, bound: float) -> Check:
    def number(v: Any) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool)

    if keyword == "minimum":
        return lambda v: not number(v) or v >= bound
    if keyword == "maximum":
        return lambda v: not number(v) or v <= bound
    if keyword == "exclusiveMinimum":
        return lambda v: not number(v) or v > bound
    return lambda v: not number(v) or v < bound


def _unique(v: Any) -> bool:
    if not isinstance(v, list):
        return True
    return all(not _equal(v[i], v[j]) for i in range(len(v)) for j in range(i + 1, len(v)))


def compile_schema(schema: Mapping[str, Any]) -> Check:
    """A predicate equal to jsonschema's is_valid for this schema; Unsupported otherwise."""
    return _Compiler(schema).compile(schema)

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

_ANNOTATIONS = frozenset(("$schema", "$id", "$comment", "$defs", "title", "description")) | {
    *("default", "examples", "deprecated", "readOnly", "writeOnly")
}
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)


_OBJECT_KEYWORDS = ("properties", "patternProperties", "additionalProperties", "required")


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
                checks.append(_any_type(names))
            elif keyword == "enum":
                checks.append(_one_of(tuple(value)))
            elif keyword == "const":
                checks.append(_one_of((value,)))
            elif keyword in _OBJECT_KEYWORDS:
                if keyword == next(k for k in schema if k in _OBJECT_KEYWORDS):
                    checks.append(self._object(schema))  # all of them, in one pass
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

    def _object(self, schema: Mapping[str, Any]) -> Check:
        """properties, patternProperties, additionalProperties and required, in one pass
        over the instance's keys: the hot path of checking a prompt file."""
        props = {name: self.compile(sub) for name, sub in schema.get("properties", {}).items()}
        patterns = [
            (re.compile(p), self.compile(sub))
            for p, sub in schema.get("patternProperties", {}).items()
        ]
        extra = schema.get("additionalProperties", True)
        other = None if extra is True else self.compile(extra)
        required = tuple(schema.get("required", ()))

        def check(v: Any) -> bool:
            if not isinstance(v, dict):
                return True
            for name in required:
                if name not in v:
                    return False
            for key, item in v.items():
                sub = props.get(key)
                if sub is not None and not sub(item):
                    return False
                matched = False
                for regex, pattern_check in patterns:
                    if regex.search(key):
                        matched = True
                        if not pattern_check(item):
                            return False
                if sub is None and not matched and other is not None and not other(item):
                    return False
            return True

        return check


_PLAIN_TYPES: dict[str, type] = {"object": dict, "array": list, "string": str}


def _any_type(names: list[str]) -> Check:
    if all(n in _PLAIN_TYPES for n in names):
        kinds = tuple(_PLAIN_TYPES[n] for n in names)
        return lambda v: isinstance(v, kinds)
    tests = tuple(_TYPES[n] for n in names)
    return lambda v: any(t(v) for t in tests)


def _one_of(options: tuple[Any, ...]) -> Check:
    if options and all(type(o) is str for o in options):  # the usual enum: one set lookup
        names = frozenset(options)
        return lambda v: isinstance(v, str) and v in names
    return lambda v: any(_equal(v, o) for o in options)


def _each(kind: type[dict[Any, Any]] | type[list[Any]], check: Check) -> Check:
    """Every key of a mapping (propertyNames) or every item of a list (items)."""

    def each(v: Any) -> bool:
        if isinstance(v, kind):
            for item in v:
                if not check(item):
                    return False
        return True

    return each


def _pattern(regex: re.Pattern[str]) -> Check:
    return lambda v: not isinstance(v, str) or regex.search(v) is not None


def _all(checks: tuple[Check, ...]) -> Check:
    def every(v: Any) -> bool:
        for check in checks:  # noqa: SIM110 - no generator per call on the hot path
            if not check(v):
                return False
        return True

    return every


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


# --- is a schema itself valid? The 2020-12 meta-schema's rules, written out ---------

_TYPE_NAMES = frozenset(("array", "boolean", "integer", "null", "number", "object", "string"))
_SCHEMA_KEYWORDS = frozenset(
    (
        "additionalProperties",
        "propertyNames",
        "items",
        "contains",
        "not",
        "if",
        "then",
        "else",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
        "additionalItems",
    )
)
_SCHEMA_MAP_KEYWORDS = frozenset(
    ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
)
_SCHEMA_LIST_KEYWORDS = frozenset(("allOf", "anyOf", "oneOf", "prefixItems"))
_COUNT_KEYWORDS = frozenset(
    (
        "maxLength",
        "minLength",
        "maxItems",
        "minItems",
        "maxProperties",
        "minProperties",
        "maxContains",
        "minContains",
    )
)
_NUMBER_KEYWORDS = frozenset(("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"))
_STRING_KEYWORDS = frozenset(
    (
        "$id",
        "$schema",
        "$ref",
        "$anchor",
        "$dynamicRef",
        "$dynamicAnchor",
        "$comment",
        "title",
        "description",
        "format",
        "pattern",
        "contentEncoding",
        "contentMediaType",
    )
)
_BOOLEAN_KEYWORDS = frozenset(("uniqueItems", "deprecated", "readOnly", "writeOnly"))


Where = tuple[str | int, ...]


def schema_problem(schema: Any, where: Where = ()) -> tuple[str, Where] | None:
    """The first way `schema` breaks the JSON Schema 2020-12 meta-schema, or None.

    Checking with jsonschema's meta-schema validator costs ~3 ms a schema plus ~150 ms of
    set-up per process; this answers the same question in microseconds (a test compares
    the two), and jsonschema is only asked for wording when something is wrong.
    """
    if isinstance(schema, bool):
        return None
    if not isinstance(schema, dict):
        return f"{schema!r} is not of type 'object', 'boolean'", where
    for keyword, value in schema.items():
        here = (*where, keyword)
        if keyword == "type":
            names = [value] if isinstance(value, str) else value
            if (
                not isinstance(names, list)
                or not names
                or any(not isinstance(n, str) or n not in _TYPE_NAMES for n in names)
            ):
                return f"{value!r} is not a valid type", here
            if isinstance(value, list) and len(set(value)) != len(value):
                return f"{value!r} has non-unique elements", here
        elif keyword in _SCHEMA_KEYWORDS:
            problem = schema_problem(value, here)
            if problem:
                return problem
        elif keyword in _SCHEMA_MAP_KEYWORDS:
            if not isinstance(value, dict):
                return f"{value!r} is not of type 'object'", here
            for name, sub in value.items():
                problem = schema_problem(sub, (*here, name))
                if problem:
                    return problem
        elif keyword in _SCHEMA_LIST_KEYWORDS:
            if not isinstance(value, list) or not value:
                return f"{value!r} should be a non-empty array", here
            for index, sub in enumerate(value):
                problem = schema_problem(sub, (*here, index))
                if problem:
                    return problem
        elif keyword in _COUNT_KEYWORDS:
            if not _is_integer(value) or value < 0:
                return f"{value!r} is not a non-negative integer", here
        elif keyword in _NUMBER_KEYWORDS or keyword == "multipleOf":
            if isinstance(value, bool) or not isinstance(value, int | float):
                return f"{value!r} is not of type 'number'", here
            if keyword == "multipleOf" and value <= 0:
                return f"{value!r} is less than or equal to the minimum of 0", here
        elif keyword in _STRING_KEYWORDS:
            if not isinstance(value, str):
                return f"{value!r} is not of type 'string'", here
        elif keyword in _BOOLEAN_KEYWORDS:
            if not isinstance(value, bool):
                return f"{value!r} is not of type 'boolean'", here
        elif keyword in ("required",):
            if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
                return f"{value!r} is not an array of strings", here
            if len(set(value)) != len(value):
                return f"{value!r} has non-unique elements", here
        elif keyword == "enum":
            if not isinstance(value, list):
                return f"{value!r} is not of type 'array'", here
        elif keyword == "dependentRequired":
            if not isinstance(value, dict) or any(
                not isinstance(v, list)
                or any(not isinstance(i, str) for i in v)
                or len(set(v)) != len(v)
                for v in value.values()
            ):
                return f"{value!r} is not a map of unique string arrays", here
        elif keyword in ("examples",):
            if not isinstance(value, list):
                return f"{value!r} is not of type 'array'", here
        elif keyword == "$vocabulary" and (
            not isinstance(value, dict) or any(not isinstance(v, bool) for v in value.values())
        ):
            return f"{value!r} is not a map of booleans", here
    return None

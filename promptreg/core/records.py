"""`Record`: typing.NamedTuple to mypy, and at run time the same named tuple, made
without typing's check of each field's annotation.

Every module here has `from __future__ import annotations`, so each annotation is a
string, and typing.NamedTuple turns each into a ForwardRef, compiling it as an
expression: about 40 µs a field, 5 ms of a one-file lint's start-up for the 136 fields
its records have. Nothing reads those ForwardRefs (no record's hints are evaluated), so
`Record` keeps the strings as written in `__annotations__`, as a dataclass does.

Everything else is typing.NamedTuple's (Python 3.11 and 3.12): fields in annotation
order, defaults from the class body, methods, properties and the docstring copied onto
the `collections.namedtuple` class, the names a named tuple defines itself refused.
Generic records are not supported (none is needed).
"""

from __future__ import annotations

import collections
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import NamedTuple as Record
else:
    _PROHIBITED = frozenset(
        (
            "__new__",
            "__init__",
            "__slots__",
            "__getnewargs__",
            "_fields",
            "_field_defaults",
            "_make",
            "_replace",
            "_asdict",
            "_source",
        )
    )
    _SPECIAL = frozenset(("__module__", "__name__", "__annotations__"))

    class _RecordMeta(type):
        def __new__(mcs, typename: str, bases: tuple[type, ...], ns: dict[str, Any]) -> type:
            if not bases:  # Record itself
                return super().__new__(mcs, typename, bases, ns)
            if bases != (Record,):
                raise TypeError("a record inherits from Record alone")
            annotations: dict[str, Any] = ns.get("__annotations__", {})
            defaults = []
            for name in annotations:
                if name in ns:
                    defaults.append(ns[name])
                elif defaults:
                    raise TypeError(f"non-default record field {name!r} follows a default")
            record = collections.namedtuple(
                typename, list(annotations), defaults=defaults, module=ns["__module__"]
            )
            record.__annotations__ = dict(annotations)
            for key, value in ns.items():
                if key in _PROHIBITED:
                    raise AttributeError(f"cannot overwrite named tuple attribute {key}")
                if key not in _SPECIAL and key not in record._fields:
                    setattr(record, key, value)
            return record

    class Record(metaclass=_RecordMeta):
        """The base of a record class (see the module's docstring)."""


__all__ = ["Record"]

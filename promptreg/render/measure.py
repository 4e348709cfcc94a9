"""How long a value's text would be, found without building it.

The sandbox must refuse output and strings before they exist, so it needs the length
`str(value)` (or `repr`, `|tojson`, `|pprint`, `|urlencode`) would have. Guessing is
not enough: a value the guess undercounts (a `namespace`, a dict view) can be printed
a hundred times over the cap. So the bound here never undercounts: it walks containers
without recursion (a template can nest a list 100,000 deep), counts each string by the
worst its escaping can do, and for any object whose text it cannot bound it asks for
the text itself, which only a value handed in by the application can reach.

This module knows nothing of Jinja2 beyond the names of its printable objects.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Iterator
from typing import Any, cast

__all__ = ["FormatSpec", "format_specs", "int_bits", "text_bound"]

_FIXED_REPR = (bool, float, complex, type(None), range, slice, types.ModuleType, type)
"""Types whose text is short whatever they hold (a range prints its ends, not items)."""
_SEQUENCES: tuple[type, ...] = (
    list,
    tuple,
    set,
    frozenset,
    type({}.keys()),
    type({}.values()),
    type({}.items()),
)
_OPAQUE_MODULES = frozenset(("jinja2.utils", "jinja2.runtime", "builtins", "markupsafe"))


def int_bits(value: Any) -> int:
    """Bits of an integer operand (booleans count as one); 0 for anything else."""
    return value.bit_length() if isinstance(value, int) else 0


def _str_bound(text: str | bytes, wide: bool) -> int:
    """Worst length of the escaped form of one string: repr escapes each non-printable
    character in up to 10 characters, JSON an astral one in 12, URL encoding in 12."""
    n = len(text)
    if isinstance(text, str) and text.isascii() and text.isprintable():
        if not wide:
            return n + 2 + text.count("\\") + text.count("'")
        # HTML-safe JSON escapes <, >, &, ' in six characters; urlencode the rest in three.
        return 6 * n + 2 if any(c in text for c in "<>&'") else 3 * n + 2
    return (12 if wide else 10) * n + 3


def text_bound(value: Any, limit: int, *, wide: bool = False) -> int:
    """An upper bound of len(str(value)) and len(repr(value)), or a number over `limit`.

    `wide` bounds the escaped forms too (JSON, URL and XML escaping, pprint's line
    breaks and indentation). Stops as soon as the bound passes `limit`.
    """
    total = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, indent = stack.pop()
        total += _one(item, indent, stack, wide, limit)
        if total > limit:
            return total
    return total


def _pairs(
    pairs: Iterable[tuple[Any, Any]], indent: int, wide: bool, limit: int
) -> Iterator[tuple[Any, int]]:
    """The keys and values of a mapping; pprint indents a value by its key's width."""
    for key, value in pairs:
        yield key, indent + 1
        width = text_bound(key, limit, wide=wide) if wide else 0
        yield value, indent + width + 3


def _one(item: Any, indent: int, stack: list[tuple[Any, int]], wide: bool, limit: int) -> int:
    """Characters `item` adds by itself; pushes what it contains with their indentation."""
    kind = type(item)
    # Per contained item: ', ' or ': ' in a repr; in pprint a line break and indentation.
    per_item = indent + 4 if wide else 4
    if kind is str or kind is bytes or kind is bytearray:
        return _str_bound(item, wide) + (per_item if indent else 0)
    if isinstance(item, int):
        # Decimal digits: bits * log10(2) < bits * 0.302; 'True' is 4 characters.
        return item.bit_length() * 31 // 100 + 6 + per_item
    if isinstance(item, _FIXED_REPR):
        # JSON spells an infinite float 'Infinity', five characters longer than 'inf'.
        infinite = wide and isinstance(item, float) and abs(item) == float("inf")
        return len(repr(item)) + (5 if infinite else 0) + per_item
    if isinstance(item, str):  # Markup and other str subclasses: their text and a name
        return _str_bound(item, True) + len(kind.__name__) + per_item
    children: Iterator[tuple[Any, int]] | None = None
    # The type's name (dict_items(...), frozenset(...), a named tuple's fields).
    overhead = len(kind.__name__) + 4 + per_item
    overhead += sum(len(f) + 1 for f in getattr(kind, "_fields", ()))
    inner = indent + len(kind.__name__) + 2  # where pprint puts the items: past the bracket
    if isinstance(item, dict):
        children = _pairs(item.items(), inner, wide, limit)
    elif isinstance(item, _SEQUENCES):
        children = ((child, inner) for child in cast("Iterable[Any]", item))
    elif kind.__name__ == "Namespace" and kind.__module__ == "jinja2.utils":
        children = _pairs(item._Namespace__attrs.items(), inner, wide, limit)
    if children is not None:
        stack.extend(children)
        return overhead
    if isinstance(item, types.MethodType):
        stack.append((item.__self__, indent + 1))
        return len(item.__qualname__) + 32 + per_item
    if _short_repr(kind):
        return len(repr(item)) + per_item
    # An object only the application can hand in: its own text is the only bound.
    return len(repr(item)) + len(str(item)) + per_item


def _short_repr(kind: type) -> bool:
    """Objects printed as `<name at 0x...>`: functions, generators, Jinja2's helpers."""
    if getattr(kind, "__repr__", None) is object.__repr__ and (
        getattr(kind, "__str__", None) is object.__str__
    ):
        return True
    if isinstance(kind, type) and kind.__module__ in _OPAQUE_MODULES:
        return kind.__name__ != "Namespace"
    return kind in (
        types.FunctionType,
        types.BuiltinFunctionType,
        types.BuiltinMethodType,
        types.MethodWrapperType,
        types.WrapperDescriptorType,
        types.MethodDescriptorType,
        types.GeneratorType,
    )


class FormatSpec:
    """One `%` conversion: its width and precision, or None when absent ('*' is -1)."""

    __slots__ = ("precision", "text", "width")

    def __init__(self, text: str, width: int | None, precision: int | None) -> None:
        self.text = text
        self.width = width
        self.precision = precision


def format_specs(template: str) -> list[FormatSpec]:
    """The conversions of a printf-style format, read the way CPython reads them.

    A mapping key may hold anything, parentheses included, so a pattern cannot find
    the width after `%(key)`; this follows CPython's own scan instead.
    """
    specs: list[FormatSpec] = []
    i, n = 0, len(template)
    while True:
        i = template.find("%", i)
        if i < 0 or i + 1 >= n:
            return specs
        start = i
        i += 1
        if template[i] == "(":
            level = 1
            i += 1
            while i < n and level:
                level += {"(": 1, ")": -1}.get(template[i], 0)
                i += 1
        while i < n and template[i] in "-+ #0":
            i += 1
        width, i = _number(template, i)
        precision = None
        if i < n and template[i] == ".":
            precision, i = _number(template, i + 1)
            precision = 0 if precision is None else precision
        while i < n and template[i] in "hlL":
            i += 1
        i += 1  # the conversion character; '%%' has none of the above
        specs.append(FormatSpec(template[start:i], width, precision))


def _number(template: str, i: int) -> tuple[int | None, int]:
    if i < len(template) and template[i] == "*":
        return -1, i + 1
    end = i
    while end < len(template) and "0" <= template[end] <= "9":
        end += 1
    if end == i:
        return None, i
    # A width of more than ten digits is refused without converting it.
    return (int(template[i:end]) if end - i <= 10 else 10**10), end

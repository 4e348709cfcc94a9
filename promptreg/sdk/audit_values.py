"""An audit record's values made safe to write, whatever the application passes.

A record is written after the call it describes succeeded, so nothing about a value
may make writing it fail: that would raise out of `render()` a call that worked. The
variables of type array and object take any list, tuple or mapping, and their items
and keys can be anything: an object whose `__str__` raises or returns no string, an
integer of more digits than Python will print (json raises on it too), a float that
is NaN or infinite (json would write `NaN`, which is not JSON), a list nested
thousands deep or holding itself, or a shared list nested into 2**64 paths. Each is
written as a short text instead, and mapping keys are redacted like values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

DEEPEST = 32
"""Levels of arrays and objects a value keeps; deeper ones are written as CUT."""
MOST_ITEMS = 10_000
"""Items and keys of one value written in all; the rest are left out."""
INT_BITS = 13_000
"""Integers longer than this (about 3,900 digits) are written as text: Python prints
no more than 4,300 digits by default and json raises past that."""
CUT = "[cut: nested too deeply or too many items]"
_LOG10_2 = math.log10(2)


def text_of(value: Any) -> str:
    """`str(value)`, or the name of its type when its `__str__` fails or lies."""
    try:
        return str(value)
    except Exception:  # any failure of the application's __str__, a wrong type included
        return f"[{type(value).__name__} without text]"


def size_of(value: Any) -> int:
    """Characters of a string, items of an array or object, characters of a scalar's
    text (an integer too long to print: its number of digits, give or take one)."""
    if isinstance(value, str | list | tuple | Mapping):
        return len(value)
    if isinstance(value, int) and value.bit_length() > INT_BITS:
        return int(value.bit_length() * _LOG10_2) + 1 + (value < 0)
    return len(text_of(value))


def redacted(value: Any, redact: Callable[[str], str]) -> Any:
    """`value` as plain JSON values, every text in it (keys too) through `redact`."""
    return _redacted(value, redact, 0, [MOST_ITEMS])


def _redacted(value: Any, redact: Callable[[str], str], depth: int, left: list[int]) -> Any:
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if value.bit_length() <= INT_BITS else f"[integer of {size_of(value)} digits]"
    if isinstance(value, float):
        return value if math.isfinite(value) else str(float(value))
    if isinstance(value, Mapping | list | tuple):
        if depth >= DEEPEST:
            return CUT
        items = value.items() if isinstance(value, Mapping) else enumerate(value)
        shown: dict[str, Any] = {}
        listed: list[Any] = []
        for key, item in items:
            left[0] -= 1
            if left[0] < 0:
                break
            kept = _redacted(item, redact, depth + 1, left)
            if isinstance(value, Mapping):
                shown[redact(key if isinstance(key, str) else text_of(key))] = kept
            else:
                listed.append(kept)
        return shown if isinstance(value, Mapping) else listed
    return redact(text_of(value))

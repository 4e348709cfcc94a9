"""What one render may spend, and the checks that charge it before work is done.

Loops and calls draw steps, every byte of output is charged, strings built by
operators, filters and methods draw from an allocation budget, and arithmetic that
could make huge values (`'a' * 10**9`, `10**10**10`) is refused before it runs. The
sandbox (promptreg.render.sandbox) wires these checks into Jinja2; this module knows
nothing of Jinja2, so each check can be read and tested on its own.

The budget of the render in progress lives in a context variable: each thread (and
each asyncio task) sees its own, so renders running at the same time never share one.
"""

from __future__ import annotations

import contextvars
import operator
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

MAX_ITERATIONS = 100_000
"""Loop iterations, items fed through iterating filters, and calls, per render."""
MAX_SEQUENCE = 100_000
"""Longest string or list one operator, padding, replace or join may produce."""
MAX_ALLOCATED = 10_000_000
"""Characters of strings that operators, filters and methods may build per render."""
MACRO_WEIGHT = 10
"""Steps one macro call draws: 10,000 macro calls per render at most."""
MAX_INT_BITS = 4096
MAX_OUTPUT = 1_000_000
"""Characters of output per render, all messages together."""
MAX_SECONDS = 1.0
"""Wall-clock safety net, checked as the budget is drawn."""

_FORMAT_SPEC_RE = re.compile(r"%[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?[a-zA-Z%]")
_ITERATING_FILTERS = frozenset(
    (
        "map",
        "select",
        "reject",
        "selectattr",
        "rejectattr",
        "sum",
        "join",
        "list",
        "unique",
        "batch",
        "slice",
        "groupby",
        "sort",
        "min",
        "max",
        "reverse",
    )
)
"""Filters that walk their input in Python: each item they take draws from the budget."""


class LimitExceeded(Exception):
    """Raised inside a render when a budget runs out; becomes a TemplateError."""


class Budget:
    """What is left to spend in one render; one per render, never shared."""

    __slots__ = ("allocated", "deadline", "output", "steps")

    def __init__(self) -> None:
        self.steps = MAX_ITERATIONS
        self.output = MAX_OUTPUT
        self.allocated = MAX_ALLOCATED
        self.deadline = time.monotonic() + MAX_SECONDS

    def _check_clock(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(f"rendering took longer than {MAX_SECONDS:g} seconds")

    def step(self, weight: int = 1) -> None:
        before = self.steps
        self.steps -= weight
        if self.steps < 0:
            raise LimitExceeded(
                f"more than {MAX_ITERATIONS:,} loop iterations, filtered items and calls "
                "in one render"
            )
        if before >> 10 != self.steps >> 10:  # every 1,024 steps
            self._check_clock()

    def emit(self, size: int) -> None:
        self.output -= size
        if self.output < 0:
            raise LimitExceeded(f"output longer than {MAX_OUTPUT:,} characters")

    def alloc(self, size: int) -> None:
        self.allocated -= size
        if self.allocated < 0:
            raise LimitExceeded(
                f"more than {MAX_ALLOCATED:,} characters of strings built in one render"
            )
        self._check_clock()


CURRENT: contextvars.ContextVar[Budget] = contextvars.ContextVar("promptreg_budget")
"""The budget of the render running in this context; set and reset by render_all."""


def current() -> Budget:
    try:
        return CURRENT.get()
    except LookupError:
        # Only reachable when a compiled Jinja2 template is driven by hand: bound that one
        # operation, and leave no budget behind to starve later renders in this context.
        return Budget()


def size_of(value: Any, limit: int = MAX_OUTPUT) -> int:
    """Characters `str(value)` would take, roughly, without building it; stops at limit."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | tuple | set | frozenset | dict):
        total = 2
        items: Iterable[Any] = value.items() if isinstance(value, dict) else value
        for item in items:
            total += size_of(item, limit - total) + 2
            if total > limit:
                return total
        return total
    if isinstance(value, int) and not isinstance(value, bool):
        return value.bit_length() * 30 // 100 + 1
    return 16


def check_sequence(size: int, what: str) -> None:
    if size > MAX_SEQUENCE:
        raise LimitExceeded(f"{what} would make {size:,} items, over the limit of {MAX_SEQUENCE:,}")


def iterate(iterable: Any) -> Iterator[Any]:
    """The items of `iterable`, each drawing one step."""
    budget = current()
    for item in iterable:
        budget.step()
        yield item


def checked_binop(op: str, left: Any, right: Any) -> Any:
    """`left op right` for the operators that can make huge values, checked first."""
    if op == "**":
        if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
            bits = left.bit_length() * right
            if bits > MAX_INT_BITS:
                raise LimitExceeded(
                    f"{left} ** {right} would be a {bits:,}-bit number, over {MAX_INT_BITS:,} bits"
                )
        result = left**right
    elif op == "*":
        if isinstance(left, int) and isinstance(right, int):
            if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise LimitExceeded(f"multiplication result over {MAX_INT_BITS:,} bits")
        elif isinstance(right, int) and not isinstance(left, int | float):
            check_sequence(size_of(left, MAX_SEQUENCE + 1) * max(right, 0), "repetition")
        elif isinstance(left, int) and not isinstance(right, int | float):
            check_sequence(size_of(right, MAX_SEQUENCE + 1) * max(left, 0), "repetition")
        result = left * right
    elif op == "+":
        if not isinstance(left, int | float):
            check_sequence(
                size_of(left, MAX_SEQUENCE + 1) + size_of(right, MAX_SEQUENCE + 1), "concatenation"
            )
        result = left + right
    elif op == "%" and isinstance(left, str):
        _check_format_spec(left)
        # Every conversion may print the whole argument: '%s%s%s' % (s, s, s).
        specs = left.count("%")
        check_sequence(len(left) + specs * size_of(right, MAX_SEQUENCE + 1), "% formatting")
        result = left % right
    else:
        result = _BINOPS[op](left, right)
    if isinstance(result, str | list | tuple):
        current().alloc(len(result))
    return result


_BINOPS: Mapping[str, Callable[[Any, Any], Any]] = MappingProxyType(
    {"%": operator.mod, "//": operator.floordiv}
)


def _check_format_spec(spec: str) -> None:
    for match in _FORMAT_SPEC_RE.finditer(spec):
        for number in match.groups():
            if number == "*" or (number and int(number) > 1000):
                raise LimitExceeded(f"format width {match.group(0)!r} is too large")


def guard_join(value: Any, d: str = "", attribute: Any = None) -> None:
    del attribute
    items = value if isinstance(value, list | tuple) else [value]
    total = sum(size_of(item, MAX_OUTPUT + 1) for item in items) + len(d) * max(len(items) - 1, 0)
    if total > MAX_OUTPUT:
        raise LimitExceeded(f"join would make {total:,} characters, over {MAX_OUTPUT:,}")


def guard_replace(s: Any, old: Any, new: Any, count: Any = None) -> None:
    del count
    text, old, new = str(s), str(old), str(new)
    matches = len(text) + 1 if not old else text.count(old)
    check_sequence(len(text) + matches * max(len(new) - len(old), 0), "replace")


def _guard_indent(s: Any, width: Any = 4, first: bool = False, blank: bool = False) -> None:
    del first, blank
    text = str(s)
    pad = width if isinstance(width, int) else len(str(width))
    check_sequence(len(text) + (text.count("\n") + 1) * max(pad, 0), "indent")


def _guard_wordwrap(
    s: Any,
    width: int = 79,
    break_long_words: bool = True,
    wrapstring: Any = None,
    break_on_hyphens: bool = True,
) -> None:
    del break_long_words, break_on_hyphens
    text = str(s)
    lines = len(text) // max(int(width), 1) + text.count("\n") + 1
    check_sequence(len(text) + lines * len(str(wrapstring or "\n")), "wordwrap")


def _guard_stringify(value: Any, *args: Any, **kwargs: Any) -> None:
    del args, kwargs
    size = size_of(value, MAX_OUTPUT + 1)
    if size > MAX_OUTPUT:
        raise LimitExceeded(f"value too large to print ({size:,}+ characters)")


def _guard_format(value: Any, *args: Any, **kwargs: Any) -> None:
    _check_format_spec(str(value))
    specs = str(value).count("%")
    check_sequence(len(str(value)) + specs * size_of([args, kwargs], MAX_SEQUENCE + 1), "format")


def _guard_center(value: Any, width: int = 80) -> None:
    check_sequence(max(len(str(value)), int(width)), "center")


_FILTER_GUARDS: Mapping[str, Callable[..., None]] = MappingProxyType(
    {
        "join": guard_join,
        "replace": guard_replace,
        "indent": _guard_indent,
        "wordwrap": _guard_wordwrap,
        "center": _guard_center,
        "format": _guard_format,
        "string": _guard_stringify,
        "pprint": _guard_stringify,
        "tojson": _guard_stringify,
        "urlencode": _guard_stringify,
        "xmlattr": _guard_stringify,
    }
)


def bounded_filter(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that takes its input item by item from the budget, is checked by its
    guard before it runs, and charges the strings it makes."""
    pass_arg = getattr(original, "jinja_pass_arg", None)
    head = 0 if pass_arg is None else 1
    iterates = name in _ITERATING_FILTERS
    guard = _FILTER_GUARDS.get(name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if iterates and len(args) > head and not isinstance(args[head], str | Mapping):
            args = (*args[:head], list(iterate(args[head])), *args[head + 1 :])
        if guard is not None and len(args) > head:
            guard(*args[head:], **kwargs)
        result = original(*args, **kwargs)
        if isinstance(result, str):
            current().alloc(len(result))
        return result

    if pass_arg is not None:
        wrapper.jinja_pass_arg = pass_arg  # type: ignore[attr-defined]
    return wrapper

"""Jinja2's filters and the methods of strings, bytes and integers, each bounded.

Every filter is wrapped so it takes its input item by item from the budget, is checked
by its guard before it runs, and charges what it makes. The wrappers are marked as
needing the render's context, which also keeps Jinja2 from running them while it
compiles (constant folding): a filter on a literal would otherwise run once per
occurrence at compile time, outside any budget.

Methods are refused by name (padding and formatting, encodings that make bytes,
`int.to_bytes` and `int.from_bytes`) or checked like their filter twins (`replace`,
`join`). What a method returns is charged like a filter's result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from jinja2.filters import FILTERS
from jinja2.utils import pass_context

from promptreg.render.budget import (
    MAX_ALLOCATED,
    MAX_OUTPUT,
    LimitExceeded,
    check_format,
    check_sequence,
    current,
    guard_join,
    guard_replace,
    iterate,
    size_of,
)
from promptreg.render.measure import text_bound

__all__ = ["BLOCKED_METHODS", "BOUNDED_FILTERS", "blocked_method", "guard_method"]

_PADDING = frozenset(
    (
        "format",
        "format_map",
        "translate",
        "maketrans",
        "center",
        "ljust",
        "rjust",
        "zfill",
        "expandtabs",
    )
)
BLOCKED_METHODS: Mapping[type, frozenset[str]] = MappingProxyType(
    {
        str: _PADDING | {"encode"},
        bytes: _PADDING | {"fromhex"},
        bytearray: _PADDING | {"fromhex"},
        int: frozenset(("to_bytes", "from_bytes")),
        bool: frozenset(("to_bytes", "from_bytes")),
    }
)
"""Methods the sandbox refuses: they pad, format or convert without a bound, or make
bytes and integers of any size; each has a bounded filter or no use in a prompt."""


def blocked_method(obj: Any, attr: str) -> bool:
    blocked = BLOCKED_METHODS.get(type(obj))
    if blocked is None:
        for kind, names in BLOCKED_METHODS.items():
            if isinstance(obj, kind):
                return attr in names
        return False
    return attr in blocked


def guard_method(owner: Any, name: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Check a method call of a string or bytes before it runs; the arguments to use."""
    if isinstance(owner, str | bytes | bytearray):
        if name == "replace" and len(args) >= 2:
            guard_replace(owner, args[0], args[1])
        elif name == "join" and args:
            args = (list(iterate(args[0])), *args[1:])
            guard_join(args[0], owner)
    return args


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


def _guard_escaped(value: Any, *args: Any, **kwargs: Any) -> None:
    """Printing, JSON, URL and XML forms: their worst escaping, within what is left to
    allocate (so one conversion holds at most MAX_ALLOCATED characters)."""
    indent = kwargs.get("indent", args[0] if args else None)
    if indent is not None and not (isinstance(indent, int) and 0 <= indent <= 16):
        raise LimitExceeded("tojson indent must be a number from 0 to 16")
    limit = min(current().allocated, MAX_ALLOCATED)
    size = text_bound(value, limit + 1, wide=True) * (1 + (indent or 0))
    if size > limit:
        raise LimitExceeded(f"value too large to print ({size:,}+ characters)")


def _guard_string(value: Any, *args: Any, **kwargs: Any) -> None:
    del args, kwargs
    size = size_of(value, MAX_OUTPUT + 1)
    if size > MAX_OUTPUT:
        raise LimitExceeded(f"value too large to print ({size:,}+ characters)")


def _guard_format(value: Any, *args: Any, **kwargs: Any) -> None:
    check_format(str(value), kwargs or args)


def _guard_center(value: Any, width: int = 80) -> None:
    check_sequence(max(len(str(value)), int(width)), "center")


def _guard_batch(value: Any, linecount: int, fill_with: Any = None) -> None:
    del value
    if fill_with is not None:
        check_sequence(int(linecount), "batch padding")


_FILTER_GUARDS: Mapping[str, Callable[..., None]] = MappingProxyType(
    {
        "join": guard_join,
        "replace": guard_replace,
        "indent": _guard_indent,
        "wordwrap": _guard_wordwrap,
        "center": _guard_center,
        "format": _guard_format,
        "batch": _guard_batch,
        "string": _guard_string,
        "pprint": _guard_escaped,
        "tojson": _guard_escaped,
        "urlencode": _guard_escaped,
        "xmlattr": _guard_escaped,
    }
)
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


def bounded_filter(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that takes its input item by item from the budget, is checked by its
    guard before it runs, and charges what it makes."""
    passes = getattr(getattr(original, "jinja_pass_arg", None), "name", None)
    iterates = name in _ITERATING_FILTERS
    guard = _FILTER_GUARDS.get(name)

    @pass_context
    def wrapper(context: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
        budget = current()
        budget.check_clock()
        if iterates and not isinstance(value, str | Mapping):
            value = list(iterate(value))
        if guard is not None:
            guard(value, *args, **kwargs)
        if passes == "context":
            result = original(context, value, *args, **kwargs)
        elif passes == "eval_context":
            result = original(context.eval_ctx, value, *args, **kwargs)
        elif passes == "environment":
            result = original(context.environment, value, *args, **kwargs)
        else:
            result = original(value, *args, **kwargs)
        # The items of an iterating filter's result were drawn as it took them.
        return budget.charge_result(result, items=not iterates)

    wrapper.__name__ = name
    return wrapper


BOUNDED_FILTERS: Mapping[str, Callable[..., Any]] = MappingProxyType(
    {name: bounded_filter(name, original) for name, original in FILTERS.items()}
)
"""Jinja2's filters, each drawing from the budget. Built once: the wrappers hold no
state, and wrapping them for every environment would cost most of its 20 µs."""

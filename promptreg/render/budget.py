"""What one render may spend, and the checks that charge it before work is done.

Loops and calls draw steps, every character of output is charged at its real length,
strings built by operators, filters and methods draw from an allocation budget, and
arithmetic that could make huge values or run long (`'a' * 10**9`, `10**10**10`, a
division of two million-bit numbers) is refused before it runs: no integer operand or
result may pass MAX_INT_BITS, so each operation is quick and checking the clock
between operations bounds the time. The sandbox (promptreg.render.sandbox) wires these
checks into Jinja2; this module knows nothing of Jinja2, so each check can be read and
tested on its own.

The budget of the render in progress lives in a context variable: each thread (and
each asyncio task) sees its own, so renders running at the same time never share one.
"""

from __future__ import annotations

import contextvars
import operator
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from promptreg.render.measure import format_specs, int_bits, text_bound

MAX_ITERATIONS = 100_000
"""Loop iterations, items fed through iterating filters, items of containers that
methods return, and calls, per render."""
MAX_SEQUENCE = 100_000
"""Longest string or list one operator, padding, replace or format may produce."""
MAX_ALLOCATED = 10_000_000
"""Characters of strings that operators, filters and methods may build per render."""
MACRO_WEIGHT = 10
"""Steps one macro call draws: 10,000 macro calls per render at most."""
MAX_INT_BITS = 4096
"""Largest integer (about 1,233 digits) an operator may take or make."""
MAX_FORMAT_WIDTH = 1000
"""Largest width or precision of one `%` conversion."""
MAX_OUTPUT = 1_000_000
"""Characters of output per render, all messages together."""
MAX_SECONDS = 1.0
"""Processor time one render may take (its thread's), checked at every step, call,
operator and output: a loaded machine slows a render down without failing it."""
MAX_WALL_SECONDS = 10.0
"""Wall-clock time one render may take however loaded the machine is."""

_SIZED = (str, bytes, bytearray, list, tuple)


class LimitExceeded(Exception):
    """Raised inside a render when a budget runs out; becomes a TemplateError."""


class Budget:
    """What is left to spend in one render; one per render, never shared."""

    __slots__ = ("allocated", "cpu_start", "deadline", "output", "steps", "wall_limit")

    def __init__(self) -> None:
        self.steps = MAX_ITERATIONS
        self.output = MAX_OUTPUT
        self.allocated = MAX_ALLOCATED
        now = time.monotonic()
        self.deadline = now + MAX_SECONDS
        self.wall_limit = now + MAX_WALL_SECONDS
        self.cpu_start = time.thread_time()

    def check_clock(self) -> None:
        # The monotonic clock costs about 50 ns, the thread's processor time 40 times that,
        # so the second is read only once the first says MAX_SECONDS may have passed.
        if time.monotonic() > self.deadline:
            self._check_processor_time()

    def _check_processor_time(self) -> None:
        now = time.monotonic()
        used = time.thread_time() - self.cpu_start
        if used > MAX_SECONDS:
            raise LimitExceeded(f"rendering took more than {MAX_SECONDS:g} s of processor time")
        if now > self.wall_limit:
            raise LimitExceeded(f"rendering took longer than {MAX_WALL_SECONDS:g} seconds")
        self.deadline = now + max(MAX_SECONDS - used, 0.01)

    def step(self, weight: int = 1) -> None:
        self.steps -= weight
        if self.steps < 0:
            raise LimitExceeded(
                f"more than {MAX_ITERATIONS:,} loop iterations, filtered items and calls "
                "in one render"
            )
        self.check_clock()

    def emit(self, size: int) -> None:
        self.output -= size
        if self.output < 0:
            raise LimitExceeded(f"output longer than {MAX_OUTPUT:,} characters")
        self.check_clock()

    def alloc(self, size: int) -> None:
        self.allocated -= size
        if self.allocated < 0:
            raise LimitExceeded(
                f"more than {MAX_ALLOCATED:,} characters of strings built in one render"
            )
        self.check_clock()

    def charge_result(self, result: Any, *, items: bool = True) -> Any:
        """Charge what a call or operator made: strings to the allocation budget, the
        items of containers to the steps (each item costs memory as a loop would)."""
        if isinstance(result, str | bytes | bytearray):
            self.alloc(len(result))
        elif items and isinstance(result, list | tuple | dict | set | frozenset):
            self.step(len(result))
        elif int_bits(result) > MAX_INT_BITS:
            raise LimitExceeded(f"a {result.bit_length():,}-bit number, over {MAX_INT_BITS:,} bits")
        return result


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
    """Characters `str(value)` would take, at most, without building it; stops past limit."""
    return len(value) if isinstance(value, str | bytes | bytearray) else text_bound(value, limit)


def check_sequence(size: int, what: str) -> None:
    if size > MAX_SEQUENCE:
        raise LimitExceeded(f"{what} would make {size:,} items, over the limit of {MAX_SEQUENCE:,}")


def iterate(iterable: Any) -> Iterator[Any]:
    """The items of `iterable`, each drawing one step."""
    budget = current()
    for item in iterable:
        budget.step()
        yield item


def charge(size: int) -> str:
    """Charge literal text a loop or macro body is about to write; prints nothing."""
    current().emit(size)
    return ""


def concat(*parts: Any) -> str:
    """`a ~ b ~ c`, checked and charged before it is built."""
    total = sum(size_of(p, MAX_SEQUENCE + 1) for p in parts)
    check_sequence(total, "concatenation (~)")
    current().alloc(total)
    return "".join(str(p) for p in parts)


def _check_int(value: Any) -> None:
    if int_bits(value) > MAX_INT_BITS:
        raise LimitExceeded(
            f"a {value.bit_length():,}-bit number is over the {MAX_INT_BITS:,}-bit limit of "
            "arithmetic"
        )


def checked_binop(op: str, left: Any, right: Any) -> Any:
    """`left op right`, checked first: no operand or result over MAX_INT_BITS, no string
    or list over MAX_SEQUENCE, no `%` width over MAX_FORMAT_WIDTH."""
    budget = current()
    budget.check_clock()
    _check_int(left)
    _check_int(right)
    if op == "**":
        if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
            bits = left.bit_length() * right
            if bits > MAX_INT_BITS:
                raise LimitExceeded(
                    f"{left} ** {right} would be a {bits:,}-bit number, over {MAX_INT_BITS:,} bits"
                )
    elif op == "*":
        if isinstance(left, int) and isinstance(right, int):
            if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise LimitExceeded(f"multiplication result over {MAX_INT_BITS:,} bits")
        elif isinstance(right, int) and not isinstance(left, int | float):
            check_sequence(size_of(left, MAX_SEQUENCE + 1) * max(right, 0), "repetition")
        elif isinstance(left, int) and not isinstance(right, int | float):
            check_sequence(size_of(right, MAX_SEQUENCE + 1) * max(left, 0), "repetition")
    elif op == "+":
        if not isinstance(left, int | float):
            check_sequence(
                size_of(left, MAX_SEQUENCE + 1) + size_of(right, MAX_SEQUENCE + 1), "concatenation"
            )
    elif op == "%" and isinstance(left, str | bytes | bytearray):
        check_format(left, right)
    result = _BINOPS[op](left, right)
    _check_int(result)
    if isinstance(result, _SIZED):
        budget.alloc(len(result))
    return result


_BINOPS: Mapping[str, Callable[[Any, Any], Any]] = MappingProxyType(
    {
        "+": operator.add,
        "-": operator.sub,
        "*": operator.mul,
        "/": operator.truediv,
        "//": operator.floordiv,
        "%": operator.mod,
        "**": operator.pow,
    }
)
BINARY_OPERATORS = frozenset(_BINOPS)
"""Every binary operator of the template language: all of them go through checked_binop."""


def check_format(template: Any, arguments: Any) -> None:
    """Refuse a printf-style format whose result could pass MAX_SEQUENCE.

    Any conversion may print any argument (a mapping key can name each one), a float
    may print 309 digits before its precision, and a width or precision of '*' comes
    from the arguments, so it is refused.
    """
    text = template.decode("latin-1") if isinstance(template, bytes | bytearray) else str(template)
    specs = format_specs(text)
    each = size_of(arguments, MAX_SEQUENCE + 1) + 320
    total = len(text)
    for spec in specs:
        for number in (spec.width, spec.precision):
            if number is not None and (number < 0 or number > MAX_FORMAT_WIDTH):
                raise LimitExceeded(
                    f"format width {spec.text!r} is too large: widths and precisions are "
                    f"at most {MAX_FORMAT_WIDTH:,}"
                )
        total += max(spec.width or 0, spec.precision or 0) + each
        if total > MAX_SEQUENCE:
            check_sequence(total, "% formatting")
    check_sequence(total if specs else len(text), "% formatting")


def guard_join(value: Any, d: Any = "", attribute: Any = None) -> None:
    del attribute
    items: Iterable[Any] = value if isinstance(value, list | tuple) else [value]
    sized = list(items)
    total = sum(size_of(item, MAX_OUTPUT + 1) for item in sized)
    total += size_of(d) * max(len(sized) - 1, 0)
    if total > MAX_OUTPUT:
        raise LimitExceeded(f"join would make {total:,} characters, over {MAX_OUTPUT:,}")


def guard_replace(s: Any, old: Any, new: Any, count: Any = None) -> None:
    del count
    if not isinstance(s, str | bytes | bytearray):
        s, old, new = str(s), str(old), str(new)
    if isinstance(old, str | bytes | bytearray) and isinstance(new, str | bytes | bytearray):
        matches = len(s) + 1 if not old else s.count(old)
        check_sequence(len(s) + matches * max(len(new) - len(old), 0), "replace")

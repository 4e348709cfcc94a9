"""Which rules run: select, extend-select and ignore by code, prefix, name or ALL.

As in flake8's DecisionEngine, the most specific matching selector wins, so
`select: [T]` with `ignore: [T0]` and `extend_select: [T003]` runs T003 but not T001.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from promptreg.core.errors import UsageError
from promptreg.lint.catalogue import BY_NAME, REDIRECTS, RULES

if TYPE_CHECKING:
    from typing import Final


def _normalise(selector: str) -> str:
    selector = REDIRECTS.get(selector, selector)
    if selector in BY_NAME:
        return BY_NAME[selector].code
    upper = selector.upper()
    if upper == "ALL":
        return ""
    if not any(code.startswith(upper) for code in RULES):
        raise UsageError(
            f"rule selector {selector!r} matches no rule",
            hint="use ALL, a family letter (F, S, T, ...), a code prefix or a rule name; "
            "`promptreg rules` lists them",
        )
    return upper


def code_prefix(selector: str) -> str:
    """A selector (ALL, a code, a prefix or a rule name) as the code prefix it stands for."""
    return _normalise(selector)


def _specificity(code: str, selectors: Iterable[str]) -> int:
    """Length of the longest selector matching `code`, -1 when none does."""
    return max((len(s) for s in selectors if code.startswith(s)), default=-1)


class Selection:
    """The codes a run enables, resolved from selectors once.

    A plain class with slots: a lint run defines it at start-up, where a frozen
    dataclass costs a millisecond (dataclasses generates and compiles each method), and
    a named tuple would make `code in selection` a test of its one field."""

    __slots__ = ("enabled",)

    def __init__(self, enabled: frozenset[str]) -> None:
        self.enabled: Final = enabled

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Selection):
            return NotImplemented
        return other.enabled == self.enabled

    def __hash__(self) -> int:
        return hash(self.enabled)

    def __repr__(self) -> str:
        return f"Selection(enabled={self.enabled!r})"

    @classmethod
    def build(
        cls,
        select: Iterable[str] = ("ALL",),
        ignore: Iterable[str] = (),
        extend_select: Iterable[str] = (),
    ) -> Selection:
        chosen = [_normalise(s) for s in (*select, *extend_select)]
        dropped = [_normalise(s) for s in ignore]
        enabled = frozenset(
            code for code in RULES if _specificity(code, chosen) > _specificity(code, dropped)
        )
        return cls(enabled)

    def __contains__(self, code: object) -> bool:
        return code in self.enabled

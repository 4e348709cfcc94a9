"""Assertions on the answer as text: equality, substrings, prefixes, patterns, length.

Patterns come from prompt files, which come from pull requests: a pattern with a
repetition inside an unbounded repetition (`(a+)+`, `(\\w+\\s?)*`) can take exponential
time on a crafted answer, and Python's `re` has no timeout, so such patterns are
refused before anything runs, and every check reads at most MAX_GRADED_CHARS.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from promptreg.core.model import PromptSpec
from promptreg.evals.assertion import (
    MAX_GRADED_CHARS,
    Answer,
    AssertionDoc,
    AssertionType,
    GradeContext,
    Verdict,
    needs_count,
    needs_string,
    needs_strings,
    quote,
)

_WIDE = 10
"""A repetition allowing more than this many rounds counts as unbounded."""


def _nested_repetition(pattern: str) -> bool:
    # re's own parser (private, stable since 3.11) gives the pattern's tree; walking it
    # is the only way to see repetition nesting without writing a regex parser.
    parser: Any = importlib.import_module("re._parser")
    constants: Any = importlib.import_module("re._constants")
    repeats = {constants.MAX_REPEAT, constants.MIN_REPEAT, constants.POSSESSIVE_REPEAT}

    def children(op: Any, av: Any) -> list[Any]:
        if op in repeats:
            return [av[2]]
        if op is constants.SUBPATTERN:
            return [av[3]]
        if op is constants.BRANCH:
            return list(av[1])
        if op in (constants.ASSERT, constants.ASSERT_NOT):
            return [av[1]]
        if op is constants.ATOMIC_GROUP:
            return [av]
        if op is constants.GROUPREF_EXISTS:
            return [part for part in av[1:] if part is not None]
        return []

    def walk(items: Any, inside_wide: bool) -> bool:
        for op, av in items:
            wide = op in repeats and av[1] > _WIDE
            if wide and inside_wide:
                return True
            if any(walk(child, inside_wide or wide) for child in children(op, av)):
                return True
        return False

    return bool(walk(parser.parse(pattern), False))


def check_pattern(value: Any, spec: PromptSpec) -> str | None:
    problem = needs_string(value, spec)
    if problem:
        return problem
    try:
        re.compile(value)
    except re.error as exc:
        return f"is not a valid regular expression: {exc}"
    if _nested_repetition(value):
        return (
            "has a repetition inside an unbounded repetition (like `(a+)+`), which can "
            "take exponential time; rewrite it without the nesting"
        )
    return None


def _text(answer: Answer) -> str:
    return answer.text[:MAX_GRADED_CHARS]


def _equals(answer: Answer, value: Any, ctx: GradeContext) -> Verdict:
    text = _text(answer).strip()
    if text == value:
        return Verdict(True, "the answer is exactly the expected text")
    return Verdict(False, f"the answer {quote(text)} is not exactly {quote(value)}")


def _contains(fold: bool) -> Any:
    def check(answer: Answer, value: Any, ctx: GradeContext) -> Verdict:
        text = _text(answer)
        found = value.casefold() in text.casefold() if fold else value in text
        where = "(ignoring case) " if fold else ""
        if found:
            return Verdict(True, f"the answer contains {where}{quote(value)}")
        return Verdict(False, f"the answer does not contain {where}{quote(value)}: {quote(text)}")

    return check


def _contains_many(fold: bool, need_all: bool) -> Any:
    def check(answer: Answer, value: Any, ctx: GradeContext) -> Verdict:
        text = _text(answer).casefold() if fold else _text(answer)
        found = [v for v in value if (v.casefold() if fold else v) in text]
        missing = [v for v in value if v not in found]
        if need_all:
            if not missing:
                return Verdict(True, f"the answer contains all {len(value)}")
            return Verdict(False, f"missing: {', '.join(quote(v, 40) for v in missing)}")
        if found:
            return Verdict(True, f"the answer contains {quote(found[0], 40)}")
        return Verdict(False, f"the answer contains none of {len(value)}: {quote(_text(answer))}")

    return check


def _starts_with(answer: Answer, value: Any, ctx: GradeContext) -> Verdict:
    text = _text(answer)
    if text.startswith(value):
        return Verdict(True, f"the answer starts with {quote(value)}")
    return Verdict(False, f"the answer starts {quote(text[: len(value) + 20])}, not {quote(value)}")


def _regex(answer: Answer, value: Any, ctx: GradeContext) -> Verdict:
    match = re.search(value, _text(answer))
    if match:
        return Verdict(True, f"matched {quote(match.group(0), 60)}")
    return Verdict(False, f"no match for /{value}/ in {quote(_text(answer))}")


def _max_length(answer: Answer, value: Any, ctx: GradeContext) -> Verdict:
    length = len(answer.text)
    return Verdict(length <= value, f"{length:,} characters, limit {value:,}")


def _doc(passes_when: str, value: str, example: str) -> AssertionDoc:
    return AssertionDoc(passes_when, value, example)


TYPES: tuple[AssertionType, ...] = (
    AssertionType(
        "equals",
        "text",
        "The answer is exactly the value.",
        _doc(
            "the answer, without leading and trailing white space, equals the value "
            "character for character",
            "a string",
            "{type: equals, value: refund}",
        ),
        needs_string,
        _equals,
    ),
    AssertionType(
        "contains",
        "text",
        "The answer contains the value.",
        _doc("the value occurs in the answer", "a string", '{type: contains, value: "1234"}'),
        needs_string,
        _contains(fold=False),
    ),
    AssertionType(
        "icontains",
        "text",
        "The answer contains the value, ignoring case.",
        _doc(
            "the value occurs in the answer when both are case-folded",
            "a string",
            "{type: icontains, value: not stated}",
        ),
        needs_string,
        _contains(fold=True),
    ),
    AssertionType(
        "contains-any",
        "text",
        "The answer contains at least one of the values.",
        _doc(
            "one of the strings occurs in the answer",
            "a list of strings",
            "{type: contains-any, value: [refund, credit]}",
        ),
        needs_strings,
        _contains_many(fold=False, need_all=False),
    ),
    AssertionType(
        "contains-all",
        "text",
        "The answer contains every one of the values.",
        _doc(
            "every string occurs in the answer",
            "a list of strings",
            '{type: contains-all, value: ["09:14", "09:52"]}',
        ),
        needs_strings,
        _contains_many(fold=False, need_all=True),
    ),
    AssertionType(
        "icontains-any",
        "text",
        "The answer contains at least one of the values, ignoring case.",
        _doc(
            "one of the strings occurs in the answer, case-folded",
            "a list of strings",
            "{type: icontains-any, value: [not stated, unknown]}",
        ),
        needs_strings,
        _contains_many(fold=True, need_all=False),
    ),
    AssertionType(
        "icontains-all",
        "text",
        "The answer contains every one of the values, ignoring case.",
        _doc(
            "every string occurs in the answer, case-folded",
            "a list of strings",
            "{type: icontains-all, value: [decisions, open questions]}",
        ),
        needs_strings,
        _contains_many(fold=True, need_all=True),
    ),
    AssertionType(
        "starts-with",
        "text",
        "The answer starts with the value.",
        _doc(
            "the answer's first characters are the value (white space counts)",
            "a string",
            "{type: starts-with, value: 'fix:'}",
        ),
        needs_string,
        _starts_with,
    ),
    AssertionType(
        "regex",
        "text",
        "A regular expression matches somewhere in the answer.",
        _doc(
            "Python's `re.search` finds the pattern in the answer; flags go inline "
            "(`(?i)`, `(?s)`). Patterns that nest unbounded repetitions are refused",
            "a string (a regular expression)",
            """{type: regex, value: '"intent":\\s*"refund"'}""",
        ),
        check_pattern,
        _regex,
    ),
    AssertionType(
        "max-length",
        "text",
        "The answer has at most this many characters.",
        _doc(
            "the answer's length in characters is at most the value",
            "an integer",
            "{type: max-length, value: 4000}",
        ),
        needs_count,
        _max_length,
        negatable=False,
    ),
)

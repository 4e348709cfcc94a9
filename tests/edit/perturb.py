"""Small edits that knock a canonical prompt file out of shape, or only seem to: the
material the canonical-form checker is tested on against fmt itself."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

TRICKY_SCALARS = (
    "Note:",
    "~",
    "null",
    "Null",
    "yes",
    "No",
    "on",
    "0.20",
    "1.0",
    "1e3",
    ".5",
    "007",
    "+1",
    "-3",
    "0x1F",
    "0o7",
    "2026-10-1",
    "2026-10-01",
    "2026-10-01T10:00:00",
    "1.2.3-rc.1",
    "'it''s'",
    "'quoted'",
    '"a b"',
    '"a\\tb"',
    '"\\u00e9"',
    '"é"',
    "''",
    '""',
    "[a,b]",
    "[a, b]",
    "[ a, b ]",
    "{a: 1}",
    "{ a: 1 }",
    "{b: 1, a: 2}",
    "[]",
    "{}",
    "-foo",
    "@x",
    "%x",
    "!x",
    "&a x",
    "*a",
    "|",
    ">",
    "|-",
    "a #b",
    "a# b",
    "true",
    "True",
    "FALSE",
    ".inf",
    ".nan",
    "=",
    "<<",
    "1_000",
    "12:30",
    "http://x.y/z",
    "a\u00a0b",
    "<x>",
    "$x",
    "^x",
    "(x)",
    "/x",
    "sha256:abc",
    "x  y",
    "'  padded '",
)

Edit = Callable[[list[str], random.Random], None]


def _pick(lines: list[str], rng: random.Random, *, non_empty: bool = True) -> int | None:
    choices = [i for i, line in enumerate(lines) if line.strip() or not non_empty]
    return rng.choice(choices) if choices else None


def indent(lines: list[str], rng: random.Random) -> None:
    i = _pick(lines, rng)
    if i is not None:
        shift = rng.choice((-2, -1, 1, 2))
        lines[i] = " " * shift + lines[i] if shift > 0 else lines[i][-shift:]


def blank(lines: list[str], rng: random.Random) -> None:
    lines.insert(rng.randrange(len(lines) + 1), rng.choice(("", "", " ", "  ")))


def trailing_space(lines: list[str], rng: random.Random) -> None:
    i = _pick(lines, rng)
    if i is not None:
        lines[i] += rng.choice((" ", "  ", "\t"))


def swap(lines: list[str], rng: random.Random) -> None:
    if len(lines) > 1:
        i = rng.randrange(len(lines) - 1)
        lines[i], lines[i + 1] = lines[i + 1], lines[i]


def comment(lines: list[str], rng: random.Random) -> None:
    text = " " * rng.randrange(0, 9) + rng.choice(("# note", "#x", "# a: b", "#"))
    lines.insert(rng.randrange(len(lines) + 1), text)


def eol_comment(lines: list[str], rng: random.Random) -> None:
    i = _pick(lines, rng)
    if i is not None:
        lines[i] += rng.choice((" # c", "  # c", "# c", " #", "   # c: d"))


def spacing(lines: list[str], rng: random.Random) -> None:
    i = _pick(lines, rng)
    if i is not None:
        old, new = rng.choice(((": ", ":  "), ("- ", "-  "), (", ", ","), ("{", "{ "), ("]", " ]")))
        lines[i] = lines[i].replace(old, new, 1)


def replace_value(lines: list[str], rng: random.Random) -> None:
    candidates = [i for i, line in enumerate(lines) if re.match(r"\s*(- )?[\w-]+: \S", line)]
    if candidates:
        i = rng.choice(candidates)
        head = lines[i][: lines[i].index(": ") + 2]
        lines[i] = head + rng.choice(TRICKY_SCALARS)


def replace_item(lines: list[str], rng: random.Random) -> None:
    candidates = [i for i, line in enumerate(lines) if re.match(r"\s*- ", line)]
    if candidates:
        i = rng.choice(candidates)
        head = lines[i][: lines[i].index("- ") + 2]
        lines[i] = head + rng.choice(TRICKY_SCALARS)


def delete(lines: list[str], rng: random.Random) -> None:
    i = _pick(lines, rng, non_empty=False)
    if i is not None and len(lines) > 1:
        del lines[i]


def block_header(lines: list[str], rng: random.Random) -> None:
    candidates = [i for i, line in enumerate(lines) if re.search(r"[|>]-?$", line)]
    if candidates:
        i = rng.choice(candidates)
        stem = lines[i].rstrip("-").rstrip("|>")
        lines[i] = stem + rng.choice(("|", "|-", "|+", ">", ">-", ">+", "|2", "| # c"))


def join(lines: list[str], rng: random.Random) -> None:
    if len(lines) > 1:
        i = rng.randrange(len(lines) - 1)
        lines[i : i + 2] = [lines[i] + rng.choice(("", " ")) + lines[i + 1].lstrip()]


def split(lines: list[str], rng: random.Random) -> None:
    i = _pick(lines, rng)
    if i is not None and " " in lines[i].strip():
        line = lines[i]
        at = line.rindex(" ")
        lines[i : i + 1] = [line[:at], " " * (len(line) - len(line.lstrip()) + 2) + line[at + 1 :]]


def carriage_return(lines: list[str], rng: random.Random) -> None:
    i = _pick(lines, rng, non_empty=False)
    if i is not None:
        lines[i] += "\r"


def marker(lines: list[str], rng: random.Random) -> None:
    if rng.random() < 0.5:
        lines.insert(0, rng.choice(("---", "%YAML 1.2\n---", "--- # doc")))
    else:
        lines.append(rng.choice(("...", "---")))


def nest(lines: list[str], rng: random.Random) -> None:
    candidates = [i for i, line in enumerate(lines) if re.match(r"\s*[\w-]+: \S", line)]
    if candidates:
        i = rng.choice(candidates)
        pad = " " * (len(lines[i]) - len(lines[i].lstrip()))
        key = lines[i].strip().split(":")[0]
        lines[i : i + 1] = [f"{pad}{key}:", f"{pad}  - a", f"{pad}  - {{x: 1}}"]


EDITS: tuple[Edit, ...] = (
    indent,
    blank,
    trailing_space,
    swap,
    comment,
    eol_comment,
    spacing,
    replace_value,
    replace_item,
    delete,
    block_header,
    join,
    split,
    marker,
    nest,
    carriage_return,
)


def perturb(text: str, rng: random.Random, count: int) -> str:
    """`text` after `count` random edits; now and then with CRLF or an odd file end."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for _ in range(count):
        rng.choice(EDITS)(lines, rng)
    result = "\n".join(lines) + rng.choice(("\n", "\n", "\n", "", "\n\n"))
    if rng.random() < 0.05:
        result = result.replace("\n", "\r\n")
    return result

"""Prompt data to a prompt file in the registry's canonical layout: for importers, and
anyone who builds a prompt from data rather than writing it by hand.

The data becomes a ruamel.yaml tree in the registry's styles, and then goes through
fmt.format_text, the code `promptreg fmt` runs, with all of its checks. The result is
checked once more before it is returned: it loads, with the fast loader every reader
uses, to exactly the data given, and `fmt --check` finds nothing to change in it. Data
that cannot be written that way raises EmitError; nothing is ever written silently
different.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from promptreg.core.errors import PromptregError
from promptreg.core.location import Location, Span
from promptreg.core.yamlio import MAX_DEPTH, MAX_FILE_BYTES, read_document, resolve_plain
from promptreg.edit.fmt import FormatError, comparable, format_text
from promptreg.edit.layout import SEQUENCE_INDENT, SEQUENCE_OFFSET
from promptreg.edit.roundtrip import (
    dump,
    field_scalar,
    new_mapping,
    new_sequence,
    round_trip_yaml,
)

FLOW_WIDTH = 88
"""The widest line a flow collection (`[a, b]`, `{type: x, value: y}`) may make."""

BLOCK_MAPPING_DEPTH = 2
"""Mappings this near the top (model, handoff, a variable, a message) are written one
key per line, as people read them; deeper ones that fit on a line are flow."""

_PRINTABLE = "\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
"""What YAML holds as written: no control characters, no line breaks but \\n (the
others would come back as \\n), no byte-order mark (which editors hide)."""

_NOT_PRINTABLE = re.compile(f"[^{_PRINTABLE}]")
_BLOCK_SAFE = re.compile(f"[\n{_PRINTABLE}]*\\Z")

_FLOW_INDICATOR = re.compile(r"[,\[\]{}#&*!|>'\"%@`]|: |^[-?:]")
"""What makes a string need quotes inside a flow collection (roughly: for widths only)."""

_INT64 = range(-(2**63), 2**63)


class EmitError(PromptregError):
    """The data cannot be written as a prompt file that loads back as the same data."""


def emit_prompt(
    data: Mapping[str, Any],
    *,
    modeline: str | None,
    notes: Sequence[str] = (),
    path: Path | None = None,
) -> str:
    """The text of a prompt file holding `data`, in canonical key order and layout.

    `modeline` (schema_modeline's line, or None) comes first, then each of `notes` as
    comment lines: what an importer could not carry over, say. A note may hold several
    lines; characters YAML cannot hold in a comment are written as escapes. Multi-line
    strings become `|` block scalars. `path` only names the file in errors.
    """
    where = path or Path("<prompt>")
    plain = _plain(data, (), 0)
    if not isinstance(plain, dict):
        raise EmitError("a prompt is a mapping of keys to values", location=_at(where))
    header = [] if modeline is None else [_modeline(modeline, where)]
    header += [_comment(line) for note in notes for line in (note.splitlines() or [""])]
    rt = round_trip_yaml(sequence=SEQUENCE_INDENT, offset=SEQUENCE_OFFSET)
    text = "".join(line + "\n" for line in header) + dump(rt, _node(plain, "", 0))
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise EmitError(
            f"the prompt would be {size:,} bytes, over the limit of a prompt file "
            f"({MAX_FILE_BYTES:,} bytes)",
            location=_at(where),
            hint="move large data (long eval inputs, big schemas) out of the prompt",
        )
    try:
        text = format_text(text, path=where)
    except FormatError as exc:
        raise EmitError(exc.message, location=exc.location, hint=exc.hint) from None
    document = read_document(where, text.encode("utf-8"))
    if document.problems or comparable(document.value) != comparable(plain):
        problem = document.problems[0].message if document.problems else "different data"
        raise EmitError(
            f"the prompt would not load back as the data given ({problem})",
            location=_at(where),
            hint="this is a bug in promptreg; please report it with the data",
        )
    return text


def _plain(value: Any, where: tuple[str | int, ...], depth: int) -> Any:
    """`value` as the plain data the loader gives back; EmitError for what it cannot."""
    if depth > MAX_DEPTH:
        raise EmitError(f"{_dotted(where)}: nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, Mapping):
        pairs = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise EmitError(f"{_dotted((*where, repr(key)))}: keys must be strings")
            pairs[key] = _plain(item, (*where, key), depth + 1)
        return pairs
    if isinstance(value, list | tuple):
        return [_plain(item, (*where, index), depth + 1) for index, item in enumerate(value)]
    if isinstance(value, str):
        if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            raise EmitError(f"{_dotted(where)}: a string holds a lone surrogate, not text")
        return value
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if value not in _INT64:
            raise EmitError(f"{_dotted(where)}: {value} does not fit in 64 bits")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise EmitError(f"{_dotted(where)}: {value} is not a number JSON can hold")
        return value
    raise EmitError(
        f"{_dotted(where)}: a {type(value).__name__} is not prompt data",
        hint="prompt data is what JSON holds: mappings, lists, strings, numbers, "
        "true/false and null",
    )


def _node(value: Any, key: str, depth: int) -> Any:
    """The ruamel node for a plain value, in the registry's styles."""
    if isinstance(value, dict):
        items = ((_key(k), _node(v, k, depth + 1)) for k, v in value.items())
        return new_mapping(items, flow=_flow(value, key, depth))
    if isinstance(value, list):
        nodes = (_node(item, key, depth + 1) for item in value)
        return new_sequence(nodes, flow=_flow(value, key, depth))
    if isinstance(value, str):
        return _string(value, key)
    if isinstance(value, float):
        return _float(value)
    return value


def _float(value: float) -> Any:
    """`value` in a form ruamel's round trip writes back unchanged.

    ruamel re-emits a float it read in exponent form by truncating its digits, so
    4.525632373428945e+16 would come back as ...944e+16, another number. Such a float
    is written positionally instead, with the fewest decimals that still read back as
    `value`; ruamel re-emits those decimals as they were.
    """
    from ruamel.yaml.scalarfloat import ScalarFloat

    rt = round_trip_yaml(sequence=SEQUENCE_INDENT, offset=SEQUENCE_OFFSET)
    written = dump(rt, [value])
    if dump(rt, rt.load(written)) == written:
        return value
    decimals = 1
    while float(f"{value:.{decimals}f}") != value:  # at most ~1100 for the smallest floats
        decimals += 1
    text = f"{value:.{decimals}f}"
    sign = "-" if text.startswith("-") else False
    return ScalarFloat(value, width=len(text), prec=text.find("."), m_sign=sign)


def _key(key: str) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(key) if _needs_escapes(key) or "\n" in key else key


def _needs_escapes(value: str) -> bool:
    """Control characters, and breaks other than \\n: ruamel writes \\x85 and \\u2028 as
    line breaks, which a YAML 1.1 reader (libyaml) folds. Escapes keep them."""
    return _BLOCK_SAFE.match(value) is None


def _string(value: str, key: str) -> Any:
    from ruamel.yaml.scalarstring import (
        DoubleQuotedScalarString,
        LiteralScalarString,
        SingleQuotedScalarString,
    )

    if _needs_escapes(value):
        return DoubleQuotedScalarString(value)
    if _block(value):
        return LiteralScalarString(value)
    if value and isinstance(resolve_plain(value), str):
        return field_scalar(key, value)
    # "1.0", "true", "null", "": written plain they would be read as another type.
    return SingleQuotedScalarString(value)


def _block(value: str) -> bool:
    """A string written as a `|` block scalar: several lines, each as it was.

    Not one that ends in blank lines (keeping them, `|+`, at the end of a file is
    fragile) or has a line starting with a tab: those are written quoted instead.
    """
    if "\n" not in value or value.strip() == "" or value.endswith("\n\n"):
        return False
    # A tab where the indentation ends is read as bad indentation, not as text.
    return not any(line.lstrip(" ").startswith("\t") for line in value.split("\n"))


def _flow(value: dict[str, Any] | list[Any], key: str, depth: int) -> bool:
    """Flow style (`[a, b]`, `{k: v}`) for a short collection of one-line scalars."""
    if not value:
        return True
    items = value.values() if isinstance(value, dict) else value
    if any(isinstance(i, dict | list) or (isinstance(i, str) and _block(i)) for i in items):
        return False
    strings = [*value, *items] if isinstance(value, dict) else items
    if any(isinstance(s, str) and s[:1] in ("?", ":") for s in strings):
        return False  # ruamel writes `:a` plain, which a YAML 1.1 reader refuses in [...]
    if isinstance(value, dict) and depth <= BLOCK_MAPPING_DEPTH:
        return False
    return 2 * depth + len(key) + 2 + _flow_width(value) <= FLOW_WIDTH


def _flow_width(value: dict[str, Any] | list[Any]) -> int:
    """About how wide `value` is in flow style (indentation aside)."""
    if isinstance(value, dict):
        widths = [_scalar_width(k) + 2 + _scalar_width(v) for k, v in value.items()]
    else:
        widths = [_scalar_width(item) for item in value]
    return 2 + sum(widths) + 2 * (len(widths) - 1)


def _scalar_width(value: Any) -> int:
    if not isinstance(value, str):
        return len(json.dumps(value))
    plain = value and value == value.strip() and isinstance(resolve_plain(value), str)
    if plain and not _FLOW_INDICATOR.search(value):
        return len(value)
    return len(json.dumps(value, ensure_ascii=False))  # quoted, escapes and all


def _modeline(modeline: str, path: Path) -> str:
    if not modeline.startswith("#") or len(modeline.splitlines()) != 1:
        raise EmitError(
            f"the modeline must be one comment line, not {modeline!r}",
            location=_at(path),
            hint="core.schema.schema_modeline(path, root) gives the line for a file",
        )
    return _printable(modeline).rstrip()


def _comment(line: str) -> str:
    text = _printable(line).rstrip()
    return f"# {text}" if text else "#"


def _printable(text: str) -> str:
    return _NOT_PRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


def _dotted(where: tuple[str | int, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where).lstrip(".") or (
        "the data"
    )


def _at(path: Path) -> Location:
    return Location(path, Span.at(1, 1))

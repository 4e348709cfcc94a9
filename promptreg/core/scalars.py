"""Plain YAML scalars resolved by the YAML 1.2 core schema: text in, a JSON value out.

Kept apart from the loader (core/yamlio.py) because the formatter and the prompt emitter
ask the same question of text that never went through PyYAML: would this word, written
plain, still read back as itself?
"""

from __future__ import annotations

import math
import re

# typing costs ~15 ms to import and the SDK path needs it only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# YAML 1.2 core schema, which is also what ruamel.yaml's round-trip mode uses, so the
# formatter never changes what a value means. YAML 1.1's yes/no/on/off and its
# timestamps stay strings. So do .inf and .nan: prompt files are JSON documents written
# as YAML, and JSON has no such numbers (they would also poison the content hash).
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUES = frozenset(("true", "True", "TRUE"))
_FALSES = frozenset(("false", "False", "FALSE"))
_INT_RE = re.compile(r"[-+]?[0-9]+\Z")
_OCT_RE = re.compile(r"0o[0-7]+\Z")
_HEX_RE = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_NUMERIC_START = frozenset("0123456789+-.")


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted) scalar under the YAML 1.2 core schema."""
    if text in _NULLS:
        return None
    first = text[0]
    if first in "tTfF":
        if text in _TRUES:
            return True
        if text in _FALSES:
            return False
        return text
    if first not in _NUMERIC_START:
        return text
    number: int | float
    if _INT_RE.match(text) and len(text) <= 20:
        number = int(text)
    elif _FLOAT_RE.match(text):
        number = float(text)
        if not math.isfinite(number):  # 1e999: JSON has no infinity
            return text
        return number
    elif _OCT_RE.match(text) and len(text) <= 24:
        number = int(text[2:], 8)
    elif _HEX_RE.match(text) and len(text) <= 18:
        number = int(text[2:], 16)
    else:
        return text
    # Integers are 64-bit, as in most JSON readers; a longer one stays a string (and
    # then fails its schema type) rather than breaking hashing or messages downstream.
    return number if -(2**63) <= number < 2**63 else text

"""The bundle's bytes: one JSON document in a fixed layout, written and read here only.

A production service opens a bundle of thousands of prompts at start-up and serves a
handful; parsing every prompt would cost most of the start-up budget and most of the
memory. So the document is laid out in lines that a reader can split without parsing:

    {"format":"promptreg-bundle","schema_version":1,"digest":"sha256:…","source":{…},
    "index":[["support/triage","1.2.0",0,2710,"sha256:…"],…],
    "prompts":[
    {…one prompt version…},
    …
    ]}

Line 1 is the header; line 2 the index, one row per prompt version: id, version, where
its entry starts (counted from the first byte after line 3), its length, and the sha256
of its bytes; then one entry a line. `digest` is the sha256 of the index's JSON text, so
it covers every entry through their hashes: the reader checks it at open and each
entry's hash before using the entry. Any JSON tool reads the file whole
(schemas/bundle.schema.json describes it), and the same tree always gives the same bytes:
keys sorted within entries, rows in id and version order, nothing that depends on when or
where it was built.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from promptreg.core.errors import PromptregError

# typing costs ~15 ms to import and the SDK path needs it only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FORMAT = "promptreg-bundle"
SCHEMA_VERSION = 1
KNOWN_SCHEMA_VERSIONS = frozenset({1})
SIGNATURE_NAMESPACE = "promptreg-bundle"
"""The `ssh-keygen -Y sign -n` namespace: a signature made for git commits (or anything
else) never passes for a bundle's."""

_PREFIX = b'{"format":"promptreg-bundle","schema_version":'
_INDEX = b'"index":'
_PROMPTS = b'"prompts":[\n'
_END = b"]}\n"
_VERSION_RE = re.compile(rb"(\d{1,9})[,}]")


class BundleError(PromptregError):
    """A bundle that cannot be served: unreadable, changed, unsigned, or not a bundle."""


@dataclass(frozen=True, slots=True)
class Row:
    """One prompt version's place in the bundle."""

    id: str
    version: str
    start: int
    length: int
    sha256: str


def sha256_of(data: bytes) -> str:
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


def _compact(value: Any, *, sort: bool) -> bytes:
    return json.dumps(value, sort_keys=sort, separators=(",", ":"), ensure_ascii=False).encode()


def encode(source: Mapping[str, Any], entries: Sequence[Mapping[str, Any]]) -> bytes:
    """The bundle's bytes for `entries` (each with `id` and `version`), in the given order."""
    lines = [_compact(entry, sort=True) for entry in entries]
    rows: list[list[Any]] = []
    offset = 0
    for entry, line in zip(entries, lines, strict=True):
        rows.append([entry["id"], entry["version"], offset, len(line), sha256_of(line)])
        offset += len(line) + 2
    index = _compact(rows, sort=False)
    header = _compact(
        {
            "format": FORMAT,
            "schema_version": SCHEMA_VERSION,
            "digest": sha256_of(index),
            "source": dict(source),
        },
        sort=False,
    )
    body = b",\n".join(lines) + (b"\n" if lines else b"")
    return b"".join((header[:-1], b",\n", _INDEX, index, b",\n", _PROMPTS, body, _END))


@dataclass(frozen=True, slots=True)
class Layout:
    header: Mapping[str, Any]
    rows: tuple[Row, ...]
    base: int
    """Where the first entry starts."""


def decode(raw: bytes, name: str) -> Layout:
    """The header and index of a bundle's bytes; BundleError naming `name` and the reason.

    Nothing here trusts the input: every offset is checked against the file's size, and
    a file whose layout was changed (pretty-printed, hand-edited) is refused rather than
    half-read.
    """
    if not raw.startswith(_PREFIX):
        raise BundleError(
            f"{name} is not a promptreg bundle (it does not start with the bundle header)",
            hint="build one with `promptreg build -o FILE`",
        )
    found = _VERSION_RE.match(raw, len(_PREFIX))
    version = int(found.group(1)) if found else -1
    if version not in KNOWN_SCHEMA_VERSIONS:
        known = ", ".join(str(v) for v in sorted(KNOWN_SCHEMA_VERSIONS))
        raise BundleError(
            f"{name} has bundle schema version {version if version >= 0 else 'unreadable'}, "
            f"which this promptreg does not know (it reads {known})",
            hint="serve it with the promptreg version that built it, or rebuild the bundle "
            "with this one",
        )
    first = raw.find(b"\n")
    second = raw.find(b"\n", first + 1)
    third = raw.find(b"\n", second + 1)
    if (
        min(first, second, third) < 0
        or raw[first - 1 : first] != b","
        or not raw.startswith(_INDEX, first + 1)
        or raw[second - 1 : second] != b","
        or raw[second + 1 : third + 1] != _PROMPTS
        or not raw.endswith(_END)
    ):
        raise _changed(name, "its layout is not the one `promptreg build` writes")
    try:
        header = json.loads(raw[: first - 1] + b"}")
        index_text = raw[first + 1 + len(_INDEX) : second - 1]
        rows_value = json.loads(index_text)
    except ValueError as exc:
        raise _changed(name, f"its header is not valid JSON ({exc})") from None
    if not isinstance(header, dict) or header.get("digest") != sha256_of(index_text):
        raise _changed(name, "its index does not match the digest in its header")
    base = third + 1
    limit = len(raw) - len(_END)
    rows = tuple(_row(value, base, limit, name) for value in _listed(rows_value, name))
    return Layout(header, rows, base)


def _listed(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise _changed(name, "its index is not a list")
    return value


def _row(value: Any, base: int, limit: int, name: str) -> Row:
    if (
        isinstance(value, list)
        and len(value) == 5
        and all(isinstance(v, str) for v in (value[0], value[1], value[4]))
        and all(type(v) is int and v >= 0 for v in (value[2], value[3]))
        and base + value[2] + value[3] <= limit
    ):
        return Row(value[0], value[1], value[2], value[3], value[4])
    raise _changed(name, f"its index has a malformed row: {str(value)[:80]}")


def entry(raw: bytes, layout: Layout, row: Row, name: str) -> dict[str, Any]:
    """One prompt version's entry, checked against its hash in the index."""
    start = layout.base + row.start
    data = raw[start : start + row.length]
    if sha256_of(data) != row.sha256:
        raise _changed(name, f"the entry of {row.id} {row.version} does not match its hash")
    try:
        value = json.loads(data)
    except ValueError:
        value = None
    if (
        not isinstance(value, dict)
        or value.get("id") != row.id
        or value.get("version") != row.version
    ):
        raise _changed(name, f"the entry of {row.id} {row.version} is not that prompt version")
    return value


def _changed(name: str, reason: str) -> BundleError:
    return BundleError(
        f"{name} cannot be served: {reason}; it was changed after `promptreg build` wrote it",
        hint="rebuild it with `promptreg build`, and sign it (--sign) so a change is caught "
        "before anything is read",
    )

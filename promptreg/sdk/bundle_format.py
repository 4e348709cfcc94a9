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


Row = tuple[int, int, str]
"""One prompt version's place in the bundle: where its entry starts (counted from the
first entry), its length, and the sha256 of its bytes."""


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
    rows: Mapping[str, Mapping[str, Row]]
    """By prompt id, then version, in the bundle's order (highest version first)."""
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
        header = loads(raw[: first - 1] + b"}")
        index_text = raw[first + 1 + len(_INDEX) : second - 1]
        rows_value = loads(index_text)
    except (ValueError, RecursionError) as exc:
        raise _changed(name, f"its header is not valid JSON ({str(exc)[:120]})") from None
    if not isinstance(header, dict) or header.get("digest") != sha256_of(index_text):
        raise _changed(name, "its index does not match the digest in its header")
    base = third + 1
    return Layout(header, _rows(rows_value, len(raw) - len(_END) - base, name), base)


def _rows(value: Any, limit: int, name: str) -> dict[str, dict[str, Row]]:
    """The index by id and version, every row checked: one loop, no objects per row,
    since a bundle of 10,000 prompts is opened on every service start."""
    if not isinstance(value, list):
        raise _changed(name, "its index is not a list")
    rows: dict[str, dict[str, Row]] = {}
    for row in value:
        try:
            prompt_id, version, start, length, digest = row
        except (TypeError, ValueError):
            raise _changed(name, f"its index has a malformed row: {str(row)[:80]}") from None
        if (
            type(prompt_id) is not str
            or type(version) is not str
            or type(start) is not int
            or type(length) is not int
            or type(digest) is not str
            or start < 0
            or length < 0
            or start + length > limit
        ):
            raise _changed(name, f"its index has a malformed row: {str(row)[:80]}")
        rows.setdefault(prompt_id, {})[version] = (start, length, digest)
    return rows


def entry(raw: bytes, layout: Layout, prompt_id: str, version: str, name: str) -> dict[str, Any]:
    """One prompt version's entry, checked against its hash in the index."""
    offset, length, digest = layout.rows[prompt_id][version]
    start = layout.base + offset
    data = raw[start : start + length]
    what = f"the entry of {prompt_id} {version}"
    if sha256_of(data) != digest:
        raise _changed(name, f"{what} does not match its hash")
    try:
        value = loads(data)
    except (ValueError, RecursionError) as exc:
        raise _changed(name, f"{what} is not valid JSON ({str(exc)[:120]})") from None
    if (
        not isinstance(value, dict)
        or value.get("id") != prompt_id
        or value.get("version") != version
    ):
        raise _changed(name, f"{what} is not that prompt version")
    return value


class DuplicateKeyError(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKeyError(f"the key {key[:80]!r} appears twice in one object")
            seen.add(key)
    return found


def loads(data: bytes) -> Any:
    """JSON as the bundle holds it, refusing an object with a key twice: JSON tools
    disagree on which one counts, so a reviewer's tool could read another prompt than
    the service does. ValueError (or RecursionError, nested too deep) otherwise."""
    return json.loads(data, object_pairs_hook=_unique_keys)


def _changed(name: str, reason: str) -> BundleError:
    return BundleError(
        f"{name} cannot be served: {reason}; it was changed after `promptreg build` wrote it",
        hint="rebuild it with `promptreg build`, and sign it (--sign) so a change is caught "
        "before anything is read",
    )

"""A prompt whose schema problems lie in some keys still has others worth checking.

One wrong-case tag used to hide every other finding: the linter had no PromptSpec, so
only S001 was reported, and fixing it revealed six more. Here the keys that fail the
schema are set aside (optional ones dropped, required ones given a neutral stand-in) so
the model can be built; the linter then runs only the rule families that read none of
those keys. The content hash is the file's own, so approval and version rules see the
real content.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from promptreg.core.document import Document
from promptreg.core.hashing import content_hash
from promptreg.core.model import PromptSpec, build_spec
from promptreg.core.schema import PROMPT_SCHEMA, failing_keys

_STAND_INS: dict[str, Any] = {
    "id": "invalid/invalid",
    "version": "0.0.0",
    "title": "",
    "description": "",
    "owner": "",
    "tier": 1,
    "status": "draft",
    "model": {"name": ""},
    "messages": [],
}
"""Values for required keys that failed the schema; no rule that runs reads them."""


def partial_spec(document: Document) -> tuple[PromptSpec, frozenset[str]] | None:
    """The spec with the failing keys set aside, and those keys; None when the document
    as a whole is wrong."""
    bad = failing_keys(document, PROMPT_SCHEMA)
    if bad is None or not isinstance(document.value, dict):
        return None
    data = _without(document.value, bad)
    try:
        spec = build_spec(data, document)
        original = content_hash(document.value)
    except (KeyError, TypeError, ValueError, AttributeError):  # shapes the schema missed
        return None
    return replace(spec, content_hash=original), bad


def _without(value: dict[str, Any], bad: Iterable[str]) -> dict[str, Any]:
    data = dict(value)
    for key in bad:
        if key in _STAND_INS:
            data[key] = _STAND_INS[key]
        else:
            data.pop(key, None)
    return data

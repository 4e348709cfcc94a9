"""The content hash: what an approval signs.

Only the parts that change what the model is asked (id, version, model, variables,
messages, output) are hashed; metadata edits leave approvals standing. The exact
recipe, with a worked example, is in docs/format.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

# typing costs ~15 ms to import and the SDK path needs it only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

HASHED_KEYS = ("id", "version", "model", "variables", "messages", "output")


def canonical_json(value: Any) -> str:
    """JSON with sorted keys, no insignificant white space, non-ASCII kept as UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(data: Mapping[str, Any]) -> str:
    """`sha256:<hex>` of the canonical JSON of the hashed keys present in `data`."""
    subset = {key: data[key] for key in HASHED_KEYS if key in data}
    digest = hashlib.sha256(canonical_json(subset).encode("utf-8")).hexdigest()
    return f"sha256:{digest}"

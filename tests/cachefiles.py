"""Reading and writing sealed cache files in tests, as this machine's promptreg would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from promptreg.core.cachefile import seal_text, unseal_text


def read_cache(path: Path) -> Any:
    body = unseal_text(path.name, path.read_text(encoding="utf-8"))
    assert body is not None, f"{path} is not sealed with this machine's key"
    return json.loads(body)


def write_cache(path: Path, value: Any) -> None:
    sealed = seal_text(path.name, json.dumps(value))
    assert sealed is not None
    path.write_text(sealed, encoding="utf-8")

"""Remapping keys: a YAML file maps binding ids to keys, e.g. `browser.filter: f`.

Every binding has an id (`?` lists them), so a person who needs another key for one
changes one line and never patches code. The file is read with the hardened loader and
a mistake in it is a ConfigError naming the file and the place.
"""

from __future__ import annotations

import os
from pathlib import Path

from promptreg.core.errors import ConfigError
from promptreg.core.location import Location
from promptreg.core.yamlio import read_document

ENV = "PROMPTREG_TUI_KEYS"


def keymap_path() -> Path:
    """$PROMPTREG_TUI_KEYS, else $XDG_CONFIG_HOME/promptreg/keys.yaml (~/.config/...)."""
    named = os.environ.get(ENV)
    if named:
        return Path(named)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "promptreg" / "keys.yaml"


def load_keymap(path: Path | None = None) -> dict[str, str]:
    """Binding id → key(s); empty when the file does not exist."""
    path = path or keymap_path()
    if not path.is_file():
        return {}
    document = read_document(path)
    if document.problems:
        problem = document.problems[0]
        raise ConfigError(problem.message, location=problem.location)
    value = document.value
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in value.items()
    ):
        raise ConfigError(
            "the keymap must map binding ids to keys, e.g. `browser.filter: f`",
            location=Location(path, document.span(())),
            hint="press ? in the app to see every binding id",
        )
    return dict(value)

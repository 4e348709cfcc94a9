"""The names every layer agrees on, and finding promptreg.yaml, in a module that
imports next to nothing: the cached lint answer (promptreg.lint.quick) and the walkers
start here without loading the schema, the YAML parser or the model."""

from __future__ import annotations

from pathlib import Path

from promptreg.core.errors import ConfigError

CONFIG_NAME = "promptreg.yaml"
PROMPT_SUFFIX = ".prompt.yaml"


def find_config(start: Path | None = None) -> Path:
    """The nearest promptreg.yaml at or above `start` (default: the working directory)."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / CONFIG_NAME
        if candidate.is_file():
            return candidate
    raise ConfigError(
        f"no {CONFIG_NAME} found in {here} or any parent directory",
        hint="run `promptreg init` to create one, or pass --config PATH",
    )

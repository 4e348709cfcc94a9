"""What a check sees about one file: its spec, its document, and the settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from promptreg.config import Settings
from promptreg.lint.finding import Hit
from promptreg.model import PromptSpec
from promptreg.yamlio import Document, PathKey

if TYPE_CHECKING:
    from promptreg.baseline import Baseline


@dataclass(frozen=True, slots=True)
class FileContext:
    path: Path
    document: Document
    spec: PromptSpec
    settings: Settings
    expected_id: str | None
    """The id the file's place in the registry demands; None outside the registry."""
    base: Baseline | None = None
    """The registry at the base revision (`--base`), for the V rules; None without one."""

    def hit(self, message: str, path: PathKey = (), *, key: bool = False) -> Hit:
        return Hit(message, self.document.span(path, key=key))

"""What a check sees about one file: its spec, its document, and the settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from promptreg.config import Settings
from promptreg.lint.finding import Hit
from promptreg.model import PromptSpec
from promptreg.yamlio import Document, PathKey


@dataclass(frozen=True, slots=True)
class FileContext:
    path: Path
    document: Document
    spec: PromptSpec
    settings: Settings
    expected_id: str | None
    """The id the file's place in the registry demands; None outside the registry."""

    def hit(self, message: str, path: PathKey = (), *, key: bool = False) -> Hit:
        return Hit(message, self.document.span(path, key=key))

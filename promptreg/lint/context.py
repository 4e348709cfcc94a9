"""What a check sees about one file: its spec, its document, and the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from promptreg.core.config import Settings
from promptreg.core.document import Document, PathKey
from promptreg.core.model import PromptSpec
from promptreg.lint.finding import Hit

if TYPE_CHECKING:
    from promptreg.git.baseline import Baseline
    from promptreg.git.repo import Repository
    from promptreg.render.tokens import TokenCounter


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
    tokens: TokenCounter | None = None
    """The session's token counter (with its store of earlier counts); None counts afresh."""
    git: Repository | None = None
    """The run's git repository (what it has read of history kept); None finds it per use."""
    memo: dict[object, object] = field(default_factory=dict, compare=False, repr=False)
    """Results several rules share for this file (the X rules' one scan of its strings)."""

    def count_tokens(self, text: str, encoding: str) -> int:
        if self.tokens is not None:
            return self.tokens.count(text, encoding)
        from promptreg.render.tokens import count_tokens  # tiktoken loads only to count

        return count_tokens(text, encoding)

    def hit(self, message: str, path: PathKey = (), *, key: bool = False) -> Hit:
        return Hit(message, self.document.span(path, key=key))

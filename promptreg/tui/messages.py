"""The app's own messages, as dataclasses: what tests assert on and widgets talk in.

Widgets post these instead of calling each other, so a screen can be driven (and
checked) through the same messages a person's keys produce.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from promptreg.tui.index import Row


@dataclass
class PromptChosen(Message):
    """A row was opened (enter in the list, or the palette)."""

    prompt_id: str
    tab: str = "overview"
    """The tab the prompt opens on (`t` in the list: the Test tab)."""


@dataclass
class RowsFilled(Message):
    """The index worker read (or linted) a batch of files; `filled` rows are read so
    far and `linted` says the lint counts are complete. One queue carries both, so the
    counts never run ahead of the rows they count."""

    rows: list[Row]
    filled: int = 0
    linted: bool = False
    counts_only: bool = False
    """The rows carry lint counts only: merge them into the rows shown, whose other
    fields may be newer (a file reloaded meanwhile)."""


@dataclass
class FilterApplied(Message):
    """The list now shows `shown` of `total` rows for `query`."""

    query: str
    shown: int
    total: int


@dataclass
class FilesChanged(Message):
    """The watcher saw prompt files (or promptreg.yaml) change on disk."""

    paths: frozenset[Path]


@dataclass
class VersionsPicked(Message):
    """Two states of a prompt were picked in the history tab: commit ids or "working"."""

    prompt_id: str
    older: str
    newer: str


@dataclass
class AnswerChunk(Message):
    """A piece of the model's streamed answer arrived."""

    text: str


@dataclass
class AnswerDone(Message):
    """The answer finished, failed (`error`) or was cancelled."""

    error: str | None = None
    cancelled: bool = False

"""An importer is one record: its name, how it recognises a file, its docs and its reader.

`promptreg import --help`, docs/import.md and format detection are generated from
these records, as the rule catalogue generates `promptreg rules`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from promptreg.importers.draft import Draft

Sniff = Callable[[Path, str], bool]
Read = Callable[[Path, str], list[Draft]]


@runtime_checkable
class ImporterLike(Protocol):
    """What the catalogue and the import step rely on; a test checks every entry."""

    @property
    def name(self) -> str: ...
    @property
    def extensions(self) -> tuple[str, ...]: ...
    @property
    def summary(self) -> str: ...
    @property
    def doc(self) -> str: ...
    @property
    def sniff(self) -> Sniff: ...
    @property
    def read(self) -> Read: ...


@dataclass(frozen=True, slots=True)
class Importer:
    name: str
    """The value of --from."""
    summary: str
    """One line for --help."""
    extensions: tuple[str, ...]
    """File name endings it claims (lower case, with the dot), for auto-detection."""
    sniff: Sniff
    """Whether this file's text looks like the format; asked only for a matching extension."""
    read: Read
    """Every prompt in the file as a draft; SourceError when the file is not importable."""
    doc: str
    """What it reads and what it cannot carry over: a paragraph of docs/import.md."""

"""The one place a draft becomes file text: canonical layout, schema modeline, notes.

Drafts go through the edit layer's prompt emitter (`promptreg.edit.emit.emit_prompt`),
the canonical layout `promptreg fmt` keeps, with the schema modeline on top and what
the importer could not carry over as comments, so an imported file is what fmt would
leave and loads back as exactly the data the importer built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from promptreg.core.errors import PromptregError
from promptreg.core.fs import atomic_write
from promptreg.core.schema import schema_modeline
from promptreg.edit.emit import emit_prompt
from promptreg.importers.draft import Note


class DraftExistsError(PromptregError):
    """The file a draft would be written to is there already; it is never overwritten."""

    exit_status = 1


def _comment(notes: list[Note], source: Path, root: Path) -> list[str]:
    try:
        shown = source.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        shown = source.as_posix()
    lines = [f"Imported by `promptreg import` from {shown}."]
    if notes:
        lines.append("Not carried over exactly; check before review:")
        for note in notes:
            text = " ".join(note.message.split())
            lines.append(f"  - line {note.line}: {text}"[:400])
    return lines


def draft_text(
    data: dict[str, Any], notes: list[Note], *, path: Path, root: Path, source: Path
) -> str:
    """The file text of a draft prompt at `path`, in the registry rooted at `root`."""
    return emit_prompt(
        data, modeline=schema_modeline(path, root), notes=_comment(notes, source, root), path=path
    )


def write_draft(path: Path, text: str) -> None:
    """Create the file; DraftExistsError (exit 1) when anything is there already."""
    if path.exists() or path.is_symlink():
        raise DraftExistsError(
            f"{path} already exists; the import did not overwrite it",
            hint="remove or rename that prompt, or import into another --namespace",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text)

"""The one place a draft becomes file text: canonical layout, schema modeline, notes.

Drafts go through the formatter's canonical layout (`promptreg.edit.fmt.format_text`)
with the schema modeline on top, so an imported file is what `promptreg fmt` would
leave. When the edit layer gains its prompt emitter, this function switches to it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from promptreg.core.errors import PromptregError
from promptreg.core.fs import atomic_write
from promptreg.edit.fmt import format_text
from promptreg.edit.scaffold import schema_modeline
from promptreg.importers.draft import Note


class DraftExistsError(PromptregError):
    """The file a draft would be written to is there already; it is never overwritten."""

    exit_status = 1


class _Dumper(yaml.SafeDumper):
    """Multi-line strings as literal blocks, so messages read as they render."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value.rstrip("\n") or value.endswith("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _comment(notes: list[Note], source: Path, root: Path) -> list[str]:
    try:
        shown = source.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        shown = source.as_posix()
    lines = [f"# Imported by `promptreg import` from {shown}."]
    if notes:
        lines.append("# Not carried over exactly; check before review:")
        for note in notes:
            text = " ".join(note.message.split())
            lines.append(f"#   - line {note.line}: {text}"[:400])
    return lines


def draft_text(
    data: dict[str, Any], notes: list[Note], *, path: Path, root: Path, source: Path
) -> str:
    """The file text of a draft prompt at `path`, in the registry rooted at `root`."""
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)
    header = [schema_modeline(path, root), *_comment(notes, source, root)]
    return format_text("\n".join(header) + "\n" + body, path=path)


def write_draft(path: Path, text: str) -> None:
    """Create the file; DraftExistsError (exit 1) when anything is there already."""
    if path.exists() or path.is_symlink():
        raise DraftExistsError(
            f"{path} already exists; the import did not overwrite it",
            hint="remove or rename that prompt, or import into another --namespace",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text)

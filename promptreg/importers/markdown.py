"""Markdown system prompts: the whole file is one system message, kept word for word."""

from __future__ import annotations

from pathlib import Path

from promptreg.importers.draft import Draft, Note, slug, source_error, title_of
from promptreg.importers.importer import Importer
from promptreg.importers.names import jinja_literal


def read(path: Path, text: str) -> list[Draft]:
    if not text.strip():
        raise source_error(path, "the file is empty")
    heading = next((ln[2:].strip() for ln in text.split("\n") if ln.startswith("# ")), "")
    notes = []
    if "{{" in text or "{%" in text:
        notes.append(Note(path, 1, "braces such as {{ are kept as text, not read as placeholders"))
    stem = path.name.rsplit(".", 1)[0]
    return [
        Draft(
            source=path,
            line=1,
            name=slug(stem),
            title=heading[:120] or title_of(stem),
            description=f"Imported from {path.name}.",
            messages=(("system", jinja_literal(text)),),
            notes=tuple(notes),
            format="markdown",
        )
    ]


def sniff(path: Path, text: str) -> bool:
    return True


IMPORTER = Importer(
    name="markdown",
    summary="Markdown system prompts: the whole file as one system message",
    extensions=(".md", ".markdown"),
    sniff=sniff,
    read=read,
    doc="Takes the whole file, word for word, as one system message; the first `# ` heading "
    "is the title. Nothing in it is read as a placeholder.",
)

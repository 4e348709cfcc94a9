"""Every importer, by name: a literal catalogue built from explicit imports (grep finds all)."""

from __future__ import annotations

from pathlib import Path

from promptreg.core.errors import UsageError
from promptreg.core.location import Location, Span
from promptreg.importers import (
    dotprompt,
    langfuse,
    markdown,
    openai_prompts,
    promptfoo,
    prompty,
    python_source,
)
from promptreg.importers.draft import UnknownFormatError
from promptreg.importers.importer import Importer

IMPORTERS: dict[str, Importer] = {
    importer.name: importer
    for importer in (
        prompty.IMPORTER,
        dotprompt.IMPORTER,
        promptfoo.IMPORTER,
        openai_prompts.IMPORTER,
        langfuse.IMPORTER,
        python_source.IMPORTER,
        markdown.IMPORTER,
    )
}
AUTO = "auto"


def lookup(name: str) -> Importer:
    try:
        return IMPORTERS[name]
    except KeyError:
        raise UsageError(
            f"unknown source format {name!r}", hint=f"--from takes {AUTO}, {', '.join(IMPORTERS)}"
        ) from None


def claims(path: Path) -> bool:
    """Whether any importer takes files named like this (for walking directories)."""
    name = path.name.lower()
    return any(name.endswith(i.extensions) for i in IMPORTERS.values())


def detect(path: Path, text: str) -> Importer:
    """The importer for a file: the first whose extension matches and whose sniff agrees."""
    name = path.name.lower()
    for importer in IMPORTERS.values():
        if name.endswith(importer.extensions) and importer.sniff(path, text):
            return importer
    raise UnknownFormatError(
        "cannot tell which format this file is in",
        location=Location(path, Span.at(1, 1)),
        hint=f"name the format with --from ({', '.join(IMPORTERS)})",
    )

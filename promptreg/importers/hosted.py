"""What Langfuse and OpenAI prompt exports share: `{{var}}` text or chat messages,
model settings, and a list of versions that becomes the changelog note."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from promptreg.importers.assemble import renamed_note
from promptreg.importers.draft import Draft, DraftVariable, Note, slug, source_error, title_of
from promptreg.importers.names import simple_placeholders
from promptreg.importers.source import text_of

ROLES = {"system": "system", "developer": "developer", "user": "user", "assistant": "assistant"}


def content_text(content: Any) -> str | None:
    """A message's text: a string, or the text parts of a content list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text") for p in content if isinstance(p, dict)]
        if parts and all(isinstance(p, str) for p in parts):
            return "".join(parts)  # type: ignore[arg-type]
    return None


def build(
    path: Path,
    *,
    name: str,
    raw_messages: list[tuple[str, Any]],
    fmt: str,
    variables: dict[str, DraftVariable],
    model: str | None,
    settings: dict[str, Any],
    history: tuple[str, ...],
    tags: tuple[str, ...],
    notes: list[Note],
    description: str = "",
) -> Draft:
    messages: list[tuple[str, str]] = []
    used: list[str] = []
    renames: dict[str, str] = {}
    for role, content in raw_messages:
        text = content_text(content)
        mapped = ROLES.get(role)
        if text is None or mapped is None:
            notes.append(Note(path, 1, f"a {role} message that is not plain text was left out"))
            continue
        template, names, renamed = simple_placeholders(text)
        messages.append((mapped, template))
        used.extend(n for n in names if n not in used)
        renames.update(renamed)
    if not messages:
        raise source_error(path, f"prompt {name!r} holds no text message")
    notes.extend(renamed_note(path, 1, renames))
    return Draft(
        source=path,
        line=1,
        name=slug(name),
        title=title_of(name),
        description=description or f"Imported from {path.name} ({name}).",
        messages=tuple(messages),
        variables=tuple(variables.get(n) or DraftVariable(n) for n in used),
        model=model,
        settings=settings,
        history=history,
        tags=tags,
        notes=tuple(notes),
        format=fmt,
    )


def number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return -1.0


def as_list(data: Any) -> list[dict[str, Any]]:
    items = data if isinstance(data, list) else [data]
    return [i for i in items if isinstance(i, dict)]


def text_field(item: dict[str, Any], *keys: str) -> str:
    return next((text_of(item.get(k)) for k in keys if text_of(item.get(k))), "")

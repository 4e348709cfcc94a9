"""Langfuse prompt exports: JSON objects (one, or a list of versions) of text or chat
prompts with `{{var}}` placeholders, `config`, `labels`, `tags` and `version`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from promptreg.importers.draft import Draft, Note
from promptreg.importers.hosted import as_list, build, number, text_field
from promptreg.importers.importer import Importer
from promptreg.importers.source import load_json, mapping

_CONFIG = {
    "temperature": "temperature",
    "top_p": "top_p",
    "max_tokens": "max_output_tokens",
    "max_output_tokens": "max_output_tokens",
    "seed": "seed",
}


def _chosen(versions: list[dict[str, Any]]) -> dict[str, Any]:
    """The version labelled production, else the newest."""
    production = [v for v in versions if "production" in (v.get("labels") or [])]
    return max(production or versions, key=lambda v: number(v.get("version")))


def read(path: Path, text: str) -> list[Draft]:
    items = [i for i in as_list(load_json(text, path)) if "prompt" in i and "name" in i]
    by_name: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_name.setdefault(str(item["name"]), []).append(item)
    drafts = []
    for name, versions in by_name.items():
        chosen = _chosen(versions)
        notes: list[Note] = []
        prompt = chosen["prompt"]
        if chosen.get("type") == "chat" or isinstance(prompt, list):
            raw = [
                (str(m.get("role", "")), m.get("content")) for m in prompt if isinstance(m, dict)
            ]
            if any(m.get("type") == "placeholder" for m in prompt if isinstance(m, dict)):
                notes.append(
                    Note(
                        path,
                        1,
                        f"{name}: message placeholders were left out; the "
                        "application sends those messages itself",
                    )
                )
        else:
            raw = [("user", prompt)]
        config = mapping(chosen.get("config"))
        settings = {_CONFIG[k]: v for k, v in config.items() if k in _CONFIG}
        left = sorted(k for k in config if k not in _CONFIG and k != "model")
        if left:
            notes.append(Note(path, 1, f"{name}: config not carried over: {', '.join(left)}"))
        history = tuple(
            f"Langfuse version {v.get('version')}"
            + (f" [{', '.join(map(str, v.get('labels') or []))}]" if v.get("labels") else "")
            + (f": {v['commitMessage']}" if v.get("commitMessage") else "")
            for v in sorted(versions, key=lambda v: number(v.get("version")))
        )
        drafts.append(
            build(
                path,
                name=name,
                raw_messages=raw,
                fmt="langfuse",
                variables={},
                model=text_field(config, "model") or None,
                settings=settings,
                history=history,
                tags=tuple(str(t) for t in chosen.get("tags") or ()),
                notes=notes,
            )
        )
    return drafts


def sniff(path: Path, text: str) -> bool:
    head = text[:4000]
    return '"prompt"' in head and '"name"' in head and ('"labels"' in head or '"type"' in head)


IMPORTER = Importer(
    name="langfuse",
    summary="Langfuse prompt exports (JSON): text or chat, config, labels, versions",
    extensions=(".json",),
    sniff=sniff,
    read=read,
    doc="Reads one prompt object or a list of them (several versions of one name become one "
    "draft: the version labelled `production`, else the newest). Text prompts become a user "
    "message, chat prompts keep their roles; `{{var}}` becomes a variable; `config` gives the "
    "model and its settings; every version with its labels and commit message goes into "
    "the changelog note. Message placeholders are reported.",
)

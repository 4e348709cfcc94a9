"""Template facts kept between lint runs, so an unchanged template never loads Jinja2.

Editing a prompt's metadata (a title, an approval, a tag) leaves its messages as they
were, and analysing them again would cost more than the rest of linting the file: the
first analysis of a run imports Jinja2. The session's store answers from facts an
earlier run found for the same text (promptreg.render.facts, without the literal text:
the token rule analyses again in the rare case it needs that), and analyses the rest.
The store is one sealed file under `.promptreg/cache/` (promptreg.core.cachefile: a
committed or copied store is never read), read on first use and written back once;
entries of any other shape are misses.
"""

from __future__ import annotations

import _thread  # threading's Lock itself; threading costs 1 ms to import
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from promptreg.render.facts import (
    Analysed,
    TemplateProblemError,
    analysed_from_json,
    analysed_to_json,
)
from promptreg.render.simple import simple_facts

_FORMAT = 1
_FINGERPRINT = "template facts by sha256(text)"
_KEY_CHARS = 32


def _key(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()[:_KEY_CHARS]


def analyse_now(content: str) -> Analysed:
    """Analyse the template in this process: a template that only prints variables
    without Jinja2 (promptreg.render.simple), any other with it."""
    simple = simple_facts(content)
    if simple is not None:
        return simple
    from promptreg.render.analysis import analyse

    return analyse(content)


def literal_text(content: str) -> str:
    """The text outside the template's tags, from a fresh analysis (it must compile)."""
    analysed = analyse_now(content)
    if isinstance(analysed, TemplateProblemError) or analysed.literal_text is None:
        raise ValueError("the literal text of a template that does not compile")
    return analysed.literal_text


class TemplateStore:
    """Facts by template text for one lint session; `path` None keeps nothing."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._stored: dict[str, Any] | None = None
        self._added: dict[str, Any] = {}
        self._lock = _thread.allocate_lock()

    def _entries(self) -> dict[str, Any]:
        if self._stored is None:
            from promptreg.core.cachefile import read_entries

            stored = read_entries(self.path, _FORMAT, _FINGERPRINT) if self.path else {}
            with self._lock:
                if self._stored is None:
                    self._stored = stored
        return self._stored

    def analyse(self, content: str) -> Analysed:
        simple = simple_facts(content)
        if simple is not None or self.path is None:  # the store is for parsed templates
            return simple if simple is not None else analyse_now(content)
        key = _key(content)
        known = self._added.get(key) or self._entries().get(key)
        if known is not None:
            restored = analysed_from_json(known)
            if restored is not None:
                return restored
        analysed = analyse_now(content)
        with self._lock:
            self._added[key] = analysed_to_json(analysed)
        return analysed

    def literal_tokens(self, content: str, encoding: str, count: Callable[[str], int]) -> int:
        """Tokens of the template's literal text in `encoding`, counted by `count` once
        and then kept with the facts: the text itself is not kept, and finding it again
        would load Jinja2."""
        key = f"{_key(content)}:{encoding}"
        known = self._added.get(key)
        if known is None and self.path is not None:
            known = self._entries().get(key)
        if type(known) is int and known >= 0:
            return known
        counted = count(literal_text(content))
        if self.path is not None:
            with self._lock:
                self._added[key] = counted
        return counted

    def added(self) -> dict[str, Any]:
        """What this process analysed afresh (a worker process sends it back)."""
        return dict(self._added)

    def absorb(self, entries: dict[str, Any]) -> None:
        """Take what a worker process analysed, to be written with the rest."""
        with self._lock:
            self._added.update(entries)

    def save(self) -> None:
        """Write new facts back, atomically and sealed; nothing when nothing was added."""
        if self.path is None or not self._added:
            return
        from promptreg.core.cachefile import write_entries

        entries = {**self._entries(), **self._added}
        if write_entries(self.path, _FORMAT, _FINGERPRINT, entries):
            self._stored, self._added = entries, {}

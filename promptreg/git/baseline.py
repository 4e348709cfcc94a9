"""The registry as it was at a base revision: what the V rules compare against.

Loaded with a bounded number of git calls (rev-parse, one ls-tree, one cat-file batch),
however many prompts the registry holds, and only when a V rule asks. It reads through
the run's Repository (`repo`), which the rules that read history share.
"""

from __future__ import annotations

from pathlib import Path

from promptreg.core.config import Settings
from promptreg.core.loader import PROMPT_SUFFIX, load_prompt
from promptreg.core.model import PromptSpec
from promptreg.git.gitio import TreeEntry, ls_tree, resolve
from promptreg.git.repo import Repository


class Baseline:
    def __init__(self, settings: Settings, rev: str, repo: Repository | None = None) -> None:
        self.rev = rev
        self.repo = repo if repo is not None else Repository.find(settings.root)
        self.root = self.repo.root
        if rev == "HEAD" and not self.repo.head:
            # The first commit of a new repository: everything is new, nothing to compare.
            self.commit = ""
            self._entries: dict[str, TreeEntry] = {}
            self._contents: dict[str, bytes] | None = {}
            self._specs: dict[str, PromptSpec | None] = {}
            return
        self.commit = resolve(self.root, rev)
        try:
            under = settings.registry_dir.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            under = "."
        self._entries = {
            path: entry
            for path, entry in ls_tree(self.root, self.commit, under).items()
            if path.endswith(PROMPT_SUFFIX)
        }
        self._contents = None
        self._specs = {}

    def _relative(self, path: Path) -> str | None:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return None

    def blob(self, path: Path) -> str | None:
        """The base blob id of `path` (part of the lint cache key), None if it is new."""
        relative = self._relative(path)
        entry = self._entries.get(relative) if relative else None
        return entry.blob if entry else None

    def spec(self, path: Path) -> PromptSpec | None:
        """The prompt at the base revision; None when it did not exist or did not load."""
        relative = self._relative(path)
        if relative is None or relative not in self._entries:
            return None
        if relative not in self._specs:
            if self._contents is None:
                self._contents = self.repo.blobs(e.blob for e in self._entries.values())
            data = self._contents.get(self._entries[relative].blob)
            self._specs[relative] = (
                load_prompt(self.root / relative, data).spec if data is not None else None
            )
        return self._specs[relative]

    def paths(self) -> list[Path]:
        """Every prompt file at the base revision, as a path in the work tree."""
        return [self.root / relative for relative in sorted(self._entries)]

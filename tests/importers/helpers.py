"""A throwaway registry to import into, and promptreg's side of every render comparison."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from promptreg.actions.importing import ImportOptions, ImportOutcome, import_sources
from promptreg.core.config import Settings, load_config
from promptreg.core.tree import spec_by_id
from promptreg.lint.runner import Linter
from promptreg.render.prompt import Prompt

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "import"

Messages = list[tuple[str, str]]


@dataclass
class Sandbox:
    root: Path

    @property
    def settings(self) -> Settings:
        return load_config(self.root / "promptreg.yaml")

    def run(self, *paths: Path, **options: Any) -> ImportOutcome:
        return import_sources(self.settings, list(paths), ImportOptions(**options))

    def render(self, prompt_id: str, values: dict[str, Any]) -> Messages:
        prompt = Prompt(spec_by_id(self.settings, prompt_id))
        return [(m["role"], m["content"]) for m in prompt.render(**values)]

    def variables(self, prompt_id: str) -> set[str]:
        return set(spec_by_id(self.settings, prompt_id).variables)

    def codes(self, prompt_id: str) -> list[str]:
        path = self.settings.registry_dir / f"{prompt_id}.prompt.yaml"
        return [f.code for f in Linter(self.settings).lint_file(path)]


def sandbox(tmp_path: Path) -> Sandbox:
    root = tmp_path / "registry-root"
    (root / "registry").mkdir(parents=True)
    shutil.copy(REPO / "promptreg.yaml", root / "promptreg.yaml")
    return Sandbox(root)


def blocking(codes: list[str]) -> list[str]:
    """The findings the acceptance forbids: F, S and T001-T003."""
    return [c for c in codes if c[0] in "FS" or c in ("T001", "T002", "T003")]

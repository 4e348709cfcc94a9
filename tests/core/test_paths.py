"""How paths are shown: relative below the working directory, absolute elsewhere."""

from __future__ import annotations

from pathlib import Path

from promptreg.core.paths import relative_path


def test_relative_path(tmp_path: Path) -> None:
    assert relative_path(Path("prompts") / "a.prompt.yaml") == "prompts/a.prompt.yaml"
    assert relative_path(Path("..") / "a.prompt.yaml") == "../a.prompt.yaml"
    assert relative_path(tmp_path / "a" / "b.prompt.yaml", cwd=tmp_path) == "a/b.prompt.yaml"
    outside = tmp_path / "b.prompt.yaml"
    assert relative_path(outside, cwd=tmp_path / "a") == outside.as_posix()

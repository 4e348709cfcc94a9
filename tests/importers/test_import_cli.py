"""`promptreg import` end to end: hostile files fail by name, nothing is overwritten."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.importers.helpers import FIXTURES, sandbox


def promptreg(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "promptreg", *args, "--config", str(root / "promptreg.yaml")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


GARBAGE = {
    "noise.prompty": b"\x00\xff\xfe binary \x89PNG\r\n",
    "bomb.prompt": b"---\na: &a [x, x, x]\nb: [*a, *a, *a]\n---\nHi {{a}}\n",
    "open.prompt": b"---\ninput:\n  schema:\n    x: string\n---\nHello {{#if x}}never closed\n",
    "broken.prompty": b"---\nname: [unclosed\n---\nsystem:\nHi\n",
    "notjson.json": b'{"prompt": "x", "name": "n", "labels": [',
    "deep.json": b"[" * 100_000,
    "config.yaml": b"prompts: 7\ntests: []\n",
}


@pytest.mark.parametrize("name", sorted(GARBAGE))
def test_a_garbage_file_exits_1_naming_it_without_a_traceback(tmp_path: Path, name: str) -> None:
    box = sandbox(tmp_path)
    source = tmp_path / name
    source.write_bytes(GARBAGE[name])
    done = promptreg(box.root, "import", str(source))
    assert done.returncode == 1, done.stderr
    assert str(source) in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "internal error" not in done.stderr
    assert not list((box.root / "registry").rglob("*.prompt.yaml"))


def test_a_second_import_overwrites_nothing(tmp_path: Path) -> None:
    box = sandbox(tmp_path)
    source = FIXTURES / "prompty" / "basic.prompty"
    first = promptreg(box.root, "import", str(source))
    assert first.returncode == 0, first.stderr
    draft = box.root / "registry" / "imported" / "basic-prompt.prompt.yaml"
    draft.write_text(
        draft.read_text(encoding="utf-8") + "# edited by the author\n", encoding="utf-8"
    )
    before = draft.read_bytes()
    second = promptreg(box.root, "import", str(source))
    assert second.returncode == 1
    assert f"{draft} already exists; not overwritten" in second.stderr
    assert draft.read_bytes() == before
    assert sorted(p.name for p in draft.parent.iterdir()) == ["basic-prompt.prompt.yaml"]


def test_dry_run_prints_the_files_and_writes_none(tmp_path: Path) -> None:
    box = sandbox(tmp_path)
    done = promptreg(
        box.root, "import", str(FIXTURES / "dotprompt"), "--dry-run", "--namespace", "stories"
    )
    assert done.returncode == 0, done.stderr
    assert "# would write" in done.stdout and "id: stories/story" in done.stdout
    assert not list((box.root / "registry").rglob("*.prompt.yaml"))


def test_written_drafts_are_linted_and_the_fix_command_printed(tmp_path: Path) -> None:
    box = sandbox(tmp_path)
    source = tmp_path / "notes.md"
    source.write_text("You summarise notes.   \nBe brief.\n", encoding="utf-8")
    done = promptreg(
        box.root, "import", str(source), "--from", "markdown", "--tier", "2", "--owner", "legal-ops"
    )
    assert done.returncode == 0, done.stderr
    assert "Q005 [warning]" in done.stdout  # trailing white space, which --fix removes
    assert "G001 [error]" in done.stdout  # tier 2 needs handoff and limitations
    assert "have an automatic fix; apply it with:\n  promptreg lint --fix " in done.stdout
    text = (box.root / "registry" / "imported" / "notes.prompt.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert "tier: 2" in text and "owner: legal-ops" in text and "status: draft" in text


def test_json_output_lists_drafts_notes_and_findings(tmp_path: Path) -> None:
    box = sandbox(tmp_path)
    done = promptreg(
        box.root, "import", str(FIXTURES / "prompty" / "summarize.prompty"), "--format", "json"
    )
    data = json.loads(done.stdout)
    assert [d["id"] for d in data["drafts"]] == ["imported/summarize"]
    assert data["drafts"][0]["status"] == "written"
    assert any("model" in n["message"] for n in data["drafts"][0]["notes"])
    assert {f["code"] for f in data["findings"]} >= {"K003"}


def test_a_folder_skips_files_it_does_not_recognise(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    shutil.copytree(FIXTURES / "prompty", folder)
    (folder / "package.json").write_text('{"name": "app"}', encoding="utf-8")
    box = sandbox(tmp_path)
    outcome = box.run(folder)
    assert outcome.ok, outcome.failures
    assert {d.source.name for d in outcome.drafts} == {p.name for p in folder.glob("*.prompty")}


def test_bad_options_are_usage_errors(tmp_path: Path) -> None:
    box = sandbox(tmp_path)
    source = str(FIXTURES / "prompty" / "basic.prompty")
    assert promptreg(box.root, "import", source, "--namespace", "Bad NS").returncode == 2
    assert promptreg(box.root, "import", source, "--owner", "nobody").returncode == 2

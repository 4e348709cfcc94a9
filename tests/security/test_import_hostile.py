"""`promptreg import` of a folder someone else wrote (a cloned repository of prompts):
links must not carry files from elsewhere into drafts, names must not place drafts
outside the registry, and a huge file is refused by name without being read whole."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.importers.helpers import FIXTURES, sandbox

SECRET = "sk-proj-EXAMPLEexampleEXAMPLEexample0123456789EXAMPLE"


def _import(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "promptreg",
            "import",
            *args,
            "--config",
            str(root / "promptreg.yaml"),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _key_file(tmp_path: Path) -> Path:
    """Something private elsewhere on the machine that a link can point at."""
    key = tmp_path / "home" / ".config" / "service.key"
    key.parent.mkdir(parents=True)
    key.write_text(f"api_key: {SECRET}\n", encoding="utf-8")
    return key


def _drafts(root: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in (root / "registry").rglob("*.yaml"))


def test_a_linked_source_in_a_folder_is_not_read(tmp_path: Path) -> None:
    box = sandbox(tmp_path)
    source = tmp_path / "cloned"
    source.mkdir()
    shutil.copy(FIXTURES / "prompty" / "basic.prompty", source / "basic.prompty")
    (source / "notes.prompty").symlink_to(_key_file(tmp_path))
    done = _import(box.root, str(source))
    assert done.returncode == 1
    assert f"{source / 'notes.prompty'}:1:1: the file is a symbolic link" in done.stderr
    assert "Traceback" not in done.stderr
    assert SECRET not in _drafts(box.root) and "basic-prompt" in _drafts(box.root)


def test_a_linked_partial_is_not_inlined(tmp_path: Path) -> None:
    box = sandbox(tmp_path)
    source = tmp_path / "cloned"
    source.mkdir()
    shutil.copy(FIXTURES / "dotprompt" / "story.prompt", source / "story.prompt")
    (source / "_style.prompt").symlink_to(_key_file(tmp_path))
    done = _import(box.root, str(source / "story.prompt"))
    assert done.returncode == 0, done.stderr
    assert "no such partial (style)" in done.stdout + done.stderr
    assert SECRET not in _drafts(box.root)
    # The same partial as a regular file is inlined: the link is what is refused.
    (source / "_style.prompt").unlink()
    shutil.copy(FIXTURES / "dotprompt" / "_style.prompt", source / "_style.prompt")
    again = _import(box.root, str(source / "story.prompt"), "--namespace", "again")
    assert again.returncode == 0, again.stderr
    assert "no such partial" not in again.stdout + again.stderr


def test_no_draft_is_written_through_a_linked_namespace_folder(tmp_path: Path) -> None:
    box = sandbox(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (box.root / "registry" / "support").symlink_to(outside)
    done = _import(box.root, str(FIXTURES / "prompty" / "basic.prompty"), "--namespace", "support")
    assert done.returncode == 1
    assert f"the draft would be written through {box.root / 'registry' / 'support'}" in done.stderr
    assert list(outside.iterdir()) == []


def test_a_name_cannot_place_a_draft_outside_its_namespace(tmp_path: Path) -> None:
    box = sandbox(tmp_path)
    text = (FIXTURES / "prompty" / "basic.prompty").read_text(encoding="utf-8")
    source = tmp_path / "evil.prompty"
    source.write_text(text.replace("name: basic-prompt", "name: ../../../../tmp/owned"), "utf-8")
    done = _import(box.root, str(source))
    assert done.returncode == 0, done.stderr
    written = [p.relative_to(box.root).as_posix() for p in box.root.rglob("*.prompt.yaml")]
    assert written == ["registry/imported/tmp-owned.prompt.yaml"]


def test_a_gigabyte_source_is_refused_by_name_without_reading_it(tmp_path: Path) -> None:
    box = sandbox(tmp_path)
    source = tmp_path / "huge.prompty"
    with source.open("wb") as stream:
        stream.truncate(1024**3)
    done = _import(box.root, str(source))
    assert done.returncode == 1
    assert f"{source}:1:1: the file is larger than 1,048,576 bytes" in done.stderr
    assert "Traceback" not in done.stderr

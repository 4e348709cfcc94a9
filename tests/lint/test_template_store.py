"""Template facts kept between runs (promptreg.lint.templates): a file whose templates
did not change is linted without Jinja2, with the findings a fresh analysis gives."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from promptreg.core.loader import load_prompt
from promptreg.lint.templates import TemplateStore, analyse_now
from promptreg.render.facts import TemplateProblemError, analysed_from_json, analysed_to_json
from tests.gitrepo import REPO

PROMPT = "registry/support/reply-draft.prompt.yaml"
"""A prompt with a loop in a template: only the parser analyses it."""


def _templates() -> list[str]:
    found = []
    for path in sorted((REPO / "registry").rglob("*.prompt.yaml")):
        spec = load_prompt(path).spec
        assert spec is not None
        found.extend(message.content for message in spec.messages)
    found += ["{{ x", "{% include 'a' %}", "{{ x | nosuchfilter }}", "{{ ''.__class__ }}"]
    return found


@pytest.mark.parametrize("content", _templates())
def test_facts_survive_the_store_as_a_fresh_analysis_gives_them(content: str) -> None:
    fresh = analyse_now(content)
    restored = analysed_from_json(json.loads(json.dumps(analysed_to_json(fresh))))
    if isinstance(fresh, TemplateProblemError):
        assert isinstance(restored, TemplateProblemError)
        assert restored.problem == fresh.problem
        return
    assert restored == fresh._replace(literal_text=None)
    assert fresh.literal_text is not None
    assert restored is not None and restored.literal_bytes == len(fresh.literal_text.encode())


@pytest.mark.parametrize(
    "damaged",
    [
        None,
        [],
        {"problem": ["x", "one", "syntax"]},
        {"variables": "ab", "name_lines": {}, "private": [], "printed": {}, "literal_bytes": 1},
        {"variables": [], "name_lines": {"a": ["1"]}, "private": [], "printed": {}},
        {
            "variables": [],
            "name_lines": {},
            "private": [[1, 2, 3]],
            "printed": {},
            "literal_bytes": 0,
        },
    ],
)
def test_an_entry_of_another_shape_is_a_miss(damaged: object) -> None:
    assert analysed_from_json(damaged) is None


def test_the_store_answers_a_second_session_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "templates.json"
    first = TemplateStore(path)
    text = "Hello {{ name }}, {{ name | upper }}"
    fresh = first.analyse(text)
    assert not isinstance(fresh, TemplateProblemError)
    first.save()
    assert path.is_file()
    second = TemplateStore(path)
    assert second.analyse(text) == fresh._replace(literal_text=None)
    assert second.added() == {}  # nothing analysed afresh


def _lint_in_child(root: Path, *args: str) -> tuple[str, bool]:
    code = (
        "import sys\n"
        "from promptreg.cli.main import main\n"
        f"status = main({['lint', '--format', 'json', *args]!r})\n"
        "sys.stderr.write('\\nJINJA' if 'jinja2' in sys.modules else '\\nNOJINJA')\n"
        "sys.exit(status)\n"
    )
    process = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in process.stderr, process.stderr
    findings = json.dumps(json.loads(process.stdout)["findings"], sort_keys=True)
    return findings, process.stderr.rstrip().endswith("\nJINJA")


@pytest.fixture
def tree(tmp_path: Path, isolated_home: Path) -> Path:
    root = tmp_path / "tree"
    root.mkdir()
    shutil.copy(REPO / "promptreg.yaml", root / "promptreg.yaml")
    shutil.copytree(REPO / "registry", root / "registry")
    return root


def test_a_metadata_edit_is_linted_without_jinja2_and_with_the_same_findings(tree: Path) -> None:
    _, loaded = _lint_in_child(tree, PROMPT)
    assert loaded  # the first run analyses the templates
    target = tree / PROMPT
    target.write_text(target.read_text().replace("title: ", "title: Edited ", 1))
    edited, loaded = _lint_in_child(tree, PROMPT)
    assert not loaded
    uncached, loaded = _lint_in_child(tree, PROMPT, "--no-cache")
    assert loaded and edited == uncached


def test_an_edited_message_is_analysed_afresh(tree: Path) -> None:
    _lint_in_child(tree, PROMPT)
    target = tree / PROMPT
    target.write_text(target.read_text().replace("{% endfor -%}", "{% endfor", 1))
    findings, loaded = _lint_in_child(tree, PROMPT)
    assert loaded and '"T001"' in findings


def test_facts_found_in_worker_processes_are_kept(tree: Path) -> None:
    for copy in range(120):  # enough files for worker processes
        folder = tree / "registry" / f"copies{copy}"
        folder.mkdir()
        text = (
            (tree / PROMPT)
            .read_text()
            .replace("id: support/reply-draft", f"id: copies{copy}/reply-draft")
        )
        (folder / "reply-draft.prompt.yaml").write_text(text.replace("{{", f"{copy} {{{{", 1))
    _lint_in_child(tree, "--jobs", "2")
    one = tree / "registry" / "copies77" / "reply-draft.prompt.yaml"
    one.write_text(one.read_text().replace("title: ", "title: Edited ", 1))
    _, loaded = _lint_in_child(tree, str(one.relative_to(tree)))
    assert not loaded

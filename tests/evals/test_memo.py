"""The render memo: a cached re-run finds its answers without rendering a request, and
whatever changes the request changes the memo's key."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import promptreg.evals.plan as plan
from promptreg.core.errors import EXIT_OK
from promptreg.core.loader import load_prompt
from promptreg.evals.cache import CACHE_NAME
from promptreg.evals.client import connection
from promptreg.evals.memo import renderer_identity
from promptreg.evals.plan import PlannedCase, Selection, plan_prompt, prompt_items
from tests.evals.conftest import EvalRepo, case

OK = "{type: contains, value: ok}"


def _calls(repo: EvalRepo) -> int:
    return len(repo.server.requests_to("/chat/completions"))


def _no_rendering(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make rendering a request fail the test; the names of the cases it was asked for."""
    asked: list[str] = []

    def refuse(planned: Any, case: PlannedCase, link: Any) -> dict[str, Any]:
        asked.append(case.case.name)
        raise AssertionError(f"rendered {case.case.name}")

    monkeypatch.setattr(plan, "render_request", refuse)
    return asked


def test_a_cached_rerun_renders_no_request(repo: EvalRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK), case("two", "bye", OK))
    assert repo.run(selection=Selection(repeat=2))[0] == EXIT_OK
    first = repo.results("demo/a").results
    asked = _no_rendering(monkeypatch)
    status, out, _ = repo.run(selection=Selection(repeat=2))
    assert status == EXIT_OK, out
    assert asked == [] and _calls(repo) == 4
    second = repo.results("demo/a").results
    assert [(r.case, r.repeat, r.cached) for r in second] == [
        ("one", 0, True),
        ("one", 1, True),
        ("two", 0, True),
        ("two", 1, True),
    ]
    assert [r.fingerprint for r in second] == [r.fingerprint for r in first]
    assert [r.model_requested for r in second] == ["gpt-4o-mini"] * 4


def test_an_edited_case_is_rendered_and_the_others_are_not(
    repo: EvalRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK), case("two", "bye", OK))
    repo.run()
    repo.prompt("a", case("one", "hello", OK), case("two", "bye now", OK))
    asked = _no_rendering(monkeypatch)
    with pytest.raises(AssertionError, match="rendered two"):
        repo.run()
    assert asked == ["two"]


def test_without_the_cache_there_is_no_memo(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK))
    repo.run(use_cache=False)
    assert not (repo.root / ".promptreg" / "cache" / CACHE_NAME).exists()


def _memo_to_key(repo: EvalRepo, text: str, old: str = "", new: str = "") -> tuple[str, str]:
    """(memo key, cache key) of the prompt's one case, after replacing `old` by `new` in
    its file."""
    repo.prompt("a", case("one", text, OK))
    path = repo.root / "registry" / "demo" / "a.prompt.yaml"
    source = path.read_text()
    if old:
        assert old in source
        source = source.replace(old, new)
    path.write_text(source)
    spec = load_prompt(path).spec
    assert spec is not None
    settings = repo.settings
    link = connection(settings)
    planned = plan_prompt(spec, settings, link, Selection())
    (item,) = prompt_items(planned, link, renderer_identity())
    return item.memo, item.cache_key


def test_what_changes_the_request_changes_the_memo_key(repo: EvalRepo) -> None:
    variants = {
        "as written": _memo_to_key(repo, "hello"),
        "another variable value": _memo_to_key(repo, "hello!"),
        "another template": _memo_to_key(repo, "hello", "<text>", "<input>"),
        "another system message": _memo_to_key(repo, "hello", "one word.", "two words."),
        "another temperature": _memo_to_key(repo, "hello", "temperature: 0", "temperature: 1"),
        "another model": _memo_to_key(repo, "hello", "name: gpt-4o-mini", "name: gpt-4o"),
    }
    memos = [memo for memo, _ in variants.values()]
    keys = [key for _, key in variants.values()]
    assert len(set(memos)) == len(variants)  # each edit is a new memo key ...
    assert len(set(keys)) == len(variants)  # ... as it is a new request
    # Metadata is not part of the request: the same memo key and the same cache key.
    described = _memo_to_key(repo, "hello", "A prompt the eval tests run.", "Said otherwise.")
    assert described == variants["as written"]


def test_another_endpoint_has_other_memo_keys(repo: EvalRepo) -> None:
    here = _memo_to_key(repo, "hello")
    text = (repo.root / "promptreg.yaml").read_text()
    (repo.root / "promptreg.yaml").write_text(text.replace("127.0.0.1", "localhost"))
    there = _memo_to_key(repo, "hello")
    assert here[0] != there[0] and here[1] != there[1]


def test_a_memo_row_pointed_at_another_answer_reads_as_a_miss(repo: EvalRepo) -> None:
    repo.script.rules = [("hello", "ok hello"), ("bye", "ok bye")]
    repo.prompt("a", case("one", "hello", OK), case("two", "bye", OK))
    repo.run()
    database = sqlite3.connect(repo.root / ".promptreg" / "cache" / CACHE_NAME)
    with database:
        rows = dict(database.execute("SELECT memo, key FROM rendered").fetchall())
        assert len(rows) == 2
        first, second = rows
        # Case two's memo row now names case one's answer (its seal left as it was).
        database.execute("UPDATE rendered SET key = ? WHERE memo = ?", (rows[first], second))
    database.close()
    assert repo.run()[0] == EXIT_OK
    outputs = {r.case: r.output for r in repo.results("demo/a").results}
    assert outputs == {"one": "ok hello", "two": "ok bye"}
    assert _calls(repo) == 2  # the refused row cost a rendering, not a request


def test_the_renderer_identity_follows_the_rendering_code(tmp_path: Path) -> None:
    package = Path(plan.__file__).resolve().parents[1]
    copy = tmp_path / "promptreg"
    for folder in ("render", "core", "evals"):
        shutil.copytree(package / folder, copy / folder)
    same = renderer_identity(copy)
    assert same == renderer_identity(package) and len(same) == 64
    sandbox = copy / "render" / "sandbox.py"
    sandbox.write_text(sandbox.read_text() + "\n# changed\n")
    assert renderer_identity(copy) not in ("", same)
    (copy / "core" / "model.py").unlink()
    assert renderer_identity(copy) == ""  # unreadable code: no memo


def test_a_prompt_that_renders_at_random_has_no_memo(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK), system="Answer {{ ['yes', 'no'] | random }}.")
    assert repo.run()[0] == EXIT_OK
    database = sqlite3.connect(repo.root / ".promptreg" / "cache" / CACHE_NAME)
    with database:
        assert database.execute("SELECT count(*) FROM rendered").fetchone() == (0,)
        assert database.execute("SELECT count(*) FROM answers").fetchone() == (1,)
    database.close()

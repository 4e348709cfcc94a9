"""The parse cache: a re-run takes an unchanged file's values from the last run that
read the same bytes, and parses whatever changed, has a problem, or was not sealed here."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import promptreg.evals.parsed as parsed
from promptreg.core.errors import EXIT_OK, InvalidPromptError
from promptreg.core.loader import LoadResult, load_prompt
from promptreg.evals.cache import CACHE_NAME
from promptreg.evals.parsed import ParseCache, parser_identity
from tests.evals.conftest import EvalRepo, case

OK = "{type: contains, value: ok}"


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the parse cache hands to the parser from now on."""
    seen: list[str] = []

    def counted(path: Path, data: bytes | None = None, **options: Any) -> LoadResult:
        seen.append(path.name)
        return load_prompt(path, data, **options)

    monkeypatch.setattr(parsed, "load_prompt", counted)
    return seen


def _rows(repo: EvalRepo) -> int:
    database = sqlite3.connect(repo.root / ".promptreg" / "cache" / CACHE_NAME)
    try:
        return int(database.execute("SELECT count(*) FROM parsed").fetchone()[0])
    finally:
        database.close()


def test_a_rerun_parses_only_the_file_that_changed(
    repo: EvalRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK))
    repo.prompt("b", case("one", "bye", OK))
    assert repo.run()[0] == EXIT_OK
    assert _rows(repo) == 2
    seen = _parses(monkeypatch)
    assert repo.run()[0] == EXIT_OK
    assert seen == []
    assert [r.case for r in repo.results("demo/a").results] == ["one"]
    repo.prompt("b", case("one", "bye", OK), case("two", "later", OK))
    status, out, _ = repo.run()
    assert status == EXIT_OK, out
    assert seen == ["b.prompt.yaml"]  # edited: parsed, and its new case ran
    assert [r.case for r in repo.results("demo/b").results] == ["one", "two"]


def test_values_from_the_cache_are_the_parsed_values(repo: EvalRepo) -> None:
    path = repo.prompt("a", case("one", "hello", OK), case("two", "é ✓", OK))
    directory = repo.root / ".promptreg" / "cache"
    first = ParseCache(directory)
    parsed_now = first.load(path)
    first.close()
    again = ParseCache(directory)
    cached = again.load(path)
    again.close()
    assert cached.spec is not None and parsed_now.spec is not None
    assert cached.document.value == parsed_now.document.value
    assert cached.spec == parsed_now.spec
    assert cached.spec.content_hash == parsed_now.spec.content_hash
    assert cached.document.text == path.read_text(encoding="utf-8")


def test_a_file_with_a_problem_is_parsed_every_time(
    repo: EvalRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = repo.prompt("a", case("one", "hello", OK))
    path.write_text(path.read_text().replace("tier: 3", "tier: nine"))
    with pytest.raises(InvalidPromptError):
        repo.run("demo/a")
    seen = _parses(monkeypatch)
    directory = repo.root / ".promptreg" / "cache"
    for _ in range(2):
        cache = ParseCache(directory)
        assert cache.load(path).spec is None
        cache.close()
    assert seen == ["a.prompt.yaml", "a.prompt.yaml"]


def test_a_row_not_sealed_here_is_parsed_again(
    repo: EvalRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK))
    repo.run()
    database = sqlite3.connect(repo.root / ".promptreg" / "cache" / CACHE_NAME)
    with database:
        database.execute("UPDATE parsed SET value = ?", (b"\x00not marshal",))
    database.close()
    seen = _parses(monkeypatch)
    assert repo.run()[0] == EXIT_OK
    assert seen == ["a.prompt.yaml"]


def test_without_the_cache_nothing_is_kept(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK))
    repo.run(use_cache=False)
    assert not (repo.root / ".promptreg" / "cache" / CACHE_NAME).exists()


def test_the_parser_identity_follows_the_reading_code(tmp_path: Path) -> None:
    package = Path(parsed.__file__).resolve().parents[1]
    copy = tmp_path / "promptreg"
    for folder in ("core", "evals"):
        shutil.copytree(package / folder, copy / folder)
    same = parser_identity(copy)
    assert same == parser_identity(package) and len(same) == 64
    reader = copy / "core" / "yamlio.py"
    reader.write_text(reader.read_text() + "\n# changed\n")
    assert parser_identity(copy) not in ("", same)
    (copy / "core" / "schema.py").unlink()
    assert parser_identity(copy) == ""


def test_a_dry_run_keeps_its_parse_cache_out_of_git(repo: EvalRepo) -> None:
    repo.prompt("a", case("one", "hello", OK))
    assert repo.run(dry_run=True)[0] == EXIT_OK
    directory = repo.root / ".promptreg" / "cache"
    assert _rows(repo) == 1
    assert (directory / ".gitignore").read_text().splitlines()[-1] == "*"

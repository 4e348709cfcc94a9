"""Class 8: caches committed in a pull request are never trusted in a fresh clone.

The attacker lints and reads history on their own machine, edits what promptreg wrote
under `.promptreg/cache/` (re-sealing it with their own key when the file is sealed:
they know the format), force-adds the folder and pushes. The victim clones and runs
the same commands: every result must equal a run without any cache. On the attacker's
own machine the forged files are used, which proves the test can fail.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.gitrepo import REPO, GitRepo

CONTRACT = "registry/legal/contract-summary.prompt.yaml"
"""A prompt whose token budget is exceeded (K001) only when its messages are counted."""
PROMPT_ID = "support/summarize-ticket"
FORGED_REVIEWER = "mallory@example.com"


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), NO_COLOR="1", GIT_CONFIG_NOSYSTEM="1"
    )
    return env


def _promptreg(root: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    process = subprocess.run(
        [sys.executable, "-m", "promptreg", *args],
        cwd=root,
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in process.stderr, process.stderr
    return process


def _forge(path: Path, home: Path, mutate: Callable[[Any], None]) -> None:
    """Edit a cache file as its writer's owner could: parse, change, seal again."""
    text = path.read_text(encoding="utf-8")
    tag, _, body = text.partition("\n")
    sealed = re.fullmatch(r"[0-9a-f]{64}", tag) is not None
    data = json.loads(body if sealed else text)
    mutate(data)
    new = json.dumps(data)
    if sealed:
        key = (home / ".cache" / "promptreg" / "cache.key").read_bytes()
        digest = hmac.new(key, path.name.encode() + b"\0" + new.encode(), hashlib.sha256)
        new = f"{digest.hexdigest()}\n{new}"
    path.write_text(new, encoding="utf-8")


def _entries(data: dict[str, Any]) -> dict[str, Any]:
    entries = data.get("entries", data)
    assert isinstance(entries, dict)
    return entries


def _no_findings(data: dict[str, Any]) -> None:
    for entry in _entries(data).values():
        entry["findings"] = []


def _one_token_each(data: dict[str, Any]) -> None:
    entries = _entries(data)
    for key in entries:
        entries[key] = 1


def _templates_one_token_each(data: dict[str, Any]) -> None:
    entries = _entries(data)
    for key, value in entries.items():
        if isinstance(value, int):  # the token counts kept with the template facts
            entries[key] = 1


def _approved_by_mallory(data: dict[str, Any]) -> None:
    for row in _entries(data).values():
        row[2], row[3] = "approved", [FORGED_REVIEWER]


@pytest.fixture
def attacker(git_repo: Callable[..., GitRepo]) -> GitRepo:
    repo = git_repo("attacker", registry=True)
    shutil.copy(
        REPO / "tests" / "fixtures" / "rules" / "K001" / "bad.prompt.yaml", repo.root / CONTRACT
    )
    repo.commit("registry")
    repo.write(f"registry/{PROMPT_ID}.prompt.yaml", repo.path(PROMPT_ID).read_text() + "\n")
    repo.commit("a second revision")
    return repo


def _files(root: Path, name: str) -> list[Path]:
    """The files of one cache: a folder's (the lint results, one file per shard) or one."""
    where = root / ".promptreg" / "cache" / name
    return sorted(where.glob("*.json")) if where.is_dir() else [where]


def _forge_cache(root: Path, name: str, home: Path, mutate: Callable[[Any], None]) -> None:
    for path in _files(root, name):
        _forge(path, home, mutate)


def _remove(root: Path, name: str) -> None:
    where = root / ".promptreg" / "cache" / name
    if where.is_dir():
        shutil.rmtree(where)
    else:
        where.unlink()


def _push_and_clone(attacker: GitRepo, tmp_path: Path, files: tuple[str, ...]) -> Path:
    cache = attacker.root / ".promptreg" / "cache"
    for name in sorted(p.name for p in cache.iterdir()):
        if name not in files and name != ".gitignore":
            _remove(attacker.root, name)
    attacker.git("add", "-f", ".promptreg/cache")
    attacker.git("commit", "-q", "-m", "caches")
    victim = tmp_path / "victim"
    attacker.git("clone", "-q", str(attacker.root), str(victim))
    assert sorted(p.name for p in (victim / ".promptreg" / "cache").iterdir()) == sorted(
        (*files, ".gitignore")
    )
    return victim


LINT = ("lint", CONTRACT, "--format", "json")


@pytest.mark.parametrize(
    ("committed", "forge"),
    [
        ("lint", _no_findings),
        ("tokens.json", _one_token_each),
        ("templates.json", _templates_one_token_each),
    ],
    ids=["lint results", "token counts", "template facts"],
)
def test_forged_lint_caches_are_not_used_in_a_fresh_clone(
    attacker: GitRepo, tmp_path: Path, committed: str, forge: Callable[[Any], None]
) -> None:
    mallory = tmp_path / "mallory-home"
    honest = _promptreg(attacker.root, mallory, *LINT)
    assert honest.returncode == 1 and '"K001"' in honest.stdout
    _forge_cache(attacker.root, committed, mallory, forge)
    others = {"tokens.json": ("lint", "templates.json"), "templates.json": ("lint",)}
    for name in others.get(committed, ()):  # only one store is forged: the rest recounted
        _remove(attacker.root, name)
    forged = _promptreg(attacker.root, mallory, *LINT)
    assert forged.returncode == 0 and '"K001"' not in forged.stdout  # the forgery works here

    victim = _push_and_clone(attacker, tmp_path, (committed,))
    alice = tmp_path / "alice-home"
    uncached = _promptreg(victim, alice, *LINT, "--no-cache")
    cloned = _promptreg(victim, alice, *LINT)
    assert (cloned.returncode, cloned.stdout) == (uncached.returncode, uncached.stdout)
    assert cloned.returncode == 1 and '"K001"' in cloned.stdout


def test_forged_history_rows_are_not_shown_in_a_fresh_clone(
    attacker: GitRepo, tmp_path: Path
) -> None:
    mallory = tmp_path / "mallory-home"
    command = ("history", PROMPT_ID, "--format", "json")
    _promptreg(attacker.root, mallory, *command)
    _forge(attacker.root / ".promptreg" / "cache" / "history.json", mallory, _approved_by_mallory)
    assert FORGED_REVIEWER in _promptreg(attacker.root, mallory, *command).stdout

    victim = _push_and_clone(attacker, tmp_path, ("history.json",))
    alice = tmp_path / "alice-home"
    uncached = _promptreg(victim, alice, *command, "--no-cache")
    cloned = _promptreg(victim, alice, *command)
    assert cloned.stdout == uncached.stdout
    assert FORGED_REVIEWER not in cloned.stdout


WRONG_TYPED: list[tuple[str, tuple[str, ...], Callable[[Any], None]]] = [
    ("lint", LINT, lambda data: _entries(data).update(dict.fromkeys(_entries(data), "no"))),
    (
        "lint",
        LINT,
        lambda data: [
            entry.update(findings=[{"line": "one", "code": 7}]) for entry in _entries(data).values()
        ],
    ),
    (
        "lint",
        LINT,
        lambda data: [
            entry["findings"].__setitem__(0, {**entry["findings"][0], "line": "one"})
            for entry in _entries(data).values()
        ],
    ),
    ("tokens.json", LINT, lambda data: _entries(data).update({"x" * 32: "many"})),
    (
        "history.json",
        ("history", PROMPT_ID, "--format", "json"),
        lambda data: [row.__setitem__(3, [1, None]) for row in _entries(data).values()],
    ),
]


@pytest.mark.parametrize(("name", "command", "damage"), WRONG_TYPED)
def test_a_wrong_typed_entry_on_this_machine_is_a_miss_not_a_crash(
    attacker: GitRepo,
    tmp_path: Path,
    name: str,
    command: tuple[str, ...],
    damage: Callable[[Any], None],
) -> None:
    home = tmp_path / "home-of-the-same-user"
    first = _promptreg(attacker.root, home, *command)
    _forge_cache(attacker.root, name, home, damage)
    if name == "tokens.json":
        _remove(attacker.root, "lint")
    again = _promptreg(attacker.root, home, *command)
    uncached = _promptreg(attacker.root, home, *command, "--no-cache")
    assert (again.returncode, again.stdout) == (uncached.returncode, uncached.stdout)
    assert again.returncode == first.returncode


def test_a_committed_response_cache_answers_nothing(tmp_path: Path) -> None:
    """evals.sqlite from another machine: a row as an unsealed writer stores it, and one
    sealed with another key, are both misses."""
    from promptreg.evals.cache import CACHE_NAME, CachedAnswer, ResponseCache

    directory = tmp_path / "cache"
    directory.mkdir()
    body = {"text": "forged", "model": "m", "usage": {}, "latency_ms": 1.0, "answered_at": "x"}
    with sqlite3.connect(directory / CACHE_NAME) as db:
        db.execute("CREATE TABLE answers (key TEXT PRIMARY KEY, body TEXT NOT NULL)")
        db.execute("INSERT INTO answers VALUES (?, ?)", ("plain", json.dumps(body)))
        db.execute(
            "INSERT INTO answers VALUES (?, ?)", ("other", "0" * 64 + "\n" + json.dumps(body))
        )
    db.close()
    cache = ResponseCache(directory)
    assert cache.get("plain") is None and cache.get("other") is None
    cache.put("mine", CachedAnswer("real", "m", {}, 1.0, "now"))
    cache.flush()
    found = cache.get("mine")
    assert found is not None and found.text == "real"
    cache.close()

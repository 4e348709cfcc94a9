"""The response cache: keyed by the whole request, endpoint and repeat; --no-cache; clearing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from promptreg.core.cachefile import unseal_text
from promptreg.core.errors import EXIT_OK
from promptreg.evals.cache import CACHE_NAME, CachedAnswer, ResponseCache
from promptreg.evals.plan import Selection
from tests.evals.conftest import EvalRepo, case

OK = "{type: contains, value: ok}"


def _calls(repo: EvalRepo) -> int:
    return len(repo.server.requests_to("/chat/completions"))


def test_a_rerun_that_changes_nothing_sends_nothing_and_keeps_the_answer_time(
    repo: EvalRepo,
) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK), case("two", "bye", OK))
    assert repo.run()[0] == EXIT_OK
    first = repo.results("demo/a").results
    status, out, _ = repo.run()
    assert status == EXIT_OK and _calls(repo) == 2
    second = repo.results("demo/a").results
    assert [r.cached for r in second] == [True, True]
    assert [r.answered_at for r in second] == [r.answered_at for r in first]
    assert "2 from cache" in out and "response cache:" in out


def test_a_changed_message_or_case_misses_only_itself(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK))
    repo.prompt("b", case("one", "hello", OK))
    repo.run()
    assert _calls(repo) == 1  # a and b send the same request: it is asked once
    repo.prompt("a", case("one", "hello", OK), system="Answer in two words.")
    repo.prompt("b", case("one", "hello again", OK))
    repo.run()
    assert _calls(repo) == 3
    repo.prompt("b", case("one", "hello again", OK, "{type: max-length, value: 99}"))
    repo.run()
    assert _calls(repo) == 3  # new assertions grade the same request: no new answer needed


def test_repeats_are_separate_answers(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK))
    status, _, _ = repo.run(selection=Selection(repeat=3))
    assert status == EXIT_OK and _calls(repo) == 3
    assert [r.repeat for r in repo.results("demo/a").results] == [0, 1, 2]
    repo.run(selection=Selection(repeat=3))
    assert _calls(repo) == 3


def test_another_endpoint_does_not_get_this_ones_answers(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK))
    repo.run()
    config = repo.root / "promptreg.yaml"
    config.write_text(config.read_text().replace("127.0.0.1", "localhost"))
    repo.run()
    assert _calls(repo) == 2


def test_no_cache_neither_reads_nor_writes(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK))
    repo.run(use_cache=False)
    assert not (repo.root / ".promptreg" / "cache" / CACHE_NAME).exists()
    repo.run()
    repo.run(use_cache=False)
    assert _calls(repo) == 3
    assert repo.results("demo/a").results[0].cached is False


def test_clear_cache_deletes_it(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK))
    repo.run()
    process = repo.cli("test", "--clear-cache")
    assert process.returncode == 0 and "response cache cleared" in process.stdout
    assert not (repo.root / ".promptreg" / "cache" / CACHE_NAME).exists()
    repo.run()
    assert _calls(repo) == 2


def test_a_corrupt_cache_is_a_note_not_a_failure(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK))
    cache = repo.root / ".promptreg" / "cache" / CACHE_NAME
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"this is not a database" * 100)
    status, _, err = repo.run()
    assert status == EXIT_OK
    assert "response cache not used" in err
    assert repo.results("demo/a").results[0].passed


def test_the_cache_folder_is_ignored_by_git(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK))
    repo.run()
    assert (repo.root / ".promptreg" / "cache" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_answers_are_read_back_in_chunks_and_sealed_as_every_cache_file_is(
    tmp_path: Path,
) -> None:
    """More keys than one lookup statement takes: every stored one is found, a missing
    one is absent, and each row carries the seal promptreg.core.cachefile checks."""
    directory = tmp_path / "cache"
    cache = ResponseCache(directory)
    keys = [f"key-{n}" for n in range(1203)]
    for n, key in enumerate(keys):
        cache.put(key, CachedAnswer(f"answer {n}", "m", {"input_tokens": n}, 1.5, "then"))
    cache.close()
    again = ResponseCache(directory)
    found = again.get_many([*keys, "missing", keys[0]])
    assert sorted(found) == sorted(keys)
    assert found["key-1202"].text == "answer 1202" and found["key-7"].usage == {"input_tokens": 7}
    assert again.get("missing") is None
    again.close()
    with sqlite3.connect(directory / CACHE_NAME) as db:
        row = db.execute("SELECT body FROM answers WHERE key = 'key-5'").fetchone()[0]
        assert unseal_text("key-5", row) is not None and unseal_text("key-6", row) is None
        db.execute("UPDATE answers SET body = ? WHERE key = 'key-6'", (row,))  # a copied row
    db.close()
    copied = ResponseCache(directory)
    assert copied.get("key-6") is None and copied.get("key-5") is not None
    copied.close()


def test_the_keys_of_repeats_are_the_digests_of_the_canonical_request() -> None:
    """The request is serialised once for all repeats; the keys must still be what the
    cache's recipe says, so answers recorded before stay found."""
    import hashlib

    from promptreg.core.hashing import canonical_json
    from promptreg.evals.cache import cache_key, cache_keys

    request = {"model": "m", "messages": [{"role": "user", "content": 'héllo "x"'}], "seed": 1}
    keys = cache_keys("http://h/v1", "chat", request, 3)
    for repeat, key in enumerate(keys):
        payload = {"endpoint": "http://h/v1", "api": "chat", "request": request, "repeat": repeat}
        assert key == hashlib.sha256(canonical_json(payload).encode()).hexdigest()
        assert key == cache_key("http://h/v1", "chat", request, repeat)
    assert len(set(keys)) == 3


def test_cases_with_the_same_variables_share_one_answer(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt(
        "a",
        case("one", "hello", OK),
        case("two", "hello", "{type: max-length, value: 9}"),
        case("three", "bye", OK),
    )
    status, _, _ = repo.run(use_cache=False)
    assert status == EXIT_OK and _calls(repo) == 3  # without the cache, each case asks
    status, _, _ = repo.run()
    assert status == EXIT_OK and _calls(repo) == 5
    assert [r.cached for r in repo.results("demo/a").results] == [False, True, False]

"""--batch: JSONL upload, batch creation, polling, download, grading; --resume; limits."""

from __future__ import annotations

import json

from promptreg.core.errors import EXIT_OK
from promptreg.evals.batch import split
from tests.cachefiles import read_cache
from tests.evals.conftest import EvalRepo, case

OK = "{type: contains, value: ok}"


def test_a_batch_run_uploads_polls_downloads_and_records_like_an_online_run(repo: EvalRepo) -> None:
    repo.configure(extra="  batch_poll_seconds: 0.2")
    repo.script.default = "ok from the batch"
    repo.script.batch_delay = 0.0
    repo.script.batch_polls = 2
    repo.prompt("a", case("one", "hello", OK), case("two", "bye", OK))
    status, out, _ = repo.run(batch=True)
    assert status == EXIT_OK, out
    counters = repo.server.counters.by_path
    assert "/chat/completions" not in counters  # every answer came through the batch
    assert counters["/files"] == 1 and counters["/batches"] == 1
    assert counters["/batches/batch-1"] == 3  # polled until it completed, then no more
    uploaded = repo.server._server.files["file-1"].splitlines()
    lines = [json.loads(line) for line in uploaded]
    assert {line["url"] for line in lines} == {"/v1/chat/completions"}
    recorded = repo.results("demo/a").results
    assert sorted(line["custom_id"] for line in lines) == sorted(r.fingerprint for r in recorded)
    assert [r.passed for r in recorded] == [True, True]
    assert recorded[0].output == "ok from the batch" and recorded[0].latency_ms is None
    assert not (repo.root / ".promptreg" / "cache" / "batch.json").exists()
    online = repo.run(use_cache=False)[0]
    assert online == EXIT_OK
    again = repo.results("demo/a").results
    assert [r.fingerprint for r in again] == [r.fingerprint for r in recorded]


def test_requests_are_split_at_the_per_file_limit(repo: EvalRepo) -> None:
    repo.configure(extra="  batch_poll_seconds: 0.2")
    repo.script.default = "ok"
    repo.script.batch_delay = 0.0
    repo.prompt("a", *(case(f"c{i}", f"text {i}", OK) for i in range(5)))
    status, _, _ = repo.run(batch=True, batch_max_requests=2)
    assert status == EXIT_OK
    assert repo.server.counters.by_path["/batches"] == 3
    sizes = sorted(
        len(data.splitlines())
        for name, data in repo.server._server.files.items()
        if name in ("file-1", "file-3", "file-5")
    )
    assert sizes == [1, 2, 2]


def test_split_keeps_both_limits() -> None:
    lines = [(str(i), b"x" * size) for i, size in enumerate([5, 5, 5, 20, 1])]
    chunks = split(lines, max_requests=2, max_bytes=12)
    assert [[key for key, _ in chunk] for chunk in chunks] == [["0", "1"], ["2"], ["3"], ["4"]]


def test_an_interrupted_batch_run_resumes(repo: EvalRepo) -> None:
    repo.configure(extra="  batch_poll_seconds: 0.3")
    repo.script.default = "ok"
    repo.script.batch_delay = 4.0
    repo.prompt("a", case("one", "hello", OK), case("two", "bye", OK))
    status, _, err = repo.interrupt(
        "test", "--batch", when=lambda: "/batches/batch-1" in repo.server.counters.by_path
    )
    assert status == 130, err
    state = read_cache(repo.root / ".promptreg" / "cache" / "batch.json")
    assert [b["id"] for b in state["batches"]] == ["batch-1"]
    assert not (repo.root / ".promptreg" / "evals").exists()

    again = repo.cli("test", "--batch")
    assert again.returncode == 2 and "still pending (batch-1)" in again.stderr
    resumed = repo.cli("test", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert repo.server.counters.by_path["/batches"] == 1  # nothing submitted twice
    assert "/chat/completions" not in repo.server.counters.by_path
    assert [r.passed for r in repo.results("demo/a").results] == [True, True]
    assert not (repo.root / ".promptreg" / "cache" / "batch.json").exists()
    nothing = repo.cli("test", "--resume")
    assert nothing.returncode == 2 and "no batch run to resume" in nothing.stderr

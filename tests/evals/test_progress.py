"""Progress: a Rich bar on a terminal, plain lines in CI and pipes; long waits are said."""

from __future__ import annotations

import io
import os
import select

import pytest

from promptreg.evals.progress import NotesOnly, PlainProgress, RichProgress, progress_for
from tests.evals.conftest import EvalRepo, case
from tests.evals.server import Fault


def test_a_terminal_gets_a_bar_and_ci_or_a_pipe_plain_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    leader, follower = os.openpty()
    with os.fdopen(follower, "w") as terminal:
        assert isinstance(progress_for(terminal), RichProgress)
        monkeypatch.setenv("CI", "true")
        assert isinstance(progress_for(terminal), PlainProgress)
    os.close(leader)
    assert isinstance(progress_for(io.StringIO()), PlainProgress)
    assert isinstance(progress_for(io.StringIO(), quiet=True), NotesOnly)


def test_plain_lines_are_complete_and_rate_limited() -> None:
    out = io.StringIO()
    progress = PlainProgress(out, every=3600)
    progress.start(3)
    progress.advance(True)
    progress.advance(False)
    assert out.getvalue() == ""  # not yet time for a line
    progress.advance(True)
    progress.close()
    assert out.getvalue() == "promptreg test: 3/3 cases, 1 failed\n"


def test_the_bar_draws_on_a_terminal() -> None:
    leader, follower = os.openpty()
    with os.fdopen(follower, "w") as terminal:
        bar = RichProgress(terminal)
        bar.start(2)
        bar.advance(True)
        bar.advance(False)
        bar.note("a note")
        bar.close()
    chunks = []
    while select.select([leader], [], [], 0.2)[0]:
        try:
            chunks.append(os.read(leader, 65536))
        except OSError:  # EIO: the terminal's other end is closed and everything was read
            break
    os.close(leader)
    drawn = b"".join(chunks).decode("utf-8", "replace")
    assert "promptreg test" in drawn and "2/2" in drawn and "a note" in drawn


def test_a_wait_of_ten_seconds_is_printed(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.script.faults.append(Fault("429", {"Retry-After": "10"}))
    repo.prompt("a", case("one", "hello", "{type: contains, value: ok}"))
    process = repo.cli("test", "--no-progress")
    assert process.returncode == 0, process.stderr
    assert "promptreg test: waiting 10 s before retrying (rate limited)" in process.stderr

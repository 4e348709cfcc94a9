"""Proving many files canonical at once: the same answers in workers as in process, and
a failing worker only leaves its files to the round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptreg.edit import prove
from promptreg.edit.prove import proved_canonical
from tests.edit.test_fmt import CANONICAL, SCRAMBLED


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    """30 files: canonical ones, scrambled ones, a file that is not a prompt file and
    one that does not exist."""
    made = []
    for number in range(28):
        path = tmp_path / f"p{number:02d}.prompt.yaml"
        path.write_text(SCRAMBLED if number % 4 == 0 else CANONICAL, encoding="utf-8")
        made.append(path)
    other = tmp_path / "notes.yaml"
    other.write_text(CANONICAL, encoding="utf-8")
    return [*made, other, tmp_path / "missing.prompt.yaml"]


@pytest.mark.parametrize("workers", [1, 3])
def test_answers_and_progress_are_the_same_in_workers(files: list[Path], workers: int) -> None:
    heard: list[int] = []
    answers = proved_canonical(files, workers=workers, on_progress=heard.append)
    assert answers == [prove.proved(f) for f in files]
    assert answers == [i % 4 != 0 for i in range(28)] + [False, False]
    assert sum(heard) == sum(answers)


def test_a_failing_worker_leaves_its_files_not_proved(
    files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = prove.proved
    poisoned = files[5]

    def failing(path: Path) -> bool:
        if path == poisoned:
            raise RuntimeError("a bug in the proof")
        return real(path)

    monkeypatch.setattr(prove, "proved", failing)  # forked workers inherit it
    answers = proved_canonical(files, workers=2)
    # Worker 1 takes files 1, 3, 5, ... and fails at file 5 before sending a batch: all
    # of its files are left to the round trip. Worker 0's are answered as usual.
    assert answers[1::2] == [False] * 15
    assert answers[0:28:2] == [index % 4 != 0 for index in range(0, 28, 2)]

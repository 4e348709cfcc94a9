"""`promptreg tui` for real: started under a pseudo-terminal, it shows the list and `q`
leaves with status 0."""

from __future__ import annotations

from pathlib import Path

from tests.tui.pty_session import TuiProcess


def test_promptreg_tui_starts_shows_the_list_and_quits_on_q(embedded: Path) -> None:
    session = TuiProcess(embedded)
    try:
        session.read_until(b"support/summarize-ticket")
        session.read_until(b"prompts")
        session.send("q")
        assert session.wait() == 0
    finally:
        session.kill()


def test_a_missing_registry_is_an_error_message_not_a_traceback(tmp_path: Path) -> None:
    session = TuiProcess(tmp_path)
    try:
        status = session.wait()
    finally:
        session.kill()
    assert status == 2
    assert b"no promptreg.yaml found" in session.output
    assert b"Traceback" not in session.output

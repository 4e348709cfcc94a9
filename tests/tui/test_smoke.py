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


def test_e_opens_the_editor_and_the_list_shows_the_edit(embedded: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    editor = "sed -i 's/^title: .*/title: Edited in the editor/'"
    monkeypatch.setenv("EDITOR", editor)
    monkeypatch.delenv("VISUAL", raising=False)
    session = TuiProcess(embedded, "--no-watch")
    try:
        session.read_until(b"support/summarize-ticket")
        session.send("/")
        session.read_until(b"status:approved")  # the filter bar's hint: it has the focus
        session.send("sumtick")
        session.read_until(b"1 of ")
        mark = len(session.output)
        session.send("\r")
        session.read_until(b"Open", since=mark)  # the footer: the list has the focus again
        session.send("e")
        session.read_until(b"Edited in the editor")
        session.send("q")
        assert session.wait() == 0
    finally:
        session.kill()
    text = (embedded / "registry" / "support" / "summarize-ticket.prompt.yaml").read_text()
    assert "title: Edited in the editor" in text

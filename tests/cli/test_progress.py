"""Progress on a real terminal (a pty): shown for a long run, never with -q or in CI,
never for a quick run, and never on stdout."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.edit.test_fmt import CANONICAL, CONFIG

PROMPTREG = str(Path(sys.executable).parent / "promptreg")
FILES = 40
"""Scrambled files, each a round trip of fmt: together well over progress's delay."""
SOURCE = Path(__file__).resolve().parents[2] / "registry/support/summarize-ticket.prompt.yaml"


def on_terminal(command: list[str], cwd: Path, **env: str) -> tuple[str, str, int]:
    """Run `command` with stderr on a pty and stdout in a file (a full pipe would stall
    the run while the pty is read): (terminal, stdout, status)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("CI", "TERM")}
    environment.update(TERM="xterm-256color", COLUMNS="100", **env)
    with tempfile.TemporaryFile() as captured:
        master, slave = pty.openpty()
        try:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=captured,
                stderr=slave,
                env=environment,
            )
        finally:
            os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the last writer closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(master)
        status = process.wait(timeout=120)
        captured.seek(0)
        out = captured.read().decode()
    return b"".join(chunks).decode("utf-8", "replace"), out, status


@pytest.fixture
def scrambled(tmp_path: Path) -> Path:
    """FILES copies of an embedded prompt with `version` above `id`: each takes fmt's
    round trip (tens of milliseconds for a file this size)."""
    (tmp_path / "promptreg.yaml").write_text(CONFIG, encoding="utf-8")
    folder = tmp_path / "registry" / "demo"
    folder.mkdir(parents=True)
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    lines[1], lines[2] = lines[2], lines[1]
    for number in range(FILES):
        text = "\n".join(lines).replace("id: support/", f"id: demo{number}/", 1)
        (folder / f"x{number}.prompt.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_long_fmt_run_shows_a_bar_on_the_terminal_only(scrambled: Path) -> None:
    terminal, out, status = on_terminal([PROMPTREG, "fmt", "--check"], scrambled)
    assert status == 1
    assert "checking" in terminal
    assert f"/{FILES}" in terminal  # the count of files done
    assert terminal.rstrip().endswith(f"{FILES} files would be reformatted")
    assert out.count("would reformat ") == FILES
    assert "\x1b" not in out  # the pipe gets plain lines


@pytest.mark.parametrize(
    ("option", "env"),
    [pytest.param(["-q"], {}, id="quiet"), pytest.param([], {"CI": "1"}, id="CI")],
)
def test_no_bar_with_quiet_or_in_ci(
    scrambled: Path, option: list[str], env: dict[str, str]
) -> None:
    terminal, out, status = on_terminal([PROMPTREG, "fmt", "--check", *option], scrambled, **env)
    assert status == 1
    assert "checking" not in terminal
    assert "\x1b" not in terminal
    assert out.count("would reformat ") == FILES
    summary = f"{FILES} files would be reformatted"
    assert (summary in terminal) == (option == [])  # -q drops the summary line too


def test_one_file_on_a_terminal_shows_no_bar_and_loads_no_rich(scrambled: Path) -> None:
    one = scrambled / "registry" / "demo" / "x0.prompt.yaml"
    probe = (
        "import sys\n"
        "from promptreg.cli.main import main\n"
        "main(sys.argv[1:])\n"
        "print('rich' in sys.modules)\n"
    )
    terminal, out, _ = on_terminal([sys.executable, "-c", probe, "fmt", str(one)], scrambled)
    assert "formatting" not in terminal  # no bar for a single file, however slow
    assert out.splitlines()[-1] == "False"
    # lint's status line, when a loaded machine makes even one file slow, is no Rich.
    command = [sys.executable, "-c", probe, "lint", "--no-cache", str(one)]
    assert on_terminal(command, scrambled)[1].splitlines()[-1] == "False"


PULSE = """\
import sys, time
from promptreg.cli.progress import Pulse
with Pulse("working", quiet="-q" in sys.argv):
    time.sleep(float(sys.argv[1]))
print("done")
"""


@pytest.mark.parametrize(
    ("seconds", "args", "env", "shown"),
    [
        pytest.param("1.6", [], {}, True, id="long"),
        pytest.param("0.2", [], {}, False, id="quick"),
        pytest.param("1.6", ["-q"], {}, False, id="quiet"),
        pytest.param("1.6", [], {"CI": "true"}, False, id="CI"),
    ],
)
def test_the_status_line_of_a_call_that_does_not_report_back(
    tmp_path: Path, seconds: str, args: list[str], env: dict[str, str], shown: bool
) -> None:
    command = [sys.executable, "-c", PULSE, seconds, *args]
    terminal, out, status = on_terminal(command, tmp_path, **env)
    assert (status, out) == (0, "done\n")  # sleep survived the timer's signals
    assert ("working  1 s" in terminal) == shown
    if shown:
        assert terminal.endswith("\r\x1b[2K")  # the line is cleared at the end
    else:
        assert terminal == ""


def test_a_long_lint_shows_its_status_line_while_workers_run(tmp_path: Path) -> None:
    """Enough files for lint to fork workers while the status line's timer runs (each
    template with a block, so every one goes through the template parser)."""
    (tmp_path / "promptreg.yaml").write_text(CONFIG, encoding="utf-8")
    folder = tmp_path / "registry" / "demo"
    folder.mkdir(parents=True)
    block = "Say hello to {% if name %}{{ name }}{% endif %}."
    for number in range(1200):
        text = CANONICAL.replace("id: demo/x", f"id: demo/x{number}")
        text = text.replace("Say hello to {{ name }}.", f"{block} ({number})")
        (folder / f"x{number}.prompt.yaml").write_text(text, encoding="utf-8")
    terminal, out, status = on_terminal([PROMPTREG, "lint", "--no-cache"], tmp_path)
    assert status == 1  # the hand-made prompts have findings
    assert "linting  1 s" in terminal
    assert terminal.endswith("\r\x1b[2K")
    assert "x1199.prompt.yaml:" in out
    assert "\x1b" not in out

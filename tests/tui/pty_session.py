"""The real `promptreg tui` under a pseudo-terminal: what a person's terminal sees.

Shared by the smoke test and benchmarks/tui_speed.py (whole-process time to the list).
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

PROMPTREG = Path(sys.executable).parent / "promptreg"


class TuiProcess:
    def __init__(
        self,
        cwd: Path,
        *args: str,
        size: tuple[int, int] = (160, 45),
        command: list[str] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        master, slave = pty.openpty()
        columns, lines = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        extra = env or {}
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(lines)}
        env.pop("NO_COLOR", None)
        env.update(extra)
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command or [str(PROMPTREG), "tui", *args],
            cwd=cwd,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.master = master
        self.output = b""

    def read_until(self, needle: bytes, timeout: float = 30.0, *, since: int = 0) -> float:
        """Read the terminal until `needle` shows (after byte `since` of the output);
        seconds since the process started."""
        deadline = time.monotonic() + timeout
        while needle not in self.output[since:]:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{needle!r} never appeared; got {self.output[-800:]!r}")
            ready, _, _ = select.select([self.master], [], [], min(left, 0.5))
            if ready:
                try:
                    self.output += os.read(self.master, 65536)
                except OSError:  # the child closed the terminal
                    break
        return time.perf_counter() - self.started

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def wait(self, timeout: float = 30.0) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.output += os.read(self.master, 65536)
                except OSError:
                    break
        try:
            return self.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        finally:
            os.close(self.master)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

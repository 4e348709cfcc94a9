"""Only `promptreg tui` loads textual: the linter, the listing and the SDK never do (nor
rich, which textual brings)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.tui.conftest import REPO

PROBE = """\
import sys
from promptreg.cli.main import main
status = main({argv!r})
loaded = sorted({{m.split(".")[0] for m in sys.modules}} & {{"textual", "rich"}})
print("LOADED", loaded, file=sys.stderr)
"""


@pytest.mark.parametrize("argv", [["lint"], ["list"], ["show", "support/summarize-ticket"]])
def test_headless_commands_never_import_textual_or_rich(argv: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "LOADED []" in done.stderr, done.stderr[-2000:]


def test_the_sdk_never_imports_textual_or_rich() -> None:
    probe = (
        "import sys, promptreg\n"
        "registry = promptreg.Registry.open('.')\n"
        "registry.get('support/summarize-ticket', allow_unapproved=True)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich'}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "[]", done.stderr


def test_the_probe_would_see_textual() -> None:
    """The check can fail: the tui command's own import does load textual."""
    probe = "import sys, promptreg.tui.app\nprint('textual' in sys.modules)\n"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "True"

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


LIST_PROBE = """\
import asyncio, sys
from pathlib import Path
from promptreg.tui.app import make_app

async def main() -> None:
    app = make_app(Path({root!r}), live_reload=False, keymap={{}})
    async with app.run_test(size=(120, 40)) as pilot:
        while app.first_paint is None:
            await pilot.pause(0.01)
        print("LOADED", sorted(set(sys.modules) & {modules!r}))

asyncio.run(main())
"""

NOT_FOR_THE_LIST = {
    "promptreg.core.model",
    "promptreg.core.loader",
    "promptreg.core.tree",
    "promptreg.core.versions",
    "promptreg.governance.approval",
    "promptreg.git.repo",
    "promptreg.render.prompt",
    "promptreg.render.tokens",
}


def test_the_list_paints_before_the_loader_the_renderer_or_git_are_imported() -> None:
    """The list shows file names: reading prompts (the loader, the model, governance),
    rendering, counting tokens and git load later, in the fillers or with a prompt."""
    probe = LIST_PROBE.format(root=str(REPO), modules=NOT_FOR_THE_LIST)
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert "LOADED []" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]


def test_the_list_probe_would_see_the_loader() -> None:
    """The check can fail: the loader is in sys.modules once imported."""
    probe = LIST_PROBE.format(root=str(REPO), modules=NOT_FOR_THE_LIST).replace(
        "from promptreg.tui.app import make_app",
        "import promptreg.core.tree\nfrom promptreg.tui.app import make_app",
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert "'promptreg.core.loader'" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]

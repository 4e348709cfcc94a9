"""What every command imports before it knows what it needs stays light.

`cli/common.py` is imported by each command module, and `report/__init__.py` by each
command with a `--format` of findings: neither may pull in the linter, the SDK, the
YAML parser or the schemas, or `promptreg list` and `--help` pay for them.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("promptreg.lint", "promptreg.sdk", "promptreg.core.config", "yaml", "jsonschema")


def test_common_and_the_reporter_table_import_nothing_heavy() -> None:
    script = (
        "import sys\n"
        "import promptreg.cli.common, promptreg.report\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = proc.stdout.split()

    assert "promptreg.cli.common" in loaded
    assert "promptreg.report" in loaded
    heavy = [m for m in loaded if m.startswith(HEAVY)]
    assert heavy == []

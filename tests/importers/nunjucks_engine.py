"""Nunjucks (promptfoo's template engine) through node, installed once per test run.

The package goes into the test run's temporary folder, never into the repository: a
folder shared by the xdist workers, filled by whichever gets there first.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

NUNJUCKS = "nunjucks@3.2.4"
_SCRIPT = """
const nunjucks = require('nunjucks');
let input = '';
process.stdin.on('data', d => input += d);
process.stdin.on('end', () => {
  const {template, vars} = JSON.parse(input);
  const env = new nunjucks.Environment(null, {autoescape: false});  // as promptfoo sets it
  process.stdout.write(JSON.stringify(env.renderString(template, vars)));
});
"""


def install(base: Path) -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.fail("node and npm are needed to render Nunjucks (apt-get install nodejs npm)")
    folder = base / "nunjucks"
    if (folder / "node_modules" / "nunjucks").is_dir():
        return folder
    staging = base / f"nunjucks-{__import__('os').getpid()}"
    staging.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(staging), NUNJUCKS],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        pytest.fail(f"could not install {NUNJUCKS} with npm: {done.stderr.strip()[-500:]}")
    (staging / "render.js").write_text(_SCRIPT, encoding="utf-8")
    try:
        staging.rename(folder)
    except OSError:  # another worker finished first; its copy is as good
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def render(folder: Path, template: str, values: dict[str, Any]) -> str:
    done = subprocess.run(
        ["node", str(folder / "render.js")],
        input=json.dumps({"template": template, "vars": values}),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=folder,
    )
    assert done.returncode == 0, done.stderr
    result: str = json.loads(done.stdout)
    return result

"""`promptreg stubs`: mypy --strict, run on an application against the generated stubs,
reports a misspelt variable at the call site and accepts a correct one."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from promptreg.core.model import build_spec
from promptreg.sdk.stubs import render_stubs

REPO = Path(__file__).resolve().parents[2]

APP = """\
from __future__ import annotations

from typing import TYPE_CHECKING

from promptreg import Registry

if TYPE_CHECKING:
    from prompt_types import Prompts

registry: Prompts = Registry.open({repo!r})
ticket = registry.get("support/summarize-ticket")
messages = ticket.render(ticket_text="Order 1234 is late.", customer_tier="pro")
kwargs = ticket.openai_responses(ticket_text="Order 1234 is late.")
anything = registry.get("support/" + "summarize-ticket").render(whatever=1)
{calls}
"""

BAD_CALLS = {
    'ticket.render(ticket_txt="Order 1234 is late.")': (
        'Unexpected keyword argument "ticket_txt" for "render" of '
        '"SupportSummarizeTicketPrompt"; did you mean "ticket_text"?'
    ),
    'ticket.openai_chat(ticket_text="x", customer_tier="gold")': (
        'Argument "customer_tier" to "openai_chat" of "SupportSummarizeTicketPrompt" has '
        "incompatible type \"Literal['gold']\""
    ),
    'ticket.openai_responses(customer_tier="pro")': 'Missing named argument "ticket_text"',
}


@pytest.fixture(scope="module")
def stubs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("app")
    done = subprocess.run(
        [sys.executable, "-m", "promptreg", "stubs", "-o", str(where / "prompt_types.pyi")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return where


def _mypy(where: Path, calls: str) -> subprocess.CompletedProcess[str]:
    app = where / "app.py"
    app.write_text(APP.format(repo=str(REPO), calls=calls), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "app.py"],
        cwd=where,
        capture_output=True,
        text=True,
    )


def test_correct_calls_type_check(stubs_dir: Path) -> None:
    done = _mypy(stubs_dir, "")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout


def test_a_misspelt_variable_is_an_error_at_the_call_site(stubs_dir: Path) -> None:
    done = _mypy(stubs_dir, "\n".join(BAD_CALLS))
    assert done.returncode == 1, done.stdout + done.stderr
    first_line = APP.count("\n", 0, APP.index("{calls}")) + 1
    for offset, (call, message) in enumerate(BAD_CALLS.items()):
        expected = f"app.py:{first_line + offset}: error: {message}"
        assert expected in done.stdout, f"{call}\n{done.stdout}"
    assert "prompt_types.pyi" not in done.stdout.replace('defined in "prompt_types"', "")


def test_check_reports_a_stale_file(tmp_path: Path) -> None:
    target = tmp_path / "prompt_types.pyi"
    command = [sys.executable, "-m", "promptreg", "stubs", "-o", str(target), "--check"]
    stale = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    assert stale.returncode == 1
    assert "out of date" in stale.stderr
    subprocess.run(command[:-1], cwd=REPO, check=True, capture_output=True)
    assert subprocess.run(command, cwd=REPO, capture_output=True).returncode == 0


def _spec(prompt_id: str, variables: dict[str, Any]) -> Any:
    return build_spec(
        {
            "id": prompt_id,
            "version": "1.0.0",
            "title": "t",
            "description": "d",
            "owner": "team",
            "tier": 1,
            "status": "draft",
            "model": {"name": "gpt-4o-mini"},
            "messages": [{"role": "user", "content": "hi"}],
            "variables": variables,
        }
    )


def test_hostile_values_stay_data_and_names_stay_unique() -> None:
    hostile = "x'] ) -> None: ...\nimport os; os.system('id') #"
    text = render_stubs(
        [
            _spec("a/b-c", {"mode": {"type": "string", "description": "m", "enum": [hostile]}}),
            _spec("a-b/c", {"class": {"type": "number", "description": "a keyword"}}),
            _spec("a/b", {"n": {"type": "integer", "description": "n", "enum": [1, 2]}}),
        ]
    )
    tree = ast.parse(text)  # still one valid module
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.Import)]
    assert repr(hostile) in text
    assert "class ABCPrompt(" in text and "class ABC2Prompt(" in text
    assert "'class': Required[float]" in text
    assert "Literal[1, 2]" in text


def test_an_empty_registry_has_one_plain_get() -> None:
    text = render_stubs([])
    ast.parse(text)
    assert "@overload" not in text.split("class Prompts", 1)[1]

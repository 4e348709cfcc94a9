"""The values a render refuses are refused by the library, so `promptreg render`, the
SDK's `Prompt.render`/`openai_chat` and a prompt served from a bundle agree: a value
over its variable's `max_tokens`, and `nan` or `inf` as a number."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import pytest

from promptreg import Registry
from promptreg.cli.main import main
from promptreg.core.errors import VariableError
from promptreg.render.prompt import Prompt
from tests.gitrepo import DANA, GitRepo
from tests.sdk.conftest import REPO, TIER1, build, tier1_text

SUMMARIZE = "support/summarize-ticket"
VARIANCE = "finance/variance-commentary"
LONG = "word " * 3500  # about 3,500 tokens; ticket_text allows 3,000
NOT_FINITE = [math.nan, math.inf, -math.inf]
VARIANCE_VARS = {"period": "2026-11", "cost_centre": "CC-100 Operations", "variance_table": "x"}
OVER = re.compile(r"ticket_text is [0-9,]+ tokens, over its max_tokens of 3,000")


def _refusal(call: Callable[[], object]) -> str:
    with pytest.raises(VariableError) as caught:
        call()
    return "\n".join(caught.value.problems)


def test_the_sdk_refuses_a_value_over_max_tokens() -> None:
    prompt = Registry.open(REPO).get(SUMMARIZE)
    for call in (prompt.render, prompt.openai_chat, prompt.openai_responses):
        problems = _refusal(lambda call=call: call(ticket_text=LONG))
        assert OVER.fullmatch(problems.split(";")[0]), problems
    assert prompt.render(ticket_text="word " * 500)[1]["content"].count("word") == 500


@pytest.mark.parametrize("value", NOT_FINITE)
def test_the_sdk_refuses_a_number_that_is_not_finite(value: float) -> None:
    prompt = Registry.open(REPO).get(VARIANCE)
    problems = _refusal(lambda: prompt.render(threshold_pct=value, **VARIANCE_VARS))
    assert problems == f"threshold_pct must be a finite number, not {value!r}"
    assert "2.5" in prompt.render(threshold_pct=2.5, **VARIANCE_VARS)[0]["content"]


def test_the_cli_and_the_sdk_give_the_same_refusal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    sdk = _refusal(lambda: Registry.open(REPO).get(SUMMARIZE).render(ticket_text=LONG))
    capsys.readouterr()
    assert main(["render", SUMMARIZE, "--var", f"ticket_text={LONG}"]) == 2
    err = capsys.readouterr().err
    assert sdk in err and "Traceback" not in err
    for raw in ("nan", "-inf"):
        given = [f"--var={name}={value}" for name, value in VARIANCE_VARS.items()]
        assert main(["render", VARIANCE, "--var", f"threshold_pct={raw}", *given]) == 2
        err = capsys.readouterr().err
        assert f"threshold_pct must be a finite number, not {float(raw)!r}" in err


def test_a_prompt_served_from_a_bundle_refuses_the_same(
    git_repo: Callable[..., GitRepo], capsys: pytest.CaptureFixture[str]
) -> None:
    repo = git_repo(identity=DANA)
    repo.write(f"registry/{TIER1}.prompt.yaml", tier1_text("1.0.0"))
    repo.commit("Add the commit-message prompt", DANA)
    status, err, bundle = build(repo, capsys)
    assert status == 0, err
    prompt = Registry.open(bundle).get(TIER1)
    problems = _refusal(lambda: prompt.render(diff="+line\n" * 4000))
    assert re.match(r"diff is [0-9,]+ tokens, over its max_tokens of 3,000", problems)
    assert "+line" in prompt.render(diff="+line\n")[1]["content"]


def test_a_prompt_built_without_an_encoding_checks_types_but_not_sizes() -> None:
    """The eval runner and the TUI render what the file holds (the token rules bound
    it); a non-finite number is refused whatever the encoding."""
    spec = Registry.open(REPO).spec(VARIANCE)
    prompt = Prompt(spec)
    assert prompt.render(**{**VARIANCE_VARS, "variance_table": "x " * 5000})
    assert "finite number" in _refusal(
        lambda: prompt.render(threshold_pct=math.nan, **VARIANCE_VARS)
    )

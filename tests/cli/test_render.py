"""`promptreg render`: text, JSON and OpenAI output, variables and their problems."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.cli.support import DRAFT, REPO_REGISTRY, SUMMARIZE, cli, locate


def test_render_text(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(
        capsys,
        "render",
        SUMMARIZE,
        "--var",
        "ticket_text=Order 1234 arrived with a cracked screen.",
        "--var",
        "customer_tier=enterprise",
    )

    assert run.status == 0
    assert run.err == ""
    assert run.out.startswith("--- system ---\nYou summarise customer support tickets")
    user = run.out.split("--- user ---\n", 1)[1]
    assert user == (
        "Customer tier: enterprise\n\n<ticket>\n"
        "Order 1234 arrived with a cracked screen.\n</ticket>\n\n"
    )


def test_render_json_fills_defaults(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(
        capsys, "render", SUMMARIZE, "--var", "ticket_text=Where is order 77?", "--format", "json"
    )

    assert run.status == 0
    messages = json.loads(run.out)
    assert [set(m) for m in messages] == [{"role", "content"}] * 2
    assert [m["role"] for m in messages] == ["system", "user"]
    assert "Customer tier: free\n" in messages[1]["content"]
    assert "<ticket>\nWhere is order 77?\n</ticket>" in messages[1]["content"]


def test_render_openai_kwargs(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    var = ["--var", "ticket_text=Where is order 77?"]
    messages = json.loads(cli(capsys, "render", SUMMARIZE, *var, "--format", "json").out)

    run = cli(capsys, "render", SUMMARIZE, *var, "--format", "openai")

    assert run.status == 0
    kwargs = json.loads(run.out)
    assert kwargs["model"] == "gpt-4o-mini"
    assert kwargs["messages"] == messages
    assert kwargs["temperature"] == 0.2
    assert kwargs["max_completion_tokens"] == 400
    assert kwargs["response_format"]["type"] == "json_schema"
    schema = yaml.safe_load((REPO_REGISTRY / f"{SUMMARIZE}.prompt.yaml").read_text())["output"][
        "schema"
    ]
    assert kwargs["response_format"]["json_schema"]["schema"] == schema
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", kwargs["response_format"]["json_schema"]["name"])


def test_render_openai_for_text_output_has_no_response_format(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(
        capsys,
        "render",
        DRAFT,
        "--var",
        "focus=retrieval",
        "--var",
        'abstracts=["Paper A. Finds X."]',
        "--format",
        "openai",
    )

    assert run.status == 0
    kwargs = json.loads(run.out)
    assert kwargs["model"] == "gpt-4.1-mini"
    assert "response_format" not in kwargs


def test_render_reports_every_variable_problem_at_once(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "render", SUMMARIZE, "--var", "customer_tier=gold")

    assert run.status == 2
    assert "2 variable problems" in run.err
    assert "ticket_text is required" in run.err
    assert "customer_tier must be one of 'free', 'pro', 'enterprise', not 'gold'" in run.err
    assert run.out == ""


def test_render_rejects_a_misspelt_variable(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "render", SUMMARIZE, "--var", "ticket_text=Hi", "--var", "customer_teir=pro")

    assert run.status == 2
    assert "customer_teir is not a variable of this prompt" in run.err


def test_render_rejects_a_var_without_value(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "render", SUMMARIZE, "--var", "ticket_text")

    assert run.status == 2
    assert "is not NAME=VALUE" in run.err


def test_render_vars_file_and_var_override(
    in_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vars_file = tmp_path / "vars.yaml"
    vars_file.write_text(
        "ticket_text: |\n  Order 99 broke.\n  Please help.\ncustomer_tier: pro\n", encoding="utf-8"
    )

    from_file = cli(capsys, "render", SUMMARIZE, "--vars-file", str(vars_file), "--format", "json")
    overridden = cli(
        capsys,
        "render",
        SUMMARIZE,
        "--vars-file",
        str(vars_file),
        "--var",
        "customer_tier=enterprise",
        "--format",
        "json",
    )

    assert from_file.status == overridden.status == 0
    user = json.loads(from_file.out)[1]["content"]
    assert "Customer tier: pro\n" in user
    assert "<ticket>\nOrder 99 broke.\nPlease help.\n" in user
    assert "Customer tier: enterprise\n" in json.loads(overridden.out)[1]["content"]


@pytest.mark.parametrize(
    ("text", "needle", "message"),
    [
        ("a: &x hello\nticket_text: *x\n", "&x", "anchor"),
        ("- ticket_text\n", "- ticket_text", "must be a mapping"),
        ("ticket_text: [unclosed\n", "", "YAML syntax error"),
    ],
    ids=["alias", "not-a-mapping", "syntax"],
)
def test_render_malformed_vars_file(
    in_repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    needle: str,
    message: str,
) -> None:
    vars_file = tmp_path / "vars.yaml"
    vars_file.write_text(text, encoding="utf-8")

    run = cli(capsys, "render", SUMMARIZE, "--vars-file", str(vars_file))

    assert run.status == 2
    assert message in run.err
    if needle:
        line, column = locate(text, needle)
        assert f"{vars_file}:{line}:{column}: " in run.err
    else:
        assert re.search(rf"{re.escape(str(vars_file))}:\d+:\d+: ", run.err)
    assert run.out == ""


def test_render_approved_only_refuses_a_draft(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(
        capsys,
        "render",
        DRAFT,
        "--var",
        "focus=x",
        "--var",
        'abstracts=["A. B."]',
        "--approved-only",
    )

    assert run.status == 2
    assert "not approved" in run.err
    assert run.out == ""


def test_render_a_draft_warns_but_renders(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(
        capsys,
        "render",
        DRAFT,
        "--var",
        "focus=retrieval evaluation",
        "--var",
        'abstracts=["Paper A. Finds X.", "Paper B. Finds Y."]',
    )

    assert run.status == 0
    assert run.err.startswith(f"warning: {DRAFT} is not served by the SDK")
    assert "<focus>\nretrieval evaluation\n</focus>" in run.out
    assert "<abstract>\nPaper A. Finds X.\n</abstract>" in run.out
    assert "<abstract>\nPaper B. Finds Y.\n</abstract>" in run.out


def test_render_approved_only_serves_an_approved_prompt(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "render", SUMMARIZE, "--var", "ticket_text=Hi", "--approved-only")

    assert run.status == 0
    assert run.err == ""


def test_render_help_examples_use_declared_variables(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    help_text = cli(capsys, "render", "--help").out
    examples = re.findall(r"^\s+promptreg render (\S+)(.*)$", help_text, flags=re.MULTILINE)
    assert examples
    for prompt_id, rest in examples:
        declared = json.loads(cli(capsys, "show", prompt_id, "--format", "json").out)["data"][
            "variables"
        ]
        for name in re.findall(r"--var '?([A-Za-z_][A-Za-z0-9_]*)=", rest):
            assert name in declared, f"{prompt_id} has no variable {name!r}"

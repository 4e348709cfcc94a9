"""`promptreg test` as a command: exit statuses, formats, selection, dry runs, Ctrl-C."""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET

from tests.evals.conftest import BIN, EvalRepo, case
from tests.evals.server import Fault

OK = "{type: contains, value: ok}"


def test_exit_zero_when_everything_passes_and_one_when_something_fails(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK))
    assert repo.cli("test").returncode == 0
    repo.prompt("b", case("one", "hello", "{type: contains, value: nope}"))
    process = repo.cli("test")
    assert process.returncode == 1
    assert "FAIL demo/b 1.0.0: 0/1 passed" in process.stdout


def test_exit_two_for_usage_and_configuration_errors(repo: EvalRepo) -> None:
    repo.prompt("a", case("one", "hello", "{type: regex, value: '(a+)+$'}"))
    bad_value = repo.cli("test")
    assert bad_value.returncode == 2
    assert "repetition inside" in bad_value.stderr
    assert "a.prompt.yaml:19:30:" in bad_value.stderr  # the place of the pattern
    unknown = repo.cli("test", "demo/nope")
    assert unknown.returncode == 2 and "no prompt 'demo/nope'" in unknown.stderr
    changed = repo.cli("test", "--changed")
    assert changed.returncode == 2 and "--changed needs --base" in changed.stderr
    assert repo.server.counters.requests == 0


def test_exit_three_when_the_endpoint_is_unusable(repo: EvalRepo) -> None:
    repo.prompt("a", case("one", "hello", OK))
    repo.script.faults.append(Fault("401"))
    process = repo.cli("test")
    assert process.returncode == 3
    assert "refused the key" in process.stderr and "Traceback" not in process.stderr


def test_a_missing_key_for_a_remote_endpoint_is_a_configuration_error(repo: EvalRepo) -> None:
    config = repo.root / "promptreg.yaml"
    config.write_text(config.read_text().replace(repo.server.url, "https://models.example.com/v1"))
    repo.prompt("a", case("one", "hello", OK))
    process = repo.cli("test")
    assert process.returncode == 2
    assert "PROMPTREG_TEST_KEY, which is not set" in process.stderr


def test_dry_run_counts_offline_and_sends_nothing(repo: EvalRepo) -> None:
    repo.configure(extra="  prices:\n    gpt-4o-mini: {input: 1, output: 2}")
    repo.prompt("a", case("one", "hello", OK), case("two", "hello there", OK))
    process = repo.cli("test", "--dry-run", "--format", "json")
    assert process.returncode == 0, process.stderr
    data = json.loads(process.stdout)
    row = data["prompts"][0]
    assert row["requests"] == 2 and row["output_tokens_at_most"] == 100
    assert row["input_tokens"] > 20
    assert row["cost_usd_at_most"] == (row["input_tokens"] * 1 + 100 * 2) / 1e6
    text = repo.cli("test", "--dry-run")
    assert "demo/a" in text.stdout and "total" in text.stdout
    assert repo.server.counters.requests == 0


def test_junit_and_markdown_reports(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK), case("two", "hi", "{type: contains, value: nope}"))
    report = repo.cli("test", "--format", "junit").stdout
    junit = ET.fromstring(report)  # noqa: S314 (our own report, not untrusted input)
    suite = junit.find("testsuite")
    assert suite is not None and suite.get("name") == "demo/a"
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    failure = suite.find("testcase[@name='two']/failure")
    assert failure is not None and "does not contain 'nope'" in (failure.get("message") or "")
    markdown = repo.cli("test", "--format", "markdown").stdout
    assert markdown.startswith("## promptreg test")
    assert "**1 of 2 cases passed**" in markdown and "| `demo/a` | two |" in markdown


def test_tier_and_case_select(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("low", case("one", "hello", OK), tier=1)
    repo.prompt(
        "high", case("refund", "a", OK), case("refund later", "b", OK), case("other", "c", OK)
    )
    process = repo.cli("test", "--tier", "3", "--case", "refund*")
    assert process.returncode == 0
    assert repo.server.counters.requests == 2
    assert not (repo.root / ".promptreg/evals/demo/low.json").exists()
    missing = repo.cli("test", "--case", "nothing like it")
    assert missing.returncode == 2 and "no eval case named" in missing.stderr


def test_changed_against_a_base(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK))
    repo.prompt("b", case("one", "hello", OK))
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo.root)}
    for args in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.email=t@example.com", "-c", "user.name=T", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", *args], cwd=repo.root, env=env, check=True, capture_output=True)
    repo.prompt("b", case("one", "hello", OK), system="Answer in two words.")
    process = repo.cli("test", "--changed", "--base", "HEAD")
    assert process.returncode == 0, process.stderr
    assert "demo/b" in process.stdout and "demo/a" not in process.stdout


def test_list_assertions() -> None:
    process = subprocess.run(
        [str(BIN / "promptreg"), "test", "--list-assertions"], capture_output=True, text=True
    )
    assert process.returncode == 0
    assert "llm-rubric" in process.stdout and "contains-any" in process.stdout


def test_ctrl_c_leaves_no_partial_result_file_and_exits_130(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.script.latency = 0.3
    repo.prompt("a-quick", case("one", "hello", OK))
    repo.prompt("b-slow", *(case(f"c{i}", f"text {i}", OK) for i in range(30)))
    status, out, err = repo.interrupt(
        "test", "--concurrency", "2", when=lambda: repo.server.counters.requests >= 6
    )
    assert status == 130, out + err
    assert "interrupted" in err and "Traceback" not in err
    evals = repo.root / ".promptreg" / "evals"
    written = sorted(p.relative_to(evals).as_posix() for p in evals.rglob("*") if p.is_file())
    assert written == [
        "demo/a-quick.json"
    ]  # finished before Ctrl-C, complete; the other not at all
    assert len(json.loads((evals / "demo/a-quick.json").read_text())["results"]) == 1
    assert repo.server.counters.requests < 31


def test_outputs_follow_the_logging_level(repo: EvalRepo) -> None:
    repo.script.default = "ok, write to mei@example.com or call +44 20 7946 0958"
    repo.prompt("full", case("one", "hello", OK), logging="full")
    repo.prompt("meta", case("one", "hello", OK), logging="metadata")
    repo.prompt("none", case("one", "hello", "{type: contains, value: nope}"), logging="none")
    repo.cli("test")
    assert repo.results("demo/full").results[0].output == repo.script.default
    meta = repo.results("demo/meta").results[0]
    assert meta.output == "ok, write to [REDACTED:email] or call [REDACTED:phone]"
    assert meta.output_policy == "redacted"
    none = repo.results("demo/none").results[0]
    assert none.output is None and none.output_policy == "omitted"
    assert "mei@example.com" not in none.assertions[0].detail
    assert "[REDACTED:email]" in none.assertions[0].detail

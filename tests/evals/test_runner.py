"""The runner against a real HTTP server: answers, retries, rate limits, concurrency."""

from __future__ import annotations

import datetime as dt
import email.utils
import json

import pytest

from promptreg.core.errors import EXIT_FINDINGS, EXIT_OK, ConfigError
from promptreg.evals.runner import InfrastructureError, RunOptions
from tests.evals.conftest import EvalRepo, case
from tests.evals.server import Fault

CONTAINS_OK = "{type: contains, value: ok}"
TRANSPORTS = pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
"""The openai client over each transport the runner can give it."""


@TRANSPORTS
def test_records_every_case_with_what_the_endpoint_said(repo: EvalRepo, transport: str) -> None:
    repo.script.default = "ok, done"
    repo.prompt("greet", case("first", "hello", CONTAINS_OK), case("second", "bye", CONTAINS_OK))
    status, out, _ = repo.run(transport=transport)
    assert status == EXIT_OK, out
    results = repo.results("demo/greet")
    assert [(r.case, r.passed) for r in results.results] == [("first", True), ("second", True)]
    first = results.results[0]
    assert first.endpoint == f"127.0.0.1:{repo.server.url.split(':')[2].split('/')[0]}"
    assert first.model_requested == "gpt-4o-mini"
    assert first.model_reported == "gpt-4o-mini-2026-01-01"
    assert first.usage == {"input_tokens": 5, "output_tokens": 2}
    assert first.output == "ok, done"  # logging: full keeps the answer
    assert first.latency_ms is not None and first.latency_ms > 0
    bodies = [c["body"] for c in repo.server.requests_to("/chat/completions")]
    sent = next(b for b in bodies if "hello" in b["messages"][1]["content"])
    assert sent["messages"][1] == {"role": "user", "content": "<text>hello</text>"}
    assert sent["temperature"] == 0 and sent["max_completion_tokens"] == 50
    assert "PASS demo/greet 1.0.0: 2/2 passed" in out


def test_the_key_travels_in_the_header_and_never_into_results(
    repo: EvalRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROMPTREG_TEST_KEY", "sk-test-abcdefghijklmnopqrstuvwxyz123456")
    repo.prompt("greet", case("first", "hello", CONTAINS_OK))
    repo.script.default = "ok"
    repo.run()
    headers = repo.server.requests_to("/chat/completions")[0]["headers"]
    assert headers["authorization"] == "Bearer sk-test-abcdefghijklmnopqrstuvwxyz123456"
    text = (repo.root / ".promptreg" / "evals" / "demo" / "greet.json").read_text()
    assert "sk-test" not in text


def test_a_failing_assertion_fails_the_run_with_its_reason(repo: EvalRepo) -> None:
    repo.script.default = "no"
    repo.prompt("greet", case("first", "hello", CONTAINS_OK, "{type: max-length, value: 10}"))
    status, out, _ = repo.run()
    assert status == EXIT_FINDINGS
    result = repo.results("demo/greet").results[0]
    assert not result.passed
    assert [(a.type, a.passed) for a in result.assertions] == [
        ("contains", False),
        ("max-length", True),
    ]
    assert "FAIL first" in out and "does not contain 'ok'" in out


def test_429_with_retry_after_is_waited_out_and_retried(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.script.faults.append(Fault("429", {"Retry-After": "1"}))
    repo.prompt("greet", case("first", "hello", CONTAINS_OK))
    status, out, _ = repo.run(run=RunOptions(concurrency=1, backoff_base=0.01))
    assert status == EXIT_OK, out
    calls = repo.server.requests_to("/chat/completions")
    assert len(calls) == 2  # the runner saw the 429 itself: the client retried nothing
    assert calls[1]["time"] - calls[0]["time"] >= 1.0


def test_retry_after_ms_and_dates_are_honoured(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    # Far enough ahead that starting the run (importing the client) cannot use it up.
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
    repo.script.faults.extend(
        [
            Fault("429", {"retry-after-ms": "400"}),
            Fault("429", {"Retry-After": email.utils.format_datetime(soon, usegmt=True)}),
        ]
    )
    repo.prompt("greet", case("first", "hello", CONTAINS_OK))
    status, _, _ = repo.run(run=RunOptions(concurrency=1, backoff_base=0.01))
    assert status == EXIT_OK
    times = [c["time"] for c in repo.server.requests_to("/chat/completions")]
    assert len(times) == 3
    assert times[1] - times[0] >= 0.4
    # The date (whole seconds) was at least 1.5 s after the second 429.
    assert times[2] - times[1] >= 1.2


def test_ratelimit_reset_headers_pause_when_nothing_remains(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.script.faults.append(
        Fault("429", {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "700ms"})
    )
    repo.prompt("greet", case("first", "hello", CONTAINS_OK))
    repo.run(run=RunOptions(concurrency=1, backoff_base=0.01))
    times = [c["time"] for c in repo.server.requests_to("/chat/completions")]
    assert len(times) == 2 and times[1] - times[0] >= 0.7


@TRANSPORTS
def test_500s_timeouts_and_malformed_answers_are_retried_with_backoff(
    repo: EvalRepo, transport: str
) -> None:
    repo.configure(extra="  timeout: 0.3")
    repo.script.default = "ok"
    repo.script.faults.extend([Fault("500"), Fault("timeout", seconds=1.0), Fault("malformed")])
    repo.prompt("greet", case("first", "hello", CONTAINS_OK))
    status, out, _ = repo.run(run=RunOptions(concurrency=1, backoff_base=0.01), transport=transport)
    assert status == EXIT_OK, out
    assert len(repo.server.requests_to("/chat/completions")) == 4
    assert "3 retried" in out


def test_an_endpoint_that_keeps_failing_is_an_infrastructure_error(repo: EvalRepo) -> None:
    repo.script.faults.extend([Fault("500")] * 3)
    repo.prompt("greet", case("first", "hello", CONTAINS_OK))
    with pytest.raises(InfrastructureError, match="no answer after 3 attempts") as caught:
        repo.run(run=RunOptions(max_attempts=3, backoff_base=0.01))
    assert caught.value.exit_status == 3
    assert not (repo.root / ".promptreg" / "evals" / "demo" / "greet.json").exists()


def test_a_refused_key_stops_at_once(repo: EvalRepo) -> None:
    repo.script.faults.append(Fault("401"))
    repo.prompt("greet", case("first", "hello", CONTAINS_OK))
    with pytest.raises(InfrastructureError, match="refused the key"):
        repo.run()
    assert len(repo.server.requests_to("/chat/completions")) == 1


@TRANSPORTS
def test_an_unreachable_endpoint_is_reported_after_retries(repo: EvalRepo, transport: str) -> None:
    repo.configure(extra="")
    text = (repo.root / "promptreg.yaml").read_text()
    (repo.root / "promptreg.yaml").write_text(
        text.replace(repo.server.url, "http://127.0.0.1:9/v1")
    )
    repo.prompt("greet", case("first", "hello", CONTAINS_OK))
    # Refused, not timed out: the aiohttp transport calls a refusal a connect timeout.
    with pytest.raises(InfrastructureError, match=r"cannot connect to 127\.0\.0\.1:9") as caught:
        repo.run(run=RunOptions(max_attempts=2, backoff_base=0.01), transport=transport)
    assert "timeout" not in caught.value.message


def test_a_bad_request_fails_the_case_not_the_run(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.script.faults.append(Fault("400"))
    repo.prompt("greet", case("first", "hello", CONTAINS_OK), case("second", "hi", CONTAINS_OK))
    status, _, _ = repo.run(run=RunOptions(concurrency=1))
    assert status == EXIT_FINDINGS
    first, second = repo.results("demo/greet").results
    assert first.error is not None and "HTTP 400" in first.error and not first.passed
    assert second.passed


@pytest.mark.parametrize("limit", [1, 4, 7])
def test_peak_in_flight_equals_the_configured_concurrency(repo: EvalRepo, limit: int) -> None:
    repo.script.default = "ok"
    repo.script.latency = 0.15
    repo.prompt("many", *(case(f"c{i}", f"text {i}", CONTAINS_OK) for i in range(12)))
    status, _, _ = repo.run(run=RunOptions(concurrency=limit))
    assert status == EXIT_OK
    assert repo.server.counters.peak_in_flight == limit


def test_the_concurrency_cap_in_promptreg_yaml_wins(repo: EvalRepo) -> None:
    repo.configure(extra="  concurrency: 3")
    repo.script.default = "ok"
    repo.script.latency = 0.1
    repo.prompt("many", *(case(f"c{i}", f"text {i}", CONTAINS_OK) for i in range(10)))
    repo.run(run=RunOptions(concurrency=8))
    assert repo.server.counters.peak_in_flight == 3


def test_auto_concurrency_starts_at_eight(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.script.latency = 0.2
    repo.prompt("many", *(case(f"c{i}", f"text {i}", CONTAINS_OK) for i in range(16)))
    repo.run(run=RunOptions(concurrency=None))
    assert repo.server.counters.peak_in_flight == 8


def test_auto_concurrency_after_a_429_burst_sends_fewer_at_once(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.script.latency = 0.1
    repo.script.faults.extend([Fault("429", {"retry-after-ms": "300"})] * 8)
    repo.prompt("many", *(case(f"c{i}", f"text {i}", CONTAINS_OK) for i in range(24)))
    status, _, _ = repo.run(run=RunOptions(concurrency=None))
    assert status == EXIT_OK
    calls = repo.server.requests_to("/chat/completions")
    first_retry = calls[8]["time"]
    # After the burst, never more than half of 8 in flight for a round of answers.
    window = [c for c in calls[8:] if c["time"] < first_retry + 0.05]
    assert 1 <= len(window) <= 4
    assert first_retry - calls[7]["time"] >= 0.3  # everyone waited for the pause


def test_concurrency_grows_by_one_per_round_and_halves_once_per_burst() -> None:
    from promptreg.evals.limits import Concurrency

    limit = Concurrency(None, cap=10)
    assert limit.limit == 8
    for _ in range(8):
        limit.succeeded()
    assert limit.limit == 9
    for _ in range(9):
        limit.succeeded()
    assert limit.limit == 10
    for _ in range(50):
        limit.succeeded()
    assert limit.limit == 10  # never above the cap
    limit.throttled()
    limit.throttled()
    limit.throttled()
    assert limit.limit == 5  # one burst, one cut
    for _ in range(3):
        limit.succeeded()
    limit.throttled()
    assert limit.limit == 2
    fixed = Concurrency(4, cap=10)
    fixed.throttled()
    assert fixed.limit == 4


def test_streamed_answers_are_assembled_with_their_usage(repo: EvalRepo) -> None:
    repo.configure(extra="      stream: true")
    repo.script.default = "a streamed answer that is ok"
    repo.prompt("greet", case("first", "hello", CONTAINS_OK))
    status, _, _ = repo.run()
    assert status == EXIT_OK
    body = repo.server.requests_to("/chat/completions")[0]["body"]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    result = repo.results("demo/greet").results[0]
    assert result.output == "a streamed answer that is ok"
    assert result.usage == {"input_tokens": 5, "output_tokens": 6}


def test_the_responses_api(repo: EvalRepo) -> None:
    repo.configure(extra="      api: responses")
    repo.script.default = "ok from responses"
    repo.prompt("greet", case("first", "hello", CONTAINS_OK))
    status, _, _ = repo.run()
    assert status == EXIT_OK
    body = repo.server.requests_to("/responses")[0]["body"]
    assert body["input"][1]["content"] == "<text>hello</text>"
    assert body["max_output_tokens"] == 50
    result = repo.results("demo/greet").results[0]
    assert result.output == "ok from responses" and result.usage["output_tokens"] == 3


def test_cost_comes_from_usage_and_the_price_table(repo: EvalRepo) -> None:
    repo.configure(extra="  prices:\n    gpt-4o-mini: {input: 1000, output: 2000}")
    repo.script.default = "ok"
    repo.prompt(
        "greet",
        case("cheap", "hello", "{type: cost, value: 0.01}"),
        case("dear", "hello there", "{type: cost, value: 0.001}"),
    )
    status, _, _ = repo.run()
    assert status == EXIT_FINDINGS
    cheap, dear = repo.results("demo/greet").results
    assert cheap.cost_usd == pytest.approx((5 * 1000 + 1 * 2000) / 1e6)
    assert cheap.passed and not dear.passed


def test_the_budget_stops_the_run(repo: EvalRepo) -> None:
    repo.configure(extra="  prices:\n    gpt-4o-mini: {input: 100000, output: 100000}")
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", CONTAINS_OK))
    repo.prompt("b", *(case(f"c{i}", "hello", CONTAINS_OK) for i in range(20)))
    with pytest.raises(InfrastructureError, match=r"budget of \$0\.5 is spent") as caught:
        repo.run(run=RunOptions(concurrency=1, budget=0.5))
    assert caught.value.exit_status == 3
    assert len(repo.server.requests_to("/chat/completions")) < 21
    assert repo.results("demo/a").results[0].passed  # finished before the budget ran out


def test_a_key_written_into_promptreg_yaml_is_refused(repo: EvalRepo) -> None:
    text = (repo.root / "promptreg.yaml").read_text()
    (repo.root / "promptreg.yaml").write_text(
        text.replace("api_key_env: PROMPTREG_TEST_KEY", "api_key: sk-live-123")
    )
    with pytest.raises(ConfigError, match="holds an API key") as caught:
        repo.settings  # noqa: B018
    assert "api_key_env" in (caught.value.hint or "")
    assert caught.value.location is not None and caught.value.location.span.line == 15


def test_json_report_holds_every_result(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("greet", case("first", "hello", CONTAINS_OK))
    status, out, _ = repo.run(format="json")
    assert status == EXIT_OK
    data = json.loads(out)
    assert data["summary"]["passed"] == 1 and data["prompts"][0]["id"] == "demo/greet"
    assert data["prompts"][0]["results"][0]["fingerprint"].startswith("sha256:")


def test_an_endpoint_behind_a_proxy_is_reached_through_the_proxy(
    repo: EvalRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTP_PROXY names the test server; the endpoint's own host does not exist, so an
    answer can only have come through the proxy (the openai client's path)."""
    config = repo.root / "promptreg.yaml"
    config.write_text(config.read_text().replace(repo.server.url, "http://models.invalid/v1"))
    monkeypatch.setenv("HTTP_PROXY", repo.server.url.removesuffix("/v1"))
    monkeypatch.setenv("PROMPTREG_TEST_KEY", "k")
    for name in ("NO_PROXY", "no_proxy", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", "{type: contains, value: ok}"))
    status, _, _ = repo.run()
    assert status == EXIT_OK
    [request] = repo.server.requests_to("/chat/completions")
    assert request["target"] == "http://models.invalid/v1/chat/completions"
    assert request["headers"]["authorization"] == "Bearer k"


def test_a_results_file_that_cannot_be_written_fails_the_run_after_the_others(
    repo: EvalRepo,
) -> None:
    """Files are written behind the run; an error writing one still reaches the caller,
    and the prompts after it are recorded."""
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", "{type: contains, value: ok}"))
    repo.prompt("b", case("one", "bye", "{type: contains, value: ok}"))
    blocked = repo.root / ".promptreg" / "evals" / "demo" / "a.json"
    blocked.mkdir(parents=True)  # a folder where the file should go
    with pytest.raises(OSError):
        repo.run()
    assert [r.case for r in repo.results("demo/b").results] == ["one"]
    assert blocked.is_dir() and not list(blocked.parent.glob(".a.json.*"))

"""Results read back offline: by the eval rules, the lint cache, `show` and `list`;
hostile results files; a registry without any results."""

from __future__ import annotations

import json

from promptreg.governance.evidence import MAX_RESULTS_BYTES
from tests.evals.conftest import EvalRepo, case

OK = "{type: contains, value: ok}"


def test_recorded_results_satisfy_the_rules_and_an_edit_voids_them(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK), case("two", "bye", OK))
    before = repo.lint()
    assert [code for code, _, _ in before] == ["G015", "G015"]
    assert "none recorded" in before[0][2] and "promptreg test demo/a" in before[0][2]
    repo.run()
    assert repo.lint() == []
    repo.prompt("a", case("one", "hello", OK), case("two", "bye", OK), version="1.0.1")
    after = repo.lint()
    assert [code for code, _, _ in after] == ["G015", "G015"]
    assert "the prompt's content changed since" in after[0][2]
    repo.prompt("a", case("one", "hello", OK), case("two", "bye bye", OK))
    changed_case = repo.lint()
    assert [(c, m.split("(")[1].split(")")[0]) for c, _, m in changed_case] == [
        ("G015", "the case's variables or assertions changed since")
    ]


def test_results_for_another_model_do_not_count(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK))
    repo.run()
    config = repo.root / "promptreg.yaml"
    config.write_text(
        config.read_text().replace(
            "      api_key_env: PROMPTREG_TEST_KEY",
            "      api_key_env: PROMPTREG_TEST_KEY\n      models: {gpt-4o-mini: llama3.1}",
        )
    )
    (finding,) = repo.lint()
    assert "recorded for model 'gpt-4o-mini', not 'llama3.1'" in finding[2]


def test_a_failing_result_and_the_pass_rate(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK), case("two", "bye", "{type: contains, value: nope}"))
    repo.run()
    (finding,) = repo.lint()
    assert finding[0] == "G016"
    assert "1 of 2 recorded results" in finding[2] and "Failing: 'two'" in finding[2]


def test_age_is_counted_from_the_answer_and_zero_days_accepts_nothing(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK))
    repo.run()
    repo.configure(age=0)
    (finding,) = repo.lint()
    assert finding[0] == "G017" and "last 0 days" in finding[2]


def test_without_require_results_a_registry_that_never_ran_is_not_checked(repo: EvalRepo) -> None:
    repo.configure(extra="  require_results: false")
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK))
    repo.prompt("b", case("one", "hello", OK))
    assert repo.lint() == []
    repo.run("demo/a")
    (only,) = repo.lint()  # b, now checked
    assert only[0] == "G015" and "promptreg test demo/b" in only[2]


def test_hostile_results_files_are_findings_not_crashes(repo: EvalRepo) -> None:
    repo.prompt("a", case("one", "hello", OK))
    path = repo.root / ".promptreg" / "evals" / "demo" / "a.json"
    path.parent.mkdir(parents=True)
    for data, words in (
        (b"[" * 100_000, "not JSON"),
        (b'{"format": 1, "prompt": "demo/a", "results": [{"case": 3}]}', "is missing or not"),
        (b"\xff\xfe", "not JSON"),
        (json.dumps({"format": 2}).encode(), "not a promptreg results file"),
        (b" " * (MAX_RESULTS_BYTES + 1), "over the limit"),
    ):
        path.write_bytes(data)
        (finding,) = repo.lint()
        assert finding[0] == "G015" and words in finding[2], (words, finding)
        assert ".promptreg/evals/demo/a.json cannot be used" in finding[2]


def test_the_lint_cache_does_not_answer_for_changed_results(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK))
    first = repo.cli("lint", "--select", "G015")
    assert first.returncode == 1
    repo.run()
    second = repo.cli("lint", "--select", "G015")
    assert second.returncode == 0, second.stdout
    (repo.root / ".promptreg" / "evals" / "demo" / "a.json").unlink()
    assert repo.cli("lint", "--select", "G015").returncode == 1


def test_show_and_list_say_what_the_results_say(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "hello", OK), case("two", "bye", OK))
    repo.prompt("b", case("one", "hello", OK))
    repo.run("demo/a")
    listing = repo.cli("list").stdout
    assert "EVALS" in listing.splitlines()[0]
    assert "2/2 passed, 0d ago" in listing and "not run" in listing
    shown = repo.cli("show", "demo/a").stdout
    assert "evals: 2/2 passed, 0d ago (.promptreg/evals/demo/a.json)" in shown
    data = json.loads(repo.cli("show", "demo/b", "--format", "json").stdout)["evals"]
    assert data["missing"] == ["one"] and data["checked_by_lint"] is True
    assert (
        json.loads(repo.cli("list", "--format", "json").stdout)[0]["evals"] == "2/2 passed, 0d ago"
    )

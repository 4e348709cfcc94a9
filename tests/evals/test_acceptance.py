"""Issue 11's acceptance: the embedded registry, run against the scripted server, then linted.

Every case passes and is recorded; the tier-3 freshness rules are then satisfied, and
they fire when the age limit is 0, when an answer fails, and when a message changes.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from promptreg import Registry
from promptreg.core.config import load_config
from tests.evals.conftest import REPO, run_promptreg
from tests.evals.embedded_answers import ANSWERS, script
from tests.evals.server import OpenAIServer, messages_key

TIER3 = sorted(s.id for s in Registry.open(REPO).list() if s.tier == 3)


class Registry3:
    def __init__(self, root: Path, server: OpenAIServer) -> None:
        self.root = root
        self.server = server

    def promptreg(self, *args: str) -> subprocess.CompletedProcess[str]:
        key = {"OPENAI_API_KEY": "sk-acceptance-test-key-000000000000"}
        return run_promptreg(self.root, *args, env=key, timeout=300)

    def edit_config(self, old: str, new: str) -> None:
        path = self.root / "promptreg.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def eval_findings(self) -> list[tuple[str, str]]:
        process = self.promptreg(
            "lint", "--select", "G015,G016,G017", "--format", "json", "--no-cache"
        )
        return [(f["code"], f["path"]) for f in json.loads(process.stdout)["findings"]]


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[Registry3]:
    # A clone, not a copy: the tier-3 approvals are verified against the history in
    # which each reviewer committed them (outside git they would be G020).
    root = tmp_path / "embedded"
    subprocess.run(["git", "clone", "-q", str(REPO), str(root)], check=True)
    with OpenAIServer() as server:
        made = Registry3(root, server)
        made.edit_config("base_url: https://api.openai.com/v1", f"base_url: {server.url}")
        made.edit_config("require_results: false", "require_results: true")
        settings = load_config(root / "promptreg.yaml")
        scripted = script(settings, server.url)
        server.script.answers, server.script.rules = scripted.answers, scripted.rules
        server.script.default = scripted.default
        yield made


def test_every_embedded_case_passes_is_recorded_and_satisfies_the_freshness_rules(
    embedded: Registry3,
) -> None:
    before = embedded.eval_findings()
    assert {path.split("/registry/")[1] for _, path in before} >= {
        f"{i}.prompt.yaml" for i in TIER3
    }
    assert {code for code, _ in before} == {"G015"}

    process = embedded.promptreg("test")
    assert process.returncode == 0, process.stdout + process.stderr
    cases = len(ANSWERS) + 1  # one case is graded by the judge too: one more request
    assert embedded.server.counters.requests == cases
    assert f"{len(ANSWERS)} cases in 20 prompts: {len(ANSWERS)} passed, 0 failed" in process.stdout
    for spec in Registry.open(embedded.root).list():
        recorded = json.loads(
            (embedded.root / ".promptreg" / "evals" / f"{spec.id}.json").read_text()
        )
        assert len(recorded["results"]) == len(spec.evals)
        assert all(r["passed"] for r in recorded["results"])
        assert all(r["endpoint"].startswith("127.0.0.1:") for r in recorded["results"])
    rubric = json.loads(
        (embedded.root / ".promptreg/evals/support/summarize-ticket.json").read_text()
    )
    graded = [a for r in rubric["results"] for a in r["assertions"] if a["type"] == "llm-rubric"]
    assert graded == [
        {"type": "llm-rubric", "passed": True, "score": 0.9, "detail": graded[0]["detail"]}
    ]
    assert rubric["results"][-1]["components"]["judge"].startswith("sha256:")

    lint = embedded.promptreg("lint")
    assert lint.returncode == 0, lint.stdout
    assert embedded.eval_findings() == []

    again = embedded.promptreg("test")
    assert again.returncode == 0
    assert embedded.server.counters.requests == cases  # every answer came from the cache


def test_the_rules_fire_on_age_failure_and_a_changed_message(embedded: Registry3) -> None:
    assert embedded.promptreg("test").returncode == 0
    assert embedded.eval_findings() == []

    embedded.edit_config("eval_max_age_days: 30", "eval_max_age_days: 0")
    stale = embedded.eval_findings()
    assert {code for code, _ in stale} == {"G017"}
    assert len(stale) == sum(
        len(s.evals) for s in Registry.open(embedded.root).list() if s.tier == 3
    )
    embedded.edit_config("eval_max_age_days: 0", "eval_max_age_days: 30")

    settings = load_config(embedded.root / "promptreg.yaml")
    spec = Registry(settings).spec("legal/dsar-triage")
    from tests.evals.embedded_answers import render_case

    wrong = messages_key(render_case(settings, embedded.server.url, spec, 2)["messages"])
    embedded.server.script.answers[wrong] = '{"classification": "dsar"}'
    failing = embedded.promptreg("test", "legal/dsar-triage", "--no-cache")
    assert failing.returncode == 1
    assert "FAIL delivery complaint is not a DSAR" in failing.stdout
    assert embedded.eval_findings() == [
        ("G016", str(embedded.root / "registry/legal/dsar-triage.prompt.yaml"))
    ]

    path = embedded.root / "registry" / "finance" / "credit-memo-review.prompt.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^(      You )", r"\1carefully ", text, count=1), encoding="utf-8")
    findings = embedded.eval_findings()
    changed = [code for code, where in findings if where.endswith("credit-memo-review.prompt.yaml")]
    assert changed == ["G015"] * 3
    lint = embedded.promptreg("lint", "--select", "G015", "--no-cache", str(path))
    assert "the prompt's content changed since" in lint.stdout

"""Fingerprints change with exactly what a result is evidence of, and with nothing else."""

from __future__ import annotations

import copy
from pathlib import Path
from types import MappingProxyType
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from promptreg.core.config import LintSettings, ModelInfo, Settings
from promptreg.core.evalsettings import Endpoint, EvalSettings
from promptreg.core.model import PromptSpec, build_spec
from promptreg.governance.fingerprint import case_keys

words = st.text(alphabet="abcdefghij klmnop", min_size=1, max_size=12)


@st.composite
def prompts(draw: st.DrawFn) -> dict[str, Any]:
    variables = draw(
        st.lists(st.sampled_from(["text", "tier", "name"]), min_size=1, max_size=3, unique=True)
    )
    data: dict[str, Any] = {
        "id": "demo/" + draw(st.sampled_from(["a", "b-c"])),
        "version": f"1.{draw(st.integers(0, 9))}.0",
        "title": draw(words),
        "description": draw(words),
        "owner": "support-platform",
        "tier": draw(st.sampled_from([1, 2, 3])),
        "status": "approved",
        "tags": draw(st.lists(st.sampled_from(["x", "y"]), unique=True)),
        "model": {"name": "gpt-4o-mini", "temperature": draw(st.sampled_from([0, 0.2, 1]))},
        "variables": {v: {"type": "string", "description": draw(words)} for v in variables},
        "messages": [
            {"role": "system", "content": draw(words)},
            {"role": "user", "content": " ".join("{{ " + v + " }}" for v in variables)},
        ],
        "evals": [
            {
                "name": draw(words),
                "description": draw(words),
                "vars": {v: draw(words) for v in variables},
                "assert": [{"type": "contains", "value": draw(words)}]
                + (
                    [{"type": "llm-rubric", "value": draw(words), "threshold": 0.7}]
                    if draw(st.booleans())
                    else []
                ),
            }
        ],
        "approvals": [],
        "changelog": [{"version": "1.0.0", "date": "2026-01-01", "summary": draw(words)}],
    }
    if draw(st.booleans()):
        data["model"]["seed"] = draw(st.integers(0, 5))
    return data


JUDGE = {
    "id": "evals/judge",
    "version": "1.0.0",
    "title": "Judge",
    "description": "Grades.",
    "owner": "support-platform",
    "tier": 2,
    "status": "approved",
    "model": {"name": "gpt-4o-mini", "temperature": 0},
    "variables": {
        "rubric": {"type": "string", "description": "r"},
        "output": {"type": "string", "description": "o"},
    },
    "messages": [{"role": "user", "content": "{{ rubric }} {{ output }}"}],
}


def _settings(endpoint: Endpoint) -> Settings:
    return Settings(
        path=Path("promptreg.yaml"),
        registry_dir=Path("registry"),
        owners=("support-platform",),
        reviewers=MappingProxyType({}),
        tiers=MappingProxyType({}),
        models=MappingProxyType({"gpt-4o-mini": ModelInfo("gpt-4o-mini", "o200k_base", 128000)}),
        lint=LintSettings(),
        evals=EvalSettings(
            endpoints=MappingProxyType({"x": endpoint}), endpoint="x", judge="evals/judge"
        ),
    )


BASE_ENDPOINT = Endpoint("x", "http://127.0.0.1:1/v1", "KEY", MappingProxyType({}))


def _fingerprints(
    data: dict[str, Any], endpoint: Endpoint = BASE_ENDPOINT, judge: dict[str, Any] = JUDGE
) -> list[str]:
    spec: PromptSpec = build_spec(data)
    return [
        key.fingerprint(repeat)
        for key in case_keys(spec, _settings(endpoint), endpoint, build_spec(judge))
        for repeat in (0, 1)
    ]


def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    holder = changed
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = value
    return changed


CHANGES = {
    "a message": lambda d: _set(d, ("messages", 0, "content"), d["messages"][0]["content"] + "!"),
    "the version": lambda d: _set(d, ("version",), "9.9.9"),
    "the temperature": lambda d: _set(d, ("model", "temperature"), 1.5),
    "a parameter": lambda d: _set(d, ("model", "max_output_tokens"), 77),
    "a variable": lambda d: _set(
        d, ("variables", next(iter(d["variables"])), "description"), "changed"
    ),
    "the output": lambda d: _set(d, ("output",), {"format": "text"}),
    "the case's vars": lambda d: _set(
        d, ("evals", 0, "vars", next(iter(d["variables"]))), "other value"
    ),
    "the case's assertions": lambda d: _set(d, ("evals", 0, "assert", 0, "value"), "zzz"),
    "the case's name": lambda d: _set(d, ("evals", 0, "name"), "renamed case"),
}
METADATA = {
    "the description": lambda d: _set(d, ("description",), "another description"),
    "the title": lambda d: _set(d, ("title",), "another title"),
    "the tags": lambda d: _set(d, ("tags",), ["z"]),
    "the status": lambda d: _set(d, ("status",), "review"),
    "the tier": lambda d: _set(d, ("tier",), 3 if d["tier"] != 3 else 1),
    "the approvals": lambda d: _set(
        d,
        ("approvals",),
        [
            {
                "reviewer": "a@example.com",
                "group": "g",
                "date": "2026-01-02",
                "content_hash": "sha256:" + "0" * 64,
            }
        ],
    ),
    "the changelog": lambda d: _set(d, ("changelog", 0, "summary"), "rewritten"),
    "the case's description": lambda d: _set(d, ("evals", 0, "description"), "explained"),
}


@settings(max_examples=60, deadline=None)
@given(prompts(), st.sampled_from(sorted(CHANGES)))
def test_any_change_to_what_was_tested_changes_every_fingerprint(
    data: dict[str, Any], change: str
) -> None:
    before = _fingerprints(data)
    after = _fingerprints(CHANGES[change](data))
    assert all(a != b for a, b in zip(before, after, strict=True)), change


@settings(max_examples=60, deadline=None)
@given(prompts(), st.sampled_from(sorted(METADATA)))
def test_metadata_leaves_fingerprints_alone(data: dict[str, Any], change: str) -> None:
    assert _fingerprints(METADATA[change](data)) == _fingerprints(data), change


@settings(max_examples=40, deadline=None)
@given(prompts())
def test_the_model_the_endpoint_is_asked_for_is_part_of_it_but_not_its_address(
    data: dict[str, Any],
) -> None:
    mapped = Endpoint(
        "x", BASE_ENDPOINT.base_url, "KEY", MappingProxyType({"gpt-4o-mini": "llama3.1:8b"})
    )
    moved = Endpoint("x", "https://elsewhere.example.com/v1", "OTHER_KEY", MappingProxyType({}))
    responses = Endpoint("x", BASE_ENDPOINT.base_url, "KEY", MappingProxyType({}), api="responses")
    base = _fingerprints(data)
    assert all(a != b for a, b in zip(base, _fingerprints(data, mapped), strict=True))
    assert all(a != b for a, b in zip(base, _fingerprints(data, responses), strict=True))
    assert _fingerprints(data, moved) == base


@settings(max_examples=40, deadline=None)
@given(prompts(), words)
def test_the_judge_counts_only_for_cases_it_grades(data: dict[str, Any], text: str) -> None:
    judge = _set(JUDGE, ("messages", 0, "content"), "{{ rubric }} {{ output }} " + text)
    judged = any(a["type"] == "llm-rubric" for a in data["evals"][0]["assert"])
    changed = _fingerprints(data, judge=judge) != _fingerprints(data)
    assert changed is judged
    metadata = _set(JUDGE, ("description",), text)
    assert _fingerprints(data, judge=metadata) == _fingerprints(data)


@settings(max_examples=10, deadline=None)
@given(prompts())
def test_repeats_have_their_own_fingerprints(data: dict[str, Any]) -> None:
    first, second = _fingerprints(data)[:2]
    assert first != second

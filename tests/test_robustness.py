"""Whatever bytes arrive in a pull request, lint answers with findings, never a crash."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promptreg.config import load_config
from promptreg.lint.runner import Linter

REPO = Path(__file__).resolve().parents[1]
PROMPTS = sorted((REPO / "registry").rglob("*.prompt.yaml"))
SOURCES = [path.read_bytes() for path in PROMPTS]
LINTER = Linter(load_config(REPO / "promptreg.yaml"))
TARGET = REPO / "registry" / "support" / "summarize-ticket.prompt.yaml"
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _lint(data: bytes) -> None:
    findings = LINTER.lint_file(TARGET, data)
    for finding in findings:
        assert finding.span.start.line >= 1 and finding.span.start.column >= 1
        assert finding.message and "Traceback" not in finding.message


@FAST
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    _lint(data)


YAML_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=40)
)
YAML_VALUES = st.recursive(
    YAML_SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@FAST
@given(YAML_VALUES)
def test_random_yaml(value: object) -> None:
    _lint(yaml.safe_dump(value, allow_unicode=True).encode("utf-8"))


MUTATIONS = ("delete", "duplicate", "insert", "swap", "truncate", "indent", "junk")


@FAST
@given(
    st.sampled_from(range(len(SOURCES))),
    st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4),
    st.randoms(use_true_random=False),
)
def test_mutated_registry_prompts(index: int, mutations: list[str], rng: random.Random) -> None:
    lines = SOURCES[index].decode("utf-8").split("\n")
    for mutation in mutations:
        at = rng.randrange(len(lines))
        if mutation == "delete":
            del lines[at]
        elif mutation == "duplicate":
            lines.insert(at, lines[at])
        elif mutation == "insert":
            lines.insert(
                at,
                rng.choice(
                    [
                        "  - {role: user}",
                        "x: &a [*a]",
                        "{{",
                        "tier: 9",
                        "  content: '{% for %}'",
                        "\t",
                        "version: 1.2",
                    ]
                ),
            )
        elif mutation == "swap":
            other = rng.randrange(len(lines))
            lines[at], lines[other] = lines[other], lines[at]
        elif mutation == "truncate":
            lines[at] = lines[at][: rng.randrange(len(lines[at]) + 1)]
        elif mutation == "indent":
            lines[at] = " " * rng.randrange(1, 5) + lines[at]
        else:
            lines[at] += rng.choice(
                [" {{ x.__class__ }}", " ]", " : :", " # promptreg: ignore[Z9]"]
            )
        if not lines:
            lines = [""]
    _lint("\n".join(lines).encode("utf-8"))


@pytest.mark.parametrize("path", PROMPTS, ids=lambda p: p.stem)
def test_every_prefix_of_a_prompt_lints(path: Path) -> None:
    """Each registry file cut at every line: what an editor saves half-way through."""
    lines = path.read_bytes().split(b"\n")
    for end in range(0, len(lines), 3):
        _lint(b"\n".join(lines[:end]))

"""Whatever bytes arrive in a pull request, lint answers with findings, never a crash."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promptreg.core.config import load_config
from promptreg.lint.runner import Linter

REPO = Path(__file__).resolve().parents[2]
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


def _top_level_blocks(text: str) -> tuple[list[str], list[list[str]]]:
    """The header lines (modeline, comments) and each top-level key with its lines."""
    lines = text.rstrip("\n").split("\n")
    header: list[str] = []
    blocks: list[list[str]] = []
    for line in lines:
        starts_key = bool(line) and not line[0].isspace() and not line.startswith(("#", "-"))
        if starts_key:
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
        else:
            header.append(line)
    return header, blocks


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(SOURCES))), st.randoms(use_true_random=False))
def test_fmt_is_idempotent_and_keeps_every_comment(index: int, rng: random.Random) -> None:
    from promptreg.core.yamlio import parse
    from promptreg.edit.fmt import FormatError, format_text

    header, blocks = _top_level_blocks(SOURCES[index].decode("utf-8"))
    rng.shuffle(blocks)
    notes = 0
    for block in blocks:  # a comment above some keys, one after some key lines
        if rng.random() < 0.4:
            notes += 1
            block.insert(0, f"# note {notes}: keep me")
        if rng.random() < 0.3 and ":" in block[0] and not block[0].rstrip().endswith(("|", ">")):
            notes += 1
            block[0] = f"{block[0]}  # note {notes}: mine too"
    text = "\n".join(header + [line for block in blocks for line in block]) + "\n"
    try:
        once = format_text(text)
    except FormatError:
        return  # refused cleanly: the file would be left as it was
    assert format_text(once) == once
    assert parse(once, TARGET).value == parse(text, TARGET).value
    for number in range(1, notes + 1):
        assert f"# note {number}:" in once

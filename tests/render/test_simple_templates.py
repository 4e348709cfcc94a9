"""promptreg.render.simple must give exactly the facts the parser gives, for every
template it accepts, and leave every other template to the parser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.defaults import DEFAULT_NAMESPACE

from promptreg.core.loader import load_prompt
from promptreg.render.analysis import analyse
from promptreg.render.simple import NOT_VARIABLES, simple_facts
from tests.gitrepo import REPO

TEXT = st.one_of(
    st.text(alphabet=st.sampled_from("ab \n\t}é-_'\"|.x%#"), max_size=12),
    st.text(alphabet=st.sampled_from("ab {}%#\n"), max_size=6),
)
NAMES = st.sampled_from(
    ["x", "ticket_text", "_private", "A1", "x", "y", "in", "true", "range", "é"]
)
SPACES = st.sampled_from(["", " ", "  ", "", " ", "\t", "-", " -"])


@st.composite
def templates(draw: st.DrawFn) -> str:
    parts = [draw(TEXT)]
    for _ in range(draw(st.integers(0, 4))):
        left, right = draw(SPACES), draw(SPACES)
        parts.append("{{" + left + draw(NAMES) + right[::-1] + "}}")
        parts.append(draw(TEXT))
    return "".join(parts)


CLEAN_TEXT = st.text(alphabet=st.sampled_from("ab \n}é.'\"%#"), max_size=15)


@st.composite
def clean_templates(draw: st.DrawFn) -> str:
    """Text and `{{ name }}` only: what this module must accept and get right."""
    parts = [draw(CLEAN_TEXT)]
    for _ in range(draw(st.integers(1, 5))):
        space = draw(st.sampled_from(["", " ", "  "]))
        name = draw(st.sampled_from(["x", "y", "ticket_text", "_p", "A1"]))
        parts += ["{{" + space + name + space + "}}", draw(CLEAN_TEXT)]
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(clean_templates())
def test_templates_that_only_print_variables_are_accepted_and_agree(content: str) -> None:
    assert simple_facts(content) is not None, content
    _same(content)


def _same(content: str) -> None:
    fast = simple_facts(content)
    if fast is None:
        return
    slow = analyse(content)
    assert not isinstance(slow, Exception), f"accepted a template that fails: {content!r}"
    assert fast == slow, content


@settings(max_examples=600, deadline=None)
@given(templates())
def test_accepted_templates_have_the_parsers_facts(content: str) -> None:
    _same(content)


def _embedded() -> list[str]:
    found = []
    for path in sorted((REPO / "registry").rglob("*.prompt.yaml")):
        spec = load_prompt(path).spec
        assert spec is not None
        found.extend(message.content for message in spec.messages)
    return found


@pytest.mark.parametrize("content", _embedded())
def test_every_embedded_template_either_agrees_or_goes_to_the_parser(content: str) -> None:
    _same(content)


def test_most_embedded_templates_need_no_parser() -> None:
    accepted = [c for c in _embedded() if simple_facts(c) is not None]
    assert len(accepted) >= len(_embedded()) // 2


@pytest.mark.parametrize(
    "content",
    [
        "{% if x %}{{ x }}{% endif %}",
        "{# note #}{{ x }}",
        "{{ x | upper }}",
        "{{ x.y }}",
        "{{- x }}",
        "{{ true }}",
        "{{ range }}",
        "a\r\n{{ x }}",
        "{{ x }",
        "{{{ x }}}",
    ],
)
def test_anything_more_goes_to_the_parser(content: str) -> None:
    assert simple_facts(content) is None


def test_the_global_names_left_to_the_parser_are_jinja2s() -> None:
    assert set(DEFAULT_NAMESPACE) <= NOT_VARIABLES


def test_lines_and_literal_text() -> None:
    facts = simple_facts("Hello {{ name }},\n\n{{name}} again {{ other }}\n")
    assert facts is not None
    assert dict(facts.name_lines) == {"name": (1, 3), "other": (3,)}
    assert facts.literal_text == "Hello ,\n\n again \n"

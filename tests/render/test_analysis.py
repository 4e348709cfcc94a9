"""Static analysis of templates: what they read, and why one cannot run."""

from __future__ import annotations

import pytest

from promptreg.render.analysis import (
    GLOBAL_NAMES,
    TemplateFacts,
    TemplateProblemError,
    analyse,
    parse,
    syntax_environment,
)
from promptreg.render.sandbox import CompiledTemplate, Sandbox


def _facts(source: str) -> TemplateFacts:
    result = analyse(source)
    assert isinstance(result, TemplateFacts), result
    return result


def _problem(source: str) -> TemplateProblemError:
    result = analyse(source)
    assert isinstance(result, TemplateProblemError), result
    return result


def test_analysis_knows_the_language_the_sandbox_runs() -> None:
    """Analysis parses without the sandbox; both must accept the same names and syntax."""
    sandboxed = Sandbox().environment
    plain = syntax_environment()
    assert set(sandboxed.filters) == set(plain.filters)
    assert set(sandboxed.tests) == set(plain.tests)
    assert set(sandboxed.globals) == GLOBAL_NAMES
    assert set(plain.globals) == GLOBAL_NAMES
    assert sandboxed.lexer is plain.lexer  # Jinja2 shares a lexer between equal settings


def test_variables_and_the_lines_that_read_them() -> None:
    facts = _facts("Hi {{ name }}\n{% for t in tags %}{{ t }} {{ name }}{% endfor %}\n{{ n }}")
    assert facts.variables == {"name", "tags", "n"}
    assert dict(facts.name_lines) == {"name": (1, 2), "tags": (2,), "n": (3,)}


def test_sandbox_globals_are_not_variables_and_lipsum_is() -> None:
    facts = _facts("{{ range(2)|list }}{{ cycler(1) }}{{ namespace() }}{{ lipsum }}")
    assert facts.variables == {"lipsum"}


def test_literal_text_is_what_lies_outside_the_tags() -> None:
    facts = _facts("Hello {{ name }}, {# note #}bye{% if x %} now{% endif %}\n")
    assert facts.literal_text == "Hello , bye now\n"


def test_private_and_blocked_attribute_reads_are_listed_with_their_owner() -> None:
    facts = _facts("{{ ''.__class__ }}\n{{ v._secret }}\n{{ x['_k'] }}\n{{ y|attr('_z') }}")
    assert facts.private_access == (
        ("__class__", 1, ""),
        ("_secret", 2, "v"),
        ("_k", 3, None),
        ("_z", 4, None),
    )
    assert _facts("{{ s.format(1) }}").private_access == (("format", 1, "s"),)


def test_facts_cannot_be_changed_by_a_reader() -> None:
    facts = _facts("{{ shared_name }}")
    with pytest.raises(TypeError):
        facts.name_lines["shared_name"] = (9,)  # type: ignore[index]
    assert analyse("{{ shared_name }}") is facts
    assert facts.name_lines["shared_name"] == (1,)


@pytest.mark.parametrize(
    ("source", "kind", "line", "words"),
    [
        pytest.param("ok\n{% if %}", "syntax", 2, "template syntax error", id="syntax"),
        pytest.param("a\nb\n{% include 'x' %}", "forbidden", 3, "{% include %}", id="include"),
        pytest.param("{{ x|uppr }}", "unknown-name", 1, "did you mean 'upper'", id="filter"),
        pytest.param("{% if x is evn %}{% endif %}", "unknown-name", 1, "test 'evn'", id="test"),
    ],
)
def test_a_template_that_cannot_run_says_why_and_where(
    source: str, kind: str, line: int, words: str
) -> None:
    problem = _problem(source).problem
    assert (problem.kind, problem.line) == (kind, line)
    assert words in problem.message
    with pytest.raises(TemplateProblemError) as compiled:
        CompiledTemplate(source)
    assert compiled.value.problem == problem


def test_parse_checks_names_against_the_environment_it_is_given() -> None:
    env = syntax_environment()
    env.filters["shout"] = str.upper
    assert parse("{{ x|shout }}", env) is not None
    with pytest.raises(TemplateProblemError, match="unknown filter 'shout'"):
        parse("{{ x|shout }}")

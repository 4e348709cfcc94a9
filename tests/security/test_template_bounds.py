"""Issue 9, class 9: a template from a pull request stays inside its bounds.

Each attack the review found is built as a pull request would bring it: a committed
prompt file in a real repository, served by the SDK (tier 1, approved: nothing stops
it before the template runs) or linted by the CLI. Every one must end in a
TemplateError naming the prompt (or a finding naming the line), quickly and without
building what it asks for.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from collections.abc import Callable

import pytest

from promptreg import Registry, TemplateError
from promptreg.core.errors import InvalidPromptError
from tests.gitrepo import GitRepo
from tests.security.hostile_template import PROMPT_ID, commit_prompt, lint

MEMORY_BOUND_MB = 100
"""Peak memory a refused attack may add; the attacks ask for 200 MB to several GB."""


def _peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _served_render_fails(git_repo: Callable[..., GitRepo], user: str) -> TemplateError:
    """Serve the committed prompt with the SDK and render it: the error it raises."""
    project = commit_prompt(git_repo, user)
    before = _peak_mb()
    prompt = Registry.open(project.repo.root).get(PROMPT_ID)
    with pytest.raises(TemplateError) as caught:
        prompt.render(ticket_text="Where is my order?")
    assert _peak_mb() - before < MEMORY_BOUND_MB
    assert caught.value.message.startswith(f"{PROMPT_ID} message 2 (user): ")
    return caught.value


# --- output is charged at its real length -------------------------------------------


@pytest.mark.parametrize(
    "user",
    [
        pytest.param(
            "{% set ns = namespace(a='x' * 99999) %}{% for i in range(200) %}{{ ns }}{% endfor %}",
            id="namespace",
        ),
        pytest.param(
            "{% set d = {'a': 'x' * 99999} %}{% for i in range(200) %}{{ d.items() }}{% endfor %}",
            id="dict-items",
        ),
        pytest.param(
            "{% set d = {'a': 'x' * 99999} %}{% for i in range(200) %}{{ d.values() }}{% endfor %}",
            id="dict-values",
        ),
        pytest.param(
            "{% set ns = namespace(a='x' * 99999) %}{% set l = [ns, ns, ns, ns, ns] %}"
            "{% for i in range(200) %}{{ l }}{% endfor %}",
            id="list-of-namespaces",
        ),
        pytest.param(
            "{% for i in range(50000) %}{{ '" + "A" * 1000 + "' }}{% endfor %}",
            id="literal-printed-in-a-loop",
        ),
    ],
)
def test_printed_objects_count_at_their_real_length(
    git_repo: Callable[..., GitRepo], user: str
) -> None:
    error = _served_render_fails(git_repo, user)
    assert "output longer than 1,000,000 characters" in error.message


# --- the budget's hooks cannot be rebound ---------------------------------------------


@pytest.mark.parametrize(
    ("user", "limit"),
    [
        pytest.param(
            "{% set __promptreg_budget = {}.fromkeys %}"
            "{% for i in range(100000) %}{% endfor %}{% for i in range(100000) %}{% endfor %}",
            "loop iterations",
            id="loop-budget",
        ),
        pytest.param(
            "{% macro __promptreg_charge(n) %}{% endmacro %}"
            "{% for i in range(20000) %}" + "x" * 100 + "{% endfor %}",
            "output longer than",
            id="output-charge",
        ),
        pytest.param(
            "{% macro __promptreg_concat(a, b) %}{% endmacro %}"
            "{% set ns = namespace(s='ab') %}{% for i in range(40) %}"
            "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
            "concatenation",
            id="concatenation",
        ),
    ],
)
def test_a_template_cannot_rebind_the_budget(
    git_repo: Callable[..., GitRepo], user: str, limit: str
) -> None:
    assert limit in _served_render_fails(git_repo, user).message


# --- formatting, bytes and integers are bounded ---------------------------------------


@pytest.mark.parametrize(
    "user",
    [
        pytest.param("{{ ('%(a)300000000s' % {'a': 1})|length }}", id="percent-mapping-key"),
        pytest.param("{{ ('%(a)300000000s'|format(a=1))|length }}", id="format-filter"),
        pytest.param("{{ ('%(a).300000000d' % {'a': 1})|length }}", id="percent-precision"),
        pytest.param("{{ ('%((a))300000000s' % {'(a)': 1})|length }}", id="nested-key"),
    ],
)
def test_format_widths_are_bounded(git_repo: Callable[..., GitRepo], user: str) -> None:
    assert "format width" in _served_render_fails(git_repo, user).message


@pytest.mark.parametrize(
    "user",
    [
        pytest.param("{{ 'a'.encode().center(300000000)|length }}", id="bytes-center"),
        pytest.param("{{ 'a'.encode().ljust(300000000)|length }}", id="bytes-ljust"),
        pytest.param("{{ 'a'.encode().zfill(300000000)|length }}", id="bytes-zfill"),
        pytest.param(
            "{{ ('a' * 99999).encode().replace('a'.encode(), ('b' * 3000).encode())|length }}",
            id="bytes-replace",
        ),
        pytest.param("{{ (('x' * 99999).encode() * 3000)|length }}", id="bytes-repeat"),
        pytest.param("{{ (1).to_bytes(300000000, 'big')|length }}", id="int-to-bytes"),
    ],
)
def test_bytes_cannot_be_made_to_allocate(git_repo: Callable[..., GitRepo], user: str) -> None:
    error = _served_render_fails(git_repo, user)
    assert "refused by the sandbox" in error.message


@pytest.mark.parametrize(
    ("user", "limit"),
    [
        pytest.param(
            "{% set x = (0).from_bytes(('\\xff' * 99999).encode('latin-1'), 'big') %}"
            "{{ x.bit_length() }}",
            "refused by the sandbox",
            id="int-from-bytes",
        ),
        pytest.param(
            "{% set x = ('f' * 99999)|int(base=16) %}{% set y = ('e' * 50000)|int(base=16) %}"
            "{% for i in range(20) %}{{ (x % y) % 7 }}{% endfor %}",
            "bits",
            id="hex-integers-divided",
        ),
        pytest.param(
            "{% set x = ('9' * 4000)|int %}{% for i in range(200) %}{{ x // 7 }}{% endfor %}",
            "bits",
            id="decimal-integer",
        ),
    ],
)
def test_integers_past_the_arithmetic_limit_are_refused(
    git_repo: Callable[..., GitRepo], user: str, limit: str
) -> None:
    assert limit in _served_render_fails(git_repo, user).message


# --- nesting: a finding in lint, an error naming the prompt from the SDK ------------

DEEP = {
    "parentheses": "{{ " + "(" * 90 + "ticket_text" + ")" * 90 + " }}",
    "loops": "".join(f"{{% for x{i} in [ticket_text] %}}" for i in range(25))
    + "{{ x24 }}"
    + "{% endfor %}" * 25,
    "conditions": "{% if ticket_text %}" * 120 + "{{ ticket_text }}" + "{% endif %}" * 120,
    "filters": "{{ ticket_text" + "|trim" * 300 + " }}",
    "negations": "{{ " + "not " * 2000 + "ticket_text }}",
}


@pytest.mark.parametrize("kind", list(DEEP))
def test_deep_nesting_is_a_lint_finding(
    git_repo: Callable[..., GitRepo],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    project = commit_prompt(git_repo, "<ticket>\n" + DEEP[kind] + "\n</ticket>")
    run = lint(project, capsys, monkeypatch)
    assert run.status == 1
    assert run.codes == ["T008"], run.out
    assert "nest" in run.out


@pytest.mark.parametrize("kind", list(DEEP))
def test_an_approved_deep_prompt_is_refused_by_get_naming_the_file(
    git_repo: Callable[..., GitRepo], kind: str
) -> None:
    project = commit_prompt(git_repo, "<ticket>\n" + DEEP[kind] + "\n</ticket>")
    with pytest.raises(InvalidPromptError) as caught:
        Registry.open(project.repo.root).get(PROMPT_ID)
    assert caught.value.problems[0].code == "T008"
    assert caught.value.location is not None
    assert caught.value.location.path.name == "hostile.prompt.yaml"


def test_an_integer_literal_too_large_to_print_is_a_finding(
    git_repo: Callable[..., GitRepo],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = commit_prompt(git_repo, "<ticket>{{ ticket_text }}</ticket> {{ " + "9" * 5000 + " }}")
    run = lint(project, capsys, monkeypatch)
    assert (run.status, run.codes) == (1, ["T001"])
    with pytest.raises(InvalidPromptError):
        Registry.open(project.repo.root).get(PROMPT_ID)


_PEAK_OF_LINT = (
    "import sys\n"
    "from promptreg.cli.main import main\n"
    "status = main(sys.argv[1:])\n"
    "with open('/proc/self/status') as lines:\n"
    "    peak = next(int(line.split()[1]) for line in lines if line.startswith('VmHWM'))\n"
    "print(peak // 1024, status)\n"
)
"""`promptreg lint ARGS` in a fresh process that prints its own peak memory (MB) and
exit status last: a peak measured in the test process would hide behind earlier ones.
The peak is VmHWM, not getrusage's ru_maxrss: on Linux ru_maxrss keeps the peak of the
process that started this one across exec, so it reported the test worker's peak."""


def test_lint_computes_no_constant_part_of_a_template(
    git_repo: Callable[..., GitRepo],
) -> None:
    """Jinja2 folds constants while it analyses a template; lint must not build them."""
    project = commit_prompt(
        git_repo,
        "<ticket>{{ ticket_text }}</ticket>\n{{ ('x' * 3 * 10**8)|length }}"
        " {{ 'x'|center(300000000)|length }} {{ 2 ** 10 ** 7 }}",
    )
    process = subprocess.run(
        [sys.executable, "-c", _PEAK_OF_LINT, "lint", "--no-cache", "--select", "T"],
        cwd=project.repo.root,
        env=project.repo.env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert "Traceback" not in process.stderr, process.stderr
    assert process.returncode == 0, process.stdout + process.stderr
    peak, status = process.stdout.split()[-2:]
    assert status == "0", process.stdout
    assert int(peak) < 250, f"lint peaked at {peak} MB"


# --- every failure is a TemplateError -----------------------------------------------


class _Exhausting:
    """An application value whose text cannot be made: what MemoryError looks like."""

    def __str__(self) -> str:
        raise MemoryError

    __repr__ = __str__


def test_memory_error_while_rendering_is_a_template_error(
    git_repo: Callable[..., GitRepo],
) -> None:
    project = commit_prompt(
        git_repo,
        "<ticket>{{ ticket_text }}</ticket>",
        system="You answer customers; notes: {{ notes }}",
        variables={
            "ticket_text": {"type": "string", "description": "The customer's message."},
            "notes": {"type": "object", "description": "Account notes.", "trusted": True},
        },
    )
    prompt = Registry.open(project.repo.root).get(PROMPT_ID)
    with pytest.raises(TemplateError) as caught:
        prompt.render(ticket_text="hi", notes={"a": _Exhausting()})
    assert caught.value.message.startswith(f"{PROMPT_ID} message 1 (system): template stopped")

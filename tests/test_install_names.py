"""No file of the repository tells anyone to install the bare `promptreg` distribution.

That name on the package index belongs to an unrelated project: an instruction that
installs it, in a doc, a CI example, a hook config, a template or a message, hands the
reader's machine to a stranger. The distribution is promptreg-standards.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DISTRIBUTION = "promptreg-standards"
BARE = "promptreg"

_INSTALL_RE = re.compile(
    r"\b(?:pip3?|pipx|uv(?: pip)?|poetry|pdm|conda|mamba)\s+(?:install|add|inject)\b(.*)"
)
_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_ADDITIONAL_RE = re.compile(r"additional_dependencies\s*:\s*\[(.*?)\]")
_SPEC_RE = re.compile(
    r"(?<![\w.\-/])promptreg\s*(?:\[[^\]\n]*\]|===?|>=|<=|~=|!=|@\s*\w)", re.IGNORECASE
)
"""The bare name with extras, a version pin or a direct reference, anywhere."""
_QUOTED_RE = re.compile(r"""["']\s*promptreg\s*(?:[<>=!~;\[@]|["'])""", re.IGNORECASE)


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_names(words: list[str]) -> list[str]:
    names = []
    for word in words:
        word = word.strip().strip("\"'`,;()")
        if not word or word.startswith(("-", ".", "/", "$", "~", "<", ">")):
            continue
        if word in ("&&", "||", "|", "#") or "://" in word or word.endswith(".whl"):
            continue
        match = _NAME_RE.match(word)
        if match:
            names.append(_normalised(match.group()))
    return names


def _install_words(rest: str) -> list[str]:
    rest = re.split(r"&&|\|\||;|\s#\s|`\)?", rest)[0]
    try:
        return shlex.split(rest, comments=True)
    except ValueError:  # an unbalanced quote in prose: split on blanks instead
        return rest.split()


def bare_installs(text: str, *, requirements: bool = False) -> list[str]:
    """Each line of `text` that installs the bare distribution, as written.

    `requirements`: the text is a requirements or constraints file, one requirement a line.
    """
    found = []
    for line in text.splitlines():
        hits = _SPEC_RE.search(line) is not None
        for match in _INSTALL_RE.finditer(line):
            hits |= BARE in _requirement_names(_install_words(match.group(1)))
        for match in _ADDITIONAL_RE.finditer(line):
            hits |= BARE in _requirement_names(match.group(1).split(","))
        stripped = line.strip()
        if stripped.startswith("- ") and _QUOTED_RE.search(stripped[2:]) is not None:
            hits = True  # a YAML list item of requirements (additional_dependencies:)
        if requirements and re.fullmatch(
            r"promptreg\s*(?:[<>=!~;\[@].*)?", stripped, re.IGNORECASE
        ):
            hits = True
        if hits:
            found.append(stripped)
    return found


BAD = [
    "pip install promptreg",
    "python -m pip install -q promptreg pre-commit",
    "$ pip3 install --upgrade promptreg",
    'python -m pip install "promptreg==0.1.0"  # the version your hooks use',
    "pip install 'promptreg[lint]'",
    "uv add promptreg",
    "pipx install promptreg",
    "uv pip install -U promptreg",
    "additional_dependencies: [promptreg==0.1.0]",
    "additional_dependencies: [pyyaml, promptreg]",
    '      - "promptreg>=0.1"',
    'dependencies = ["promptreg[all]"]',
    "Install it with `pip install promptreg`.",
    "PROMPTREG==0.1.0",
]
GOOD = [
    "pip install promptreg-standards",
    "python -m pip install -q 'promptreg-standards[lint]' pre-commit",
    "pip install -e '.[all]' --group dev",
    'python -m pip install "promptreg-standards[evals]==0.1.0"',
    "additional_dependencies: ['.[lint]']",
    "additional_dependencies: [promptreg-standards==0.1.0]",
    "promptreg lint --base HEAD",
    'logger = logging.getLogger("promptreg.audit")',
    'prog="promptreg"',
    "pip install pre-commit && pre-commit install && promptreg init",
    "python -m pip install -q /tmp/dist/promptreg_standards-0.1.0-py3-none-any.whl",
    "the promptreg package, installed as promptreg-standards",
]


@pytest.mark.parametrize("line", BAD)
def test_an_instruction_installing_the_bare_name_is_found(line: str) -> None:
    assert bare_installs(line) == [line.strip()]


@pytest.mark.parametrize(
    "line", ["promptreg", "promptreg>=0.1", "promptreg[lint] ; python_version>'3'"]
)
def test_a_requirements_line_naming_the_bare_name_is_found(line: str) -> None:
    assert bare_installs(f"jinja2\n{line}\n", requirements=True) == [line]
    assert bare_installs("promptreg-standards==0.1.0\n", requirements=True) == []


@pytest.mark.parametrize("line", GOOD)
def test_an_instruction_installing_the_real_name_is_not_found(line: str) -> None:
    assert bare_installs(line) == []


def _repository_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    this = Path(__file__).resolve()
    paths = [REPO / name for name in listed.split("\0") if name]
    return [path for path in paths if path.resolve() != this and path.is_file()]


def test_no_file_installs_the_bare_distribution() -> None:
    files = _repository_files()
    assert any(path.name == "adoption.md" for path in files)  # the scan sees the docs
    offenders = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # images and other binary files
        requirements = path.suffix in (".txt", ".in") and (
            "requirements" in path.name or "constraints" in path.name
        )
        offenders += [
            f"{path.relative_to(REPO)}: {line}"
            for line in bare_installs(text, requirements=requirements)
        ]
    assert offenders == []


def test_the_distribution_and_its_extras() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == DISTRIBUTION
    extras = project["optional-dependencies"]
    assert {"lint", "evals", "tui", "all"} <= set(extras)
    base = {_normalised(_NAME_RE.match(dep).group()) for dep in project["dependencies"]}  # type: ignore[union-attr]
    assert not base & {"openai", "textual", "tiktoken", "pre-commit", "ruamel-yaml", "jsonschema"}


def test_messages_name_the_real_distribution() -> None:
    from promptreg.core.about import DISTRIBUTION as named
    from promptreg.core.extras import install_hint

    assert named == DISTRIBUTION
    assert install_hint("lint") == f"pip install '{DISTRIBUTION}[lint]'"

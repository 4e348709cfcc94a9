"""Real Dotprompt files (with a partial) and the Dotprompt spec's own cases import into
drafts that render what the Dotprompt package renders."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from promptreg.core.tree import spec_by_id
from tests.importers import dotprompt_engine
from tests.importers.helpers import FIXTURES, blocking, sandbox

SOURCE = FIXTURES / "dotprompt"
SPEC = FIXTURES / "dotprompt-spec"


def _partials() -> dict[str, str]:
    return {
        p.name[1:].removesuffix(".prompt"): p.read_text(encoding="utf-8")
        for p in SOURCE.glob("_*.prompt")
    }


CASES = [
    (
        "story.prompt",
        "story",
        [{"subject": "a lighthouse", "personality": "a pirate"}, {"subject": "a lighthouse"}],
        {"subject", "personality"},
    ),
    (
        "hello.system.prompt",
        "hello-system",
        [{"name": "Ana"}, {"name": "Ana", "persona": "poet"}],
        {"name", "persona"},
    ),
    ("recipe.prompt", "recipe", [{"food": "tofu"}], {"food"}),
    (
        "travel-planner.prompt",
        "travel-planner",
        [
            {"destination": "Lyon", "duration": 3, "budget": "low"},
            {
                "destination": "Lyon",
                "duration": 3,
                "budget": "low",
                "interests": ["food", "art"],
                "travelStyle": "slow",
            },
        ],
        {"destination", "duration", "budget", "interests", "travelStyle"},
    ),
]


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name).lower()


@pytest.mark.parametrize(
    ("name", "draft", "inputs", "source_vars"), CASES, ids=[c[0] for c in CASES]
)
def test_renders_like_the_dotprompt_package(
    tmp_path: Path, name: str, draft: str, inputs: list[dict[str, Any]], source_vars: set[str]
) -> None:
    box = sandbox(tmp_path)
    outcome = box.run(SOURCE / name)
    assert outcome.ok, outcome.failures
    prompt_id = f"imported/{draft}"
    assert blocking(box.codes(prompt_id)) == []
    assert box.variables(prompt_id) == {_snake(v) for v in source_vars}
    source = (SOURCE / name).read_text(encoding="utf-8")
    for values in inputs:
        expected = dotprompt_engine.render(source, values, _partials())
        renamed = {_snake(k): v for k, v in values.items()}
        assert box.render(prompt_id, renamed) == expected, values


def test_output_schema_and_model_settings_carry_over(tmp_path: Path) -> None:
    box = sandbox(tmp_path)
    box.run(SOURCE / "recipe.prompt", SOURCE / "hello.system.prompt")
    from promptreg.core.tree import spec_by_id

    recipe = spec_by_id(box.settings, "imported/recipe")
    assert recipe.output is not None and recipe.output.format == "json"
    assert recipe.output.schema is not None
    assert recipe.output.schema["properties"]["steps"]["items"] == {"type": "string"}
    hello = spec_by_id(box.settings, "imported/hello-system")
    assert (hello.model.temperature, hello.model.top_p, hello.model.max_output_tokens) == (
        0.6,
        0.95,
        2048,
    )
    assert hello.variables["persona"].default == "Space Pirate"


# --- the specification's own cases -----------------------------------------------------

UNSUPPORTED = {
    # What the draft cannot do the same way; each must be reported, not rendered wrong.
    "history": "{{history}}",
    "media": "media",
    "section": "section",
    "json": "tojson",
}


def _spec_cases() -> list[Any]:
    cases = []
    for path in sorted(SPEC.glob("*.yaml")):
        for suite in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            for number, test in enumerate(suite.get("tests") or []):
                data = test.get("data") or {}
                if (
                    set(data) - {"input"}
                    or suite.get("resolverSchemas")
                    or suite.get("schemas")
                    or (test.get("options"))
                ):
                    continue  # context, history, named schemas, render options: not prompt inputs
                cases.append(pytest.param(suite, test, id=f"{path.stem}:{suite['name']}:{number}"))
    return cases


@pytest.mark.parametrize(("suite", "test"), _spec_cases())
def test_spec_cases_render_as_the_spec_and_the_package_say(
    tmp_path: Path, suite: dict[str, Any], test: dict[str, Any]
) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    partials = {**(suite.get("partials") or {}), **(suite.get("resolverPartials") or {})}
    for partial, text in partials.items():
        (folder / f"_{partial}.prompt").write_text(text, encoding="utf-8")
    source = folder / "case.prompt"
    source.write_text(suite["template"], encoding="utf-8")
    values = (test.get("data") or {}).get("input") or {}
    expected = dotprompt_engine.render(suite["template"], values, partials)
    wanted = [
        (
            dotprompt_engine.ROLES.get(m["role"], m["role"]),
            "".join(p.get("text", "") for p in m["content"]),
        )
        for m in (test.get("expect") or {}).get("messages") or []
    ]
    if wanted and expected != wanted:
        pytest.xfail("the Dotprompt package renders this case otherwise than its spec says")
    box = sandbox(tmp_path)
    outcome = box.run(source)
    if not expected:
        assert [str(f.message) for f in outcome.failures] == ["the template holds no message"]
        return
    notes = " ".join(n.message for d in outcome.drafts for n in d.notes)
    unsupported = [k for k, marker in UNSUPPORTED.items() if marker in notes]
    if unsupported:
        pytest.xfail(f"reported as not convertible: {', '.join(unsupported)}")
    assert outcome.ok, outcome.failures
    renamed = {_snake(k): v for k, v in values.items()}
    spec = spec_by_id(box.settings, "imported/case")
    untyped = [
        k
        for k, v in renamed.items()
        if k in spec.variables and spec.variables[k].type == "string" and not isinstance(v, str)
    ]
    if untyped and "not in the input schema" in notes:
        pytest.xfail(f"the source gives no type for {', '.join(untyped)}; the draft has strings")
    assert box.render("imported/case", renamed) == expected

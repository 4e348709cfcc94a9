"""`promptreg export`: import(export(p)) renders what p renders, for every prompt of the
embedded registry and any values of its variables; and the target engines agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import prompty
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promptreg.core.config import load_config
from promptreg.core.loader import load_prompt
from promptreg.core.model import PromptSpec, Variable
from promptreg.core.tree import known_ids, spec_by_id
from promptreg.importers.catalogue import IMPORTERS
from promptreg.importers.export import export_text
from promptreg.importers.mapping import draft_mapping
from promptreg.importers.to_handlebars import ExportError
from promptreg.importers.writing import draft_text
from promptreg.render.prompt import Prompt
from tests.importers import dotprompt_engine
from tests.importers.helpers import REPO

SETTINGS = load_config(REPO / "promptreg.yaml")
IDS = known_ids(SETTINGS.registry_dir)
# Plain text: Prompty splits a rendered line that reads like `user:` into a new message,
# and normalises other line separators; neither is what this property is about.
SAFE_TEXT = st.text(
    st.characters(codec="utf-8", categories=("L", "N", "Zs"), include_characters=".,-'\n"),
    max_size=40,
)


def _value(var: Variable, text: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    if var.enum is not None:
        return st.sampled_from(list(var.enum))
    return {
        "string": text,
        "integer": st.integers(-10_000, 10_000),
        "number": st.integers(-1000, 1000),
        "boolean": st.booleans(),
        "array": st.lists(text, max_size=4),
        "object": st.dictionaries(st.sampled_from(["a", "b"]), text, max_size=2),
    }[var.type]


def _values(
    spec: PromptSpec, text: st.SearchStrategy[str] = SAFE_TEXT
) -> st.SearchStrategy[dict[str, Any]]:
    required = {n: _value(v, text) for n, v in spec.variables.items() if v.required}
    optional = {n: _value(v, text) for n, v in spec.variables.items() if not v.required}
    return st.fixed_dictionaries(required, optional=optional)


def _reimport(spec: PromptSpec, target: str, folder: Path) -> Prompt:
    suffix = {"prompty": ".prompty", "dotprompt": ".prompt"}[target]
    source = folder / f"{spec.id.replace('/', '-')}{suffix}"
    source.write_text(export_text(spec, target), encoding="utf-8")
    (draft,) = IMPORTERS[target].read(source, source.read_text(encoding="utf-8"))
    path = folder / "registry" / "x" / f"{draft.name}.prompt.yaml"
    data, notes = draft_mapping(draft, f"x/{draft.name}", SETTINGS, owner=spec.owner, tier=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        draft_text(data, notes, path=path, root=folder, source=source), encoding="utf-8"
    )
    loaded = load_prompt(path)
    assert loaded.spec is not None, loaded.problems
    return Prompt(loaded.spec)


def _messages(rendered: list[dict[str, str]], *, strip: bool = False) -> list[tuple[str, str]]:
    return [(m["role"], m["content"].strip("\n") if strip else m["content"]) for m in rendered]


@pytest.mark.parametrize("prompt_id", IDS)
def test_dotprompt_round_trip_renders_the_same(prompt_id: str, tmp_path: Path) -> None:
    spec = spec_by_id(SETTINGS, prompt_id)
    original = Prompt(spec)
    again = _reimport(spec, "dotprompt", tmp_path)
    source = next(tmp_path.glob("*.prompt")).read_text(encoding="utf-8")

    @settings(
        max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(_values(spec, st.text(max_size=40)))
    def check(values: dict[str, Any]) -> None:
        assert _messages(again.render(**values)) == _messages(original.render(**values))

    @settings(
        max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(_values(spec))
    def engine_agrees(values: dict[str, Any]) -> None:
        bound = original.bind(values)
        expected = [(r, c) for r, c in _messages(original.render(**values)) if c.strip()]
        assert dotprompt_engine.render(source, bound, {}) == expected

    check()
    if all(v.type in ("string", "array", "integer") for v in spec.variables.values()):
        engine_agrees()


@pytest.mark.parametrize("prompt_id", IDS)
def test_prompty_round_trip_renders_the_same(
    prompt_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = spec_by_id(SETTINGS, prompt_id)
    original = Prompt(spec)
    again = _reimport(spec, "prompty", tmp_path)
    exported = next(tmp_path.glob("*.prompty"))
    agent = prompty.load(exported)

    @settings(
        max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(_values(spec))
    def check(values: dict[str, Any]) -> None:
        want = _messages(original.render(**values), strip=True)
        assert _messages(again.render(**values), strip=True) == want
        runtime = [
            (m.role, "".join(p.value for p in m.parts))
            for m in prompty.prepare(agent, original.bind(values))
        ]
        assert runtime == want

    check()


def test_export_refuses_what_handlebars_cannot_say(tmp_path: Path) -> None:
    spec = spec_by_id(SETTINGS, IDS[0])
    data = dict(spec.data)
    data["messages"] = [{"role": "user", "content": "{{ text | upper }}"}]
    data["variables"] = {"text": {"type": "string", "description": "x"}}
    from promptreg.core.model import build_spec

    with pytest.raises(ExportError, match=r"\| upper"):
        export_text(build_spec(data), "dotprompt")

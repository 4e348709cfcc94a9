"""Prompts in Python source: found with ast, rendered as str.format and f-strings would."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.importers.helpers import blocking, sandbox

APP = textwrap.dedent(
    '''
    from openai import OpenAI

    SYSTEM_PROMPT = "You answer questions about {product}. Be brief."
    SUMMARY_TEMPLATE = """Summarise this for {audience}:
    {text}
    Use at most {limit:03d} words; literal braces {{like this}} stay."""
    REPR_PROMPT = "Debug view: {value!r} and {price:>10}"

    client = OpenAI()


    def answer(question, user):
        return client.chat.completions.create(
            model="gpt-4o",
            temperature=0.2,
            messages=[
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user",
                 "content": f"{user.name} asks: {question}\\nScore {len(question)}"},
            ],
        )


    def respond(topic):
        return client.responses.create(
            model="gpt-4.1", instructions="Be kind.", input=f"Tell me about {topic:.10}")
    '''
)


def _write(tmp_path: Path) -> Path:
    path = tmp_path / "src" / "app.py"
    path.parent.mkdir()
    path.write_text(APP, encoding="utf-8")
    return path


def test_calls_and_constants_become_drafts_that_render_like_str_format(tmp_path: Path) -> None:
    source = _write(tmp_path)
    box = sandbox(tmp_path)
    outcome = box.run(source)
    assert outcome.ok, outcome.failures
    ids = sorted(d.prompt_id for d in outcome.drafts)
    assert ids == [
        "imported/app-call-14",
        "imported/app-call-26",
        "imported/repr-prompt",
        "imported/summary-template",
    ]
    namespace: dict[str, object] = {}
    constants = APP.split("client = OpenAI()")[0].replace("from openai import OpenAI", "")
    exec(compile(constants, "app", "exec"), namespace)  # noqa: S102 -- the test's own text
    values = {"audience": "lawyers", "text": "A long text.", "limit": 7}
    template = str(namespace["SUMMARY_TEMPLATE"])
    assert box.render("imported/summary-template", values) == [
        ("system", template.format(**values))
    ]
    assert blocking(box.codes("imported/summary-template")) == []
    call = box.render(
        "imported/app-call-14",
        {"product": "ovens", "user": {"name": "Ana"}, "question": "Why?", "field_1": "4"},
    )
    assert call == [
        ("system", "You answer questions about ovens. Be brief."),
        ("user", "Ana asks: Why?\nScore 4"),
    ]


def test_what_cannot_be_expressed_is_reported_with_its_line(tmp_path: Path) -> None:
    source = _write(tmp_path)
    box = sandbox(tmp_path)
    outcome = box.run(source)
    notes = {str(n) for d in outcome.drafts for n in d.notes}
    text = " ".join(notes)
    assert f"{source}:8: the conversion !r on {{value}}" in text
    assert f"{source}:8: the format spec :>10 on {{price}} cannot be expressed" in text
    assert "the expression {len(question)} cannot be expressed" in text
    assert f"{source}:27:" in text and ":.10 on {topic}" in text
    responses = next(d for d in outcome.drafts if d.prompt_id == "imported/app-call-26")
    assert [role for role, _ in box.render(responses.prompt_id, {"topic": "tea"})] == [
        "developer",
        "user",
    ]


def test_invalid_python_exits_with_its_line(tmp_path: Path) -> None:
    source = tmp_path / "bad.py"
    source.write_text("PROMPT = 'x'\ndef broken(:\n", encoding="utf-8")
    outcome = sandbox(tmp_path).run(source)
    assert not outcome.ok
    assert str(outcome.failures[0]).startswith(f"{source}:2:")

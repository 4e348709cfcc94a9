"""promptfoo configurations (`promptfooconfig.yaml`): prompts, providers and tests.

Each prompt (inline, or `file://` a text file split at `---` lines, or a JSON/YAML
list of chat messages) becomes a draft; its Nunjucks `{{var}}` syntax is Jinja2's.
`tests:` (with `defaultTest:` merged in) become eval cases, with the assertion types
promptreg has; the others are reported.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from promptreg.importers.assemble import jinja_template, renamed_note
from promptreg.importers.draft import (
    Draft,
    DraftEval,
    DraftVariable,
    Note,
    SourceError,
    slug,
    source_error,
    title_of,
)
from promptreg.importers.importer import Importer
from promptreg.importers.names import variable_name
from promptreg.importers.source import load_json, load_yaml, mapping, read_text, text_of

_ASSERTS = {
    "equals": "equals",
    "contains": "contains",
    "icontains": "icontains",
    "starts-with": "starts-with",
    "regex": "regex",
    "not-contains": "not-contains",
    "not-regex": "not-regex",
    "is-json": "is-json",
}
_PY_TYPES = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (list, "array"),
    (dict, "object"),
)
MAX_PROMPTS = 200


def _resolve(config: dict[str, Any], value: Any) -> Any:
    """`{$ref: '#/a/b'}` inside the same file, as promptfoo resolves it."""
    if isinstance(value, dict) and isinstance(value.get("$ref"), str):
        target: Any = config
        for part in value["$ref"].removeprefix("#/").split("/"):
            target = target.get(part) if isinstance(target, dict) else None
        return target
    return value


def _prompt_texts(entry: Any, base: Path, path: Path) -> list[tuple[str, Any]]:
    """(label, prompt: a template string or a list of messages) for one `prompts:` entry."""
    label = ""
    if isinstance(entry, dict):
        label = text_of(entry.get("label"))
        entry = entry.get("id") or entry.get("raw")
    if not isinstance(entry, str):
        raise source_error(path, f"a prompt entry is not text or file:// ({entry!r:.40})")
    if not entry.startswith("file://"):
        return [(label, entry)]
    target = (base / entry.removeprefix("file://")).resolve()
    if not target.is_relative_to(base.resolve()) or not target.is_file():
        raise source_error(path, f"{entry}: no such file inside {base}")
    text = read_text(target)
    suffix = target.suffix.lower()
    if suffix == ".json":
        return [(label or target.stem, load_json(text, target))]
    if suffix in (".yaml", ".yml"):
        return [(label or target.stem, load_yaml(text, target))]
    if suffix in (".txt", ".md", ""):
        chunks: list[str] = []
        buffer: list[str] = []
        for line in text.split("\n"):
            if line.strip() == "---":
                chunks.append("\n".join(buffer).strip())
                buffer = []
            else:
                buffer.append(line)
        chunks.append("\n".join(buffer).strip())
        return [(label or target.stem, c) for c in chunks if c]
    raise source_error(path, f"{entry}: prompts written as code ({suffix}) cannot be imported")


def _messages(prompt: Any, path: Path) -> list[tuple[str, str]]:
    if isinstance(prompt, str):
        stripped = prompt.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            with contextlib.suppress(SourceError):  # a prompt that merely looks like JSON
                return _messages(load_json(stripped, path), path)
        return [("user", prompt)]
    if isinstance(prompt, list) and all(isinstance(m, dict) for m in prompt):
        out = []
        for message in prompt:
            role = str(message.get("role", "user"))
            if role not in ("system", "developer", "user", "assistant"):
                raise source_error(path, f"message role {role!r} is not one promptreg has")
            out.append((role, text_of(message.get("content"))))
        return out
    raise source_error(path, "a prompt is neither text nor a list of chat messages")


def _assertions(
    raw: Any, config: dict[str, Any], where: str, notes: list[Note], path: Path
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in raw if isinstance(raw, list) else []:
        item = mapping(_resolve(config, item))
        kind = str(item.get("type", ""))
        value = item.get("value")
        if kind == "contains-all" and isinstance(value, list):
            out.extend({"type": "contains", "value": str(v)} for v in value)
        elif kind == "is-json" and value is not None:
            out.append({"type": "json-schema", "value": value})
        elif kind in _ASSERTS and (kind == "is-json" or isinstance(value, str)):
            out.append({"type": _ASSERTS[kind], **({} if kind == "is-json" else {"value": value})})
        else:
            notes.append(
                Note(
                    path,
                    1,
                    f"{where}: the assertion {kind or repr(item)} has no promptreg "
                    "equivalent and was not carried over",
                )
            )
    return out


def _evals(config: dict[str, Any], path: Path, notes: list[Note]) -> list[DraftEval]:
    default = mapping(config.get("defaultTest"))
    tests = config.get("tests")
    if isinstance(tests, str) or (
        isinstance(tests, list) and any(isinstance(t, str) for t in tests)
    ):
        notes.append(Note(path, 1, "tests loaded from other files (file://) were not carried over"))
    cases = []
    listed = [t for t in tests if isinstance(t, dict)] if isinstance(tests, list) else []
    for number, test in enumerate(listed):
        name = text_of(test.get("description")) or f"test {number + 1}"
        variables = {**mapping(default.get("vars")), **mapping(test.get("vars"))}
        asserts = _assertions(default.get("assert"), config, "defaultTest", notes, path)
        asserts += _assertions(test.get("assert"), config, name, notes, path)
        renamed = {variable_name(k): v for k, v in variables.items()}
        cases.append(DraftEval(name, renamed, tuple(asserts)))
    return cases


def _type_of(values: list[Any]) -> str:
    kinds = {next((name for t, name in _PY_TYPES if isinstance(v, t)), "string") for v in values}
    return kinds.pop() if len(kinds) == 1 else "string"


def read(path: Path, text: str) -> list[Draft]:
    config = load_yaml(text, path)
    if not isinstance(config, dict) or "prompts" not in config:
        raise source_error(path, "not a promptfoo configuration: it has no `prompts:`")
    notes: list[Note] = []
    entries = config["prompts"]
    entries = list(entries.items()) if isinstance(entries, dict) else entries
    if not isinstance(entries, list):
        raise source_error(path, "`prompts:` is not a list")
    prompts: list[tuple[str, Any]] = []
    for entry in entries:
        if isinstance(entry, tuple):
            prompts.extend((entry[1], p) for _, p in _prompt_texts(entry[0], path.parent, path))
        else:
            prompts.extend(_prompt_texts(entry, path.parent, path))
    if len(prompts) > MAX_PROMPTS:
        raise source_error(path, f"more than {MAX_PROMPTS} prompts in one configuration")
    providers = config.get("providers") or config.get("targets") or []
    providers = providers if isinstance(providers, list) else [providers]
    first = providers[0] if providers else None
    provider_id = text_of(first.get("id") if isinstance(first, dict) else first)
    model = provider_id.rsplit(":", 1)[-1] if provider_id else None
    options = mapping(mapping(first).get("config")) if isinstance(first, dict) else {}
    settings = {
        k: options[s]
        for s, k in (
            ("temperature", "temperature"),
            ("max_tokens", "max_output_tokens"),
            ("top_p", "top_p"),
            ("seed", "seed"),
        )
        if s in options
    }
    if len(providers) > 1:
        notes.append(
            Note(
                path,
                1,
                f"only the first provider ({provider_id}) was kept; promptreg "
                "prompts name one model",
            )
        )
    evals = _evals(config, path, notes)
    base = slug(text_of(config.get("description")) or path.parent.name)
    drafts = []
    for index, (label, prompt) in enumerate(prompts, start=1):
        messages: list[tuple[str, str]] = []
        used: list[str] = []
        renames: dict[str, str] = {}
        for role, content in _messages(prompt, path):
            template = jinja_template(content)
            renames.update(dict(template.renamed))
            messages.append((role, template.text))
            used.extend(v for v in template.variables if v not in used)
        values: dict[str, list[Any]] = {}
        for case in evals:
            for key, value in case.vars.items():
                values.setdefault(key, []).append(value)
        variables = tuple(DraftVariable(v, _type_of(values.get(v, []))) for v in used)
        own = tuple(
            DraftEval(c.name, {k: v for k, v in c.vars.items() if k in used}, c.asserts)
            for c in evals
        )
        name = f"{base}-{index}" if len(prompts) > 1 else base
        drafts.append(
            Draft(
                source=path,
                line=1,
                name=slug(label) if label and len(prompts) == 1 else name,
                title=title_of(name),
                description=text_of(config.get("description")) or f"Imported from {path.name}.",
                messages=tuple(messages),
                variables=variables,
                model=model,
                settings=settings,
                evals=own,
                notes=tuple(notes + renamed_note(path, 1, renames)),
                format="promptfoo",
            )
        )
    return drafts


def sniff(path: Path, text: str) -> bool:
    return "promptfoo" in path.name or (
        "prompts:" in text and ("providers:" in text or "tests:" in text)
    )


IMPORTER = Importer(
    name="promptfoo",
    summary="promptfoo configurations: prompts, providers, tests with assertions",
    extensions=(".yaml", ".yml"),
    sniff=sniff,
    read=read,
    doc="Reads `prompts:` (inline text, `file://` text files split at `---` lines, JSON or "
    "YAML chat messages), the first provider's model and settings, and `tests:` with "
    "`defaultTest:` merged in as eval cases: `equals`, `contains`, `icontains`, "
    "`starts-with`, `regex`, `not-contains`, `not-regex`, `is-json` (with a schema: "
    "`json-schema`) and `contains-all` carry over; model-graded and code assertions are "
    "reported. `$ref` to `#/...` in the same file is followed.",
)

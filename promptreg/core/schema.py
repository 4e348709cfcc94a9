"""The packaged JSON Schemas, one cached validator each, and errors mapped to places.

jsonschema reports what is wrong at a JSON path; a person needs the line and column and
a sentence they can act on. One failure becomes one finding at the right line, the way
jsonschema's best_match picks the most relevant error instead of cascading ten.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from promptreg.core.document import Document, PathKey
from promptreg.core.errors import ConfigError, Problem
from promptreg.core.location import Span
from promptreg.core.suggest import did_you_mean

# typing costs ~15 ms to import and the SDK path needs it only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PROMPT_SCHEMA = "prompt.schema.json"
CONFIG_SCHEMA = "promptreg.schema.json"
MODELINE = "# yaml-language-server: $schema="
"""How the first line of a prompt file starts when it points editors at the schema."""


def schema_dir() -> Path:
    """Where the schemas are: inside the installed wheel, or at the repository root."""
    here = Path(__file__).resolve().parents[1]  # the promptreg package
    packaged = here / "schemas"
    return packaged if packaged.is_dir() else here.parent / "schemas"


def schema_modeline(prompt_path: Path, root: Path) -> str:
    """The modeline pointing at the nearest copy of the prompt schema, relative to the file."""
    candidates = (
        root / "schemas" / PROMPT_SCHEMA,
        root / ".promptreg" / "schemas" / PROMPT_SCHEMA,
    )
    target = next((c for c in candidates if c.is_file()), candidates[1])
    relative = os.path.relpath(target, prompt_path.parent)
    return f"{MODELINE}{Path(relative).as_posix()}"


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    path = schema_dir() / name
    try:
        schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"cannot load the packaged schema {path}: {exc}",
            hint="reinstall promptreg; the schemas ship inside the package",
        ) from exc
    return schema


@functools.cache
def validator(name: str) -> Any:
    """A compiled Draft 2020-12 validator with format checks (dates, e-mail addresses)."""
    import jsonschema  # deferred: ~40 ms, and the SDK's get() path never validates

    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@functools.cache
def fast_check(name: str) -> Callable[[Any], bool] | None:
    """The compiled validity check of a packaged schema, or None if it cannot compile."""
    from promptreg.core.fastschema import Unsupported, compile_schema

    try:
        return compile_schema(load_schema(name))
    except Unsupported:
        return None


def _dotted(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the top level"


def _allowed_keys(schema: dict[str, Any]) -> tuple[list[str], list[str]]:
    return list(schema.get("properties", {})), list(schema.get("patternProperties", {}))


MAX_CHECKED_ITEMS = 1_000
"""How many entries of one list or mapping the detailed check reads. The fast check has
already said whether the whole file is valid; the detailed one only says where it is
not, and jsonschema's cost (and the size of what it quotes) grows with every item."""


@functools.cache
def _short_repr() -> Callable[[object], str]:
    import reprlib  # only for messages about invalid files

    short = reprlib.Repr()
    short.maxlist = short.maxtuple = short.maxdict = short.maxset = 6
    short.maxstring = short.maxother = 80
    short.maxlevel = 3
    return short.repr


def short_repr(value: object) -> str:
    """A value as a message may quote it: a few items, a string's first characters."""
    return _short_repr()(value)


def _bounded(value: Any, path: PathKey, cut: list[tuple[PathKey, int]]) -> Any:
    """`value` with every list and mapping cut to MAX_CHECKED_ITEMS + 1 entries (one
    more, so that a maxItems below the bound still fails); each cut goes to `cut`."""
    if isinstance(value, list):
        if len(value) > MAX_CHECKED_ITEMS + 1:
            cut.append((path, len(value)))
        items = value[: MAX_CHECKED_ITEMS + 1]
        return [_bounded(item, (*path, i), cut) for i, item in enumerate(items)]
    if isinstance(value, dict):
        if len(value) > MAX_CHECKED_ITEMS + 1:
            cut.append((path, len(value)))
        pairs = list(value.items())[: MAX_CHECKED_ITEMS + 1]
        return {key: _bounded(item, (*path, key), cut) for key, item in pairs}
    return value


def _friendly(error: Any) -> Iterator[tuple[PathKey, bool, str]]:
    """(path, point-at-key?, message) for one jsonschema error."""
    path: PathKey = tuple(error.absolute_path)
    where = _dotted(path)
    kind = error.validator
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        known, patterns = _allowed_keys(error.schema)
        for key in error.instance:
            if key in known or any(re.search(p, key) for p in patterns):
                continue
            hint = did_you_mean(key, known) or f"; allowed keys: {', '.join(known)}"
            yield (*path, key), True, f"unknown key {key!r} in {where}{hint}"
        return
    if kind == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        name = missing[0] if missing else error.message
        yield path, True, f"missing required key {name!r} in {where}"
        return
    if kind == "enum":
        options = [str(o) for o in error.validator_value]
        hint = did_you_mean(str(error.instance), options)
        shown = short_repr(error.instance)
        yield path, False, f"{where}: {shown} is not one of {', '.join(options)}{hint}"
        return
    if kind == "pattern":
        description = error.schema.get("description", "")
        first = description.split(". ")[0].rstrip(".") if description else ""
        extra = f" ({first})" if first else ""
        yield path, False, f"{where}: {short_repr(error.instance)} has the wrong form{extra}"
        return
    if kind == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        yield path, False, f"{where} must be {_article(expected)}, not {_type_name(error.instance)}"
        return
    message = error.message
    quoted = repr(error.instance)
    if message.startswith(quoted):  # jsonschema quotes the whole value first
        message = short_repr(error.instance) + message[len(quoted) :]
    yield path, False, f"{where}: {message}"


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _type_name(value: Any) -> str:
    names = {
        dict: "a mapping",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        type(None): "empty (null)",
    }
    return names.get(type(value), type(value).__name__)


def schema_problems(document: Document, name: str, code: str = "S001") -> list[Problem]:
    """Validate a parsed document; at most one problem per place, most relevant first.

    Only an invalid document is checked in detail, and then only its first entries of
    any long list or mapping (MAX_CHECKED_ITEMS): a 400,000-item list costs what a
    1,000-item one does, and messages quote values in short."""
    check = fast_check(name)
    if check is not None and check(document.value):
        return []
    try:
        from jsonschema.exceptions import best_match, relevance
    except ModuleNotFoundError:  # a base install: serving needs only the compiled check
        from promptreg.core.extras import install_hint

        message = (
            f"the document does not match {name}; `promptreg lint` names each problem "
            f"(it needs the [lint] extra: {install_hint('lint')})"
        )
        return [Problem(code, message, document.location(()))]
    cut: list[tuple[PathKey, int]] = []
    instance = _bounded(document.value, (), cut)
    errors = sorted(validator(name).iter_errors(instance), key=relevance)
    problems: list[Problem] = []
    seen: set[PathKey] = set()
    if cut and not errors:  # what is wrong lies past the entries that were read
        path, size = cut[0]
        problems.append(
            Problem(
                code,
                f"{_dotted(path)} holds {size:,} entries and the file does not match the "
                f"schema past the first {MAX_CHECKED_ITEMS:,}; split the data or make it "
                "smaller",
                document.location(path),
            )
        )
    for error in errors:
        best = error
        while best.context:
            best = best_match(best.context)
        for path, at_key, message in _friendly(best):
            if path in seen:
                continue
            seen.add(path)
            this_code = code
            if best.validator in ("pattern", "type") and path and path[-1] == "version":
                this_code = "S003"  # semver is its own rule: its fix and docs differ
                message = (
                    f"{_dotted(path)}: {best.instance!r} is not a semantic version; "
                    "write MAJOR.MINOR.PATCH, e.g. 1.2.0"
                )
            problems.append(Problem(this_code, message, document.location(path, key=at_key)))
    problems.sort(key=lambda p: (p.location.span or Span.at(1), p.message))
    return problems


def check_document(document: Document, schema: str) -> list[Problem]:
    """File-level (F) problems, then schema (S001) problems when the file is sound."""
    problems = list(document.problems)
    if problems:
        return problems
    if not isinstance(document.value, dict):
        what = "empty" if document.value is None else f"a {type(document.value).__name__}"
        problems.append(
            Problem(
                "F009",
                f"the document is {what}, not a mapping of keys to values; "
                "start from `promptreg new` or the format in docs/format.md",
                document.location(()),
            )
        )
        return problems
    return schema_problems(document, schema)


def failing_keys(document: Document, name: str) -> frozenset[str] | None:
    """The top-level keys whose values fail the schema, or None when the document as a
    whole does (not a mapping, or a problem no single key explains). Unknown top-level
    keys are not counted: nothing reads them.

    Bounded like schema_problems (MAX_CHECKED_ITEMS): a key holding a list or mapping
    too long to read in full counts as failing, since what lies past the cut is unchecked."""
    if not isinstance(document.value, dict):
        return None
    from jsonschema.exceptions import best_match

    cut: list[tuple[PathKey, int]] = []
    instance = _bounded(document.value, (), cut)
    if any(not path for path, _ in cut):  # the top level itself holds too many keys
        return None
    keys: set[str] = {str(path[0]) for path, _ in cut}
    for error in validator(name).iter_errors(instance):
        best = error
        while best.context:
            best = best_match(best.context)
        path = tuple(best.absolute_path)
        if path:
            keys.add(str(path[0]))
        elif best.validator == "required":
            keys.update(str(key) for key in best.validator_value if key not in best.instance)
        elif best.validator != "additionalProperties":
            return None
    return frozenset(keys)

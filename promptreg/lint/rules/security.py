"""X0: secrets. Credentials of a known format (X001) and random-looking tokens (X002).

Codes are grouped so a prefix selects a concern: X0 secrets (here), X1 personal data
(personal_data.py), X2 the organisation's content policy (content_policy.py), X3 what
reviewers cannot see (hidden.py). The detectors are promptreg.detect's, on plain
strings; these rules scan a file's strings once for both codes and point each finding
at the secret itself. A finding never repeats a secret: it shows the kind and at most
four characters.
"""

from __future__ import annotations

from collections.abc import Iterator

from promptreg.core.document import PathKey
from promptreg.detect.secrets import HIGH_ENTROPY, find_secrets
from promptreg.lint.context import FileContext
from promptreg.lint.finding import Hit
from promptreg.lint.rule import Rule, RuleDoc
from promptreg.lint.rules.strings import NOT_A_FIX, Match, corpus, dotted, hit, shared
from promptreg.render.joinable import filled, may_join_literals


def _scan_secrets(ctx: FileContext) -> list[Match]:
    text = corpus(ctx)
    return [text.place(detection) for detection in find_secrets(text.text)]


_ADVICE = "; revoke it, remove it from the file, and pass secrets at run time instead"


def check_secret(ctx: FileContext) -> Iterator[Hit]:
    for match in shared(ctx, _scan_secrets):
        if match.kind == HIGH_ENTROPY:
            continue
        yield hit(ctx, match, _ADVICE)
    yield from _secret_keys(ctx)
    renders = _renders(ctx)
    known = [text for _, text in corpus(ctx).leaves]
    for index, message in enumerate(ctx.spec.messages):
        path = ("messages", index, "content")
        yield from _assembled_secrets(ctx, path, message.content, renders, known)


def _secret_keys(ctx: FileContext) -> Iterator[Hit]:
    """Keys in a default's or an eval case's mappings: data the model reads (an object
    variable renders as its JSON), though the format's own keys are names, not data."""
    value = ctx.document.value
    if not isinstance(value, dict):
        return
    roots: list[tuple[PathKey, object]] = []
    variables = value.get("variables")
    if isinstance(variables, dict):
        roots += [
            (("variables", name, "default"), spec.get("default"))
            for name, spec in variables.items()
            if isinstance(spec, dict)
        ]
    evals = value.get("evals")
    if isinstance(evals, list):
        roots += [
            (("evals", index, "vars"), case.get("vars"))
            for index, case in enumerate(evals)
            if isinstance(case, dict)
        ]
    for root, tree in roots:
        for path, key in _keys(tree, root, root[-1] == "vars"):
            for detection in find_secrets(key):
                if detection.kind != HIGH_ENTROPY:
                    yield ctx.hit(
                        f"{detection.description} in a key of {dotted(path[:-1])}{_ADVICE}",
                        path,
                        key=True,
                    )


def _keys(value: object, path: PathKey, skip_top: bool) -> Iterator[tuple[PathKey, str]]:
    """Every string mapping key below `value`; `skip_top` leaves out its own keys (an
    eval case's variable names)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and not skip_top:
                yield (*path, key), key
            yield from _keys(item, (*path, key), False)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _keys(item, (*path, index), False)


Render = tuple[str, dict[str, str]]
"""What a render is described as in a finding, and the text it gives each variable."""


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _renders(ctx: FileContext) -> list[Render]:
    """The renders whose text X001 reads besides the literals alone: with the variables'
    defaults, which every caller that leaves them out renders. (Eval cases' vars are
    test inputs: their strings are scanned as they are, as the other X rules do, but not
    joined into the template; that would parse every template once per case.)"""
    defaults = {
        name: text
        for name, variable in ctx.spec.variables.items()
        if variable.has_default and (text := _text(variable.default))
    }
    renders: list[Render] = [("template literals", {})]
    if defaults:
        renders.append(("template literals and variable defaults", defaults))
    return renders


def _assembled_secrets(
    ctx: FileContext, path: PathKey, content: str, renders: list[Render], known: list[str]
) -> Iterator[Hit]:
    """Keys the template joins from literals (`"sk-pr" ~ "oj-..."`), or from literals
    and variables' defaults: the rendered message holds them though no string of the
    file does (one in a string is already reported). One finding per key, on the
    template line that joins it."""
    if not may_join_literals(content) and not any(
        _shows_new_key(filled(content, bound), content, known) for _, bound in renders
    ):
        return  # nothing joined or filled in shows a key: the parser (and Jinja2) is not needed
    from promptreg.render.literals import assembled_with  # Jinja2: only for such templates

    seen: set[str] = set()
    for line, text, index in assembled_with(content, [bound for _, bound in renders]):
        for detection in find_secrets(text):
            value = text[detection.start : detection.end]
            if detection.kind == HIGH_ENTROPY or value in seen:
                continue
            if value in content or any(value in string for string in known):
                continue
            seen.add(value)
            start = _line_start(content, line + text.count("\n", 0, detection.start))
            end = content.find("\n", start)
            yield Hit(
                f"{detection.description} assembled from {renders[index][0]} in "
                f"{dotted(path)}{_ADVICE}",
                ctx.document.locate(path, start, end if end >= 0 else len(content)),
            )


def _shows_new_key(text: str | None, content: str, known: list[str]) -> bool:
    """Whether `text` (a template with defaults filled in) holds a key that neither the
    template nor any string of the file holds."""
    if text is None:
        return False
    for detection in find_secrets(text):
        value = text[detection.start : detection.end]
        if detection.kind == HIGH_ENTROPY or value in content:
            continue
        if not any(value in string for string in known):
            return True
    return False


def _line_start(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        found = text.find("\n", offset)
        if found < 0:
            break
        offset = found + 1
    return offset


def check_high_entropy(ctx: FileContext) -> Iterator[Hit]:
    for match in shared(ctx, _scan_secrets):
        if match.kind != HIGH_ENTROPY:
            continue
        yield hit(ctx, match, " looks like a key or token; remove it if it is one")


_KNOWN_FORMATS = (
    "AWS access key IDs and secret access keys, Google API keys and OAuth client secrets, "
    "Azure storage account keys, OpenAI API keys (`sk-...`, `sk-proj-...`) and other "
    "`sk-` secret keys, Stripe, GitHub, GitLab, Slack (tokens and webhook URLs), npm, "
    "PyPI, SendGrid and Twilio tokens, private key blocks (`-----BEGIN ... PRIVATE "
    "KEY-----`), JSON Web Tokens, URLs and connection strings with a password "
    "(`postgres://user:pass@host`), and `password=`, `api_key:` style assignments of a "
    "value with letters and digits"
)

RULES: tuple[Rule, ...] = (
    Rule(
        "X001",
        "hardcoded-secret",
        "A string in the file holds a credential of a known format.",
        RuleDoc(
            what=f"Every string value of the file, eval data included: {_KNOWN_FORMATS}. "
            "Placeholders such as `${DB_PASSWORD}`, `<password>` or `{{ token }}` are not "
            "reported. Message templates are also read as they render: a key joined from "
            'literals (`{{ "sk-pr" ~ "oj-..." }}`, `+`, `join`, `{% set %}`), or from '
            "literals and the defaults of variables, is reported on the line that joins "
            "it; so is a key in the mappings of a default or an eval case's vars. Findings "
            "point at the secret itself, also "
            "inside block scalars, and show only its kind and first four characters.",
            why="Prompt files are read by many people, copied into bundles and logs, and "
            "sent to model providers; a key committed to git stays in its history. "
            "Anyone who reads it can use it.",
            example="evals:\n  - name: summarises the config\n    vars:\n"
            '      config: "OPENAI_API_KEY=sk-proj-..."\n',
            use_instead="evals:\n  - name: summarises the config\n    vars:\n"
            '      config: "OPENAI_API_KEY=${OPENAI_API_KEY}"\n',
            options="None. A known test value can be suppressed with an inline "
            "`# promptreg: ignore[X001] reason` comment on its line.",
            fix_safety=NOT_A_FIX,
        ),
        check=check_secret,
    ),
    Rule(
        "X002",
        "high-entropy-string",
        "A string holds a random-looking token that may be a key.",
        RuleDoc(
            what="Runs of 20 or more base64 or hex characters, in any string of the file, "
            "that look random: hex of 32 characters or more with at least 3.0 bits of "
            "entropy per character; other tokens with letters and digits (and upper case, "
            "below 24 characters), at least 0.85 x log2(length) bits per character (at most "
            "4.5), made of short segments: words, camelCase names and codes such as "
            "`SKU-2024-ABCD` average more than 3 characters per segment, random text about "
            "2. UUIDs, digests written as `sha256:...` and what X001 reports are left out.",
            why="Many credentials have no recognisable prefix. A random-looking token in a "
            "prompt or its eval data is worth a look before it is committed.",
            example='vars:\n  header: "X-Api-Token: Zq8xT1vR4mN7pK2wY9bC5dF3"\n',
            use_instead='vars:\n  header: "X-Api-Token: <token>"\n',
            options="None. Suppress a known non-secret (a public id) with an inline "
            "`# promptreg: ignore[X002] reason` comment.",
            fix_safety="No automatic fix: only a person can tell a key from an id.",
        ),
        severity="warning",
        check=check_high_entropy,
    ),
)

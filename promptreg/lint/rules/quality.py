"""Q: quality and trust. Prompts that admit uncertainty, outputs with schemas, evals
that check something, and text without invisible traps."""

from __future__ import annotations

import re
from collections.abc import Iterator

from promptreg.core.errors import VariableError
from promptreg.core.fastschema import schema_problem
from promptreg.core.location import Position, Span
from promptreg.lint.context import FileContext
from promptreg.lint.finding import Edit, Fix, Hit
from promptreg.lint.rule import Rule, RuleDoc
from promptreg.render.prompt import VariableBinder

VAGUE_RE = re.compile(
    r"(?<!\w)(?:do your best|as (?:appropriate|needed|necessary)|if possible|etc\.|"
    r"and so on|try to|be helpful|somehow|where relevant)(?!\w)",
    re.IGNORECASE,
)
JINJA_COMMENT_RE = re.compile(r"\{#.*?#\}", re.DOTALL)
"""Template comments never reach the model, so they cannot carry an instruction."""
_TRAILING_RE = re.compile(r"[ \t]+$", re.MULTILINE)
DEFAULT_MAX_MESSAGE_CHARS = 20_000


def _content(ctx: FileContext, index: int) -> tuple[str | int, ...]:
    return ("messages", index, "content")


def check_uncertainty(ctx: FileContext) -> Iterator[Hit]:
    if ctx.spec.tier < 2:
        return
    # The vocabulary's pattern takes milliseconds to compile: only a prompt this rule
    # governs loads it.
    from promptreg.lint.rules.uncertainty import UNCERTAINTY_RE

    instructions = [
        (i, m) for i, m in enumerate(ctx.spec.messages) if m.role in ("system", "developer")
    ]
    if not instructions:
        yield ctx.hit(
            f"tier {ctx.spec.tier} prompt has no system message to say what to do when unsure",
            ("messages",),
            key=True,
        )
    elif not any(
        UNCERTAINTY_RE.search(JINJA_COMMENT_RE.sub("", m.content)) for _, m in instructions
    ):
        yield ctx.hit(
            "the system message does not tell the model what to do when it is unsure "
            "(e.g. \"if the text does not say, write 'not stated'; never guess\")",
            _content(ctx, instructions[0][0]),
        )


def check_json_without_schema(ctx: FileContext) -> Iterator[Hit]:
    output = ctx.spec.output
    if output is not None and output.format == "json" and not output.schema:
        yield ctx.hit(
            "output format is json but there is no schema; add `schema:` so callers, "
            "evals and the API's structured output can rely on the shape",
            ("output", "format"),
        )


def check_output_schema_valid(ctx: FileContext) -> Iterator[Hit]:
    output = ctx.spec.output
    if output is None or not output.schema:
        return
    problem = schema_problem(dict(output.schema))
    if problem is not None:
        message, path = problem
        yield ctx.hit(
            f"the output schema is not valid JSON Schema: {message}", ("output", "schema", *path)
        )


def check_eval_assertions(ctx: FileContext) -> Iterator[Hit]:
    for index, case in enumerate(ctx.spec.evals):
        if not case.asserts:
            yield ctx.hit(
                f"eval case {case.name!r} has no assertions, so it can never fail; "
                "add at least one (contains, regex, json-schema, max-tokens, ...)",
                ("evals", index, "assert"),
                key=True,
            )


def check_trailing_whitespace(ctx: FileContext) -> Iterator[Hit]:
    lines = ctx.document.text.split("\n")
    for index, message in enumerate(ctx.spec.messages):
        match = _TRAILING_RE.search(message.content)
        if match is None:
            continue
        node = ctx.document.positions.get(_content(ctx, index))
        edits = []
        if node is not None and node.style == "|":
            first = node.value.start.line + 1
            for number in range(first, node.value.end.line):
                source = lines[number - 1]
                stripped = source.rstrip(" \t")
                if stripped != source:
                    edits.append(
                        Edit(
                            Position(number, len(stripped) + 1),
                            Position(number, len(source) + 1),
                            "",
                        )
                    )
        yield Hit(
            f"message {index + 1} has trailing whitespace (invisible, and it changes the "
            "content hash); remove it",
            ctx.document.locate(_content(ctx, index), match.start(), match.end()),
            Fix("remove trailing whitespace", tuple(edits), "unsafe") if edits else None,
        )


def check_tabs(ctx: FileContext) -> Iterator[Hit]:
    for index, message in enumerate(ctx.spec.messages):
        offset = message.content.find("\t")
        if offset >= 0:
            yield Hit(
                f"message {index + 1} contains a tab; tabs render differently everywhere "
                "and are easy to miss in review: use spaces",
                Span.at(ctx.document.offset_line(_content(ctx, index), offset)),
            )


def check_line_endings(ctx: FileContext) -> Iterator[Hit]:
    text = ctx.document.text
    if "\r" not in text and not any("\r" in m.content for m in ctx.spec.messages):
        return
    if "\r" in text:
        line = text.count("\n", 0, text.find("\r")) + 1
    else:
        index = next(i for i, m in enumerate(ctx.spec.messages) if "\r" in m.content)
        line = ctx.document.span(_content(ctx, index)).line
    yield Hit(
        "the file or a message uses carriage returns (CRLF or CR line endings); save it "
        "with LF line endings so the bytes hashed and reviewed are the same everywhere",
        Span.at(line),
    )


def check_required_phrases(ctx: FileContext) -> Iterator[Hit]:
    table = ctx.settings.lint.options.get("required_phrases") or {}
    phrases = table.get(str(ctx.spec.tier)) or []
    instructions = " ".join(
        JINJA_COMMENT_RE.sub("", m.content).lower()
        for m in ctx.spec.messages
        if m.role in ("system", "developer")
    )
    for phrase in phrases:
        if phrase.lower() not in instructions:
            yield ctx.hit(
                f"tier {ctx.spec.tier} prompts must say {phrase!r} in a system or developer "
                "message (lint.required_phrases in promptreg.yaml)",
                ("messages",),
                key=True,
            )


def check_message_length(ctx: FileContext) -> Iterator[Hit]:
    limit = ctx.settings.lint.options.get("max_message_chars", DEFAULT_MAX_MESSAGE_CHARS)
    for index, message in enumerate(ctx.spec.messages):
        if len(message.content) > limit:
            yield ctx.hit(
                f"message {index + 1} is {len(message.content):,} characters, over the limit "
                f"of {limit:,} (lint.max_message_chars); split it or move reference text out",
                _content(ctx, index),
            )


def check_vague_instructions(ctx: FileContext) -> Iterator[Hit]:
    for index, message in enumerate(ctx.spec.messages):
        if message.role not in ("system", "developer"):
            continue
        match = VAGUE_RE.search(message.content)
        if match:
            yield Hit(
                f"vague instruction {match.group(0)!r}: say exactly what to do, so reviewers "
                "and evals can check it",
                Span.at(ctx.document.offset_line(_content(ctx, index), match.start())),
            )


def check_eval_vars(ctx: FileContext) -> Iterator[Hit]:
    if not ctx.spec.evals:
        return
    binder = VariableBinder(ctx.spec)
    for index, case in enumerate(ctx.spec.evals):
        try:
            binder.bind(case.vars)
        except VariableError as exc:
            yield ctx.hit(
                f"eval case {case.name!r} cannot render: {'; '.join(exc.problems)}",
                ("evals", index, "vars")
                if "vars" in ctx.document.value["evals"][index]
                else ("evals", index, "name"),
                key=True,
            )


RULES: tuple[Rule, ...] = (
    Rule(
        "Q001",
        "missing-uncertainty-instruction",
        "A tier 2 or 3 system prompt does not say what to do when unsure.",
        RuleDoc(
            what="Tier 2 and 3 prompts whose system and developer messages contain no "
            "instruction for uncertainty: neither a named fallback ('never guess', 'do not "
            "make things up', \"write 'not stated'\", 'say you don't know', 'ask a "
            "clarifying question', 'flag it for review', 'hand it to a person') nor a "
            "condition of doubt that the sentence answers ('if you are not sure', 'when in "
            "doubt', 'if the ticket does not say', 'if the date is not given').",
            why="Trust: a model that is not told how to admit uncertainty fills gaps with "
            "plausible inventions. Customer-facing and high-risk prompts must make 'I don't "
            "know' an allowed answer.",
            example="content: |\n  Summarise the ticket for the agent.\n",
            use_instead="content: |\n  Summarise the ticket for the agent. If the ticket "
            'does not say something, write "not stated"; never guess.\n',
        ),
        check=check_uncertainty,
    ),
    Rule(
        "Q002",
        "json-output-without-schema",
        "The output format is JSON but no schema is given.",
        RuleDoc(
            what="`output: {format: json}` without `schema:`.",
            why="Callers parse JSON output; without a schema nothing says which fields exist, "
            "evals cannot check the shape and the API cannot enforce it.",
            example="output:\n  format: json\n",
            use_instead="output:\n  format: json\n  schema:\n    type: object\n"
            "    properties: {summary: {type: string}}\n    required: [summary]\n",
        ),
        check=check_json_without_schema,
    ),
    Rule(
        "Q003",
        "invalid-output-schema",
        "The output schema is not valid JSON Schema.",
        RuleDoc(
            what="`output.schema` values that fail the JSON Schema meta-schema (for example "
            "`type: text`, or `required` that is not a list).",
            why="An invalid schema fails when the API or an eval uses it, or silently "
            "validates nothing.",
            example="schema:\n  type: object\n  properties:\n    summary: {type: text}\n",
            use_instead="schema:\n  type: object\n  properties:\n    summary: {type: string}\n",
        ),
        check=check_output_schema_valid,
    ),
    Rule(
        "Q004",
        "eval-without-assertions",
        "An eval case has no assertions.",
        RuleDoc(
            what="Eval cases whose `assert:` list is empty.",
            why="An eval that cannot fail proves nothing and inflates the eval count the "
            "tier policy asks for.",
            example="evals:\n  - name: refund\n    vars: {…}\n    assert: []\n",
            use_instead='    assert:\n      - {type: contains, value: "1234"}\n',
        ),
        check=check_eval_assertions,
    ),
    Rule(
        "Q005",
        "trailing-whitespace",
        "A message has trailing whitespace.",
        RuleDoc(
            what="Spaces or tabs at the end of lines in message content.",
            why="Invisible in review, yet part of what the model sees and of the content "
            "hash: an editor that strips it voids the approval.",
            example="content: |\n  Summarise the ticket.␠␠\n",
            use_instead="content: |\n  Summarise the ticket.\n",
            fix_safety="Unsafe (`--fix --unsafe-fixes`), for literal block scalars (`|`): the "
            "trailing spaces are removed from the source lines, which changes the content "
            "hash and so voids the file's approvals. A fix that changes the content hash "
            "is never applied by `--fix` alone.",
        ),
        severity="warning",
        fix="unsafe",
        check=check_trailing_whitespace,
    ),
    Rule(
        "Q006",
        "tab-in-message",
        "A message contains a tab character.",
        RuleDoc(
            what="Tab characters in message content.",
            why="Tabs look like spaces in review but tokenise and render differently; a "
            "hidden tab is also a classic way to smuggle text past a reader.",
            example='content: "Name:\\tvalue"\n',
            use_instead='content: "Name: value"\n',
        ),
        severity="warning",
        check=check_tabs,
    ),
    Rule(
        "Q007",
        "carriage-return",
        "The file or a message uses CR or CRLF line endings.",
        RuleDoc(
            what="Carriage returns anywhere in the file or in message content.",
            why="Mixed line endings make the same prompt hash and diff differently on "
            "different machines.",
            example="(a file saved with Windows line endings)",
            use_instead="Save the file with LF line endings (git: `* text=auto eol=lf`).",
        ),
        severity="warning",
        check=check_line_endings,
    ),
    Rule(
        "Q008",
        "required-phrase-missing",
        "A phrase the organisation requires for this tier is missing.",
        RuleDoc(
            what="Phrases listed for the prompt's tier under `lint.required_phrases` that no "
            "system or developer message contains (case-insensitive).",
            why="Organisations standardise wording that must appear in certain prompts: a "
            "disclaimer, an escalation rule, the uncertainty sentence.",
            example='# promptreg.yaml: lint: {required_phrases: {"3": ["not legal advice"]}}\n'
            "content: Review this clause.\n",
            use_instead="content: Review this clause. Your output is not legal advice.\n",
            options='`lint.required_phrases` in promptreg.yaml: tier ("1", "2", "3") → '
            "list of phrases. Default: none.",
        ),
        check=check_required_phrases,
    ),
    Rule(
        "Q009",
        "message-too-long",
        "A message is longer than the organisation's limit.",
        RuleDoc(
            what="Message content longer than `lint.max_message_chars` characters.",
            why="Very long instructions are hard to review and to keep consistent; reference "
            "material belongs in variables or retrieval, not in the template.",
            example="content: |\n  (30 pages of policy text)\n",
            use_instead="Pass the policy text as a variable, or split the task.",
            options=f"`lint.max_message_chars` in promptreg.yaml (default "
            f"{DEFAULT_MAX_MESSAGE_CHARS:,}).",
        ),
        severity="warning",
        check=check_message_length,
    ),
    Rule(
        "Q010",
        "vague-instruction",
        "A system message uses vague wording.",
        RuleDoc(
            what="Phrases such as 'do your best', 'as appropriate', 'if possible', 'etc.', "
            "'try to' in system and developer messages.",
            why="Vague instructions cannot be reviewed or tested: reviewers cannot tell what "
            "the prompt promises, and evals cannot check it.",
            example="content: Summarise the ticket, adding details as appropriate, etc.\n",
            use_instead="content: Summarise the ticket in at most three sentences.\n",
        ),
        severity="info",
        check=check_vague_instructions,
    ),
    Rule(
        "Q011",
        "eval-case-does-not-render",
        "An eval case's variables do not fit the prompt's variables.",
        RuleDoc(
            what="Eval cases that miss a required variable, give a value of the wrong type "
            "or outside `enum`, or name a variable the prompt does not have.",
            why="The eval runner would fail before calling the model, and the case would "
            "never test anything.",
            example="evals:\n  - name: refund\n    vars: {ticket: Refund please}\n",
            use_instead="evals:\n  - name: refund\n    vars: {ticket_text: Refund please}\n",
        ),
        check=check_eval_vars,
    ),
)

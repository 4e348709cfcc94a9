"""X3: what reviewers cannot see. Invisible and bidirectional control characters in
anything that reaches the model (X301).

The detector is promptreg.detect.invisible's, on plain strings; the rule scans the
strings the model receives (message templates, variable defaults and enum values, the
output schema, eval inputs) and points each finding at the characters themselves.
Messages name code points (`U+202E`), never the characters, so a finding shows on a
terminal and in CI what the file hides.
"""

from __future__ import annotations

from collections.abc import Iterator

from promptreg.core.document import PathKey
from promptreg.detect.invisible import find_invisible
from promptreg.lint.context import FileContext
from promptreg.lint.finding import Hit
from promptreg.lint.rule import Rule, RuleDoc
from promptreg.lint.rules.content_policy import reaches_model
from promptreg.lint.rules.strings import corpus, hit


def _sent(path: PathKey) -> bool:
    """What the model reads: what X202 checks, and eval inputs, which `promptreg test`
    renders into the messages it sends."""
    return reaches_model(path) or (len(path) > 2 and path[0] == "evals" and path[2] == "vars")


def check_invisible(ctx: FileContext) -> Iterator[Hit]:
    text = corpus(ctx)
    for detection in find_invisible(text.text):
        match = text.place(detection)
        if _sent(match.path):
            yield hit(
                ctx,
                match,
                ": reviewers cannot see them but the model reads them; delete them (or "
                "write what they are meant to say in plain text)",
            )


RULES: tuple[Rule, ...] = (
    Rule(
        "X301",
        "invisible-characters",
        "Text the model reads holds characters a reviewer cannot see.",
        RuleDoc(
            what="Unicode tag characters (U+E0000-U+E007F), bidirectional controls "
            "(U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C), zero-width and "
            "other invisible characters (U+200B-U+200D, U+2060-U+2064, U+FEFF, U+180E, "
            "soft hyphens, Hangul fillers) and variation selectors out of place, in "
            "message templates, variable defaults and enum values, the output schema and "
            "eval inputs, written as themselves or as YAML escapes. Emoji sequences, a "
            "zero-width non-joiner between letters of a script that uses it, and "
            "subdivision flags are not reported. Each run is one finding at its exact "
            "place; the message lists the code points and the text tag characters spell.",
            why="A diff shows nothing where these characters are, or shows the text "
            "around them reordered, but the model reads every one: a run of tag "
            "characters carries a whole hidden instruction past review, and a zero-width "
            "space splits a word so that neither a reviewer nor a banned-phrase rule "
            "sees what the model sees.",
            example='content: "Summarise the ticket.\\U000E0049\\U000E0067\\U000E006E..."\n',
            use_instead='content: "Summarise the ticket."\n',
            options="None. An eval case that tests the prompt against hidden characters "
            "can suppress the finding on its line with `# promptreg: ignore[X301] reason`.",
            fix_safety="No automatic fix: the characters change what the model reads, so "
            "deleting them changes the content and voids its approvals; a person decides.",
        ),
        check=check_invisible,
    ),
)

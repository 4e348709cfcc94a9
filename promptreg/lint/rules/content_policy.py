"""X2: the organisation's content policy. Banned phrases in messages (X201) and links
outside the allowed domains in what reaches the model (X202).

Both lists come from promptreg.yaml; the link detector is promptreg.detect.links', on
plain strings, with the allowed domains passed in.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from promptreg.core.document import PathKey
from promptreg.detect.links import find_links
from promptreg.lint.context import FileContext
from promptreg.lint.finding import Hit
from promptreg.lint.rule import Rule, RuleDoc
from promptreg.lint.rules.strings import corpus, dotted, hit, option_list, options_doc

_SCHEMA_URI_KEYS = frozenset(("$schema", "$id", "$ref"))
"""JSON Schema keywords whose URIs name a dialect or a definition: not links."""


def reaches_model(path: PathKey) -> bool:
    """Whether the string at `path` is sent to the model: message templates, variable
    defaults and enum values, and the output schema (sent with structured output)."""
    if not path or path[-1] in _SCHEMA_URI_KEYS:
        return False
    if path[0] in ("messages", "output"):
        return True
    return path[0] == "variables" and len(path) > 2 and path[2] in ("default", "enum")


@functools.lru_cache(maxsize=16)
def phrase_regex(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """One case-insensitive regex for whole phrases; group pN is phrase N.

    Spaces in a phrase match any run of white space, so a phrase wrapped across lines
    still matches; a phrase starting or ending with a letter or digit matches only at a
    word boundary there ("ai" does not match inside "said").

    Memoised because every file asks for the same settings' phrases. Safe to share
    between threads: a pure function of a tuple of strings, returning a compiled
    pattern, which is immutable; lru_cache guards its own bookkeeping.
    """
    parts = []
    for index, phrase in enumerate(phrases):
        words = phrase.split()
        if not words:
            continue
        body = r"\s+".join(re.escape(word) for word in words)
        head = r"\b" if re.match(r"\w", words[0]) else ""
        tail = r"\b" if re.search(r"\w$", words[-1]) else ""
        parts.append(f"(?P<p{index}>{head}{body}{tail})")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def check_banned_phrase(ctx: FileContext) -> Iterator[Hit]:
    phrases = option_list(ctx, "banned_phrases")
    regex = phrase_regex(phrases)
    if regex is None:
        return
    messages = ctx.document.value.get("messages") if isinstance(ctx.document.value, dict) else None
    if not isinstance(messages, list):
        return
    for index, message in enumerate(messages):
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, str):
            continue
        path: PathKey = ("messages", index, "content")
        for match in regex.finditer(content):
            phrase = phrases[int((match.lastgroup or "p0")[1:])]
            yield Hit(
                f"banned phrase {phrase!r} in {dotted(path)}; lint.banned_phrases in "
                "promptreg.yaml forbids it in messages",
                ctx.document.locate(path, match.start(), match.end()),
            )


def check_link(ctx: FileContext) -> Iterator[Hit]:
    if "allowed_domains" not in ctx.settings.lint.options:
        return  # the organisation's list decides; without it every link would be reported
    text = corpus(ctx)
    for detection in find_links(text.text, option_list(ctx, "allowed_domains")):
        match = text.place(detection)
        if not reaches_model(match.path):
            continue
        yield hit(
            ctx,
            match,
            "; the domain is not in lint.allowed_domains in promptreg.yaml (add it there "
            "if the link is meant)",
        )


RULES: tuple[Rule, ...] = (
    Rule(
        "X201",
        "banned-phrase",
        "A message contains a phrase the organisation bans.",
        RuleDoc(
            what="Occurrences of a `lint.banned_phrases` entry in message content: case "
            "does not matter, white space between words may be any run of spaces or line "
            "breaks, and a phrase matches only as whole words.",
            why="Organisations ban internal code names, promises they cannot keep "
            '("guaranteed refund") and phrasing that makes answers worse; a reviewer '
            "cannot remember every entry, the linter can.",
            example="# promptreg.yaml: lint: {banned_phrases: [guaranteed refund]}\n"
            "messages:\n  - role: system\n    content: Promise a guaranteed refund.\n",
            use_instead="messages:\n  - role: system\n"
            "    content: Explain the refund policy and hand over to an agent.\n",
            options=options_doc(
                {"banned_phrases": "the phrases; default: none, and the rule reports nothing."}
            ),
            fix_safety="No automatic fix: the sentence needs rewording, not deleting.",
        ),
        check=check_banned_phrase,
        options=("banned_phrases",),
    ),
    Rule(
        "X202",
        "link-outside-allowed-domains",
        "A prompt links to a domain that is not allowed.",
        RuleDoc(
            what="`http(s)`, `ftp(s)` and `ws(s)` URLs and `www.` hosts in what reaches the "
            "model (message templates, variable defaults and enum values, `output`) whose "
            "host is not an allowed domain or a subdomain of one; `$schema`, `$id` and "
            "`$ref` URIs in the output schema name definitions and are not links. The "
            "reserved documentation domains are always allowed; `mailto:` links are e-mail "
            "addresses (X101). A link to an IP address is reported unless it is listed. "
            "Eval data and the file's metadata (description, variable descriptions) are not "
            "checked: test inputs may quote any link, and metadata is read by people, not "
            "the model.",
            why="A model repeats links from its prompt to users. A link outside the "
            "organisation's domains can point to a page that changes hands, a competitor "
            "or a phishing site, and a typo in a domain is easy to miss in review.",
            example="content: Send the customer to https://help.exmaple-support.net/refunds.\n",
            use_instead="content: Send the customer to https://help.example.com/refunds.\n",
            options=options_doc(
                {
                    "allowed_domains": "domains links may point to, subdomains included, "
                    "beyond example.com, example.org, example.net and the reserved "
                    "`.example`, `.test`, `.invalid`, `.localhost` names. Until the list "
                    "exists the rule is silent (it needs the organisation's own domains); "
                    "`allowed_domains: []` allows none."
                }
            ),
            fix_safety="No automatic fix: the right link is a person's choice.",
        ),
        check=check_link,
        options=("allowed_domains",),
    ),
)

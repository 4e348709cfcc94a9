"""X: security. Secrets, personal data, banned phrases, links outside allowed domains.

Codes are grouped so a prefix selects a concern: X0 secrets, X1 personal data, X2 the
organisation's content policy (phrases and links). Every detector is a precompiled
regular expression plus, where a format has one, its checksum (Luhn, mod-97) or
structure check, so the lint path stays on the standard library. docs/security.md
says why detect-secrets is not used and what each detector covers.

Speed: a file's strings are joined once into one text, NUL-separated, and each
detector scans that text with one regex pass; matches map back to their string with a
bisect. No pattern matches a NUL, so no match crosses from one string into the next.
Regexes start with a literal where the format has one, which lets `re` skip ahead by
substring search; a lookbehind that keeps a match from starting inside a word comes
after that literal, or the check is done in Python, since a leading lookbehind would
disable the skipping. The rules of a group share one scan, and every pattern runs in
linear time, also on crafted input (tests/test_security_rules.py).

A finding never repeats a secret: it shows the kind and at most four characters.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import functools
import math
import re
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from promptreg.core.document import Document, PathKey
from promptreg.core.location import Position, Span
from promptreg.lint.context import FileContext
from promptreg.lint.finding import Hit
from promptreg.lint.rule import Rule, RuleDoc

# typing costs ~15 ms to import; only annotations need it here.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# ---------------------------------------------------------------------------------------
# A document's strings, and pointing back into the file
# ---------------------------------------------------------------------------------------

Leaf = tuple[PathKey, str]

REDACT_CHARS = 4
SEPARATOR = "\x00"
"""Joins a file's strings. A file cannot hold the character literally; the escape `\0`
in a double-quoted string can, and then it only ends a match early."""


def redact(text: str) -> str:
    """What a message may show of a secret or personal value: its first characters."""
    return text[:REDACT_CHARS] + "…"


def leaves(value: Any, path: PathKey = ()) -> Iterator[Leaf]:
    """Every string in a plain value, with its path; integers too, as their digits.

    Integers are included because a card or phone number written without separators
    loads as one. Mapping keys are names chosen by the format, not data, and are skipped.
    """
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**6:
        yield path, str(value)


def dotted(path: PathKey) -> str:
    """A path as people write it: messages[0].content, evals[1].vars.text."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z0-9_-]+", part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out or "the document"


@dataclass(frozen=True, slots=True)
class Match:
    """One detector's match, as a slice of one string of the file."""

    kind: str
    path: PathKey
    value: str
    """The whole string the match is in."""
    start: int
    end: int
    detail: str = ""

    @property
    def text(self) -> str:
        return self.value[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Corpus:
    """A document's strings joined by SEPARATOR, with where each one starts."""

    text: str
    starts: list[int]
    leaves: list[Leaf]

    @classmethod
    def of(cls, document: Document) -> Corpus:
        found = list(leaves(document.value))
        starts = []
        offset = 0
        for _, value in found:
            starts.append(offset)
            offset += len(value) + 1
        return cls(SEPARATOR.join(value for _, value in found), starts, found)

    def match(self, kind: str, start: int, end: int, detail: str = "") -> Match:
        """A Match for text[start:end], which lies inside one string."""
        index = bisect.bisect_right(self.starts, start) - 1
        path, value = self.leaves[index]
        base = self.starts[index]
        return Match(kind, path, value, start - base, end - base, detail)

    def before(self, offset: int, length: int) -> str:
        """Up to `length` characters before `offset`, within the same string."""
        return self.text[max(0, offset - length) : offset].rpartition(SEPARATOR)[2]


_cache: dict[str, tuple[Document, Any]] = {}


def _cached(group: str, document: Document, compute: Callable[[Document], Any]) -> Any:
    """`compute(document)`, once per document and group.

    The runner runs every rule on one file before it moves to the next, so one entry per
    group is enough. The entry holds the document itself, so a recycled id cannot mix two
    files up.
    """
    entry = _cache.get(group)
    if entry is not None and entry[0] is document:
        return entry[1]
    result = compute(document)
    _cache[group] = (document, result)
    return result


def corpus(document: Document) -> Corpus:
    result: Corpus = _cached("corpus", document, Corpus.of)
    return result


@functools.lru_cache(maxsize=8)
def _source_lines(text: str) -> list[str]:
    return text.split("\n")


def locate(document: Document, path: PathKey, value: str, start: int, end: int) -> Span:
    """The span in the file of `value[start:end]`, where `value` is the string at `path`.

    A literal block scalar (`|`) keeps its lines, so the line is exact; the column comes
    from the block's indentation. Other scalars may fold, re-wrap or escape their text,
    so the match's first line is searched for in the scalar's source. When it cannot
    be found (escapes), the span falls back to the line `Document.text_line` gives.
    """
    node = document.positions.get(path)
    if node is None:
        return document.span(path)
    region = node.value
    lines = _source_lines(document.text)
    needle = value[start:end].split("\n", 1)[0]
    line_in_value = value.count("\n", 0, start) + 1
    line_start = value.rfind("\n", 0, start) + 1
    offset = start - line_start

    def found(number: int, column: int) -> Span:
        return Span(Position(number, column + 1), Position(number, column + 1 + len(needle)))

    def search(number: int, column: int = 0) -> Span | None:
        if 1 <= number <= len(lines) and needle:
            col = lines[number - 1].find(needle, column)
            if col >= 0:
                return found(number, col)
        return None

    if node.style == "|":
        number = region.start.line + line_in_value
        if 1 <= number <= len(lines):
            source = lines[number - 1]
            end_of_line = value.find("\n", start)
            text_line = value[line_start : len(value) if end_of_line < 0 else end_of_line]
            indent = len(source) - len(text_line)
            if indent >= 0 and source[indent + offset :].startswith(needle):
                return found(number, indent + offset)
        return search(number) or Span.at(number, 1)
    if node.style in ("", "'", '"') and line_in_value == 1:
        # The first line of a flow scalar starts where the scalar does: try the exact column.
        quote = 1 if node.style in ("'", '"') else 0
        column = region.start.column - 1 + quote + offset
        number = region.start.line
        if 1 <= number <= len(lines) and lines[number - 1][column:].startswith(needle):
            return found(number, column)
        hit = search(number, region.start.column - 1)
        if hit is not None:
            return hit
    guess = document.text_line(path, line_in_value)
    hit = search(guess)
    if hit is not None:
        return hit
    for number in range(region.start.line, region.end.line + 1):
        hit = search(number, region.start.column - 1 if number == region.start.line else 0)
        if hit is not None:
            return hit
    if guess == region.start.line:
        return region if region.start.line == region.end.line else Span.at(guess, region.column)
    return Span.at(guess, 1)


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in taken)


def _glued(text: str, start: int, chars: frozenset[str]) -> bool:
    """Whether the character before `start` is one of `chars` (the match is mid-word)."""
    return start > 0 and text[start - 1] in chars


def _hit(ctx: FileContext, match: Match, message: str) -> Hit:
    return Hit(message, locate(ctx.document, match.path, match.value, match.start, match.end))


def _option_list(ctx: FileContext, name: str) -> tuple[str, ...]:
    raw = ctx.settings.lint.options.get(name)
    if not isinstance(raw, list | tuple):
        return ()
    return tuple(str(item) for item in raw if isinstance(item, str) and item.strip())


_DIGIT_RE = re.compile(r"[0-9]")
_LETTER_RE = re.compile(r"[^\W\d_]")
_UPPER_RE = re.compile(r"[A-Z]")
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

# ---------------------------------------------------------------------------------------
# X0: secrets
# ---------------------------------------------------------------------------------------

_PLACEHOLDER_WORDS = frozenset(
    ("password", "passwd", "pass", "pwd", "secret", "changeme", "example", "redacted")
)


def _is_placeholder(secret: str) -> bool:
    """`${DB_PASSWORD}`, `<password>`, `{{ token }}`, `****`, `xxxx`, `password`..."""
    if not secret or secret[0] in "$<{%[(":
        return True
    if secret.lower() in _PLACEHOLDER_WORDS:
        return True
    return not secret.strip("*xX.-_•")


def _has_letter_and_digit(text: str) -> bool:
    return _DIGIT_RE.search(text) is not None and _LETTER_RE.search(text) is not None


def _mixed(match: re.Match[str]) -> bool:
    return _has_letter_and_digit(match.group())


def _jwt_header_ok(match: re.Match[str]) -> bool:
    """A JWT's header is base64url JSON naming its algorithm."""
    head = match.group().split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))
    except (binascii.Error, ValueError):
        return False
    return decoded.startswith(b"{") and b'"alg"' in decoded


def _password_ok(match: re.Match[str]) -> bool:
    return not _is_placeholder(match.group(1))


def _assigned_ok(match: re.Match[str]) -> bool:
    secret = match.group(1)
    return _has_letter_and_digit(secret) and not _is_placeholder(secret) and "{{" not in secret


@dataclass(frozen=True, slots=True)
class SecretPattern:
    kind: str
    regex: re.Pattern[str]
    prefilter: tuple[str, ...] = ()
    """Substrings one of which every match contains. A file none of them occurs in skips
    the regex: a substring test costs a fraction of a regex scan."""
    group: int = 0
    """The group holding the secret itself (0: the whole match)."""
    valid: Callable[[re.Match[str]], bool] | None = None
    """Checks a match further: a header, not a placeholder."""
    scheme: bool = False
    """The regex starts at "://"; the match is extended back over the URL scheme."""
    keywords: tuple[str, ...] = ()
    """Lower-case names (`password`, `api_key`) found by substring search in the
    lower-cased text; `regex` is then matched right after each one, so the scan costs a
    few `str.find` calls instead of a regex trying every letter of the file."""
    in_token: bool = True
    """Every match lies inside a run of 20+ base64 characters (what X002 looks at), so
    the prefilter is tested against those few runs instead of the whole text."""


def _token(prefix: str) -> str:
    """`prefix` (a regex of fixed width) at the start of a token, not inside a longer one.

    The lookbehind comes after the prefix, so the pattern still starts with a literal
    and `re` finds candidates by fast substring search, and a start in the middle of a
    run such as `sk-sk-sk-...` is rejected at once instead of scanning the run again.
    """
    return f"{prefix}(?<![A-Za-z0-9_-]{prefix})"


_TAIL = r"(?![A-Za-z0-9_-])"  # not followed by a token character
_KEY_NAME = r"(?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----"
_CREDENTIAL_NAMES = (
    "password",
    "passwd",
    "passphrase",
    "pwd",
    *(
        f"{head}{sep}{tail}"
        for head, tail in (
            ("client", "secret"),
            ("secret", "key"),
            ("api", "key"),
            ("api", "secret"),
            ("access", "token"),
            ("auth", "token"),
            ("private", "key"),
        )
        for sep in ("_", "-", "")
    ),
)
"""Names whose value is a credential in `name: value` and `name=value` text."""

SECRET_PATTERNS: tuple[SecretPattern, ...] = (
    SecretPattern(
        "private key",
        # Up to the END line, the end of the string or the end of the text, lazily:
        # matches never overlap, so even BEGIN lines without an END scan the text once.
        re.compile(rf"-----BEGIN {_KEY_NAME}[^\x00]*?(?:-----END {_KEY_NAME}|(?=\x00)|\Z)"),
        ("PRIVATE KEY",),
        in_token=False,
    ),
    SecretPattern(
        "AWS access key ID",
        re.compile(
            r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])(?<![A-Za-z0-9].{4})[A-Z0-9]{16}(?![A-Za-z0-9])"
        ),
        ("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
    ),
    SecretPattern(
        "AWS secret access key",
        re.compile(r"[\"']?[ \t]*[:=][ \t]*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"),
        group=1,
        keywords=("aws_secret_access_key", "aws_secret_key", "awssecretaccesskey"),
        in_token=False,
    ),
    SecretPattern(
        "Google API key",
        re.compile(rf"{_token('AIza')}[0-9A-Za-z_-]{{35}}{_TAIL}"),
        ("AIza",),
    ),
    SecretPattern(
        "Google OAuth client secret",
        re.compile(rf"{_token('GOCSPX-')}[A-Za-z0-9_-]{{28}}{_TAIL}"),
        ("GOCSPX-",),
    ),
    SecretPattern(
        "Azure storage account key",
        re.compile(r"AccountKey=([A-Za-z0-9+/]{86}==)"),
        ("AccountKey=",),
        group=1,
        in_token=False,
    ),
    SecretPattern(
        "OpenAI API key",
        re.compile(
            rf"{_token('sk-')}(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{{16,200}}T3BlbkFJ"
            rf"[A-Za-z0-9_-]{{16,200}}|{_token('sk-')}(?:proj|svcacct|admin)-"
            rf"[A-Za-z0-9_-]{{40,250}}{_TAIL}"
        ),
        ("sk-",),
    ),
    SecretPattern(
        "API secret key",
        re.compile(rf"{_token('sk-')}[A-Za-z0-9][A-Za-z0-9_-]{{31,250}}{_TAIL}"),
        ("sk-",),
        valid=_mixed,
    ),
    SecretPattern(
        "Stripe secret key",
        re.compile(rf"{_token('[sr]k_')}(?:live|test)_[0-9A-Za-z]{{24,250}}{_TAIL}"),
        ("sk_live_", "sk_test_", "rk_live_", "rk_test_"),
    ),
    SecretPattern(
        "GitHub token",
        re.compile(
            rf"{_token('gh[pousr]_')}[A-Za-z0-9]{{36,251}}{_TAIL}"
            rf"|{_token('github_pat_')}[A-Za-z0-9_]{{60,244}}{_TAIL}"
        ),
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ),
    SecretPattern(
        "GitLab token",
        re.compile(rf"{_token('glpat-')}[A-Za-z0-9_-]{{20,250}}{_TAIL}"),
        ("glpat-",),
    ),
    SecretPattern(
        "Slack token",
        re.compile(
            rf"{_token('xox[abposr]-')}[0-9]{{6,20}}-[A-Za-z0-9-]{{8,250}}{_TAIL}"
            rf"|{_token('xapp-')}[0-9]-[A-Za-z0-9-]{{20,250}}{_TAIL}"
        ),
        ("xox", "xapp-"),
    ),
    SecretPattern(
        "Slack webhook URL",
        re.compile(r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[\w/-]{20,250}"),
        ("hooks.slack.com",),
        in_token=False,
    ),
    SecretPattern(
        "npm token",
        re.compile(rf"{_token('npm_')}[A-Za-z0-9]{{36}}{_TAIL}"),
        ("npm_",),
    ),
    SecretPattern(
        "PyPI token",
        re.compile(rf"{_token('pypi-')}AgE[A-Za-z0-9_-]{{50,500}}"),
        ("pypi-",),
    ),
    SecretPattern(
        "SendGrid API key",
        re.compile(_token(r"SG\.") + rf"[A-Za-z0-9_-]{{22}}\.[A-Za-z0-9_-]{{43}}{_TAIL}"),
        ("SG.",),
        in_token=False,
    ),
    SecretPattern(
        "Twilio API key",
        re.compile(r"SK(?<![A-Za-z0-9]SK)[0-9a-fA-F]{32}(?![A-Za-z0-9])"),
        ("SK",),
    ),
    SecretPattern(
        "JSON Web Token",
        re.compile(
            rf"{_token('eyJ')}[A-Za-z0-9_-]{{8,}}+\.eyJ[A-Za-z0-9_-]{{8,}}+\.[A-Za-z0-9_-]*+"
        ),
        ("eyJ",),
        valid=_jwt_header_ok,
        in_token=False,
    ),
    SecretPattern(
        "connection string with a password",
        # From "://" (a literal, so `re` can skip ahead); the scheme is added afterwards.
        re.compile(r"://[^\s:/?#@'\"<>\x00]*+:([^\s/?#@'\"<>\x00]++)@[^\s/?#'\"<>\x00]++"),
        ("://",),
        valid=_password_ok,
        scheme=True,
        in_token=False,
    ),
    SecretPattern(
        "password or API key value",
        re.compile(r"[\"']?[ \t]*[:=][ \t]*[\"']?([^\s\"',;\x00]{8,200})"),
        group=1,
        valid=_assigned_ok,
        keywords=_CREDENTIAL_NAMES,
        in_token=False,
    ),
)

_SCHEME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+.-")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
"""Lower-cases ASCII only, so offsets in the folded text equal those in the original
(str.lower can change a string's length: 'İ' becomes two characters)."""


def _scheme_start(text: str, start: int) -> int:
    """Where the URL scheme ending at `start` (the "://") begins."""
    begin = start
    while begin > 0 and start - begin < 32 and text[begin - 1] in _SCHEME_CHARS:
        begin -= 1
    return begin


def _candidates(pattern: SecretPattern, text: str, folded: str) -> Iterator[re.Match[str]]:
    """The pattern's regex matches: after each keyword, or anywhere in the text."""
    if not pattern.keywords:
        yield from pattern.regex.finditer(text)
        return
    for keyword in pattern.keywords:
        at = folded.find(keyword)
        while at >= 0:
            after = at + len(keyword)
            if not _glued(folded, at, _ALNUM):
                match = pattern.regex.match(text, after)
                if match is not None:
                    yield match
                    after = match.end()  # a name inside the value is part of the value
            at = folded.find(keyword, after)


def _match_start(pattern: SecretPattern, text: str, match: re.Match[str]) -> int | None:
    """Where the reported text starts: the keyword, the URL scheme, or the match."""
    start = match.start()
    if pattern.keywords:
        folded = text[max(0, start - 32) : start].translate(_ASCII_LOWER)
        return start - max((len(k) for k in pattern.keywords if folded.endswith(k)), default=0)
    if pattern.scheme:
        begin = _scheme_start(text, start)
        return begin if begin < start else None
    return start


def scan_secrets(
    text: str, tokens: list[str] | None = None
) -> Iterator[tuple[str, int, int, int, int]]:
    """Secrets of a known format in `text`: (kind, start, end) of the secret itself and
    (start, end) of the whole match, which may include a keyword or URL around it.

    `tokens` are the text's runs of 20+ base64 characters (`_TOKEN_RE`), if known.
    """
    runs = SEPARATOR.join(_TOKEN_RE.findall(text) if tokens is None else tokens)
    taken: list[tuple[int, int]] = []
    folded = ""
    for pattern in SECRET_PATTERNS:
        if pattern.keywords:
            folded = folded or text.translate(_ASCII_LOWER)
            if not any(keyword in folded for keyword in pattern.keywords):
                continue
        elif pattern.in_token:
            if not any(part in runs for part in pattern.prefilter):
                continue
        elif not any(part in text for part in pattern.prefilter):
            continue
        for match in _candidates(pattern, text, folded):
            start = _match_start(pattern, text, match)
            end = match.end()
            if start is None or _overlaps(start, end, taken):
                continue
            if pattern.valid is not None and not pattern.valid(match):
                continue
            taken.append((start, end))
            secret_start, secret_end = match.span(pattern.group)
            if pattern.group == 0:
                secret_start = start
            yield pattern.kind, secret_start, secret_end, start, end


# High-entropy tokens: base64 or hex alphabets, 20 characters or more.
_TOKEN_RE = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{20,}={0,2}")
"""The lookbehind rejects a start inside a word at once; without it, every letter of
the file would start a scan of up to 20 characters."""
_HEX_RE = re.compile(r"[0-9a-f]{32,}|[0-9A-F]{32,}")
_UUID_RE = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_DIGEST_PREFIX_RE = re.compile(r"(?i)(?:sha(?:1|224|256|384|512)|md5|blake2[bs]?)[:-]$")
_SEGMENT_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")

HEX_MIN_ENTROPY = 3.0
"""Bits per character a hex token of 32+ characters needs (random hex: about 3.7)."""
BASE64_MAX_THRESHOLD = 4.5
"""The entropy bar for long base64 tokens, as detect-secrets' default."""
BASE64_LENGTH_FACTOR = 0.85
"""Shorter tokens need 0.85 x log2(length) bits per character: a random token of that
length reaches it about 95 times in 100."""
MAX_MEAN_SEGMENT = 3.0
"""Mean length of a token's segments (a capitalised or lower-case word, an upper-case
run, a number) above which it reads as words: random base62 text averages about 1.9
(3.0 or less 98 times in 100), camelCase names such as getUserAccountV2ById 3.4 or more."""


def shannon_entropy(text: str) -> float:
    n = len(text)
    return -sum((k / n) * math.log2(k / n) for k in (text.count(c) for c in set(text)))


def mean_segment(token: str) -> float:
    segments = _SEGMENT_RE.findall(token)
    return sum(map(len, segments)) / len(segments) if segments else 0.0


def high_entropy(token: str) -> bool:
    """Whether a token looks like random key material rather than words or an id."""
    if _UUID_RE.fullmatch(token):
        return False
    if _HEX_RE.fullmatch(token):
        return _has_letter_and_digit(token) and shannon_entropy(token) >= HEX_MIN_ENTROPY
    core = token.rstrip("=")
    if not _has_letter_and_digit(core):
        return False
    if _UPPER_RE.search(core) is None and len(core) < 24:
        return False
    threshold = min(BASE64_MAX_THRESHOLD, BASE64_LENGTH_FACTOR * math.log2(len(core)))
    return shannon_entropy(core) >= threshold and mean_segment(core) <= MAX_MEAN_SEGMENT


def scan_entropy(
    text: str, known: list[tuple[int, int]], runs: list[re.Match[str]] | None = None
) -> Iterator[tuple[int, int]]:
    """(start, end) of high-entropy tokens in `text` that no known-format match covers.

    `runs` are the `_TOKEN_RE` matches of `text`, if known.
    """
    for match in _TOKEN_RE.finditer(text) if runs is None else runs:
        start, end = match.span()
        if _overlaps(start, end, known):
            continue
        if _DIGEST_PREFIX_RE.search(text, max(0, start - 8), start):
            continue
        if high_entropy(match.group()):
            yield start, end


def _scan_secret_group(document: Document) -> list[Match]:
    text = corpus(document)
    runs = list(_TOKEN_RE.finditer(text.text))
    found: list[Match] = []
    known: list[tuple[int, int]] = []
    for kind, start, end, whole_start, whole_end in scan_secrets(
        text.text, [run.group() for run in runs]
    ):
        found.append(text.match(kind, start, end))
        known.append((whole_start, whole_end))
    found.extend(text.match("high-entropy", s, e) for s, e in scan_entropy(text.text, known, runs))
    return found


def _secret_matches(ctx: FileContext) -> list[Match]:
    result: list[Match] = _cached("secrets", ctx.document, _scan_secret_group)
    return result


def check_secret(ctx: FileContext) -> Iterator[Hit]:
    for match in _secret_matches(ctx):
        if match.kind == "high-entropy":
            continue
        yield _hit(
            ctx,
            match,
            f"{match.kind} {redact(match.text)!r} in {dotted(match.path)}; revoke it, remove "
            "it from the file, and pass secrets at run time instead",
        )


def check_high_entropy(ctx: FileContext) -> Iterator[Hit]:
    for match in _secret_matches(ctx):
        if match.kind != "high-entropy":
            continue
        yield _hit(
            ctx,
            match,
            f"high-entropy string {redact(match.text)!r} ({len(match.text)} characters) in "
            f"{dotted(match.path)} looks like a key or token; remove it if it is one",
        )


# ---------------------------------------------------------------------------------------
# X1: personal data
# ---------------------------------------------------------------------------------------

RESERVED_DOMAINS = ("example.com", "example.org", "example.net")
"""RFC 2606 documentation domains: always allowed, for links and e-mail alike."""
RESERVED_TLDS = ("example", "test", "invalid", "localhost")
"""RFC 2606 and 6761 names that never resolve to anyone."""

_LOCAL_PART_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}\Z")
_DOMAIN_RE = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)
_LOCAL_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")

# Phone numbers: international (+CC ...), North American, and trunk-prefix national
# (0...) formats with separators; a bare run of digits only after a phone keyword.
_NUMBER_RE = re.compile(
    r"[0-9](?<![0-9A-Za-z_.,#/-][0-9])[0-9 ().-]{4,28}[0-9](?![\w/]|[.,-][0-9])"
)
"""Digits with separators: every card, SSN and phone candidate, found in one pass. A
leading `+` or `(` is added afterwards: an optional first character would stop `re`
from skipping ahead to digits, which makes the scan three times slower. The lookbehind
after the first digit drops a start glued to a word or number at once."""
_PHONE_LEFT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+#/.,-")
_NANP_RE = re.compile(
    r"(?:\+?1[ .-]?)?(?:\(([2-9][0-9]{2})\) ?|([2-9][0-9]{2})([ .-]))"
    r"([2-9][0-9]{2})([ .-])([0-9]{4})"
)
_TRUNK_RE = re.compile(r"(?:\(0[0-9]{1,4}\)|0[0-9]{1,4})([ .-])[0-9]{2,8}(?:\1[0-9]{2,8}){0,3}")
_INTERNATIONAL_RE = re.compile(r"\+[1-9][0-9]{0,2}(?:[ .-]?(?:\([0-9]{1,4}\)|[0-9]{1,5})){1,6}")
_DOUBLE_SEPARATOR_RE = re.compile(r"[ .-]{2}")
_PHONE_WORDS_RE = re.compile(
    r"(?i)\b(?:tel|telephone|phone|mobile|cell|fax|call|ring|text|sms|whatsapp|contact)\b"
)
_NOT_PHONE_WORDS = frozenset(
    (
        *("order", "invoice", "ref", "reference", "account", "acct", "ticket", "case", "id"),
        *("no", "nr", "number", "sku", "tracking", "serial", "iban", "card", "version"),
        *("build", "isbn", "policy", "claim", "po", "#"),
    )
)
"""Words that introduce numbers of other kinds: "order 0123 456 7890", "#0207 946 1234"."""
_FICTIONAL_UK_PREFIXES = (
    "07700900",
    "02079460",
    "01632960",
    "08081570",
    "09098790",
    "03069990",
    *(f"0{area}4960" for area in ("113", "114", "115", "116", "117", "118", "121", "131")),
    *(f"0{area}4960" for area in ("141", "151", "161", "191")),
)

_NUMBER_LEFT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.+-")
_CARD_RE = re.compile(r"[0-9]{4}(?:([ -]?)[0-9]{2,6})(?:\1[0-9]{1,6}){0,3}")
_SSN_RE = re.compile(r"([0-9]{3})([ -])([0-9]{2})\2([0-9]{4})")
_IBAN_RE = re.compile(
    r"[A-Z]{2}[0-9]{2}(?:(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?|[A-Z0-9]{11,30})"
    r"(?![A-Za-z0-9])"
)
"""Printed in groups of four with single spaces, or without spaces. Every branch has
one way to split its input, so a near miss fails in linear time."""

IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
    "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27,
    "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28,
    "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip
"""IBAN length by country, from the SWIFT IBAN registry."""

_FAMOUS_SSNS = frozenset(("078051120", "219099999"))
"""Published on a wallet insert and in an advertisement; nobody's number today."""


def domain_allowed(domain: str, allowed: tuple[str, ...]) -> bool:
    """Whether `domain` is an allowed domain, a subdomain of one, or reserved."""
    domain = domain.lower().rstrip(".")
    if domain.rsplit(".", 1)[-1] in RESERVED_TLDS:
        return True
    for item in (*RESERVED_DOMAINS, *allowed):
        item = item.lower().strip().lstrip("*").lstrip(".").rstrip(".")
        if item and (domain == item or domain.endswith("." + item)):
            return True
    return False


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = ord(char) - 48
        if index % 2:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return total % 10 == 0


def _card_prefix_known(digits: str) -> bool:
    """Issuer prefixes of the card networks: Visa, Mastercard, Amex, Discover, JCB..."""
    first = digits[0]
    if first in "3456":
        return True
    return first == "2" and 2221 <= int(digits[:4]) <= 2720


def card_number(candidate: str) -> str | None:
    """The digits of a payment card number, or None: 13 to 19 digits, Luhn, known issuer."""
    digits = candidate.replace(" ", "").replace("-", "")
    if not 13 <= len(digits) <= 19 or not digits.isdigit():
        return None
    if not _card_prefix_known(digits):
        return None
    return digits if luhn_valid(digits) else None


def ssn_valid(area: str, group: str, serial: str) -> bool:
    """US Social Security number ranges: no 000, 666 or 9xx area, no 00 group, no 0000."""
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return False
    return area + group + serial not in _FAMOUS_SSNS


def iban_valid(compact: str) -> bool:
    """Country length and the ISO 13616 mod-97 check of a space-free IBAN."""
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact.isalnum():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _phone_fictional(national: str) -> bool:
    """Numbers reserved for drama and documentation: NANP 555-0100..0199, Ofcom ranges."""
    if len(national) == 10 and national[0] != "0" and national[3:8] == "55501":
        return True
    return national.startswith(_FICTIONAL_UK_PREFIXES)


def _word_before(before: str) -> tuple[str, str]:
    """The word (lower case, or "#") right before a number, and the text before it."""
    rest = before.rstrip(" \t\n:.")
    if rest.endswith("#"):
        return "#", rest[:-1]
    start = len(rest)
    while start > 0 and (rest[start - 1].isalnum() or rest[start - 1] == "_"):
        start -= 1
    return rest[start:].lower(), rest[:start]


def phone_number(before: str, candidate: str) -> bool:
    """Whether a candidate (digits with separators) is written as a phone number.

    `before` is the text just before it, for the words that introduce it.
    """
    digits = "".join(c for c in candidate.replace("(0)", "") if c in "0123456789")
    if not 8 <= len(digits) <= 15:  # E.164 allows 15; no format here has fewer than 8
        return False
    if candidate.count("(") != candidate.count(")") or candidate.count("(") > 1:
        return False
    if _DOUBLE_SEPARATOR_RE.search(candidate):
        return False
    # "order 0123 456 7890" is not a phone number; "phone number: 020 ..." is.
    word, rest = _word_before(before)
    if word in _NOT_PHONE_WORDS and (
        word not in ("number", "no", "nr") or not _PHONE_WORDS_RE.search(rest[-12:])
    ):
        return False
    if candidate.startswith("+"):
        if not _INTERNATIONAL_RE.fullmatch(candidate):
            return False
        national = digits
        if digits.startswith("1"):
            national = digits[1:]
        elif digits.startswith("44"):
            national = "0" + digits[2:]
        return not _phone_fictional(national)
    separators = set(candidate) - set("0123456789()")
    if not separators and "(" not in candidate:
        # A bare run of digits is an order number or an id unless introduced as a phone.
        if not 10 <= len(digits) <= 13 or _phone_fictional(digits):
            return False
        return _PHONE_WORDS_RE.search(before[-25:]) is not None
    nanp = _NANP_RE.fullmatch(candidate)
    if nanp is not None:
        if nanp.group(3) and nanp.group(3) != nanp.group(5):
            return False
        national = (nanp.group(1) or nanp.group(2)) + nanp.group(4) + nanp.group(6)
        return not _phone_fictional(national)
    if candidate.startswith(("0", "(0")) and not candidate.startswith("00"):
        if not 10 <= len(digits) <= 11 or not _TRUNK_RE.fullmatch(candidate):
            return False
        if separators == {"."} and candidate.count(".") < 4:  # 0.12.3 style versions
            return False
        return not _phone_fictional(digits)
    return False


def _number_kind(source: str, start: int, candidate: str, before: str) -> str | None:
    """What a run of digits and separators is: "card", "ssn", "phone" or nothing.

    `before` is the text just before the run, for the words that introduce it.
    """
    if candidate[0].isdigit() and not _glued(source, start, _NUMBER_LEFT):
        ssn = _SSN_RE.fullmatch(candidate)
        if ssn is not None:
            return "ssn" if ssn_valid(ssn.group(1), ssn.group(3), ssn.group(4)) else None
        if _CARD_RE.fullmatch(candidate) and card_number(candidate) is not None:
            return "card"
    if not _glued(source, start, _PHONE_LEFT) and phone_number(before, candidate):
        return "phone"
    return None


def _scan_emails(text: Corpus, taken: list[tuple[int, int]]) -> Iterator[Match]:
    source = text.text
    at = source.find("@")
    while at >= 0:
        domain = _DOMAIN_RE.match(source, at + 1)
        local = _LOCAL_PART_RE.search(source, max(0, at - 64), at) if domain else None
        if domain is not None and local is not None:
            start = local.start()
            # A local part glued to more local-part characters is too long or starts
            # with a dot; user:password@host in a URL is a credential (X001), not an
            # address, but mailto:name@host is an address.
            glued = _glued(source, start, _LOCAL_CHARS)
            credential = start > 0 and source[start - 1] in ":/"
            if credential and source[max(0, start - 7) : start].lower() == "mailto:":
                credential = False
            if not glued and not credential:
                taken.append((start, domain.end()))
                yield text.match("email", start, domain.end(), domain.group())
        at = source.find("@", at + 1)


def scan_personal(text: Corpus) -> Iterator[Match]:
    """Personal data in a document's strings; checksummed kinds claim their text first."""
    source = text.text
    taken: list[tuple[int, int]] = []
    yield from _scan_emails(text, taken)
    for match in _IBAN_RE.finditer(source):
        start, end = match.span()
        if _glued(source, start, _ALNUM):
            continue
        if iban_valid(match.group().replace(" ", "")) and not _overlaps(start, end, taken):
            taken.append((start, end))
            yield text.match("iban", start, end, match.group()[:2])
    for match in _NUMBER_RE.finditer(source):
        start, end = match.span()
        if start and source[start - 1] in "+(":
            start -= 1
        if _overlaps(start, end, taken):
            continue
        kind = _number_kind(source, start, source[start:end], text.before(start, 40))
        if kind is not None:
            taken.append((start, end))
            yield text.match(kind, start, end)


def _scan_personal_group(document: Document) -> list[Match]:
    """Every string but the approvals, whose reviewer addresses are governance records."""
    return [m for m in scan_personal(corpus(document)) if m.path[:1] != ("approvals",)]


def _personal(ctx: FileContext, kind: str) -> Iterator[Match]:
    matches: list[Match] = _cached("personal", ctx.document, _scan_personal_group)
    return (match for match in matches if match.kind == kind)


def check_email(ctx: FileContext) -> Iterator[Hit]:
    allowed = _option_list(ctx, "allowed_email_domains")
    for match in _personal(ctx, "email"):
        domain = match.detail.lower()
        if domain_allowed(domain, allowed):
            continue
        local = match.text.split("@", 1)[0]
        yield _hit(
            ctx,
            match,
            f"e-mail address {redact(local) + '@' + domain!r} in {dotted(match.path)} is "
            f"personal data; use an address at example.com, or add {domain!r} to "
            "lint.allowed_email_domains in promptreg.yaml if it is a shared mailbox",
        )


def check_phone(ctx: FileContext) -> Iterator[Hit]:
    for match in _personal(ctx, "phone"):
        yield _hit(
            ctx,
            match,
            f"phone number {redact(match.text)!r} in {dotted(match.path)} is personal data; "
            "use a number reserved for fiction, such as +1 202-555-0143 or 020 7946 0958",
        )


def check_card(ctx: FileContext) -> Iterator[Hit]:
    for match in _personal(ctx, "card"):
        yield _hit(
            ctx,
            match,
            f"payment card number {redact(match.text)!r} (passes the Luhn check) in "
            f"{dotted(match.path)}; remove it, card data must not be stored in prompts",
        )


def check_ssn(ctx: FileContext) -> Iterator[Hit]:
    for match in _personal(ctx, "ssn"):
        yield _hit(
            ctx,
            match,
            f"US Social Security number {redact(match.text)!r} in {dotted(match.path)}; "
            "remove it, or use an invalid number such as 000-12-3456 in test data",
        )


def check_iban(ctx: FileContext) -> Iterator[Hit]:
    for match in _personal(ctx, "iban"):
        yield _hit(
            ctx,
            match,
            f"IBAN {redact(match.text)!r} (valid checksum) in {dotted(match.path)}; remove "
            "it, or use one with a wrong check digit in test data",
        )


# ---------------------------------------------------------------------------------------
# X2: content policy
# ---------------------------------------------------------------------------------------

_URL_TAIL_RE = re.compile(r"://[^\s<>\"'`{}|\\^\x00]+")
_WWW_RE = re.compile(r"(?i:www)\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[^\s<>\"'`{}|\\^\x00]*")
_LINK_SCHEMES = frozenset(("http", "https", "ftp", "ftps", "ws", "wss"))
_WWW_LEFT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.@/-")
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
    phrases = _option_list(ctx, "banned_phrases")
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
                locate(ctx.document, path, content, match.start(), match.end()),
            )


def url_host(url: str) -> str | None:
    """The lower-case host of a link, or None when it has none (or a template one)."""
    if url[:4].lower() == "www.":
        url = "http://" + url
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host or "{" in host or "%" in host:
        return None
    return host.rstrip(".")


def _trim_url(url: str) -> str:
    while url and url[-1] in ".,;:!?'\"":
        url = url[:-1]
    if url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1]
    return url


def scan_links(text: Corpus) -> Iterator[Match]:
    """Links in a document's strings: scheme URLs of _LINK_SCHEMES and `www.` hosts."""
    source = text.text
    taken: list[tuple[int, int]] = []
    if "://" in source:
        for match in _URL_TAIL_RE.finditer(source):
            start = _scheme_start(source, match.start())
            if source[start : match.start()].lower() not in _LINK_SCHEMES:
                continue
            url = _trim_url(source[start : match.end()])
            host = url_host(url)
            taken.append((start, start + len(url)))
            if host is not None:
                yield text.match("link", start, start + len(url), host)
    if "www." in source or "WWW." in source:
        for match in _WWW_RE.finditer(source):
            start = match.start()
            if _glued(source, start, _WWW_LEFT) or _overlaps(*match.span(), taken):
                continue
            url = _trim_url(match.group())
            host = url_host(url)
            if host is not None:
                yield text.match("link", start, start + len(url), host)


def _scan_link_group(document: Document) -> list[Match]:
    return [m for m in scan_links(corpus(document)) if reaches_model(m.path)]


def check_link(ctx: FileContext) -> Iterator[Hit]:
    allowed = _option_list(ctx, "allowed_domains")
    matches: list[Match] = _cached("links", ctx.document, _scan_link_group)
    for match in matches:
        if domain_allowed(match.detail, allowed):
            continue
        yield _hit(
            ctx,
            match,
            f"link to {match.detail} in {dotted(match.path)}; the domain is not in "
            "lint.allowed_domains in promptreg.yaml (add it there if the link is meant)",
        )


def _options_doc(lines: Mapping[str, str]) -> str:
    return " ".join(f"`lint.{name}` in promptreg.yaml: {text}" for name, text in lines.items())


# ---------------------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------------------


_KNOWN_FORMATS = (
    "AWS access key IDs and secret access keys, Google API keys and OAuth client secrets, "
    "Azure storage account keys, OpenAI API keys (`sk-...`, `sk-proj-...`) and other "
    "`sk-` secret keys, Stripe, GitHub, GitLab, Slack (tokens and webhook URLs), npm, "
    "PyPI, SendGrid and Twilio tokens, private key blocks (`-----BEGIN ... PRIVATE "
    "KEY-----`), JSON Web Tokens, URLs and connection strings with a password "
    "(`postgres://user:pass@host`), and `password=`, `api_key:` style assignments of a "
    "value with letters and digits"
)
_NOT_A_FIX = (
    "No automatic fix: a secret must be revoked, not only deleted, and personal data "
    "must be replaced by made-up data a person chooses."
)

RULES: tuple[Rule, ...] = (
    Rule(
        "X001",
        "hardcoded-secret",
        "A string in the file holds a credential of a known format.",
        RuleDoc(
            what=f"Every string value of the file, eval data included: {_KNOWN_FORMATS}. "
            "Placeholders such as `${DB_PASSWORD}`, `<password>` or `{{ token }}` are not "
            "reported. Findings point at the secret itself, also inside block scalars, and "
            "show only its kind and first four characters.",
            why="Prompt files are read by many people, copied into bundles and logs, and "
            "sent to model providers; a key committed to git stays in its history. "
            "Anyone who reads it can use it.",
            example="evals:\n  - name: summarises the config\n    vars:\n"
            '      config: "OPENAI_API_KEY=sk-proj-..."\n',
            use_instead="evals:\n  - name: summarises the config\n    vars:\n"
            '      config: "OPENAI_API_KEY=${OPENAI_API_KEY}"\n',
            options="None. A known test value can be suppressed with an inline "
            "`# promptreg: ignore[X001] reason` comment on its line.",
            fix_safety=_NOT_A_FIX,
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
    Rule(
        "X101",
        "email-address",
        "An e-mail address outside the allowed domains appears in the file.",
        RuleDoc(
            what="E-mail addresses (and `mailto:` links) in any string of the file, eval "
            "data included, whose domain is not allowed. The reserved documentation "
            "domains example.com, example.org, example.net and the `.example`, `.test`, "
            "`.invalid` and `.localhost` names are always allowed, with their subdomains. "
            "`approvals` are not checked: their reviewer addresses are governance records. "
            "`user:password@host` in a URL is a credential (X001), not an address.",
            why="An e-mail address identifies a person. Prompts and eval data are sent to "
            "model providers, logged and bundled, which data protection law requires a "
            "reason for.",
            example="vars:\n  text: My login is jane.doe@gmail.com, please delete it.\n",
            use_instead="vars:\n  text: My login is alex@example.com, please delete it.\n",
            options=_options_doc(
                {
                    "allowed_email_domains": "domains (and their subdomains) whose addresses "
                    "are not personal data, such as a shared support mailbox's domain; "
                    "default: none beyond the reserved documentation domains."
                }
            ),
            fix_safety=_NOT_A_FIX,
        ),
        check=check_email,
        options=("allowed_email_domains",),
    ),
    Rule(
        "X102",
        "phone-number",
        "A phone number appears in the file.",
        RuleDoc(
            what="Phone numbers in any string of the file except `approvals`: international "
            "(`+44 20 3318 4455`, `+14158675309`), North American (`(415) 867-5309`, "
            "`415-867-5309`, `415.867.5309`) and national numbers with a trunk prefix "
            "(`020 3318 4455`, `07911 123456`, `01 23 45 67 89`). A bare run of digits "
            "counts only after a word such as phone, call or tel; numbers after order, "
            "invoice, ticket, account or # do not count, and neither do dates or versions. "
            "Numbers reserved for fiction (NANP 555-0100 to 555-0199, Ofcom's drama ranges "
            "such as 020 7946 0xxx and 07700 900xxx) are allowed.",
            why="A phone number identifies a person, and prompts and eval data travel to "
            "model providers and logs.",
            example="vars:\n  text: Call me back on +44 7911 123456.\n",
            use_instead="vars:\n  text: Call me back on +44 7700 900123.\n",
            options="None.",
            fix_safety=_NOT_A_FIX,
        ),
        severity="warning",
        check=check_phone,
    ),
    Rule(
        "X103",
        "payment-card-number",
        "A payment card number appears in the file.",
        RuleDoc(
            what="13 to 19 digits, plain or grouped with spaces or dashes, that start like "
            "a card network's numbers (2, 3, 4, 5 or 6) and pass the Luhn check, in any "
            "string of the file except `approvals`. Published test cards such as "
            "4111 1111 1111 1111 are reported too: they are indistinguishable from real ones.",
            why="Card numbers are regulated (PCI DSS): they must not be stored outside a "
            "compliant system, and prompts, eval data and logs are not one.",
            example='vars:\n  text: "Charge it to 4111 1111 1111 1111, please."\n',
            use_instead='vars:\n  text: "Charge it to my card ending in 1111, please."\n',
            options="None.",
            fix_safety=_NOT_A_FIX,
        ),
        check=check_card,
    ),
    Rule(
        "X104",
        "us-social-security-number",
        "A US Social Security number appears in the file.",
        RuleDoc(
            what="`AAA-GG-SSSS` or `AAA GG SSSS` in any string of the file except "
            "`approvals`, with a valid area (not 000, 666 or 900-999), group (not 00) and "
            "serial (not 0000). The two numbers famous from a wallet insert and an "
            "advertisement are not reported.",
            why="A Social Security number is a key to a person's identity and credit; "
            "leaking one is a reportable incident in many US states.",
            example='vars:\n  text: "My SSN is 123-45-6789."\n',
            use_instead='vars:\n  text: "My SSN is 000-12-3456."\n',
            options="None.",
            fix_safety=_NOT_A_FIX,
        ),
        check=check_ssn,
    ),
    Rule(
        "X105",
        "iban",
        "An International Bank Account Number appears in the file.",
        RuleDoc(
            what="IBANs, with or without spaces, of the length their country uses and "
            "with a valid mod-97 check (ISO 13616), in any string of the file except "
            "`approvals`.",
            why="A bank account number is personal and financial data; with a name it is "
            "enough to set up a direct debit in some countries.",
            example='vars:\n  text: "Refund to GB82 WEST 1234 5698 7654 32."\n',
            use_instead='vars:\n  text: "Refund to GB82 WEST 1234 5698 7654 33."  '
            "# wrong check digits\n",
            options="None.",
            fix_safety=_NOT_A_FIX,
        ),
        check=check_iban,
    ),
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
            options=_options_doc(
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
            options=_options_doc(
                {
                    "allowed_domains": "domains links may point to, subdomains included; "
                    "default: none beyond example.com, example.org, example.net and the "
                    "reserved `.example`, `.test`, `.invalid`, `.localhost` names."
                }
            ),
            fix_safety="No automatic fix: the right link is a person's choice.",
        ),
        check=check_link,
        options=("allowed_domains",),
    ),
)

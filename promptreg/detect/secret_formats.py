"""The secret formats X001 knows: one precompiled regex per format, plus the check a
format has beyond its shape (a JWT's JSON header, a value that is not a placeholder).

Regexes start with a literal where the format has one, which lets `re` skip ahead by
substring search; a lookbehind that keeps a match from starting inside a word comes
after that literal, since a leading lookbehind would disable the skipping. Every
pattern runs in linear time, also on crafted input (tests/lint/test_security_rules.py).
docs/security.md says why detect-secrets is not used and what each format covers.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Callable

from promptreg.core.records import Record
from promptreg.detect.detection import has_letter_and_digit

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


def _mixed(match: re.Match[str]) -> bool:
    return has_letter_and_digit(match.group())


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
    return has_letter_and_digit(secret) and not _is_placeholder(secret) and "{{" not in secret


class SecretPattern(Record):
    """One secret format: its regex and what narrows the scan for it (a named tuple: a
    lint run defines it at start-up, where a frozen dataclass costs ten times as much)."""

    kind: str
    source: str
    """The regex, compiled on first use (`regex`): the prefilter and the keywords keep
    most formats from being tried on most files, and compiling all of them costs a
    one-file lint 1.4 ms of start-up."""
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

    @property
    def regex(self) -> re.Pattern[str]:
        return _compiled(self.source)


@functools.cache
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source)


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
        rf"-----BEGIN {_KEY_NAME}[^\x00]*?(?:-----END {_KEY_NAME}|(?=\x00)|\Z)",
        ("PRIVATE KEY",),
        in_token=False,
    ),
    SecretPattern(
        "AWS access key ID",
        r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])(?<![A-Za-z0-9].{4})[A-Z0-9]{16}(?![A-Za-z0-9])",
        ("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
    ),
    SecretPattern(
        "AWS secret access key",
        r"[\"']?[ \t]*[:=][ \t]*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])",
        group=1,
        keywords=("aws_secret_access_key", "aws_secret_key", "awssecretaccesskey"),
        in_token=False,
    ),
    SecretPattern(
        "Google API key",
        rf"{_token('AIza')}[0-9A-Za-z_-]{{35}}{_TAIL}",
        ("AIza",),
    ),
    SecretPattern(
        "Google OAuth client secret",
        rf"{_token('GOCSPX-')}[A-Za-z0-9_-]{{28}}{_TAIL}",
        ("GOCSPX-",),
    ),
    SecretPattern(
        "Azure storage account key",
        r"AccountKey=([A-Za-z0-9+/]{86}==)",
        ("AccountKey=",),
        group=1,
        in_token=False,
    ),
    SecretPattern(
        "OpenAI API key",
        rf"{_token('sk-')}(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{{16,200}}T3BlbkFJ"
        rf"[A-Za-z0-9_-]{{16,200}}|{_token('sk-')}(?:proj|svcacct|admin)-"
        rf"[A-Za-z0-9_-]{{40,250}}{_TAIL}",
        ("sk-",),
    ),
    SecretPattern(
        "API secret key",
        rf"{_token('sk-')}[A-Za-z0-9][A-Za-z0-9_-]{{31,250}}{_TAIL}",
        ("sk-",),
        valid=_mixed,
    ),
    SecretPattern(
        "Stripe secret key",
        rf"{_token('[sr]k_')}(?:live|test)_[0-9A-Za-z]{{24,250}}{_TAIL}",
        ("sk_live_", "sk_test_", "rk_live_", "rk_test_"),
    ),
    SecretPattern(
        "GitHub token",
        rf"{_token('gh[pousr]_')}[A-Za-z0-9]{{36,251}}{_TAIL}"
        rf"|{_token('github_pat_')}[A-Za-z0-9_]{{60,244}}{_TAIL}",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ),
    SecretPattern(
        "GitLab token",
        rf"{_token('glpat-')}[A-Za-z0-9_-]{{20,250}}{_TAIL}",
        ("glpat-",),
    ),
    SecretPattern(
        "Slack token",
        rf"{_token('xox[abposr]-')}[0-9]{{6,20}}-[A-Za-z0-9-]{{8,250}}{_TAIL}"
        rf"|{_token('xapp-')}[0-9]-[A-Za-z0-9-]{{20,250}}{_TAIL}",
        ("xox", "xapp-"),
    ),
    SecretPattern(
        "Slack webhook URL",
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[\w/-]{20,250}",
        ("hooks.slack.com",),
        in_token=False,
    ),
    SecretPattern(
        "npm token",
        rf"{_token('npm_')}[A-Za-z0-9]{{36}}{_TAIL}",
        ("npm_",),
    ),
    SecretPattern(
        "PyPI token",
        rf"{_token('pypi-')}AgE[A-Za-z0-9_-]{{50,500}}",
        ("pypi-",),
    ),
    SecretPattern(
        "SendGrid API key",
        _token(r"SG\.") + rf"[A-Za-z0-9_-]{{22}}\.[A-Za-z0-9_-]{{43}}{_TAIL}",
        ("SG.",),
        in_token=False,
    ),
    SecretPattern(
        "Twilio API key",
        r"SK(?<![A-Za-z0-9]SK)[0-9a-fA-F]{32}(?![A-Za-z0-9])",
        ("SK",),
    ),
    SecretPattern(
        "JSON Web Token",
        rf"{_token('eyJ')}[A-Za-z0-9_-]{{8,}}+\.eyJ[A-Za-z0-9_-]{{8,}}+\.[A-Za-z0-9_-]*+",
        ("eyJ",),
        valid=_jwt_header_ok,
        in_token=False,
    ),
    SecretPattern(
        "connection string with a password",
        # From "://" (a literal, so `re` can skip ahead); the scheme is added afterwards.
        r"://[^\s:/?#@'\"<>\x00]*+:([^\s/?#@'\"<>\x00]++)@[^\s/?#'\"<>\x00]++",
        ("://",),
        valid=_password_ok,
        scheme=True,
        in_token=False,
    ),
    SecretPattern(
        "password or API key value",
        r"[\"']?[ \t]*[:=][ \t]*[\"']?([^\s\"',;\x00]{8,200})",
        group=1,
        valid=_assigned_ok,
        keywords=_CREDENTIAL_NAMES,
        in_token=False,
    ),
)

"""Secrets and personal data taken out of answers before they are written to results.

A prompt whose `logging` is below `full` does not allow its answers to be kept as they
are; the results file then holds them with every detected secret or piece of personal
data replaced by `[REDACTED:<kind>]`. The detectors of the lint rules (X001, X1xx) are
the reference; this is the small set that matters in a model's answer, in one function,
`redact`, which is what the shared detector package's `redact()` replaces once it exists.
"""

from __future__ import annotations

import re
from typing import Protocol


class Redactor(Protocol):
    def __call__(self, text: str) -> str: ...


_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "private-key",
        re.compile(
            r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)"
        ),
    ),
    ("api-key", re.compile(r"(?<![A-Za-z0-9])(?:sk|rk|pk)-[A-Za-z0-9][A-Za-z0-9_-]{19,250}")),
    ("api-key", re.compile(r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Z])")),
    (
        "api-key",
        re.compile(
            r"(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{36,255}|glpat-[A-Za-z0-9_-]{20,250}|xox[abprs]-[A-Za-z0-9-]{10,250})"
        ),
    ),
    (
        "credential",
        re.compile(
            r"(?i)\b(password|passwd|secret|token|api[_-]?key)\b(\s*[:=]\s*)[\"']?[^\s\"',;]{6,200}"
        ),
    ),
    (
        "email",
        re.compile(
            r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}"
        ),
    ),
    ("iban", re.compile(r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b")),
    ("card-number", re.compile(r"(?<![0-9])[0-9]{4}(?:[ -]?[0-9]{4}){2}[ -]?[0-9]{1,7}(?![0-9])")),
    ("phone", re.compile(r"(?<![\w+])\+[1-9][0-9]{0,2}(?:[ .-]?\(?[0-9]{1,5}\)?){2,6}(?![0-9])")),
    ("national-id", re.compile(r"(?<![0-9])[0-9]{3}-[0-9]{2}-[0-9]{4}(?![0-9])")),
)


def redact(text: str) -> str:
    """`text` with detected secrets and personal data replaced by `[REDACTED:<kind>]`."""
    for kind, pattern in _PATTERNS:
        # A credential keeps its name ("password: [REDACTED:credential]"), so the reader
        # still sees what was there.
        replacement = rf"\1\2[REDACTED:{kind}]" if kind == "credential" else f"[REDACTED:{kind}]"
        text = pattern.sub(replacement, text)
    return text

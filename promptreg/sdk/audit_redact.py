"""The redaction of an audit record's values at `full`, remembered for recent short
values: the same values (a channel, a date) come back call after call, and a value new
on every call (the request's text) is redacted once, by the screened detectors."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache, partial


def _fresh(allowed_email_domains: Iterable[str]) -> Callable[[str], str]:
    # Deferred until a `full` record needs it: the detectors compile many patterns.
    from promptreg.detect.redact import redact

    return partial(redact, allowed_email_domains=tuple(allowed_email_domains))


def text_redactor(
    allowed_email_domains: Iterable[str], entries: int, chars: int
) -> Callable[[str], str]:
    """redact() with these allowed domains, remembering its last `entries` answers for
    texts of up to `chars` characters (functools' cache: thread-safe, bounded)."""
    function = _fresh(allowed_email_domains)
    memo = lru_cache(maxsize=entries)(function)

    def remembered(text: str) -> str:
        return memo(text) if len(text) <= chars else function(text)

    return remembered


def json_redactor(
    allowed_email_domains: Iterable[str], string: Callable[[str], str], entries: int
) -> tuple[Callable[[str], str], Callable[[str], str]]:
    """The same, written as a JSON string by `string`: the memo (which the caller asks
    only for short texts) and the function it remembers, so that a line calls the memo
    without a wrapper of ours around it."""
    redact = _fresh(allowed_email_domains)

    def encoded(text: str) -> str:
        return string(redact(text))

    return lru_cache(maxsize=entries)(encoded), encoded

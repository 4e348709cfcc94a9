"""Text that is kept (eval records, audit logs) without the secrets and personal data
in it.

Links are not redacted: they are neither secret nor personal, and a record of what a
model answered is worth less without them.
"""

from __future__ import annotations

from collections.abc import Iterable

from promptreg.detect.detection import Detection
from promptreg.detect.domains import domain_allowed
from promptreg.detect.personal import PERSONAL_KINDS, addresses, email_domain, find_personal
from promptreg.detect.screen import may_hold_more_than_addresses, may_hold_secret
from promptreg.detect.secrets import HIGH_ENTROPY, find_secrets


def marker(detection: Detection) -> str:
    """What replaces a detected value: its category, never a character of the value.

    Secrets are all "secret": a record need not say which provider's key leaked. The
    marker starts with "[", which the `password=` detector takes for a placeholder, and
    holds no digits, so redacted text scans clean.
    """
    return f"[redacted {detection.kind if detection.kind in PERSONAL_KINDS else 'secret'}]"


def redact(text: str, *, allowed_email_domains: Iterable[str] = ()) -> str:
    """`text` with every secret and every personal-data item replaced by a marker.

    Every copy of a detected value goes, also where the detectors would not report it
    on its own, and the result is scanned again until nothing is found: removing one
    value can uncover another (a URL's port no longer runs into the card number after
    it), and what is kept must not give a value away. This ends: markers hold nothing
    a detector reports, so each pass removes some of the original text. Detections
    that overlap (an IBAN that also looks random) become one marker. E-mail addresses
    in `allowed_email_domains` and the reserved documentation domains are kept, as
    the linter allows them.

    Each detector runs only where its screen (screen.py) cannot rule it out: most
    values hold no candidate, and proving that costs a few substring searches instead
    of every detector. A value whose only candidates are addresses in allowed domains
    (a request that names the sender's documented address) is proved clean by finding
    those addresses alone.
    """
    allowed = tuple(allowed_email_domains)
    if not may_hold_more_than_addresses(text) and (
        "@" not in text
        or all(domain_allowed(email_domain(text[a:b]), allowed) for a, b in addresses(text))
    ):
        return text
    while True:
        found = _secrets(text)
        found += find_personal(text, allowed)  # which screens each kind itself
        if not found:
            return text
        text = _replace(text, found)


def _secrets(text: str) -> list[Detection]:
    return find_secrets(text) if may_hold_secret(text) else []


def _replace(text: str, found: list[Detection]) -> str:
    spans = [(d.start, d.end, d) for d in found]
    for value, detection in {text[d.start : d.end]: d for d in found}.items():
        at = text.find(value)
        while at >= 0:
            spans.append((at, at + len(value), detection))
            at = text.find(value, at + len(value))
    spans.sort(key=lambda span: span[0])
    merged: list[tuple[int, int, Detection]] = []
    for start, end, detection in spans:
        if merged and start < merged[-1][1]:
            first_start, first_end, first = merged[-1]
            merged[-1] = (first_start, max(first_end, end), first)
        else:
            merged.append((start, end, detection))
    parts: list[str] = []
    position = 0
    for start, end, detection in merged:
        parts += (text[position:start], marker(detection))
        position = end
    parts.append(text[position:])
    return "".join(parts)


def redact_secrets(text: str, *, random_tokens: bool = False) -> str:
    """`text` with every credential of a known format replaced by a marker, for what
    the linter itself prints: a finding's message, a source line shown under it.

    Random-looking tokens stay unless `random_tokens`: messages name commits and content
    digests, which look random and are not secret; a source line shown for context may
    hold a key of no known format, so it is redacted with them. Personal data stays: a
    message about a reviewer names the reviewer's address.
    """
    while True:
        found = [d for d in _secrets(text) if random_tokens or d.kind != HIGH_ENTROPY]
        if not found:
            return text
        text = _replace(text, found)

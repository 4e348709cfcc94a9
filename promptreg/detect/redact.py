"""Text that is kept (eval records, audit logs) without the secrets and personal data
in it.

Links are not redacted: they are neither secret nor personal, and a record of what a
model answered is worth less without them.
"""

from __future__ import annotations

from collections.abc import Iterable

from promptreg.detect.detection import Detection
from promptreg.detect.personal import PERSONAL_KINDS, find_personal
from promptreg.detect.secrets import find_secrets


def marker(detection: Detection) -> str:
    """What replaces a detected value: its category, never a character of the value.

    Secrets are all "secret": a record need not say which provider's key leaked. The
    marker starts with "[", which the `password=` detector takes for a placeholder, and
    holds no digits, so redacted text scans clean.
    """
    return f"[redacted {detection.kind if detection.kind in PERSONAL_KINDS else 'secret'}]"


def redact(text: str, *, allowed_email_domains: Iterable[str] = ()) -> str:
    """`text` with every secret and every personal-data item replaced by a marker.

    Detections that overlap (an IBAN that also looks random) are replaced by one
    marker. E-mail addresses in `allowed_email_domains` and the reserved documentation
    domains are kept, as the linter allows them.
    """
    found = sorted(
        (*find_secrets(text), *find_personal(text, allowed_email_domains)),
        key=lambda detection: detection.start,
    )
    spans: list[tuple[int, int, Detection]] = []
    for detection in found:
        if spans and detection.start < spans[-1][1]:
            start, end, first = spans[-1]
            spans[-1] = (start, max(end, detection.end), first)
        else:
            spans.append((detection.start, detection.end, detection))
    parts: list[str] = []
    position = 0
    for start, end, first in spans:
        parts += (text[position:start], marker(first))
        position = end
    parts.append(text[position:])
    return "".join(parts)

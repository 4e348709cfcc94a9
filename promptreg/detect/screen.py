"""Cheap proofs that a string holds nothing the secret or personal-data detectors report.

Most values an audit record or an eval result keeps (a channel name, a date, a short
reply, a request with an allowed address in it) contain no candidate at all, yet running
every detector costs some tens of microseconds even then: each of the twenty secret
formats is considered in turn, and the personal-data regexes try every character. A
screen is a necessary condition of its detectors reporting anything, so when it fails
the detectors are skipped with the same result. It may pass on text that turns out
clean; it must never fail on text a detector reports (tests/sdk/test_redaction_screen.py
compares the two on generated text and on every pair of detector fragments).

Speed: a regex without a literal to skip ahead to costs ~20 ns a character in `re`, so
the screens avoid them. The text is encoded once (a copy, for ASCII) and each screen
maps its bytes to a few classes with `bytes.translate`, one table lookup a byte, then
asks for a substring: twenty token characters in a row, eight digits with only number
separators between them (the separators deleted), two capitals and two digits. It asks
with `bytes.find`, not `in`: `in` on bytes first tries its operand as an integer (a byte
value) and clears the TypeError, which costs four times the search itself.
Non-ASCII characters, which none of these classes holds, become bytes of 0x80 and above
and fall in the class of "anything else".

The secret screen is derived from SECRET_PATTERNS, so a new format is screened as its
own prefilter says: formats whose every match lies inside a run of 20+ token characters
(and the entropy check, which looks only at such runs) need such a run; keyword formats
need one of their names, followed by `:` or `=` where their regex requires it; every
other format needs one of its prefilter substrings.
"""

from __future__ import annotations

import string

from promptreg.detect.secret_formats import SECRET_PATTERNS

_ASSIGNMENT = r"[\"']?[ \t]*[:=]"
"""How the keyword formats' regexes start: a name is a credential's only when this
follows it, so the screen asks for the name and this together."""

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
"""What the keyword formats' search folds with (secrets.py): ASCII only, offsets kept."""


def _table(classes: dict[bytes, bytes], rest: bytes) -> bytes:
    """A bytes.translate table: each byte of a key to its value, every other byte to
    `rest` (so every byte of a non-ASCII character too)."""
    table = bytearray(rest * 256)
    for members, target in classes.items():
        for byte in members:
            table[byte] = target[0]
    return bytes(table)


_DIGITS = string.digits.encode()
_TOKEN_TABLE = _table({(string.ascii_letters + string.digits + "+/_-").encode(): b"t"}, b" ")
"""`entropy.TOKEN_RE`'s class to "t": every run that regex finds holds twenty of them."""
_TOKEN_RUN = b"t" * 20
_NUMBER_TABLE = _table({_DIGITS: b"0"}, b"x")
_NUMBER_SEPARATORS = b" ().-"
"""Deleted: eight digits with only these between them become eight zeros in a row. Every
card (13+ digits), SSN (9) and phone number (8+, E.164 allows no fewer here) is a run of
digits and these separators (`personal._NUMBER_RE`), so it holds that."""
_EIGHT_DIGITS = b"0" * 8
_IBAN_TABLE = _table({string.ascii_uppercase.encode(): b"A", _DIGITS: b"0"}, b".")
_IBAN_START = b"AA00"
"""How every IBAN candidate (`personal._IBAN_RE`, `[A-Z]{2}[0-9]{2}`) starts."""


def _secret_screen() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(substrings, keywords needing `:` or `=` after them, keywords needing nothing)."""
    literals: list[str] = []
    assigned: list[str] = []
    bare: list[str] = []
    for pattern in SECRET_PATTERNS:
        if pattern.keywords:
            names = assigned if pattern.source.startswith(_ASSIGNMENT) else bare
            names.extend(pattern.keywords)
        elif not pattern.in_token:
            literals.extend(pattern.prefilter)
    return tuple(dict.fromkeys(literals)), tuple(dict.fromkeys(assigned)), tuple(bare)


_SECRET_LITERALS, _ASSIGNED_NAMES, _BARE_NAMES = _secret_screen()
_LONGEST_NAME = max(map(len, _ASSIGNED_NAMES), default=0)


def _encoded(text: str) -> bytes:
    # surrogatepass: a lone surrogate (JSON can carry one) is just another non-ASCII byte.
    return text.encode("utf-8", "surrogatepass")


def _folded(text: str) -> str:
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


def _assigned_name(text: str) -> bool:
    """Whether a keyword format's name, ASCII-folded, is followed by `["']?[ \\t]*[:=]`:
    the names are looked for only before each `:` and `=`, of which text has few."""
    for sign in ":=":
        at = text.find(sign)
        while at >= 0:
            end = at
            while end > 0 and text[end - 1] in " \t":
                end -= 1
            if end > 0 and text[end - 1] in "\"'":
                end -= 1
            if _folded(text[max(0, end - _LONGEST_NAME) : end]).endswith(_ASSIGNED_NAMES):
                return True
            at = text.find(sign, at + 1)
    return False


def may_hold_secret(text: str, encoded: bytes | None = None) -> bool:
    """False only if `find_secrets(text)` is certainly empty. `encoded`: the text as
    UTF-8 (surrogates passed), if the caller has it."""
    data = _encoded(text) if encoded is None else encoded
    if data.translate(_TOKEN_TABLE).find(_TOKEN_RUN) >= 0:
        return True
    for literal in _SECRET_LITERALS:
        if literal in text:
            return True
    if _BARE_NAMES:
        folded = _folded(text)
        if any(name in folded for name in _BARE_NAMES):
            return True
    return bool(_ASSIGNED_NAMES) and _assigned_name(text)


def may_hold_iban(encoded: bytes) -> bool:
    """False only if no IBAN candidate starts in the text (given as UTF-8)."""
    return encoded.translate(_IBAN_TABLE).find(_IBAN_START) >= 0


def may_hold_number(encoded: bytes) -> bool:
    """False only if the text (given as UTF-8) holds no card, SSN or phone candidate."""
    return encoded.translate(_NUMBER_TABLE, _NUMBER_SEPARATORS).find(_EIGHT_DIGITS) >= 0


def may_hold_more_than_addresses(text: str) -> bool:
    """False only if neither `find_secrets(text)` nor `find_personal(text)` can report
    anything but e-mail addresses: every screen above but the `@`, in one call (what
    redaction asks of nearly every value first)."""
    data = _encoded(text)
    if (
        data.translate(_TOKEN_TABLE).find(_TOKEN_RUN) >= 0
        or data.translate(_NUMBER_TABLE, _NUMBER_SEPARATORS).find(_EIGHT_DIGITS) >= 0
        or data.translate(_IBAN_TABLE).find(_IBAN_START) >= 0
    ):
        return True
    for literal in _SECRET_LITERALS:
        if literal in text:
            return True
    if _BARE_NAMES and any(name in _folded(text) for name in _BARE_NAMES):
        return True
    return bool(_ASSIGNED_NAMES) and _assigned_name(text)


def may_hold_personal(text: str, encoded: bytes | None = None) -> bool:
    """False only if `find_personal(text)` is certainly empty, whatever domains it allows."""
    if "@" in text:
        return True
    data = _encoded(text) if encoded is None else encoded
    return may_hold_number(data) or may_hold_iban(data)

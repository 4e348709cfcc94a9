"""Personal data in plain strings (X101-X105): e-mail addresses, phone numbers, payment
card numbers, US Social Security numbers and IBANs.

A kind with a checksum or a structure (Luhn, mod-97, SSN ranges) is checked beyond its
shape, which keeps look-alikes (order numbers, dates) out without a dependency. Kinds
claim their text in a fixed order, e-mail addresses, then IBANs, then numbers (card,
SSN, phone), so a run of digits inside an address or an IBAN is not reported again.
One regex pass finds every card, SSN and phone candidate.

Speed: each kind's regex runs only where its screen (screen.py) finds its start: an
`@`, two capitals and two digits, eight digits among number separators. A text with
none of them costs a substring search and two byte translations instead of two regex
scans of every character.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from promptreg.detect.detection import (
    ALNUM,
    Detection,
    context_before,
    glued,
    overlaps,
    preview,
)
from promptreg.detect.domains import domain_allowed
from promptreg.detect.screen import may_hold_iban, may_hold_number

PERSONAL_KINDS = frozenset(("email", "phone", "card", "ssn", "iban"))

_DOMAIN_RE = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)
_LOCAL_PUNCTUATION = "._%+-"
_LOCAL_STRING = "".join(sorted(ALNUM)) + _LOCAL_PUNCTUATION
_LOCAL_CHARS = frozenset(_LOCAL_STRING)

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

IBAN_LENGTHS: Mapping[str, int] = {
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
    if candidate[0].isdigit() and not glued(source, start, _NUMBER_LEFT):
        ssn = _SSN_RE.fullmatch(candidate)
        if ssn is not None:
            return "ssn" if ssn_valid(ssn.group(1), ssn.group(3), ssn.group(4)) else None
        if _CARD_RE.fullmatch(candidate) and card_number(candidate) is not None:
            return "card"
    if not glued(source, start, _PHONE_LEFT) and phone_number(before, candidate):
        return "phone"
    return None


_DESCRIPTIONS: Mapping[str, str] = {
    "iban": "IBAN {!r} (valid checksum)",
    "card": "payment card number {!r} (passes the Luhn check)",
    "ssn": "US Social Security number {!r}",
    "phone": "phone number {!r}",
}


def _local_start(text: str, at: int) -> int:
    """Where the local part of an address with its `@` at `at` starts, or `at` if none.

    The local part is `[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}` ending at the `@`, from its
    leftmost possible start. A regex search for it tries each of 64 starts and scans on
    from each; stripping the run of local-part characters before the `@`, then the
    punctuation it starts with, finds the same start in two C loops
    (tests/sdk/test_redaction_screen.py compares the two)."""
    head = text[max(0, at - 64) : at]
    run = head[len(head.rstrip(_LOCAL_STRING)) :]
    return at - len(run.lstrip(_LOCAL_PUNCTUATION))


def _emails(text: str, taken: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """(start, end) of every e-mail address; each one claims its text in `taken`."""
    at = text.find("@")
    while at >= 0:
        domain = _DOMAIN_RE.match(text, at + 1)
        start = _local_start(text, at) if domain is not None else at
        if domain is not None and start < at:
            # A local part glued to more local-part characters is too long or starts
            # with a dot; user:password@host in a URL is a credential (X001), not an
            # address, but mailto:name@host is an address.
            is_glued = glued(text, start, _LOCAL_CHARS)
            credential = start > 0 and text[start - 1] in ":/"
            if credential and text[max(0, start - 7) : start].lower() == "mailto:":
                credential = False
            if not is_glued and not credential:
                taken.append((start, domain.end()))
                yield start, domain.end()
        at = text.find("@", at + 1)


def addresses(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every e-mail address find_personal considers, in any domain."""
    return _emails(text, [])


def email_domain(address: str) -> str:
    """The lower-case domain of an e-mail address a detection covers."""
    return address.rpartition("@")[2].lower()


def scan_personal(text: str) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) of all personal data in `text`, every e-mail address included;
    kinds with a checksum claim their text before the numbers without one."""
    taken: list[tuple[int, int]] = []
    if "@" in text:
        for start, end in _emails(text, taken):
            yield "email", start, end
    encoded = text.encode("utf-8", "surrogatepass")
    if may_hold_iban(encoded):
        for match in _IBAN_RE.finditer(text):
            start, end = match.span()
            if glued(text, start, ALNUM):
                continue
            if iban_valid(match.group().replace(" ", "")) and not overlaps(start, end, taken):
                taken.append((start, end))
                yield "iban", start, end
    if not may_hold_number(encoded):
        return
    for match in _NUMBER_RE.finditer(text):
        start, end = match.span()
        if start and text[start - 1] in "+(":
            start -= 1
        if overlaps(start, end, taken):
            continue
        kind = _number_kind(text, start, text[start:end], context_before(text, start, 40))
        if kind is not None:
            taken.append((start, end))
            yield kind, start, end


def find_personal(text: str, allowed_email_domains: Iterable[str] = ()) -> list[Detection]:
    """Personal data in `text`, but e-mail addresses in the allowed domains and their
    subdomains (the reserved documentation domains are always allowed)."""
    allowed = tuple(allowed_email_domains)
    found: list[Detection] = []
    for kind, start, end in scan_personal(text):
        value = text[start:end]
        if kind == "email":
            domain = email_domain(value)
            if domain_allowed(domain, allowed):
                continue
            description = f"e-mail address {preview(value.split('@', 1)[0]) + '@' + domain!r}"
        else:
            description = _DESCRIPTIONS[kind].format(preview(value))
        found.append(Detection(kind, start, end, description))
    return found

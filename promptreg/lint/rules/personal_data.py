"""X1: personal data. E-mail addresses, phone numbers, payment card numbers, US Social
Security numbers and IBANs (X101-X105), in every string of the file but `approvals`.

The detectors are promptreg.detect.personal's, on plain strings; the five rules share
one scan of the file's strings and point each finding at the value itself. A finding
shows at most four characters of the value.
"""

from __future__ import annotations

from collections.abc import Iterator

from promptreg.detect.personal import email_domain, find_personal
from promptreg.lint.context import FileContext
from promptreg.lint.finding import Hit
from promptreg.lint.rule import Rule, RuleDoc
from promptreg.lint.rules.strings import (
    NOT_A_FIX,
    Match,
    corpus,
    hit,
    option_list,
    options_doc,
    shared,
)


def _scan_personal(ctx: FileContext) -> list[Match]:
    """Every string but the approvals, whose reviewer addresses are governance records."""
    text = corpus(ctx)
    allowed = option_list(ctx, "allowed_email_domains")
    placed = (text.place(detection) for detection in find_personal(text.text, allowed))
    return [match for match in placed if match.path[:1] != ("approvals",)]


def _personal(ctx: FileContext, kind: str) -> Iterator[Match]:
    return (match for match in shared(ctx, _scan_personal) if match.kind == kind)


def check_email(ctx: FileContext) -> Iterator[Hit]:
    for match in _personal(ctx, "email"):
        yield hit(
            ctx,
            match,
            " is personal data; use an address at example.com, or add "
            f"{email_domain(match.text)!r} to lint.allowed_email_domains in promptreg.yaml "
            "if it is a shared mailbox",
        )


def check_phone(ctx: FileContext) -> Iterator[Hit]:
    for match in _personal(ctx, "phone"):
        yield hit(
            ctx,
            match,
            " is personal data; use a number reserved for fiction, such as "
            "+1 202-555-0143 or 020 7946 0958",
        )


def check_card(ctx: FileContext) -> Iterator[Hit]:
    for match in _personal(ctx, "card"):
        yield hit(ctx, match, "; remove it, card data must not be stored in prompts")


def check_ssn(ctx: FileContext) -> Iterator[Hit]:
    for match in _personal(ctx, "ssn"):
        yield hit(
            ctx, match, "; remove it, or use an invalid number such as 000-12-3456 in test data"
        )


def check_iban(ctx: FileContext) -> Iterator[Hit]:
    for match in _personal(ctx, "iban"):
        yield hit(ctx, match, "; remove it, or use one with a wrong check digit in test data")


RULES: tuple[Rule, ...] = (
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
            options=options_doc(
                {
                    "allowed_email_domains": "domains (and their subdomains) whose addresses "
                    "are not personal data, such as a shared support mailbox's domain; "
                    "default: none beyond the reserved documentation domains."
                }
            ),
            fix_safety=NOT_A_FIX,
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
            fix_safety=NOT_A_FIX,
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
            fix_safety=NOT_A_FIX,
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
            fix_safety=NOT_A_FIX,
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
            fix_safety=NOT_A_FIX,
        ),
        check=check_iban,
    ),
)

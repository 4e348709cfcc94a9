"""Links in plain strings, with the allowed domains as a parameter."""

from __future__ import annotations

from promptreg.detect.links import find_links

TEXT = (
    "See https://help.acme.io/refunds), www.Acme-Shop.com, https://docs.example.com/x "
    "and http://203.0.113.7/faq; mailto:a@acme.io is an address."
)


def test_links_outside_the_allowed_domains() -> None:
    found = find_links(TEXT)
    assert [TEXT[d.start : d.end] for d in found] == [
        "https://help.acme.io/refunds",
        "http://203.0.113.7/faq",
        "www.Acme-Shop.com",
    ]
    assert [d.description for d in found] == [
        "link to help.acme.io",
        "link to 203.0.113.7",
        "link to www.acme-shop.com",
    ]
    assert {d.kind for d in found} == {"link"}


def test_allowed_domains_allow_their_subdomains() -> None:
    found = find_links(TEXT, ("acme.io", "*.acme-shop.com", "203.0.113.7"))
    assert found == []

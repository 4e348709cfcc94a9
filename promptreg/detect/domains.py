"""Which domains are allowed, for e-mail addresses (X101) and links (X202) alike.

The allow-lists are parameters: the linter reads them from promptreg.yaml, other
callers pass their own.
"""

from __future__ import annotations

from collections.abc import Iterable

RESERVED_DOMAINS = ("example.com", "example.org", "example.net")
"""RFC 2606 documentation domains: always allowed, for links and e-mail alike."""
RESERVED_TLDS = ("example", "test", "invalid", "localhost")
"""RFC 2606 and 6761 names that never resolve to anyone."""
_RESERVED_SUBDOMAINS = tuple("." + name for name in RESERVED_DOMAINS)


def domain_allowed(domain: str, allowed: Iterable[str]) -> bool:
    """Whether `domain` is an allowed domain, a subdomain of one, or reserved."""
    domain = domain.lower().rstrip(".")
    if domain.rpartition(".")[2] in RESERVED_TLDS:
        return True
    if domain in RESERVED_DOMAINS or domain.endswith(_RESERVED_SUBDOMAINS):
        return True  # what the loop below finds for them, without normalising them again
    for item in allowed:
        item = item.lower().strip().lstrip("*").lstrip(".").rstrip(".")
        if item and (domain == item or domain.endswith("." + item)):
            return True
    return False

"""Links in plain strings (X202): URLs of the web schemes and bare `www.` hosts, with
the host each one points to.

Links are not secret, so a link's description names its host. `mailto:` links are
e-mail addresses (personal.py); `file:` and other schemes are not links a model could
send a user to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from promptreg.detect.detection import Detection, glued, overlaps, scheme_start
from promptreg.detect.domains import domain_allowed

_URL_TAIL_RE = re.compile(r"://[^\s<>\"'`{}|\\^\x00]+")
_WWW_RE = re.compile(r"(?i:www)\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[^\s<>\"'`{}|\\^\x00]*")
_LINK_SCHEMES = frozenset(("http", "https", "ftp", "ftps", "ws", "wss"))
_WWW_LEFT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.@/-")


def url_host(url: str) -> str | None:
    """The lower-case host of a link, or None when it has none (or a template one)."""
    if url[:4].lower() == "www.":
        url = "http://" + url
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host or "{" in host or "%" in host:
        return None
    return host.rstrip(".")


def _trim_url(url: str) -> str:
    while url and url[-1] in ".,;:!?'\"":
        url = url[:-1]
    if url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1]
    return url


def scan_links(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, host) of every link: scheme URLs of _LINK_SCHEMES and `www.` hosts.

    A link with no host, or a template one (`https://{{ region }}.example.com`), is left
    out; a `www.` inside a URL is part of that URL.
    """
    taken: list[tuple[int, int]] = []
    if "://" in text:
        for match in _URL_TAIL_RE.finditer(text):
            start = scheme_start(text, match.start())
            if text[start : match.start()].lower() not in _LINK_SCHEMES:
                continue
            url = _trim_url(text[start : match.end()])
            host = url_host(url)
            taken.append((start, start + len(url)))
            if host is not None:
                yield start, start + len(url), host
    if "www." in text or "WWW." in text:
        for match in _WWW_RE.finditer(text):
            start = match.start()
            if glued(text, start, _WWW_LEFT) or overlaps(*match.span(), taken):
                continue
            url = _trim_url(match.group())
            host = url_host(url)
            if host is not None:
                yield start, start + len(url), host


def find_links(text: str, allowed_domains: Iterable[str] = ()) -> list[Detection]:
    """Links in `text` to hosts outside the allowed domains and their subdomains (the
    reserved documentation domains are always allowed)."""
    allowed = tuple(allowed_domains)
    return [
        Detection("link", start, end, f"link to {host}")
        for start, end, host in scan_links(text)
        if not domain_allowed(host, allowed)
    ]

"""Which of a prompt's approved versions a `get(id, version=...)` request means.

One answer for both sources, the bundle and the working tree's git history, so an
application pinned to `^1.2` gets the same version from either. Ranges follow npm's
semver rules through node-semver (a port of npm's own implementation) rather than a
hand-written matcher: `^1.2` is `>=1.2.0 <2.0.0`, `~1.2.3` is `>=1.2.3 <1.3.0`, a bare
`1.2.0` is that version exactly, and pre-releases are chosen only by a range that names
a pre-release of the same major.minor.patch (`^1.3.0-rc.1`) or by their exact version.
Comparators may be joined by commas as well as by spaces (`>=1.2,<2`), as Python
specifiers are written; `||` gives alternatives.
"""

from __future__ import annotations

from collections.abc import Iterable

from promptreg.core.errors import PromptNotFoundError, UsageError
from promptreg.core.versions import Version, parse_version


def is_exact(request: str) -> bool:
    """Whether `request` names one version (1.2.0, 1.3.0-rc.1) rather than a range."""
    return parse_version(request) is not None


def _node_range(request: str) -> str:
    return " ".join(request.replace(",", " ").split())


def matching(request: str, versions: Iterable[str]) -> list[str]:
    """The versions `request` accepts, highest first; UsageError for a malformed range."""
    import nodesemver  # deferred: only a range request needs it

    parsed = [(parse_version(v), v) for v in versions]
    known: list[tuple[Version, str]] = [(p, v) for p, v in parsed if p is not None]
    if is_exact(request):
        wanted = parse_version(request)
        return [v for p, v in known if p == wanted]
    try:
        node_range = nodesemver.make_range(_node_range(request), loose=False)
    except (ValueError, TypeError) as exc:
        raise _bad_range(request, str(exc)) from None
    found = [(p, v) for p, v in known if node_range.test(v)]
    found.sort(key=lambda item: item[0], reverse=True)
    return [v for _, v in found]


def latest(versions: Iterable[str]) -> str | None:
    """`get(id)` with no version: the highest release; a pre-release only when the prompt
    has no release approved at all."""
    parsed = [(p, v) for v in versions for p in (parse_version(v),) if p is not None]
    releases = [item for item in parsed if not item[0].prerelease]
    pool = releases or parsed
    return max(pool, key=lambda item: item[0])[1] if pool else None


def resolve(prompt_id: str, request: str | None, versions: Iterable[str], where: str) -> str:
    """The one version a request resolves to among `versions` (the approved ones in
    `where`, a phrase such as "the bundle"); PromptNotFoundError listing them otherwise."""
    known = list(versions)
    chosen = latest(known) if request is None else next(iter(matching(request, known)), None)
    if chosen is not None:
        return chosen
    ordered = sorted((p, v) for v in known for p in (parse_version(v),) if p is not None)
    listed = ", ".join(v for _, v in reversed(ordered)) or "none"
    wanted = "" if request is None else f" matching {request!r}"
    raise PromptNotFoundError(
        f"{prompt_id!r} has no approved version{wanted} in {where}",
        hint=f"approved versions there, highest first: {listed}",
    )


def _bad_range(request: str, reason: str) -> UsageError:
    return UsageError(
        f"version {request!r} is neither a version nor a range: {reason}",
        hint="write an exact version (1.2.0) or a range: ^1.2, ~1.2.3, >=1.2,<2, 1.x",
    )

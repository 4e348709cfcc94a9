"""'Did you mean' suggestions for the error paths.

difflib loads only when a suggestion is needed, which keeps it off the import path of
the SDK: a correct program never pays for it.
"""

from __future__ import annotations

from collections.abc import Iterable


def closest(word: str, options: Iterable[str]) -> str | None:
    """The option most like `word`, if any is close enough to be a likely typo."""
    import difflib

    matches = difflib.get_close_matches(word, list(options), n=1)
    return matches[0] if matches else None


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """'; did you mean 'x'?' for appending to a message, or '' when nothing is close."""
    match = closest(word, options)
    return f"; did you mean {match!r}?" if match else ""

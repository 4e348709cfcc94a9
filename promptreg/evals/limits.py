"""How many requests may be in flight, and how long to wait before trying again.

`auto` concurrency starts at 8, grows by one for each round of successes (one more
request in flight per `limit` answers) and halves on a 429, never going above the cap
or below one. A burst of 429s from one overloaded moment halves it once, not once per
request. A rate limit applies to the whole endpoint, so a wait the server asks for
pauses every request, not only the one that was told.

Wait times come from the server when it says (`retry-after-ms`, `Retry-After` in
seconds or as a date, or the `x-ratelimit-reset-*` durations when `x-ratelimit-remaining-*`
is zero), otherwise from exponential backoff with full jitter.
"""

from __future__ import annotations

import email.utils
import random
import re
import time
from collections.abc import Mapping

AUTO_START = 8

_DURATION_RE = re.compile(
    r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?\Z"
)
MAX_SERVER_WAIT = 3600.0
"""A wait asked for by the server is honoured up to an hour; longer is treated as an hour."""


def parse_duration(text: str) -> float | None:
    """OpenAI's reset durations: `1s`, `6m0s`, `20ms`, `1h2m3.5s`; None if not one."""
    match = _DURATION_RE.match(text.strip())
    if not match or not any(match.groups()):
        return None
    hours, minutes, seconds, millis = (float(g) if g else 0.0 for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds + millis / 1000


def server_wait(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asks us to wait, or None when it does not say."""
    lower = {k.lower(): v for k, v in headers.items()}
    wait = None
    if "retry-after-ms" in lower:
        try:
            wait = float(lower["retry-after-ms"]) / 1000
        except ValueError:
            wait = None
    if wait is None and "retry-after" in lower:
        value = lower["retry-after"].strip()
        try:
            wait = float(value)
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(value)
                wait = when.timestamp() - (now if now is not None else time.time())
            except (TypeError, ValueError):
                wait = None
    if wait is None:
        for kind in ("requests", "tokens"):
            if lower.get(f"x-ratelimit-remaining-{kind}", "").strip() == "0":
                reset = parse_duration(lower.get(f"x-ratelimit-reset-{kind}", ""))
                if reset is not None:
                    wait = max(wait or 0.0, reset)
    if wait is None:
        return None
    return min(max(wait, 0.0), MAX_SERVER_WAIT)


class Backoff:
    """Exponential backoff with full jitter: attempt n waits up to base * 2**n seconds."""

    def __init__(
        self, base: float = 0.5, cap: float = 30.0, rng: random.Random | None = None
    ) -> None:
        self.base = base
        self.cap = cap
        self.rng = rng or random.Random()  # noqa: S311 (jitter, not cryptography)

    def delay(self, attempt: int) -> float:
        return self.rng.uniform(0, min(self.cap, self.base * 2**attempt))


class Concurrency:
    """The number of requests allowed in flight, fixed or adaptive, and a shared pause."""

    def __init__(self, limit: int | None, cap: int) -> None:
        self.adaptive = limit is None
        self.cap = max(1, cap)
        self.limit = min(self.cap, AUTO_START if limit is None else max(1, limit))
        self._credit = 0.0
        self._since_cut = self.limit  # the first 429 always cuts
        self.paused_until = 0.0
        self.peak = 0

    def succeeded(self) -> None:
        self._since_cut += 1
        if not self.adaptive or self.limit >= self.cap:
            return
        self._credit += 1 / self.limit
        if self._credit >= 1:
            self._credit = 0.0
            self.limit += 1

    def throttled(self) -> None:
        """A 429: halve, unless the last cut was less than one round of answers ago."""
        if self.adaptive and self._since_cut >= self.limit // 2:
            self.limit = max(1, self.limit // 2)
            self._credit = 0.0
            self._since_cut = 0

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)

    def wait_left(self) -> float:
        return max(0.0, self.paused_until - time.monotonic())

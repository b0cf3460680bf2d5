"""When to try again: exponential backoff with jitter, honouring the server's retry headers, within
a hard cap on attempts and on total waiting (DESIGN.md §2, API_RULES.md §13)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from collections.abc import Mapping


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 3
    """Attempts in total, the first included."""
    max_wait: float = 60.0
    """Seconds of waiting between attempts, summed over the whole replay."""
    base: float = 0.5
    cap: float = 8.0

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """``min(base·2^(n-1), cap)`` scaled by a jitter in [0.75, 1.0] (as the SDK does)."""
        r = (rng or random).uniform(0.75, 1.0)
        return min(self.base * 2 ** (attempt - 1), self.cap) * r


def header(headers: Mapping[str, str], name: str) -> str | None:
    for k, v in headers.items():
        if k.lower() == name:
            return v
    return None


def server_delay(headers: Mapping[str, str], now: datetime | None = None) -> tuple[float, str] | None:
    """The wait the server asked for: ``retry-after-ms`` first, then ``retry-after`` (seconds or an
    HTTP date).  Returns ``(seconds, which header)`` or None."""
    ms = header(headers, "retry-after-ms")
    if ms is not None:
        try:
            value = float(ms) / 1000
            if value >= 0:
                return value, f"retry-after-ms: {ms}"
        except ValueError:
            pass
    ra = header(headers, "retry-after")
    if ra is not None:
        try:
            value = float(ra)
            if value >= 0:
                return value, f"retry-after: {ra}"
        except ValueError:
            try:
                when = parsedate_to_datetime(ra)
            except (TypeError, ValueError):
                return None
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            now = now or datetime.now(timezone.utc)
            return max(0.0, (when - now).total_seconds()), f"retry-after: {ra}"
    return None


@dataclass(frozen=True, slots=True)
class Decision:
    retry: bool
    wait: float = 0.0
    reason: str = ""


def decide(policy: RetryPolicy, attempt: int, waited: float, headers: Mapping[str, str],
           rng: random.Random | None = None) -> Decision:
    """After a *transient* failure of attempt ``attempt``: retry, after how long, and why (not)."""
    should = (header(headers, "x-should-retry") or "").strip().lower()
    if should == "false":
        return Decision(False, reason="the server sent x-should-retry: false")
    if attempt >= policy.max_attempts:
        return Decision(False, reason=f"gave up after {attempt} attempt{'s' * (attempt != 1)} "
                                      f"(--max-attempts {policy.max_attempts})")
    asked = server_delay(headers)
    if asked is not None and asked[0] > 0:
        wait, why = asked[0], f"honouring {asked[1]}"
    else:
        wait, why = policy.backoff(attempt, rng), "exponential backoff with jitter"
    left = policy.max_wait - waited
    if wait > left:
        return Decision(False, wait, f"the next wait ({wait:.1f} s, {why}) exceeds what is left of "
                                     f"the wait budget ({max(left, 0):.1f} of {policy.max_wait:g} s)")
    return Decision(True, wait, why)

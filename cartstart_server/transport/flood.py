"""Flood control for one connection: a token bucket, and a strike count for closing abusers."""

from __future__ import annotations


class TokenBucket:
    """`rate` messages per second on average, bursts of up to `burst`."""

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._at = now
        self.strikes = 0

    def allow(self, now: float) -> bool:
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        if self._tokens >= 1:
            self._tokens -= 1
            return True
        self.strikes += 1
        return False

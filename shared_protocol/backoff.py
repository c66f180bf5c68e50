"""Growing pauses between retries: the one backoff rule of the Python code (hub and clients).

Attempt n waits up to `base * factor**(n-1)`, capped. With jitter (the default for anything a
crowd does at once, like reconnecting after a hub restart) the pause is uniform in
[base/2, that ceiling], which spreads the crowd over time; without it the pause is the ceiling
itself (schedules that tests and admins reason about, like webhook retries).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    base: float
    cap: float
    factor: float = 2.0
    jitter: bool = True

    def ceiling(self, attempt: int) -> float:
        """The longest pause before retry number `attempt` (1 for the first retry)."""
        return min(self.cap, self.base * self.factor ** min(max(attempt, 1) - 1, 64))

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        ceiling = self.ceiling(attempt)
        if not self.jitter:
            return ceiling
        return (rng or random).uniform(min(self.base / 2, ceiling), ceiling)

    def delays(self, rng: random.Random | None = None) -> Iterator[float]:
        """The pauses of retries 1, 2, 3, ... (restart the iterator after a success)."""
        attempt = 1
        while True:
            yield self.delay(attempt, rng)
            attempt += 1

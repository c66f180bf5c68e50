"""The one backoff rule of the Python code."""

from __future__ import annotations

import random

from shared_protocol.backoff import Backoff


def test_backoff_grows_to_the_cap_with_jitter() -> None:
    delays = Backoff(base=1.0, cap=8.0).delays(random.Random(1))
    values = [next(delays) for _ in range(20)]
    assert all(0.5 <= v <= 8.0 for v in values)
    assert max(values[:2]) <= 2.0
    assert len(set(values)) == len(values)


def test_without_jitter_the_schedule_is_exact_and_capped() -> None:
    webhooks = Backoff(base=2.0, cap=3600.0, jitter=False)
    assert [webhooks.delay(n) for n in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, 16.0]
    assert webhooks.delay(12) == 3600.0
    assert webhooks.delay(10_000) == 3600.0  # no overflow however long a store is down


def test_jitter_never_waits_longer_than_the_ceiling() -> None:
    quick = Backoff(base=0.2, cap=2.0)
    rng = random.Random(7)
    for attempt in range(1, 30):
        assert 0.1 <= quick.delay(attempt, rng) <= quick.ceiling(attempt) <= 2.0

"""Process-wide settings of a serving hub (`cartstart-server serve`), applied once it has started.

Garbage collection: with CPython's default thresholds (700, 10, 10) anything that lives longer
than a few milliseconds under load is promoted to the oldest generation. A hub's objects often
do: frames waiting in the desks' 250 ms gathering, roster entries and rate-limit records kept
until the next beat, history rows batched for 5 s. The oldest generation then grew fast enough
to be collected every ~15 s, and such a collection scans every object of every connection: 1.3 s
with 19,800 pages open, during which nothing is served (bench/presence.py `many`: p99 from a
page change to the desks 2.4 s). A young generation of 50,000 allocations lets those objects die
young: no full collection in the measured minute, p99 261 ms, and 22 % less CPU a report
(docs/benchmarks.md section 10)."""

from __future__ import annotations

import gc

YOUNG = 50_000  # allocations between collections of the youngest generation
MIDDLE = 20  # young collections between collections of the middle one
OLDEST = 10  # CPython's own (it also waits for the long-lived objects to grow by a quarter)


def tune_gc() -> None:
    # What import and start-up made lives as long as the process: never scanned again.
    gc.freeze()
    gc.set_threshold(YOUNG, MIDDLE, OLDEST)

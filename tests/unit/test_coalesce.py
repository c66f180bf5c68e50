"""The coalescing rule (domain/coalesce.py), driven by hand-set times: no clock, no loop."""

from __future__ import annotations

from itertools import pairwise

from cartstart_server.domain.coalesce import Coalescer

W = 0.1  # the window
T0 = 1000.0


class Out:
    """What reached the followers of each key, and when, as a caller of the rule would send."""

    def __init__(self, window: float) -> None:
        self.rule: Coalescer[str, int] = Coalescer(window)
        self.sent: list[tuple[float, str, int]] = []

    def change(self, key: str, version: int, now: float) -> None:
        self.tick(now)  # a real caller's timer would have fired by now
        value = self.rule.offer(key, version, version, now)
        if value is not None:
            self.sent.append((now, key, value))

    def tick(self, now: float) -> None:
        due = self.rule.next_due()
        while due is not None and due <= now:
            self.sent += [(due, k, v) for k, v in self.rule.due(due)]
            due = self.rule.next_due()

    def values(self, key: str = "p") -> list[int]:
        return [v for _, k, v in self.sent if k == key]


def test_a_lone_change_goes_out_at_once() -> None:
    out = Out(W)
    out.change("p", 1, T0)
    assert out.sent == [(T0, "p", 1)]
    assert out.rule.next_due() is None
    # Long after, the next lone change also goes at once.
    out.change("p", 2, T0 + 5)
    assert out.sent[-1] == (T0 + 5, "p", 2)


def test_a_burst_inside_a_window_sends_the_first_and_the_last_value() -> None:
    out = Out(W)
    for n in range(1, 21):
        out.change("p", n, T0 + n * 0.004)  # 20 changes within 80 ms
    assert out.values() == [1]  # the rest are held
    assert out.rule.next_due() == T0 + 0.004 + W
    out.tick(T0 + 1)
    assert out.values() == [1, 20]
    assert out.sent[-1][0] == T0 + 0.004 + W  # exactly when the first send's window ended


def test_a_long_burst_sends_about_once_per_window_and_ends_on_the_final_value() -> None:
    out = Out(W)
    for n in range(1, 501):  # 500 changes a second for one second
        out.change("p", n, T0 + n * 0.002)
    out.tick(T0 + 10)
    sent = out.values()
    assert sent[0] == 1 and sent[-1] == 500
    assert len(sent) <= 1 / W + 2
    times = [t for t, _, _ in out.sent]
    assert all(b - a >= W - 1e-9 for a, b in pairwise(times))


def test_versions_never_go_back() -> None:
    out = Out(W)
    out.change("p", 5, T0)
    out.change("p", 5, T0 + 1)  # equal: dropped, even after a quiet window
    out.change("p", 3, T0 + 2)  # older: dropped
    assert out.values() == [5]
    out.change("p", 9, T0 + 3)  # sent at once
    out.change("p", 12, T0 + 3.01)  # held
    out.change("p", 10, T0 + 3.02)  # older than the held value: dropped, the held one stays
    out.change("p", 12, T0 + 3.03)  # equal to the held value: dropped
    out.tick(T0 + 4)
    assert out.values() == [5, 9, 12]
    assert out.values() == sorted(set(out.values()))


def test_the_final_value_always_arrives_whatever_the_timing() -> None:
    for gap in (0.0, 0.001, 0.03, 0.05, 0.099, 0.1, 0.101, 0.2):
        out = Out(W)
        for n in range(1, 8):
            out.change("p", n, T0 + n * gap)
        out.tick(T0 + 100)
        assert out.values()[-1] == 7, gap
        assert out.rule.next_due() is None


def test_sold_and_back_in_stock_are_held_at_most_one_window() -> None:
    out = Out(W)
    out.change("p", 1, T0)  # 3 left: at once
    out.change("p", 2, T0 + 0.01)  # 2 left: held
    out.change("p", 3, T0 + 0.02)  # sold (0 left): replaces it
    out.tick(T0 + 0.02 + W)
    sold = next(t for t, _, v in out.sent if v == 3)
    assert sold - (T0 + 0.02) <= W
    out.change("p", 4, sold + 0.01)  # back in stock right after: held...
    out.tick(sold + 0.01 + W)
    back = next(t for t, _, v in out.sent if v == 4)
    assert back - (sold + 0.01) <= W  # ...at most one window
    assert back == sold + W  # a new window began with the held value's send


def test_keys_are_coalesced_independently() -> None:
    out = Out(W)
    out.change("a", 1, T0)
    out.change("b", 1, T0 + 0.01)  # another product: its own first change goes at once
    out.change("a", 2, T0 + 0.02)
    assert [(k, v) for _, k, v in out.sent] == [("a", 1), ("b", 1)]
    out.tick(T0 + 1)
    assert out.values("a") == [1, 2] and out.values("b") == [1]


def test_window_zero_sends_every_change() -> None:
    out = Out(0)
    for n in range(1, 51):
        out.change("p", n, T0)  # all at the same instant
    out.change("p", 50, T0)  # equal: still dropped
    assert out.values() == list(range(1, 51))
    assert out.rule.next_due() is None


def test_forgetting_a_key_keeps_nothing_of_it() -> None:
    out = Out(W)
    out.change("p", 1, T0)
    out.change("p", 2, T0 + 0.01)  # held
    out.rule.forget("p")
    assert len(out.rule) == 0 and out.rule.next_due() is None
    out.change("p", 3, T0 + 0.02)  # followed again: a first change, at once
    assert out.values() == [1, 3]

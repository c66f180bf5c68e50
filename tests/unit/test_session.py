"""Sans-I/O stream bookkeeping, without any network."""

from __future__ import annotations

import random

from shared_protocol.session import (
    InboundCursor,
    OutboxCursor,
    Verdict,
    can_replay,
    negotiate_version,
)


def test_version_negotiation_picks_the_highest_common() -> None:
    assert negotiate_version([1, 2, 3], [1, 2]) == 2
    assert negotiate_version([3], [1, 2]) is None


def test_outbox_cursor_sends_contiguous_frames_only() -> None:
    cursor = OutboxCursor[str](last_sent=3)
    cursor.offer(5, "f5")
    assert cursor.ready() == [] and cursor.needs_fetch()
    # The gap is read from storage; the frame already offered is not sent twice.
    assert cursor.fetched([(4, "f4"), (5, "f5")]) == ["f4", "f5"]
    assert cursor.last_sent == 5 and not cursor.needs_fetch()
    cursor.offer(5, "f5")  # a late duplicate
    cursor.offer(6, "f6")
    assert cursor.ready() == ["f6"]


def test_outbox_cursor_under_random_interleaving_delivers_each_seq_once_in_order() -> None:
    rng = random.Random(7)
    for _ in range(200):
        stored = [(s, f"f{s}") for s in range(1, 41)]
        resume = rng.randint(0, 10)
        cursor = OutboxCursor[str](resume)
        sent: list[str] = []
        live = stored[:]
        rng.shuffle(live)
        for seq, frame in live:
            cursor.offer(seq, frame)
            sent += cursor.ready()
            if cursor.needs_fetch() and rng.random() < 0.3:
                after = cursor.last_sent
                sent += cursor.fetched([r for r in stored if r[0] > after][: rng.randint(1, 5)])
        sent += cursor.fetched([r for r in stored if r[0] > cursor.last_sent])
        assert sent == [f"f{s}" for s in range(resume + 1, 41)]


def test_outbox_cursor_stops_at_a_hole_in_storage() -> None:
    cursor = OutboxCursor[str](last_sent=1)
    assert cursor.fetched([(4, "f4")]) == []
    assert cursor.last_sent == 1


def test_reset_after_snapshot_drops_older_pending() -> None:
    cursor = OutboxCursor[str](0)
    cursor.offer(2, "f2")
    cursor.offer(4, "f4")
    cursor.reset(3)
    assert cursor.ready() == ["f4"]


def test_inbound_cursor_classifies_and_batches_acks() -> None:
    cursor = InboundCursor(last_applied=10, ack_every=3, ack_delay=1.0)
    assert cursor.classify(10) is Verdict.DUPLICATE
    assert cursor.classify(12) is Verdict.GAP
    assert cursor.classify(11) is Verdict.APPLY
    cursor.applied(11, now=100.0)
    assert cursor.ack_due(100.0) is None
    assert cursor.ack_due(101.0) == 11  # quiet for ack_delay
    cursor.acked(11)
    for seq in (12, 13, 14):
        cursor.applied(seq, now=102.0)
    assert cursor.ack_due(102.0) == 14  # ack_every reached
    cursor.acked(14)
    assert cursor.ack_due(200.0) is None


def test_can_replay_only_what_is_still_stored() -> None:
    assert can_replay(5, head_seq=9, acked_seq=3)
    assert can_replay(3, head_seq=9, acked_seq=3)
    assert not can_replay(2, head_seq=9, acked_seq=3)  # 3 is forgotten
    assert not can_replay(10, head_seq=9, acked_seq=3)  # from another hub's history
    assert not can_replay(None, head_seq=9, acked_seq=0)


def test_fresh_drops_duplicates_and_stops_at_gaps_without_moving() -> None:
    import pytest

    from shared_protocol.session import StreamGap

    cursor = InboundCursor(last_applied=5)
    assert cursor.fresh([4, 5, 6, 7, 6]) == [6, 7]
    assert cursor.last_applied == 5  # nothing applied until the caller says so
    with pytest.raises(StreamGap):
        cursor.fresh([6, 8])

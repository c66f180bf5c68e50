"""Sans-I/O bookkeeping for the durable streams (cart and store outboxes), shared by hub and clients.

No sockets, no asyncio: the hub's transports and the clients feed these objects events and do what
they say. That keeps "each message once, in order, across reconnects and WS/poll switches" in one
place that is tested without a network.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Generic, TypeVar

F = TypeVar("F")  # a frame, as the hub holds it

SUPPORTED_VERSIONS: tuple[int, ...] = (1,)
PROTOCOL_VERSION = max(SUPPORTED_VERSIONS)


def negotiate_version(
    offered: Iterable[int], supported: Iterable[int] = SUPPORTED_VERSIONS
) -> int | None:
    """The highest version both sides speak, or None."""
    common = set(offered) & set(supported)
    return max(common) if common else None


class OutboxCursor(Generic[F]):
    """The hub's view of one connection's position in an outbox.

    Live messages (published after a commit) are offered as they come; they may arrive while a
    replay from storage is under way, or after a gap (another hub node committed first). `ready()`
    hands out only the next contiguous frames; when the cursor sees a gap it asks for a fetch from
    storage, whose rows go through `fetched()`. Nothing is ever sent twice or out of order.
    """

    def __init__(self, last_sent: int) -> None:
        self.last_sent = last_sent
        self._pending: dict[int, F] = {}

    def offer(self, seq: int, frame: F) -> None:
        if seq > self.last_sent:
            self._pending[seq] = frame

    def reset(self, last_sent: int) -> None:
        """The client's state now reflects everything up to `last_sent` (e.g. after a snapshot)."""
        self.last_sent = max(self.last_sent, last_sent)
        for seq in [s for s in self._pending if s <= self.last_sent]:
            del self._pending[seq]

    def ready(self) -> list[F]:
        out: list[F] = []
        while (frame := self._pending.pop(self.last_sent + 1, None)) is not None:
            out.append(frame)
            self.last_sent += 1
        return out

    def needs_fetch(self) -> bool:
        """True when something newer than the next seq is waiting: the gap must be read."""
        return bool(self._pending) and min(self._pending) > self.last_sent + 1

    def fetched(self, rows: Iterable[tuple[int, F]]) -> list[F]:
        """Rows read from storage (seq ascending, starting after `last_sent`)."""
        out: list[F] = []
        for seq, frame in rows:
            if seq == self.last_sent + 1:
                out.append(frame)
                self.last_sent = seq
            elif seq > self.last_sent + 1:
                break  # storage itself has a hole (pruned): the caller must snapshot
        for seq in [s for s in self._pending if s <= self.last_sent]:
            del self._pending[seq]
        return out + self.ready()


class Verdict(Enum):
    APPLY = "apply"
    DUPLICATE = "duplicate"
    GAP = "gap"


class StreamGap(Exception):
    """A seq was skipped: the client should reconnect and resume from what it applied."""


class InboundCursor:
    """A client's position in its own outbox: what it has applied and what it has acked.

    Acks are batched: one ack per `ack_every` messages or after `ack_delay` seconds of quiet, so a
    burst costs one ack frame, not one per message.
    """

    def __init__(
        self, last_applied: int = 0, *, ack_every: int = 32, ack_delay: float = 1.0
    ) -> None:
        self.last_applied = last_applied
        self.last_acked = last_applied
        self.ack_every = ack_every
        self.ack_delay = ack_delay
        self._first_unacked_at: float | None = None

    def classify(self, seq: int) -> Verdict:
        if seq <= self.last_applied:
            return Verdict.DUPLICATE
        if seq == self.last_applied + 1:
            return Verdict.APPLY
        return Verdict.GAP

    def fresh(self, seqs: Iterable[int]) -> list[int]:
        """Of these seqs, in arrival order, the ones to apply: duplicates are dropped, a gap
        raises StreamGap. The cursor does not move: call `applied` once they are stored."""
        out: list[int] = []
        expected = self.last_applied + 1
        for seq in seqs:
            if seq < expected:
                continue
            if seq > expected:
                raise StreamGap(f"seq {seq} arrived while {expected} was expected")
            out.append(seq)
            expected += 1
        return out

    def applied(self, seq: int, now: float) -> None:
        self.last_applied = seq
        if self._first_unacked_at is None:
            self._first_unacked_at = now

    def reset(self, head_seq: int, now: float) -> None:
        """After a snapshot: everything up to `head_seq` is reflected in the client's state."""
        self.applied(max(head_seq, self.last_applied), now)

    def ack_due(self, now: float) -> int | None:
        if self.last_applied <= self.last_acked:
            return None
        first = self._first_unacked_at if self._first_unacked_at is not None else now
        if self.last_applied - self.last_acked >= self.ack_every or now - first >= self.ack_delay:
            return self.last_applied
        return None

    def acked(self, seq: int) -> None:
        self.last_acked = max(self.last_acked, seq)
        if self.last_acked >= self.last_applied:
            self._first_unacked_at = None


def can_replay(resume_from: int | None, head_seq: int, acked_seq: int) -> bool:
    """Whether a client resuming after `resume_from` can be sent the missed messages one by one.

    The outbox keeps everything after `acked_seq`; a client that asks for less (another device of
    the same cart acked past it) or for more than exists (its state is from a different hub) must
    take a snapshot instead.
    """
    return resume_from is not None and acked_seq <= resume_from <= head_seq

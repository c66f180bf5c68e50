"""Durable per-owner streams (`domain.topics.cart_stream` / `store_stream`), each with a gap-free
seq. A frame is encoded once, here, and published as it was stored."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

from pydantic import BaseModel

from ..domain.topics import Frame, Hold
from .sql import Effects, Plan, Stmt, one

# (stream, the message given its seq, the holds it changes: a cart event's tickets)
Message = tuple[str, Callable[[int], BaseModel], tuple[Hold, ...]]


def append(
    fx: Effects,
    stream: str,
    build: Callable[[int], BaseModel],
    now: float,
    holds: tuple[Hold, ...] = (),
) -> Plan[int]:
    """Give the next seq of `stream` to the message `build(seq)` and store it with the
    transaction."""
    seqs = yield from append_all(fx, [(stream, build, holds)], now)
    return seqs[0]


def append_all(fx: Effects, messages: Sequence[Message], now: float) -> Plan[list[int]]:
    """`append` for messages to different streams, in two statements whatever their number."""
    streams = tuple(stream for stream, _, _ in messages)
    assert len(set(streams)) == len(streams), "one message per stream"
    heads_sql, rows_sql = _append_sql(len(streams))
    rows = yield Stmt(heads_sql, streams)
    seq_of = {r["owner"]: int(r["head_seq"]) for r in rows}
    entries = [(stream, Frame(build(seq_of[stream]).model_dump_json(), seq_of[stream], 0, holds))
               for stream, build, holds in messages]  # fmt: skip
    yield Stmt(rows_sql, tuple(v for stream, f in entries for v in (stream, f.seq, f.text, now)))
    fx.streams.extend(entries)
    return [f.seq for _, f in entries]


@cache
def _append_sql(count: int) -> tuple[str, str]:
    """The two statements of `append_all` for `count` streams (the same few every time)."""
    heads = (
        "INSERT INTO streams (owner, head_seq) VALUES "
        + ", ".join(["(?, 1)"] * count)
        + " ON CONFLICT (owner) DO UPDATE SET head_seq = streams.head_seq + 1 "
        "RETURNING owner, head_seq"
    )
    rows = "INSERT INTO outbox (owner, seq, frame, created_at) VALUES " + ", ".join(
        ["(?, ?, ?, ?)"] * count
    )
    return heads, rows


def stream_state(stream: str) -> Plan[tuple[int, int]]:
    """(head_seq, acked_seq) of a stream; (0, 0) if it has never had a message."""
    row = one((yield Stmt("SELECT head_seq, acked_seq FROM streams WHERE owner = ?", (stream,))))
    return (int(row["head_seq"]), int(row["acked_seq"])) if row else (0, 0)


def read_after(stream: str, after: int, limit: int) -> Plan[list[tuple[int, str]]]:
    rows = yield Stmt(
        "SELECT seq, frame FROM outbox WHERE owner = ? AND seq > ? ORDER BY seq LIMIT ?",
        (stream, after, limit),
    )
    return [(int(r["seq"]), str(r["frame"])) for r in rows]


def ack(stream: str, seq: int) -> Plan[None]:
    """Forget messages up to `seq` (never beyond the head: a client cannot ack the future)."""
    yield Stmt(
        "UPDATE streams SET acked_seq = CASE WHEN acked_seq < ? THEN ? ELSE acked_seq END "
        "WHERE owner = ? AND head_seq >= ?",
        (seq, seq, stream, seq),
    )
    yield Stmt("DELETE FROM outbox WHERE owner = ? AND seq <= ?", (stream, seq))


def depth() -> Plan[int]:
    rows = yield Stmt("SELECT COUNT(*) AS n FROM outbox")
    return int(rows[0]["n"])

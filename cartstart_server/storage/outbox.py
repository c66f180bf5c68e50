"""Durable per-owner streams: `cart:<id>` and `store:<id>`, each with a gap-free seq."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel

from .sql import Effects, OutboxEntry, Plan, Stmt, one


def cart_owner(cart_id: str) -> str:
    return f"cart:{cart_id}"


def store_owner(store_id: str) -> str:
    return f"store:{store_id}"


def append(fx: Effects, owner: str, build: Callable[[int], BaseModel], now: float) -> Plan[int]:
    """Give the next seq of `owner` to the message `build(seq)` and store it with the transaction."""
    seqs = yield from append_all(fx, [(owner, build)], now)
    return seqs[0]


def append_all(
    fx: Effects, messages: Sequence[tuple[str, Callable[[int], BaseModel]]], now: float
) -> Plan[list[int]]:
    """`append` for messages to different owners, in two statements whatever their number."""
    owners = [owner for owner, _ in messages]
    assert len(set(owners)) == len(owners), "one message per owner"
    rows = yield Stmt(
        "INSERT INTO streams (owner, head_seq) VALUES "
        + ", ".join(["(?, 1)"] * len(owners))
        + " ON CONFLICT (owner) DO UPDATE SET head_seq = streams.head_seq + 1 "
        "RETURNING owner, head_seq",
        tuple(owners),
    )
    seq_of = {r["owner"]: int(r["head_seq"]) for r in rows}
    entries = [OutboxEntry(owner, seq_of[owner], build(seq_of[owner]).model_dump_json())
               for owner, build in messages]  # fmt: skip
    yield Stmt(
        "INSERT INTO outbox (owner, seq, frame, created_at) VALUES "
        + ", ".join(["(?, ?, ?, ?)"] * len(entries)),
        tuple(v for e in entries for v in (e.owner, e.seq, e.frame, now)),
    )
    fx.outbox.extend(entries)
    return [e.seq for e in entries]


def stream_state(owner: str) -> Plan[tuple[int, int]]:
    """(head_seq, acked_seq) of a stream; (0, 0) if it has never had a message."""
    row = one((yield Stmt("SELECT head_seq, acked_seq FROM streams WHERE owner = ?", (owner,))))
    return (int(row["head_seq"]), int(row["acked_seq"])) if row else (0, 0)


def read_after(owner: str, after: int, limit: int) -> Plan[list[tuple[int, str]]]:
    rows = yield Stmt(
        "SELECT seq, frame FROM outbox WHERE owner = ? AND seq > ? ORDER BY seq LIMIT ?",
        (owner, after, limit),
    )
    return [(int(r["seq"]), str(r["frame"])) for r in rows]


def ack(owner: str, seq: int) -> Plan[None]:
    """Forget messages up to `seq` (never beyond the head: a client cannot ack the future)."""
    yield Stmt(
        "UPDATE streams SET acked_seq = CASE WHEN acked_seq < ? THEN ? ELSE acked_seq END "
        "WHERE owner = ? AND head_seq >= ?",
        (seq, seq, owner, seq),
    )
    yield Stmt("DELETE FROM outbox WHERE owner = ? AND seq <= ?", (owner, seq))


def depth() -> Plan[int]:
    rows = yield Stmt("SELECT COUNT(*) AS n FROM outbox")
    return int(rows[0]["n"])


def frames_json(frames: list[str], **extra: Any) -> str:
    """A JSON object holding already-encoded frames, without decoding and re-encoding them."""
    head = json.dumps(extra)[1:-1]
    return '{"messages":[' + ",".join(frames) + "]" + ("," + head if head else "") + "}"

"""The revocation journal: one row per credential revoked or replaced, written in the same
transaction as the revocation, so every hub process (another node, or the command line beside a
running hub) learns of it by reading what it has not read yet."""

from __future__ import annotations

from collections.abc import Iterable

from .sql import Plan, Stmt, one


def record(topics: Iterable[str], now: float) -> Plan[None]:
    for topic in topics:
        yield Stmt("INSERT INTO revocations (topic, at) VALUES (?, ?)", (topic, now))


def after(last_id: int) -> Plan[tuple[int, list[str]]]:
    """The topics recorded after `last_id`, and the newest id read."""
    rows = yield Stmt(
        "SELECT id, topic FROM revocations WHERE id > ? ORDER BY id LIMIT 1000", (last_id,)
    )
    return (int(rows[-1]["id"]) if rows else last_id), [str(r["topic"]) for r in rows]


def newest() -> Plan[int]:
    row = one((yield Stmt("SELECT MAX(id) AS id FROM revocations")))
    return int(row["id"]) if row and row["id"] is not None else 0


def prune(before: float) -> Plan[None]:
    yield Stmt("DELETE FROM revocations WHERE at < ?", (before,))

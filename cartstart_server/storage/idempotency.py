"""Commands carry a client-chosen id; the first result is stored with the command's own
transaction, so a retry (after a lost reply, a reconnect or a hub crash) gets that result back and
changes nothing. A failed command stores nothing: it changed nothing and may be retried."""

from __future__ import annotations

import hashlib
from typing import TypeVar

from pydantic import TypeAdapter

from ..domain.commands import reused_command_id
from .sql import Plan, Stmt, one

T = TypeVar("T")


def request_hash(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def once(
    principal: str,
    key: str,
    body_hash: str,
    plan: Plan[T],
    adapter: TypeAdapter[T],
    now: float,
) -> Plan[T]:
    row = one(
        (
            yield Stmt(
                "SELECT request_hash, response FROM idempotency WHERE principal = ? AND key = ?",
                (principal, key),
            )
        )
    )
    if row is not None:
        plan.close()
        if row["request_hash"] != body_hash:
            raise reused_command_id(key)
        return adapter.validate_json(row["response"])
    result = yield from plan
    yield Stmt(
        "INSERT INTO idempotency (principal, key, request_hash, response, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (principal, key, body_hash, adapter.dump_json(result).decode(), now),
    )
    return result


def prune(before: float) -> Plan[int]:
    rows = yield Stmt("DELETE FROM idempotency WHERE created_at < ? RETURNING key", (before,))
    return len(rows)

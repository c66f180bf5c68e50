"""The hub admin's API tokens (`csh.<id>.<secret>`): only the secret's hash is kept."""

from __future__ import annotations

from .sql import Plan, Row, Stmt, one


def add_token(
    token_id: str, secret_hash: str, label: str, now: float, expires_at: float
) -> Plan[None]:
    yield Stmt(
        "INSERT INTO hub_admin_tokens (id, secret_hash, label, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (token_id, secret_hash, label, now, expires_at),
    )


def token(token_id: str) -> Plan[Row | None]:
    return one((yield Stmt("SELECT * FROM hub_admin_tokens WHERE id = ?", (token_id,))))


def tokens() -> Plan[list[Row]]:
    return (yield Stmt("SELECT * FROM hub_admin_tokens ORDER BY created_at DESC, id"))


def revoke(token_id: str, now: float) -> Plan[bool]:
    row = one(
        (
            yield Stmt(
                "UPDATE hub_admin_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL "
                "RETURNING id",
                (now, token_id),
            )
        )
    )
    return row is not None

"""Counting sign-in attempts per (store, email) in the shared database, so every hub node sees
the same count (docs/agents.md, "Sign-in throttling"). Only a hash of the pair is kept: no
stranger's email is stored for having been tried."""

from __future__ import annotations

from .sql import Plan, Stmt, one


def counted(key_hash: str, now: float, window: float) -> Plan[tuple[int, float]]:
    """Count one attempt, atomically on both engines (concurrent attempts each get their own
    number): the number of this attempt in its window, and when that window started. A window
    older than `window` starts again at this attempt."""
    stale = now - window
    row = one(
        (
            yield Stmt(
                "INSERT INTO sign_in_attempts (key_hash, attempts, window_start) VALUES (?, 1, ?) "
                "ON CONFLICT (key_hash) DO UPDATE SET "
                "attempts = CASE WHEN sign_in_attempts.window_start <= ? THEN 1 "
                "ELSE sign_in_attempts.attempts + 1 END, "
                "window_start = CASE WHEN sign_in_attempts.window_start <= ? "
                "THEN excluded.window_start ELSE sign_in_attempts.window_start END "
                "RETURNING attempts, window_start",
                (key_hash, now, stale, stale),
            )
        )
    )
    assert row is not None
    return int(row["attempts"]), float(row["window_start"])


def cleared(key_hash: str) -> Plan[None]:
    yield Stmt("DELETE FROM sign_in_attempts WHERE key_hash = ?", (key_hash,))


def prune(before: float) -> Plan[int]:
    """Forget windows that started before `before` (they count for nothing any more)."""
    rows = yield Stmt(
        "DELETE FROM sign_in_attempts WHERE window_start < ? RETURNING key_hash", (before,)
    )
    return len(rows)

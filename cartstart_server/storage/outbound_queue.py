"""The webhook and mail queues: rows written by order transactions, worked off after commit."""

from __future__ import annotations

from .sql import Plan, Row, Stmt


def due_webhooks(now: float) -> Plan[list[Row]]:
    """Each store's oldest undelivered webhook, if its time has come, to the store's webhook URL
    and secret as they are now: a store gets its orders in order, so a failing one holds back
    the ones after it. A store with webhooks turned off keeps them waiting until it sets a URL."""
    return (
        yield Stmt(
            "SELECT q.id, q.store_id, q.body, q.attempts, s.webhook_url AS url, s.webhook_secret "
            "FROM webhook_queue q JOIN stores s ON s.id = q.store_id "
            "WHERE q.id IN (SELECT MIN(id) FROM webhook_queue WHERE delivered_at IS NULL "
            "GROUP BY store_id) AND q.next_try_at <= ? AND s.webhook_url IS NOT NULL "
            "ORDER BY q.id",
            (now,),
        )
    )


def claim_webhook(row_id: int, url: str, now: float, lease: float) -> Plan[bool]:
    """Take a due webhook for `lease` seconds, so another hub node does not send it too; it
    records the URL it is sent to."""
    rows = yield Stmt(
        "UPDATE webhook_queue SET next_try_at = ?, url = ? WHERE id = ? AND next_try_at <= ? "
        "AND delivered_at IS NULL RETURNING id",
        (now + lease, url, row_id, now),
    )
    return bool(rows)


def claim_mail(row_id: int, now: float, lease: float) -> Plan[bool]:
    rows = yield Stmt(
        "UPDATE mail_queue SET next_try_at = ? WHERE id = ? AND next_try_at <= ? "
        "AND sent_at IS NULL RETURNING id",
        (now + lease, row_id, now),
    )
    return bool(rows)


def webhook_delivered(row_id: int, now: float) -> Plan[None]:
    yield Stmt(
        "UPDATE webhook_queue SET delivered_at = ?, attempts = attempts + 1 WHERE id = ?",
        (now, row_id),
    )


def webhook_failed(row_id: int, next_try_at: float, error: str) -> Plan[None]:
    yield Stmt(
        "UPDATE webhook_queue SET attempts = attempts + 1, next_try_at = ?, last_error = ? "
        "WHERE id = ?",
        (next_try_at, error[:500], row_id),
    )


def due_mail(now: float, limit: int = 20) -> Plan[list[Row]]:
    return (
        yield Stmt(
            "SELECT * FROM mail_queue WHERE sent_at IS NULL AND next_try_at <= ? "
            "ORDER BY id LIMIT ?",
            (now, limit),
        )
    )


def mail_sent(row_id: int, now: float, note: str | None = None) -> Plan[None]:
    yield Stmt(
        "UPDATE mail_queue SET sent_at = ?, attempts = attempts + 1, last_error = ? WHERE id = ?",
        (now, note, row_id),
    )


def mail_failed(row_id: int, next_try_at: float, error: str) -> Plan[None]:
    yield Stmt(
        "UPDATE mail_queue SET attempts = attempts + 1, next_try_at = ?, last_error = ? "
        "WHERE id = ?",
        (next_try_at, error[:500], row_id),
    )


def next_attempt() -> Plan[float | None]:
    """When the next queued webhook or email is due (None: nothing queued; webhooks of a store
    with webhooks turned off wait for a URL, and wake nobody)."""
    rows = yield Stmt(
        "SELECT MIN(t) AS t FROM (SELECT MIN(q.next_try_at) AS t FROM webhook_queue q "
        "JOIN stores s ON s.id = q.store_id WHERE q.delivered_at IS NULL "
        "AND s.webhook_url IS NOT NULL UNION ALL SELECT MIN(next_try_at) FROM mail_queue "
        "WHERE sent_at IS NULL) AS due"
    )
    value = rows[0]["t"] if rows else None
    return None if value is None else float(value)


def queued_mail(to_addr: str, subject: str, body: str, now: float) -> Plan[None]:
    yield Stmt(
        "INSERT INTO mail_queue (to_addr, subject, body, created_at, next_try_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (to_addr, subject, body, now, now),
    )


def webhooks_of(store_id: str, limit: int) -> Plan[list[Row]]:
    """A store's webhooks, newest first, delivered or not."""
    return (
        yield Stmt(
            "SELECT * FROM webhook_queue WHERE store_id = ? ORDER BY id DESC LIMIT ?",
            (store_id, limit),
        )
    )

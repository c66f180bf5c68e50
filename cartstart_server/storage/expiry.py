"""Deadlines: expire the holds whose time is up, and warn those about to expire."""

from __future__ import annotations

from shared_protocol.cart import TicketExpired, TicketExpiringSoon
from shared_protocol.store import TicketChange

from .directory import StoreRow, require_store
from .holds import give_back, product_row, stock_changed, tell
from .sql import Effects, Plan, Stmt, one


def process_due(fx: Effects, *, now: float, limit: int) -> Plan[tuple[int, int]]:
    """Expire held tickets whose deadline has passed and warn those about to expire; returns
    (expired, warned).

    Each UPDATE re-checks state and deadline, so a ticket expires exactly once even when two hub
    nodes (or a restarted hub) process the same deadline.
    """
    stores: dict[str, StoreRow] = {}

    def store_of(store_id: str) -> Plan[StoreRow]:
        if store_id not in stores:
            stores[store_id] = yield from require_store(store_id)
        return stores[store_id]

    expired = warned = 0
    due = yield Stmt(
        "SELECT id, qty FROM tickets WHERE state = 'held' AND expires_at <= ? "
        "ORDER BY expires_at LIMIT ?",
        (now, limit),
    )
    for candidate in due:
        ticket = one(
            (
                yield Stmt(
                    "UPDATE tickets SET state = 'expired', version = version + 1, updated_at = ? "
                    "WHERE id = ? AND state = 'held' AND expires_at <= ? RETURNING *",
                    (now, candidate["id"], now),
                )
            )
        )
        if ticket is None:
            continue
        product = yield from give_back(ticket["store_id"], ticket["product_id"], ticket["qty"], now)
        store = yield from store_of(ticket["store_id"])
        yield from tell(
            fx,
            ticket,
            product,
            store,
            lambda seq, v: TicketExpired(seq=seq, ticket=v),
            TicketChange.EXPIRED,
            now,
        )
        stock_changed(fx, product)
        expired += 1
    warn = yield Stmt(
        "SELECT id FROM tickets WHERE state = 'held' AND warned = 0 AND warn_at <= ? "
        "ORDER BY warn_at LIMIT ?",
        (now, limit),
    )
    for candidate in warn:
        ticket = one(
            (
                yield Stmt(
                    "UPDATE tickets SET warned = 1 WHERE id = ? AND warned = 0 AND state = 'held' "
                    "RETURNING *",
                    (candidate["id"],),
                )
            )
        )
        if ticket is None:
            continue
        shown = yield from product_row(ticket["store_id"], ticket["product_id"])
        assert shown is not None
        store = yield from store_of(ticket["store_id"])
        yield from tell(
            fx,
            ticket,
            shown,
            store,
            lambda seq, v: TicketExpiringSoon(seq=seq, ticket=v),
            None,
            now,
        )
        warned += 1
    return expired, warned


def next_deadline() -> Plan[float | None]:
    """The earliest moment the ledger needs attention: an expiry or a warning."""
    rows = yield Stmt(
        "SELECT MIN(expires_at) AS t FROM tickets WHERE state = 'held' "
        "UNION ALL SELECT MIN(warn_at) AS t FROM tickets WHERE state = 'held' AND warned = 0"
    )
    times = [float(r["t"]) for r in rows if r["t"] is not None]
    return min(times) if times else None

"""Live-selling sessions as plans: start, chat, read marks, the counter, attach, delete, and the
session's snapshot. Boards, uploads and the gallery's search are in `boards.py`.

Every durable event of a session is appended to its one stream (`domain.topics.live_stream`),
which both sides read with the same seq; the stream is never trimmed by acks (a session is
small, and either side may come back days later), and is deleted with the session.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel

from shared_protocol.cart import ItemAdded
from shared_protocol.common import TicketView
from shared_protocol.live import (
    ChatLine,
    LiveProduct,
    Presented,
    ProductPresented,
    ReadMarked,
    Said,
    SessionAttached,
    SessionInfo,
    Side,
)
from shared_protocol.orders import OrderView

from ..domain import selling as rules
from ..domain.topics import cart_stream, guest_cart, live_stream
from . import credit, outbox
from .directory import StoreRow, require_store
from .holds import product_row
from .ledger import release
from .sql import Effects, Plan, Row, Stmt, one
from .views import availability, ticket_view


@dataclass(frozen=True)
class SessionRow:
    id: str
    store_id: str
    secret_hash: str
    label: str
    account_id: str | None
    created_at: float
    last_activity_at: float
    visitor_read: int
    store_read: int
    lead: Side
    visitor_id: str | None  # started from the store's page (the talk panel): who, where
    origin: str | None
    page_url: str | None
    agent_id: str | None  # the agent who took the conversation (storage/claims.py)

    @classmethod
    def of(cls, row: Row) -> SessionRow:
        return cls(**{k: row[k] for k in cls.__dataclass_fields__})

    @property
    def cart_id(self) -> str:
        """Where the session's tickets are: the attached cart, or the session's guest cart."""
        return self.account_id or guest_cart(self.id)

    def info(self, store: StoreRow) -> SessionInfo:
        return SessionInfo(
            session_id=self.id,
            store_id=self.store_id,
            store_name=store.name,
            label=self.label,
            created_at=self.created_at,
            last_activity_at=self.last_activity_at,
            attached=self.account_id is not None,
            page_url=self.page_url,
        )


# ---- settings ------------------------------------------------------------------------------


# ---- sessions ------------------------------------------------------------------------------


def start(
    store_id: str,
    session_id: str,
    secret_hash: str,
    label: str,
    now: float,
    page: tuple[str | None, str, str] | None = None,
) -> Plan[None]:
    """`page`: started from the store's page (visitor id, origin, page address)."""
    visitor_id, origin, page_url = page or (None, None, None)
    yield Stmt(
        "INSERT INTO live_sessions (id, store_id, secret_hash, label, created_at, "
        "last_activity_at, visitor_id, origin, page_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (session_id, store_id, secret_hash, label, now, now, visitor_id, origin, page_url),
    )


def session(session_id: str) -> Plan[SessionRow | None]:
    row = one((yield Stmt("SELECT * FROM live_sessions WHERE id = ?", (session_id,))))
    return SessionRow.of(row) if row else None


@dataclass(frozen=True)
class Tombstone:
    """What is kept of a deleted session: that it existed, whose it was, who deleted it."""

    store_id: str
    secret_hash: str
    by: Side


def tombstone(session_id: str) -> Plan[Tombstone | None]:
    row = one((yield Stmt("SELECT * FROM live_deleted WHERE id = ?", (session_id,))))
    return Tombstone(row["store_id"], row["secret_hash"], row["by_side"]) if row else None


def require_session(session_id: str) -> Plan[SessionRow]:
    """A live session; a deleted one is `gone` (callers check first that the asker may know)."""
    found = yield from session(session_id)
    if found is None:
        stone = yield from tombstone(session_id)
        raise rules.session_deleted(stone.by) if stone else rules.no_session()
    return found


def append(
    fx: Effects, session_id: str, build: Callable[[int], BaseModel], now: float
) -> Plan[int]:
    """A durable event of the session; its activity time moves with it."""
    yield Stmt("UPDATE live_sessions SET last_activity_at = ? WHERE id = ?", (now, session_id))
    return (yield from outbox.append(fx, live_stream(session_id), build, now))


def head(session_id: str) -> Plan[tuple[int, int]]:
    return (yield from outbox.stream_state(live_stream(session_id)))


def set_lead(session_id: str, side: Side) -> Plan[None]:
    yield Stmt("UPDATE live_sessions SET lead = ? WHERE id = ?", (side, session_id))


def require_session_ticket(s: SessionRow, ticket_id: str) -> Plan[Row]:
    """A ticket of this session's cart (any other looks like none)."""
    row = one(
        (yield Stmt("SELECT * FROM tickets WHERE id = ? AND session_id = ?", (ticket_id, s.id)))
    )
    if row is None:
        raise rules.not_in_session(ticket_id)
    return row


# ---- chat and read marks ---------------------------------------------------------------------


def say(
    fx: Effects, s: SessionRow, author: Side, message_id: str, text: str, now: float
) -> Plan[ChatLine]:
    if author == "visitor":
        rows = yield Stmt(
            "SELECT COUNT(*) AS n FROM live_messages WHERE session_id = ? AND author = ? "
            "AND at > ?",
            (s.id, author, now - rules.RATE_WINDOW),
        )
        rules.rate_limited("messages", int(rows[0]["n"]), rules.CHAT_PER_WINDOW)
    line: list[ChatLine] = []

    def said(seq: int) -> Said:
        line.append(ChatLine(message_id=message_id, seq=seq, author=author, text=text, at=now))
        return Said(seq=seq, message=line[0])

    seq = yield from append(fx, s.id, said, now)
    yield Stmt(
        "INSERT INTO live_messages (session_id, seq, message_id, author, body, at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (s.id, seq, message_id, author, text, now),
    )
    return line[0]


def mark_read(fx: Effects, s: SessionRow, side: Side, up_to: int, now: float) -> Plan[int]:
    """Move this side's read mark forward (never back, never past the stream's head)."""
    head, _ = yield from outbox.stream_state(live_stream(s.id))
    up_to = min(up_to, head)
    column = f"{side}_read"  # a Side: one of two fixed column names
    if up_to <= getattr(s, column):
        return int(getattr(s, column))
    yield Stmt(f"UPDATE live_sessions SET {column} = ? WHERE id = ?", (up_to, s.id))
    yield from outbox.append(
        fx,
        live_stream(s.id),
        lambda seq: ReadMarked(seq=seq, side=side, up_to=up_to),
        now,
    )
    return up_to


# ---- the counter -----------------------------------------------------------------------------


def live_product(row: Row) -> LiveProduct:
    return LiveProduct(
        product_id=row["product_id"],
        name=row["name"],
        code=row["code"],
        price={"amount": row["price_amount"], "currency": row["currency"]},
        image_url=row["image_url"],
        page_url=row["page_url"],
        tags=json.loads(row["tags"] or "[]"),
        available=availability(row).available,
    )


def find_product(store_id: str, wanted: str) -> Plan[Row]:
    """A product on sale, by its id, its code, or the address of its page."""
    ident = rules.product_in_url(wanted) or wanted.strip()
    row = one(
        (
            yield Stmt(
                "SELECT * FROM products WHERE store_id = ? AND active = 1 AND "
                "(product_id = ? OR code = ? OR page_url = ?) "
                "ORDER BY product_id = ? DESC LIMIT 1",
                (store_id, ident, wanted.strip(), wanted.strip(), ident),
            )
        )
    )
    if row is None:
        raise rules.no_product(wanted.strip()[:100])
    return row


def present(fx: Effects, s: SessionRow, product: Row, now: float) -> Plan[Presented]:
    item = Presented(product=live_product(product), at=now)
    yield Stmt(
        "INSERT INTO live_counter (session_id, product_id, at) VALUES (?, ?, ?) "
        "ON CONFLICT (session_id, product_id) DO UPDATE SET at = excluded.at",
        (s.id, product["product_id"], now),
    )
    yield from append(fx, s.id, lambda seq: ProductPresented(seq=seq, item=item), now)
    return item


# ---- attach and delete -------------------------------------------------------------------------


def attach(fx: Effects, s: SessionRow, account_id: str, now: float) -> Plan[None]:
    """The visitor's desktop cart takes the session: its held items move into that cart (the
    same tickets: one cart, never two copies), and the session says so."""
    if s.account_id == account_id:
        return
    if s.account_id is not None:
        raise rules.attached_elsewhere()
    store = yield from require_store(s.store_id)
    moved = yield Stmt(
        "UPDATE tickets SET cart_id = ?, version = version + 1, updated_at = ? "
        "WHERE session_id = ? AND cart_id = ? RETURNING *",
        (account_id, now, s.id, guest_cart(s.id)),
    )
    yield Stmt("UPDATE live_sessions SET account_id = ? WHERE id = ?", (account_id, s.id))
    for ticket in moved:
        if ticket["state"] != "held":
            continue
        product = yield from product_row(ticket["store_id"], ticket["product_id"])
        assert product is not None
        yield from outbox.append(
            fx, cart_stream(account_id), _added(ticket_view(ticket, product, store)), now
        )
    yield from append(fx, s.id, lambda seq: SessionAttached(seq=seq), now)


def _added(view: TicketView) -> Callable[[int], ItemAdded]:
    return lambda seq: ItemAdded(seq=seq, ticket=view)


def delete(fx: Effects, s: SessionRow, by: Side, now: float) -> Plan[int]:
    """Release the session's holds, then delete everything it produced. Returns the seq its
    `session_deleted` gets (the stream itself is deleted: the event is only published)."""
    held = yield Stmt(
        "SELECT id FROM tickets WHERE session_id = ? AND cart_id = ? AND state = 'held'",
        (s.id, s.cart_id),
    )
    for ticket in held:
        yield from release(fx, cart_id=s.cart_id, ticket_id=ticket["id"], now=now)
    running = yield Stmt(  # a running support call is charged first (its report is emailed)
        "UPDATE live_calls SET state = 'ended', ended_at = ?, end_reason = 'hung_up', "
        "ended_by = ? WHERE session_id = ? AND state = 'active' AND support = 1 RETURNING *",
        (now, by, s.id),
    )
    for call in running:
        yield from credit.settle(fx, call, now)
    if s.agent_id is not None:  # its agent's chat is closed
        yield Stmt(
            "UPDATE agents SET open_chats = open_chats - 1 WHERE id = ? AND open_chats > 0",
            (s.agent_id,),
        )
    stream = live_stream(s.id)
    head, _ = yield from outbox.stream_state(stream)
    fx.streams[:] = [(name, frame) for name, frame in fx.streams if name != stream]
    yield Stmt("DELETE FROM live_messages WHERE session_id = ?", (s.id,))
    yield Stmt("DELETE FROM live_counter WHERE session_id = ?", (s.id,))
    yield Stmt("DELETE FROM live_widgets WHERE session_id = ? OR author_session = ?", (s.id, s.id))
    yield Stmt("DELETE FROM live_uploads WHERE session_id = ?", (s.id,))
    yield Stmt("DELETE FROM live_calls WHERE session_id = ?", (s.id,))
    # Ratings stay (the averages do not move), but the visitor's words go with the chat.
    yield Stmt("UPDATE call_ratings SET comment = '' WHERE session_id = ?", (s.id,))
    yield Stmt("DELETE FROM outbox WHERE owner = ?", (stream,))
    yield Stmt("DELETE FROM streams WHERE owner = ?", (stream,))
    yield Stmt("DELETE FROM live_sessions WHERE id = ?", (s.id,))
    yield Stmt(
        "INSERT INTO live_deleted (id, store_id, secret_hash, by_side, deleted_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (s.id, s.store_id, s.secret_hash, by, now),
    )
    return head + 1


# ---- reading ---------------------------------------------------------------------------------


def messages(session_id: str) -> Plan[list[ChatLine]]:
    rows = yield Stmt(
        "SELECT * FROM live_messages WHERE session_id = ? ORDER BY seq", (session_id,)
    )
    return [
        ChatLine(
            message_id=r["message_id"], seq=r["seq"], author=r["author"], text=r["body"], at=r["at"]
        )
        for r in rows
    ]


def counter(session_id: str) -> Plan[list[Presented]]:
    rows = yield Stmt(
        "SELECT p.*, c.at AS presented_at FROM live_counter c JOIN products p "
        "ON p.store_id = (SELECT store_id FROM live_sessions WHERE id = c.session_id) "
        "AND p.product_id = c.product_id WHERE c.session_id = ? ORDER BY c.at DESC",
        (session_id,),
    )
    return [Presented(product=live_product(r), at=r["presented_at"]) for r in rows]


def session_cart(s: SessionRow) -> Plan[list[TicketView]]:
    """Each product's latest ticket in the session, unless it was put back or bought: what is
    held, and what ran out or was sold elsewhere (to take again)."""
    store = yield from require_store(s.store_id)
    rows = yield Stmt(
        "SELECT t.*, p.name, p.code, p.price_amount, p.currency, p.image_url, p.page_url "
        "FROM tickets t JOIN products p ON p.store_id = t.store_id "
        "AND p.product_id = t.product_id WHERE t.session_id = ? ORDER BY t.created_at, t.id",
        (s.id,),
    )
    latest: dict[str, Row] = {}
    for row in rows:
        latest[row["product_id"]] = row
    return [
        ticket_view(r, r, store)
        for r in latest.values()
        if r["state"] in ("held", "expired", "revoked")
    ]


def orders_of(session_id: str) -> Plan[list[OrderView]]:
    """The orders placed from the session's cart, oldest first."""
    rows = yield Stmt(
        "SELECT doc FROM orders WHERE id IN (SELECT order_id FROM tickets WHERE session_id = ? "
        "AND order_id IS NOT NULL) ORDER BY created_at, id",
        (session_id,),
    )
    return [OrderView.model_validate_json(r["doc"]) for r in rows]

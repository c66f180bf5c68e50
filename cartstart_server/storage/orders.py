"""Checkout and the order workflow, as transactions (plans). The rules (prices, currency,
discounts, which step may follow which, the words of the emails) are in `domain`; these plans
read what the rules need and write what they decide.

A checkout is ONE transaction: the cart's held tickets become purchased, each store's order is
written with its events (cart and store outboxes), its webhook and its email, all or nothing. A
hub killed right after the commit has everything it needs to deliver; one killed before has
changed nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from shared_protocol.cart import OrderPlaced, OrderUpdated
from shared_protocol.common import Money, StoreTicketView, TicketView
from shared_protocol.live import SessionCartChanged, SessionOrdered
from shared_protocol.orders import Customer, OrderView, StoreOrderView
from shared_protocol.store import OrderEvent, TicketChange, TicketEvent, UpdateOrder

from ..domain import customers, pricing
from ..domain import orders as rules
from ..domain.tickets import cart_ref
from ..domain.topics import Hold, cart_stream, is_guest_cart, live_stream, store_stream
from . import credit, market, outbound_queue, outbox
from .directory import StoreRow, require_store
from .discounts import codes_named, use_code
from .holds import stock_changed
from .order_forms import Personalised, forget_drafts, personalised
from .sql import Effects, Plan, Row, Stmt, one
from .views import store_ticket_view, ticket_view

NewId = Callable[[str], str]


@dataclass(frozen=True)
class Buyer:
    """Who an order is for: a cart's account, or a live session's guest who gave an email."""

    cart_id: str
    email: str
    name: str


def checkout(
    fx: Effects,
    *,
    cart_id: str,
    checkout_id: str,
    store_ids: list[str] | None,
    codes: list[str],
    now: float,
    new_id: NewId,
    buyer: Buyer | None = None,
    session_id: str | None = None,
    quotes: dict[str, Money] | None = None,
) -> Plan[tuple[list[OrderView], list[TicketView]]]:
    """Buy the cart's held tickets (of `store_ids`, or all; of one live session, or all); a
    store in `quotes` is paid the price it quoted (a marketplace quote accepted)."""
    if buyer is None:
        account = one((yield Stmt("SELECT * FROM accounts WHERE id = ?", (cart_id,))))
        assert account is not None, "a signed-in cart has an account"
        buyer = Buyer(cart_id, account["email"], account["display_name"] or account["email"])
    held = yield Stmt(
        "SELECT * FROM tickets WHERE cart_id = ? AND state = 'held' ORDER BY created_at, id",
        (cart_id,),
    )
    if session_id is not None:
        held = [t for t in held if t["session_id"] == session_id]
    in_scope = [t for t in held if store_ids is None or t["store_id"] in store_ids]
    if not in_scope:
        raise rules.nothing_to_check_out()
    stores: dict[str, StoreRow] = {}
    products: dict[tuple[str, str], Row] = {}
    for t in in_scope:
        if t["store_id"] not in stores:
            stores[t["store_id"]] = yield from require_store(t["store_id"])
        key = (t["store_id"], t["product_id"])
        products[key] = (
            one((yield Stmt("SELECT * FROM products WHERE store_id = ? AND product_id = ?", key)))
            or {}
        )
    # A hold that ran out is never charged, even if the scheduler has not expired it yet.
    expired = [
        ticket_view(t, products[t["store_id"], t["product_id"]], stores[t["store_id"]])
        for t in in_scope
        if t["expires_at"] <= now
    ]
    groups: dict[str, list[Row]] = defaultdict(list)
    for t in in_scope:
        if t["expires_at"] > now:
            groups[t["store_id"]].append(t)
    # Personalised items wait for their finished form (nothing is bought until all are).
    forms = yield from personalised(cart_id, [t for ts in groups.values() for t in ts], products)
    found = yield from codes_named([c.upper() for c in codes])
    discounts = pricing.check_codes(codes, found, cart_id=cart_id, stores=groups, now=now)
    orders = []
    for store_id, tickets in groups.items():
        order = yield from _place(
            fx,
            store=stores[store_id],
            buyer=buyer,
            tickets=tickets,
            products=products,
            forms=forms,
            code=discounts.get(store_id),
            quote=(quotes or {}).get(store_id),
            checkout_id=checkout_id,
            order_id=new_id("o"),
            now=now,
        )
        orders.append(order)
    return orders, expired


def _place(
    fx: Effects,
    *,
    store: StoreRow,
    buyer: Buyer,
    tickets: list[Row],
    products: dict[tuple[str, str], Row],
    forms: dict[str, Personalised],
    code: pricing.Code | None,
    checkout_id: str,
    order_id: str,
    now: float,
    quote: Money | None = None,
) -> Plan[OrderView]:
    items = []
    for t in tickets:
        p = products[t["store_id"], t["product_id"]]
        unit = Money(amount=p["price_amount"], currency=p["currency"])
        form = forms.get(t["id"])
        items.append(
            pricing.Item(
                t["id"],
                t["product_id"],
                p["name"],
                p["code"],
                t["qty"],
                form.unit_price if form else unit,
                form.customisation if form else None,
            )
        )
    view = rules.placed(
        order_id=order_id,
        store_id=store.id,
        store_name=store.name,
        payment_url_template=store.payment_url_template,
        priced=pricing.at_quote(pricing.price(store.name, items, code), quote),
        discount_code=code.code if code is not None else None,
        customer=Customer(
            cart_ref=cart_ref(store.id, buyer.cart_id),
            email=buyer.email,
            name=buyer.name,
        ),
        now=now,
    )
    yield Stmt(
        "INSERT INTO orders (id, store_id, cart_id, checkout_id, status, doc, created_at, "
        "updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
        (
            order_id,
            store.id,
            buyer.cart_id,
            checkout_id,
            "placed",
            view.model_dump_json(),
            now,
            now,
        ),
    )
    yield from forget_drafts(buyer.cart_id, [t for t in tickets if t["id"] in forms])
    bought: list[TicketView] = []
    for t in tickets:
        ticket = one(
            (
                yield Stmt(
                    "UPDATE tickets SET state = 'purchased', order_id = ?, version = version + 1, "
                    "updated_at = ? WHERE id = ? AND state = 'held' RETURNING *",
                    (order_id, now, t["id"]),
                )
            )
        )
        assert ticket is not None, "held tickets were read in this transaction"
        # The units stay off sale: from held to sold_pending until the store confirms.
        product = one(
            (
                yield Stmt(
                    "UPDATE products SET held = held - ?, sold_pending = sold_pending + ?, "
                    "updated_at = ? WHERE store_id = ? AND product_id = ? RETURNING *",
                    (ticket["qty"], ticket["qty"], now, ticket["store_id"], ticket["product_id"]),
                )
            )
        )
        assert product is not None
        bought.append(ticket_view(ticket, product, store))
        yield from outbox.append(
            fx, store_stream(store.id), _purchased(store_ticket_view(ticket)), now
        )
    cart_view = rules.cart_view(view)
    session_of = {t["id"]: t["session_id"] for t in tickets}
    if not is_guest_cart(buyer.cart_id):
        yield from outbox.append(
            fx,
            cart_stream(buyer.cart_id),
            lambda seq: OrderPlaced(seq=seq, order=cart_view, tickets=bought),
            now,
            holds=tuple(Hold.of(t) for t in bought),  # no longer held: bought
        )
    for session_id in sorted({t["session_id"] for t in tickets if t["session_id"]}):
        stream = live_stream(session_id)
        for item in bought:  # each item of the session's cart is now bought
            if session_of[item.ticket_id] == session_id:
                yield from outbox.append(fx, stream, _in_session_cart(item), now)
        yield from outbox.append(
            fx, stream, lambda seq: SessionOrdered(seq=seq, order=cart_view), now
        )
    yield from _tell_store(fx, store, view, "placed", now)
    tags_of = {
        pid: json.loads(row.get("tags") or "[]")
        for (sid, pid), row in products.items()
        if sid == store.id and row
    }
    yield from _remember_customer(store.id, buyer.cart_id, view, tags_of, now)
    if code is not None:
        yield from use_code(code.code, order_id, now)
    yield from _email(buyer.email, cart_view, now)
    return cart_view


def _in_session_cart(view: TicketView) -> Callable[[int], SessionCartChanged]:
    return lambda seq: SessionCartChanged(seq=seq, ticket=view)


def _purchased(view: StoreTicketView) -> Callable[[int], TicketEvent]:
    return lambda seq: TicketEvent(seq=seq, change=TicketChange.PURCHASED, ticket=view)


def _tell_store(
    fx: Effects,
    store: StoreRow,
    view: StoreOrderView,
    change: Literal["placed", "updated"],
    now: float,
) -> Plan[None]:
    """The store's event, and the same JSON for its webhook (delivered in order, retried)."""
    yield from outbox.append(
        fx,
        store_stream(store.id),
        lambda seq: OrderEvent(seq=seq, change=change, order=view),
        now,
    )
    if store.webhook_url:
        yield Stmt(
            "INSERT INTO webhook_queue (store_id, url, body, created_at, next_try_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (store.id, store.webhook_url, fx.streams[-1][1].text, now, now),
        )


def _email(to: str, order: OrderView, now: float) -> Plan[None]:
    subject, body = rules.status_email(order)
    yield from outbound_queue.queued_mail(to, subject, body, now)


def _remember_customer(
    store_id: str,
    cart_id: str,
    order: StoreOrderView,
    tags_of: dict[str, list[str]],
    now: float,
) -> Plan[None]:
    """The store's customer record: what they bought and the tags of it (their preferences)."""
    row = one(
        (
            yield Stmt(
                "SELECT * FROM customers WHERE store_id = ? AND cart_id = ?", (store_id, cart_id)
            )
        )
    )
    bought, tags = customers.tally(
        json.loads(row["products"]) if row else {},
        json.loads(row["tags"]) if row else {},
        order.lines,
        tags_of,
    )
    yield Stmt(
        "INSERT INTO customers (store_id, cart_id, cart_ref, email, name, orders, "
        "first_order_at, last_order_at, products, tags) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?) "
        "ON CONFLICT (store_id, cart_id) DO UPDATE SET email = excluded.email, "
        "name = excluded.name, orders = customers.orders + 1, "
        "last_order_at = excluded.last_order_at, products = excluded.products, "
        "tags = excluded.tags",
        (
            store_id,
            cart_id,
            order.customer.cart_ref,
            order.customer.email,
            order.customer.name,
            now,
            now,
            json.dumps(bought, sort_keys=True),
            json.dumps(tags, sort_keys=True),
        ),
    )


# ---- the store moves an order along --------------------------------------------------------


def update_order(
    fx: Effects, *, store_id: str, cmd: UpdateOrder, now: float
) -> Plan[StoreOrderView]:
    row = one(
        (yield Stmt("SELECT * FROM orders WHERE id = ? AND store_id = ?", (cmd.order_id, store_id)))
    )
    if row is None:
        raise rules.no_order(cmd.order_id)
    order = StoreOrderView.model_validate_json(row["doc"])
    rules.check_transition(order.status, cmd.status, cmd.reason)
    effect = rules.stock_effect(order.status, cmd.status)
    flips: list[str] = []  # products whose "in stock" changed: the marketplace's index hears
    for line in order.lines:
        if effect == rules.StockEffect():
            break
        product = one(
            (
                yield Stmt(
                    "UPDATE products SET sold_pending = sold_pending + ?, on_hand = on_hand + ?, "
                    "stock_version = stock_version + 1, updated_at = ? "
                    "WHERE store_id = ? AND product_id = ? RETURNING *",
                    (
                        effect.sold_pending * line.qty,
                        effect.on_hand * line.qty,
                        now,
                        store_id,
                        line.product_id,
                    ),
                )
            )
        )
        assert product is not None
        stock_changed(fx, product)
        if market.flipped(product["on_hand"] - effect.on_hand * line.qty, product["on_hand"]):
            flips.append(line.product_id)
    yield from market.stamp_last(store_id, flips)
    updated = rules.advanced(order, cmd, now)
    if cmd.status is rules.S.CONFIRMED and not is_guest_cart(row["cart_id"]):
        # Support credit bought is added when the store confirms (it was paid), once per order.
        qty_of = {line.product_id: line.qty for line in order.lines}
        yield from credit.from_order(fx, store_id, row["cart_id"], cmd.order_id, qty_of, now)
    yield Stmt(
        "UPDATE orders SET status = ?, doc = ?, updated_at = ?, version = version + 1 WHERE id = ?",
        (cmd.status.value, updated.model_dump_json(), now, cmd.order_id),
    )
    store = yield from require_store(store_id)
    cart_view = rules.cart_view(updated)
    if not is_guest_cart(row["cart_id"]):  # a guest hears of its order by email
        yield from outbox.append(
            fx,
            cart_stream(row["cart_id"]),
            lambda seq: OrderUpdated(seq=seq, order=cart_view),
            now,
        )
    yield from _tell_store(fx, store, updated, "updated", now)
    yield from _email(updated.customer.email, cart_view, now)
    return updated

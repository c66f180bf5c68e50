"""Checkout, the order workflow and discount codes, as transactions (plans).

A checkout is ONE transaction: the cart's held tickets become purchased, each store's order is
written with its events (cart and store outboxes), its webhook and its email, all or nothing. A
hub killed right after the commit has everything it needs to deliver; one killed before has
changed nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from typing import Literal

from shared_protocol.cart import DiscountOffered, OrderPlaced, OrderUpdated
from shared_protocol.common import Money, StoreTicketView, TicketView
from shared_protocol.errors import ErrorCode, ProtocolError
from shared_protocol.orders import (
    Customer,
    DiscountView,
    OrderLine,
    OrderStatus,
    OrderStep,
    OrderView,
    Payment,
    StoreOrderView,
)
from shared_protocol.store import OrderEvent, TicketChange, TicketEvent, UpdateOrder

from ..domain import orders as rules
from ..domain.tickets import cart_ref
from . import outbound_queue, outbox
from .directory import StoreRow, require_store
from .sql import Effects, Plan, Row, Stmt, one
from .views import availability, store_ticket_view, ticket_view

NewId = Callable[[str], str]


# ---- checkout -------------------------------------------------------------------------------


def checkout(
    fx: Effects,
    *,
    cart_id: str,
    checkout_id: str,
    store_ids: list[str] | None,
    codes: list[str],
    now: float,
    new_id: NewId,
) -> Plan[tuple[list[OrderView], list[TicketView]]]:
    account = one((yield Stmt("SELECT * FROM accounts WHERE id = ?", (cart_id,))))
    assert account is not None, "a signed-in cart has an account"
    held = yield Stmt(
        "SELECT * FROM tickets WHERE cart_id = ? AND state = 'held' ORDER BY created_at, id",
        (cart_id,),
    )
    in_scope = [t for t in held if store_ids is None or t["store_id"] in store_ids]
    if not in_scope:
        raise ProtocolError(
            ErrorCode.INVALID_STATE, "nothing to check out: the cart holds nothing from there"
        )
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
    discounts = yield from _check_codes(codes, cart_id, groups, stores, now)
    orders = []
    for store_id, tickets in groups.items():
        order = yield from _place(
            fx,
            store=stores[store_id],
            account=account,
            tickets=tickets,
            products=products,
            discount=discounts.get(store_id),
            checkout_id=checkout_id,
            order_id=new_id("o"),
            now=now,
        )
        orders.append(order)
    return orders, expired


def _check_codes(
    codes: list[str],
    cart_id: str,
    groups: dict[str, list[Row]],
    stores: dict[str, StoreRow],
    now: float,
) -> Plan[dict[str, Row]]:
    by_store: dict[str, Row] = {}
    for code in codes:
        row = one((yield Stmt("SELECT * FROM discounts WHERE code = ?", (code.upper(),))))
        if row is None:
            raise rules.refuse_discount(code, "unknown", "no such code")
        if row["cart_id"] != cart_id:
            raise rules.refuse_discount(code, "other_cart", "this code was offered to another cart")
        if row["used_at"] is not None:
            raise rules.refuse_discount(code, "used", "this code was already used")
        if row["expires_at"] <= now:
            raise rules.refuse_discount(code, "expired", "this code has expired")
        if row["store_id"] not in groups:
            raise rules.refuse_discount(
                code,
                "wrong_store",
                "this code is for another store, and this checkout has nothing from it",
            )
        if row["store_id"] in by_store:
            raise rules.refuse_discount(code, "wrong_store", "one code per store and checkout")
        by_store[row["store_id"]] = row
    return by_store


def _place(
    fx: Effects,
    *,
    store: StoreRow,
    account: Row,
    tickets: list[Row],
    products: dict[tuple[str, str], Row],
    discount: Row | None,
    checkout_id: str,
    order_id: str,
    now: float,
) -> Plan[OrderView]:
    lines = []
    for t in tickets:
        p = products[t["store_id"], t["product_id"]]
        unit = Money(amount=p["price_amount"], currency=p["currency"])
        lines.append(
            OrderLine(
                ticket_id=t["id"],
                product_id=t["product_id"],
                name=p["name"],
                code=p["code"],
                qty=t["qty"],
                unit_price=unit,
                line_total=Money(amount=unit.amount * t["qty"], currency=unit.currency),
            )
        )
    currencies = {line.unit_price.currency for line in lines}
    if len(currencies) != 1:
        raise ProtocolError(
            ErrorCode.INVALID_STATE,
            f"{store.name} prices these items in more than one currency; check them out one "
            "at a time",
        )
    currency = currencies.pop()
    subtotal = sum(line.line_total.amount for line in lines)
    off = 0
    if discount is not None:
        if discount["amount_off"] is not None and discount["currency"] != currency:
            raise rules.refuse_discount(
                discount["code"], "wrong_store", f"this code is in {discount['currency']}"
            )
        off = rules.discount_amount(subtotal, discount["percent_off"], discount["amount_off"])
    url = rules.payment_url(store.payment_url_template, order_id)
    view = StoreOrderView(
        order_id=order_id,
        store_id=store.id,
        store_name=store.name,
        status=OrderStatus.PLACED,
        lines=lines,
        subtotal=Money(amount=subtotal, currency=currency),
        discount=Money(amount=off, currency=currency) if discount is not None else None,
        discount_code=discount["code"] if discount is not None else None,
        total=Money(amount=subtotal - off, currency=currency),
        payment=Payment(mode="link", url=url) if url else Payment(mode="on_collection"),
        timeline=[OrderStep(status=OrderStatus.PLACED, at=now)],
        created_at=now,
        updated_at=now,
        version=1,
        customer=Customer(
            cart_ref=cart_ref(store.id, account["id"]),
            email=account["email"],
            name=account["display_name"] or account["email"],
        ),
    )
    yield Stmt(
        "INSERT INTO orders (id, store_id, cart_id, checkout_id, status, doc, created_at, "
        "updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
        (
            order_id,
            store.id,
            account["id"],
            checkout_id,
            "placed",
            view.model_dump_json(),
            now,
            now,
        ),
    )
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
            fx, outbox.store_owner(store.id), _purchased(store_ticket_view(ticket)), now
        )
    cart_view = OrderView.model_validate(view.model_dump(exclude={"customer"}))
    yield from outbox.append(
        fx,
        outbox.cart_owner(account["id"]),
        lambda seq: OrderPlaced(seq=seq, order=cart_view, tickets=bought),
        now,
    )
    yield from _tell_store(fx, store, view, "placed", now)
    yield from _remember_customer(store.id, account, view, products, now)
    if discount is not None:
        yield Stmt(
            "UPDATE discounts SET used_at = ?, order_id = ? WHERE code = ?",
            (now, order_id, discount["code"]),
        )
    yield from _email(account["email"], cart_view, now)
    return cart_view


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
        outbox.store_owner(store.id),
        lambda seq: OrderEvent(seq=seq, change=change, order=view),
        now,
    )
    if store.webhook_url:
        yield Stmt(
            "INSERT INTO webhook_queue (store_id, url, body, created_at, next_try_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (store.id, store.webhook_url, fx.outbox[-1].frame, now, now),
        )


def _email(to: str, order: OrderView, now: float) -> Plan[None]:
    subject, body = rules.status_email(order)
    yield from outbound_queue.queued_mail(to, subject, body, now)


def _remember_customer(
    store_id: str,
    account: Row,
    order: StoreOrderView,
    products: dict[tuple[str, str], Row],
    now: float,
) -> Plan[None]:
    """The store's customer record: what they bought and the tags of it (their preferences)."""
    row = one(
        (
            yield Stmt(
                "SELECT * FROM customers WHERE store_id = ? AND cart_id = ?",
                (store_id, account["id"]),
            )
        )
    )
    bought: dict[str, int] = json.loads(row["products"]) if row else {}
    tags: dict[str, int] = json.loads(row["tags"]) if row else {}
    for line in order.lines:
        bought[line.product_id] = bought.get(line.product_id, 0) + line.qty
        for tag in json.loads(products[store_id, line.product_id].get("tags") or "[]"):
            tags[tag] = tags.get(tag, 0) + line.qty
    yield Stmt(
        "INSERT INTO customers (store_id, cart_id, cart_ref, email, name, orders, "
        "first_order_at, last_order_at, products, tags) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?) "
        "ON CONFLICT (store_id, cart_id) DO UPDATE SET email = excluded.email, "
        "name = excluded.name, orders = customers.orders + 1, "
        "last_order_at = excluded.last_order_at, products = excluded.products, "
        "tags = excluded.tags",
        (
            store_id,
            account["id"],
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
    if row is None:  # another store's order is not found either: nothing leaks
        raise ProtocolError(ErrorCode.NOT_FOUND, f"this store has no order {cmd.order_id!r}")
    order = StoreOrderView.model_validate_json(row["doc"])
    rules.check_transition(order.status, cmd.status, cmd.reason)
    effect = rules.stock_effect(order.status, cmd.status)
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
        fx.availability[store_id, line.product_id] = availability(product).model_dump_json()
    note = cmd.reason or (f"{cmd.carrier or ''} {cmd.tracking_url or ''}".strip())
    updated = order.model_copy(
        update={
            "status": cmd.status,
            "carrier": cmd.carrier or order.carrier,
            "tracking_url": cmd.tracking_url or order.tracking_url,
            "reason": cmd.reason or order.reason,
            "timeline": [*order.timeline, OrderStep(status=cmd.status, at=now, note=note)],
            "updated_at": now,
            "version": order.version + 1,
        }
    )
    yield Stmt(
        "UPDATE orders SET status = ?, doc = ?, updated_at = ?, version = version + 1 WHERE id = ?",
        (cmd.status.value, updated.model_dump_json(), now, cmd.order_id),
    )
    store = yield from require_store(store_id)
    cart_view = OrderView.model_validate(updated.model_dump(exclude={"customer"}))
    yield from outbox.append(
        fx,
        outbox.cart_owner(row["cart_id"]),
        lambda seq: OrderUpdated(seq=seq, order=cart_view),
        now,
    )
    yield from _tell_store(fx, store, updated, "updated", now)
    yield from _email(updated.customer.email, cart_view, now)
    return updated


# ---- discount codes -------------------------------------------------------------------------


def offer_discount(
    fx: Effects,
    *,
    store_id: str,
    cart: str,
    code: str,
    percent_off: int | None,
    amount_off: Money | None,
    message: str,
    expires_at: float,
    now: float,
) -> Plan[DiscountView]:
    """A code for the cart known to this store as `cart` (its cart_ref)."""
    if (percent_off is None) == (amount_off is None):
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, "give either percent_off or amount_off")
    cart_id = yield from cart_of_ref(store_id, cart)
    store = yield from require_store(store_id)
    yield Stmt(
        "INSERT INTO discounts (code, store_id, cart_id, percent_off, amount_off, currency, "
        "message, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            code,
            store_id,
            cart_id,
            percent_off,
            amount_off.amount if amount_off else None,
            amount_off.currency if amount_off else None,
            message,
            now,
            expires_at,
        ),
    )
    view = DiscountView(
        code=code,
        store_id=store_id,
        store_name=store.name,
        percent_off=percent_off,
        amount_off=amount_off,
        message=message,
        expires_at=expires_at,
    )
    yield from outbox.append(
        fx, outbox.cart_owner(cart_id), lambda seq: DiscountOffered(seq=seq, discount=view), now
    )
    return view.model_copy(update={"cart_ref": cart})


def cart_of_ref(store_id: str, ref: str) -> Plan[str]:
    """The cart behind a store's pseudonym, if that cart ever held or bought its products."""
    rows = yield Stmt(
        "SELECT DISTINCT cart_id FROM tickets WHERE store_id = ? "
        "UNION SELECT cart_id FROM customers WHERE store_id = ?",
        (store_id, store_id),
    )
    for r in rows:
        if cart_ref(store_id, r["cart_id"]) == ref:
            return str(r["cart_id"])
    raise ProtocolError(
        ErrorCode.NOT_FOUND, f"no cart {ref!r} has held or bought this store's products"
    )


def discount_view(row: Row, store_name: str) -> DiscountView:
    amount = (
        Money(amount=row["amount_off"], currency=row["currency"])
        if row["amount_off"] is not None
        else None
    )
    return DiscountView(
        code=row["code"],
        store_id=row["store_id"],
        store_name=store_name,
        percent_off=row["percent_off"],
        amount_off=amount,
        message=row["message"],
        expires_at=row["expires_at"],
        used=row["used_at"] is not None,
    )

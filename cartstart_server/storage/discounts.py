"""Discount codes: offered by a store to one of its carts (by pseudonym), used once at checkout."""

from __future__ import annotations

from shared_protocol.cart import DiscountOffered
from shared_protocol.common import Money
from shared_protocol.orders import DiscountView

from ..domain import orders as rules
from ..domain import pricing
from ..domain.tickets import cart_ref
from ..domain.topics import cart_stream
from . import outbox
from .directory import require_store
from .sql import Effects, Plan, Row, Stmt


def _code(row: Row) -> pricing.Code:
    return pricing.Code(
        code=row["code"],
        store_id=row["store_id"],
        cart_id=row["cart_id"],
        percent_off=row["percent_off"],
        amount_off=row["amount_off"],
        currency=row["currency"],
        expires_at=row["expires_at"],
        used=row["used_at"] is not None,
    )


def codes_named(codes: list[str]) -> Plan[dict[str, pricing.Code]]:
    """The codes among `codes` that exist, by code."""
    found: dict[str, pricing.Code] = {}
    for code in codes:
        for row in (yield Stmt("SELECT * FROM discounts WHERE code = ?", (code,))):
            found[code] = _code(row)
    return found


def use_code(code: str, order_id: str, now: float) -> Plan[None]:
    yield Stmt(
        "UPDATE discounts SET used_at = ?, order_id = ? WHERE code = ?", (now, order_id, code)
    )


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
    pricing.check_offer(percent_off, amount_off)
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
        fx, cart_stream(cart_id), lambda seq: DiscountOffered(seq=seq, discount=view), now
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
    raise rules.no_cart(ref)

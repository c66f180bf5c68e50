"""What an order costs: its lines, one currency per order, and discount codes. Pure: the
caller reads the rows, these rules decide, and the words a shopper reads come from here."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.common import Money
from shared_protocol.forms import CustomisedField
from shared_protocol.orders import OrderLine


@dataclass(frozen=True)
class Item:
    """One held ticket as it is bought: the product's current name and price."""

    ticket_id: str
    product_id: str
    name: str
    code: str
    qty: int
    unit_price: Money
    customisation: list[CustomisedField] | None = None  # a personalised product's form


@dataclass(frozen=True)
class Code:
    """A discount code as offered: exactly one of `percent_off` and `amount_off`."""

    code: str
    store_id: str
    cart_id: str
    percent_off: int | None
    amount_off: int | None
    currency: str | None
    expires_at: float
    used: bool


@dataclass(frozen=True)
class Priced:
    lines: list[OrderLine]
    subtotal: Money
    discount: Money | None
    total: Money


def price(store_name: str, items: Sequence[Item], code: Code | None) -> Priced:
    """The order of one store: every line in one currency, the code taken off the subtotal."""
    lines = [
        OrderLine(
            ticket_id=i.ticket_id,
            product_id=i.product_id,
            name=i.name,
            code=i.code,
            qty=i.qty,
            unit_price=i.unit_price,
            line_total=Money(amount=i.unit_price.amount * i.qty, currency=i.unit_price.currency),
            customisation=i.customisation,
        )
        for i in items
    ]
    currencies = {line.unit_price.currency for line in lines}
    if len(currencies) != 1:
        raise ProtocolError(
            ErrorCode.INVALID_STATE,
            f"{store_name} prices these items in more than one currency; check them out one "
            "at a time",
        )
    currency = currencies.pop()
    subtotal = sum(line.line_total.amount for line in lines)
    off = 0
    if code is not None:
        if code.amount_off is not None and code.currency != currency:
            raise refuse_discount(code.code, "wrong_store", f"this code is in {code.currency}")
        off = discount_amount(subtotal, code.percent_off, code.amount_off)
    return Priced(
        lines=lines,
        subtotal=Money(amount=subtotal, currency=currency),
        discount=Money(amount=off, currency=currency) if code is not None else None,
        total=Money(amount=subtotal - off, currency=currency),
    )


def discount_amount(subtotal: int, percent_off: int | None, amount_off: int | None) -> int:
    """Minor units off, never more than the subtotal; a percentage rounds down to whole minor
    units (the store never gives more than it advertised)."""
    if percent_off is not None:
        return min(subtotal, subtotal * percent_off // 100)
    return min(subtotal, amount_off or 0)


def check_codes(
    asked: Sequence[str],
    found: dict[str, Code],
    *,
    cart_id: str,
    stores: Collection[str],
    now: float,
) -> dict[str, Code]:
    """The codes a checkout may use, by store: each offered to this cart, unused, unexpired, for
    a store in this checkout, one per store. `found` holds the codes that exist (upper case)."""
    by_store: dict[str, Code] = {}
    for text in asked:
        code = found.get(text.upper())
        if code is None:
            raise refuse_discount(text, "unknown", "no such code")
        if code.cart_id != cart_id:
            raise refuse_discount(text, "other_cart", "this code was offered to another cart")
        if code.used:
            raise refuse_discount(text, "used", "this code was already used")
        if code.expires_at <= now:
            raise refuse_discount(text, "expired", "this code has expired")
        if code.store_id not in stores:
            raise refuse_discount(
                text,
                "wrong_store",
                "this code is for another store, and this checkout has nothing from it",
            )
        if code.store_id in by_store:
            raise refuse_discount(text, "wrong_store", "one code per store and checkout")
        by_store[code.store_id] = code
    return by_store


def check_offer(percent_off: int | None, amount_off: Money | None) -> None:
    if (percent_off is None) == (amount_off is None):
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, "give either percent_off or amount_off")


def refuse_discount(code: str, reason: str, message: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.DISCOUNT_REFUSED,
        f"discount code {code}: {message}",
        discount_code=code,
        reason=reason,
    )


def at_quote(priced: Priced, quote: Money | None) -> Priced:
    """An order at the price a store quoted for these lines (a marketplace quote accepted): the
    lines keep their list prices, the total is the quote; below the list it shows as a
    discount."""
    if quote is None:
        return priced
    if quote.currency != priced.total.currency:
        raise ProtocolError(
            ErrorCode.INVALID_STATE,
            f"the quote is in {quote.currency}, the prices in {priced.total.currency}",
        )
    off = priced.subtotal.amount - quote.amount
    discount = Money(amount=off, currency=quote.currency) if off > 0 else None
    return Priced(lines=priced.lines, subtotal=priced.subtotal, discount=discount, total=quote)

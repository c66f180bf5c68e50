"""Order rules, pure: which status may follow which, what each step does to stock, discounts,
and the words a shopper reads. No I/O; times come in as arguments."""

from __future__ import annotations

from dataclasses import dataclass

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.money import format_money
from shared_protocol.orders import OrderStatus, OrderView

S = OrderStatus
NEXT: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.PLACED: frozenset({S.CONFIRMED, S.REJECTED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.DISPATCHED, S.CANCELLED}),
    S.DISPATCHED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset(),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
}
NEEDS_REASON = frozenset({S.REJECTED, S.CANCELLED})


def check_transition(current: OrderStatus, new: OrderStatus, reason: str | None) -> None:
    if new not in NEXT[current]:
        allowed = ", ".join(sorted(NEXT[current])) or "nothing (the order is finished)"
        raise ProtocolError(
            ErrorCode.INVALID_STATE,
            f"an order that is {current.value} cannot become {new.value}; it can become {allowed}",
            status=current.value,
        )
    if new in NEEDS_REASON and not (reason or "").strip():
        raise ProtocolError(
            ErrorCode.INVALID_MESSAGE, f"say why the order is {new.value}: the shopper reads it"
        )


@dataclass(frozen=True)
class StockEffect:
    """How a status change moves a product's counts (per unit ordered)."""

    sold_pending: int = 0
    on_hand: int = 0


def stock_effect(current: OrderStatus, new: OrderStatus) -> StockEffect:
    """Checkout moves units from held to sold_pending. Confirming sells them (they leave
    on_hand); rejecting or cancelling an unconfirmed order makes them available again; cancelling
    a confirmed one puts them back on the shelf."""
    if current is S.PLACED and new is S.CONFIRMED:
        return StockEffect(sold_pending=-1, on_hand=-1)
    if current is S.PLACED and new in NEEDS_REASON:
        return StockEffect(sold_pending=-1)
    if current is S.CONFIRMED and new is S.CANCELLED:
        return StockEffect(on_hand=+1)
    return StockEffect()


def discount_amount(subtotal: int, percent_off: int | None, amount_off: int | None) -> int:
    """Minor units off, never more than the subtotal; a percentage rounds down to whole minor
    units (the store never gives more than it advertised)."""
    if percent_off is not None:
        return min(subtotal, subtotal * percent_off // 100)
    return min(subtotal, amount_off or 0)


def refuse_discount(code: str, reason: str, message: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.DISCOUNT_REFUSED,
        f"discount code {code}: {message}",
        discount_code=code,
        reason=reason,
    )


def payment_url(template: str | None, order_id: str) -> str | None:
    return template.replace("{order_id}", order_id) if template else None


_SUBJECTS = {
    S.PLACED: "Your order with {store} is placed",
    S.CONFIRMED: "{store} confirmed your order",
    S.DISPATCHED: "Your order from {store} is on its way",
    S.DELIVERED: "Your order from {store} was delivered",
    S.REJECTED: "{store} could not accept your order",
    S.CANCELLED: "Your order with {store} was cancelled",
}


def status_email(order: OrderView) -> tuple[str, str]:
    """The subject and plain-text body of the email a shopper gets for this order's status."""
    subject = _SUBJECTS[order.status].format(store=order.store_name)
    lines = [f"Order {order.order_id} with {order.store_name}: {order.status.value}.", ""]
    for line in order.lines:
        total = format_money(line.line_total.amount, line.line_total.currency)
        lines.append(f"  {line.qty} x {line.name}  {total}")
    if order.discount is not None:
        off = format_money(order.discount.amount, order.discount.currency)
        lines.append(f"  Discount ({order.discount_code})  -{off}")
    lines.append(f"  Total  {format_money(order.total.amount, order.total.currency)}")
    lines.append("")
    if order.reason:
        lines.append(f"Reason: {order.reason}")
    if order.carrier or order.tracking_url:
        lines.append(f"Carrier: {order.carrier or '-'}  Tracking: {order.tracking_url or '-'}")
    if order.status is S.PLACED:
        if order.payment.mode == "link" and order.payment.url:
            lines.append(f"Pay here: {order.payment.url}")
        else:
            lines.append("You pay when you collect the order.")
    lines.append("")
    lines.append("Your CartStart cart shows every step under Deliveries.")
    return subject, "\n".join(lines)

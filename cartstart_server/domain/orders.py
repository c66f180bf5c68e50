"""Order rules, pure: what an order looks like when placed, which status may follow which, what
each step does to stock, and the words a shopper reads. No I/O; times come in as arguments."""

from __future__ import annotations

from dataclasses import dataclass

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.forms import CustomisedField
from shared_protocol.money import format_money
from shared_protocol.orders import (
    Customer,
    OrderStatus,
    OrderStep,
    OrderView,
    Payment,
    StoreOrderView,
)
from shared_protocol.store import UpdateOrder

from .pricing import Priced

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


def payment_url(template: str | None, order_id: str) -> str | None:
    return template.replace("{order_id}", order_id) if template else None


def placed(
    *,
    order_id: str,
    store_id: str,
    store_name: str,
    payment_url_template: str | None,
    priced: Priced,
    discount_code: str | None,
    customer: Customer,
    now: float,
) -> StoreOrderView:
    """A new order as its store sees it (the cart's view leaves out the customer)."""
    url = payment_url(payment_url_template, order_id)
    return StoreOrderView(
        order_id=order_id,
        store_id=store_id,
        store_name=store_name,
        status=OrderStatus.PLACED,
        lines=priced.lines,
        subtotal=priced.subtotal,
        discount=priced.discount,
        discount_code=discount_code,
        total=priced.total,
        payment=Payment(mode="link", url=url) if url else Payment(mode="on_collection"),
        timeline=[OrderStep(status=OrderStatus.PLACED, at=now)],
        created_at=now,
        updated_at=now,
        version=1,
        customer=customer,
    )


def advanced(order: StoreOrderView, cmd: UpdateOrder, now: float) -> StoreOrderView:
    """The order after the store's step (checked with `check_transition` first)."""
    note = cmd.reason or (f"{cmd.carrier or ''} {cmd.tracking_url or ''}".strip())
    return order.model_copy(
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


def cart_view(order: StoreOrderView) -> OrderView:
    """What the shopper sees of an order: everything but the store's customer record."""
    return OrderView.model_validate(order.model_dump(exclude={"customer"}))


def nothing_to_check_out() -> ProtocolError:
    return ProtocolError(
        ErrorCode.INVALID_STATE, "nothing to check out: the cart holds nothing from there"
    )


def no_order(order_id: str) -> ProtocolError:
    """Another store's order is not found either: nothing leaks."""
    return ProtocolError(ErrorCode.NOT_FOUND, f"this store has no order {order_id!r}")


def no_cart(ref: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.NOT_FOUND, f"no cart {ref!r} has held or bought this store's products"
    )


def store_email(store_name: str, subject: str, body: str) -> tuple[str, str]:
    """A store's email to its customers, signed with the store's name."""
    return f"{store_name}: {subject}", f"{body}\n\n-- {store_name}"


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
        lines.extend(_quoted(line.customisation or []))
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


def _quoted(fields: list[CustomisedField]) -> list[str]:
    """A personalised line's form under it, indented (a value of several lines, such as a guest
    list, starts on the line after its label)."""
    out = []
    for field in fields:
        text = field.text.splitlines() or [""]
        if len(text) == 1:
            out.append(f"      {field.label}: {text[0]}")
        else:
            out.append(f"      {field.label}:")
            out.extend(f"        {part}" for part in text)
    return out

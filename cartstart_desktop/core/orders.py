"""What the shopper bought (deliveries) and the codes stores offered (discounts). Pure: no I/O.

Orders arrive as views with a `version`: a view older than the one kept is ignored, so replays,
snapshots and checkout replies can arrive in any order and still agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shared_protocol.money import format_money
from shared_protocol.orders import DiscountView, OrderStatus, OrderView

from .cart import Notice
from .lang import N_, _, day_and_time

_WHAT = {
    OrderStatus.PLACED: N_("{store}: your order is placed"),
    OrderStatus.CONFIRMED: N_("{store}: your order was confirmed"),
    OrderStatus.DISPATCHED: N_("{store}: your order is on its way"),
    OrderStatus.DELIVERED: N_("{store}: your order was delivered"),
    OrderStatus.REJECTED: N_("{store}: your order was not accepted"),
    OrderStatus.CANCELLED: N_("{store}: your order was cancelled"),
}


STATUS_LABELS = {
    OrderStatus.PLACED: N_("Placed"),
    OrderStatus.CONFIRMED: N_("Confirmed"),
    OrderStatus.DISPATCHED: N_("Dispatched"),
    OrderStatus.DELIVERED: N_("Delivered"),
    OrderStatus.REJECTED: N_("Rejected"),
    OrderStatus.CANCELLED: N_("Cancelled"),
}


def order_ref(order_id: str) -> str:
    """A short reference for people ("#3F9A21"): the start of the hub's random order id, which
    stays unique among one cart's orders. The whole id is shown with the order's details."""
    digits = order_id[1:] if order_id[:1] == "o" else order_id
    return "#" + digits[:6].upper()


def when(timestamp: float) -> str:
    return day_and_time(timestamp)


@dataclass
class Delivery:
    """A purchased order as the cart follows it."""

    order: OrderView

    @property
    def order_id(self) -> str:
        return self.order.order_id

    @property
    def store_name(self) -> str:
        return self.order.store_name

    @property
    def reference(self) -> str:
        return order_ref(self.order.order_id)

    @property
    def status(self) -> str:
        return self.order.status.value

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS[self.order.status])

    @property
    def placed(self) -> float:
        return self.order.created_at

    def items_text(self) -> str:
        return ", ".join(f"{qty} × {name}" for name, qty in self.items)

    @property
    def items(self) -> list[tuple[str, int]]:
        return [(line.name, line.qty) for line in self.order.lines]

    @property
    def total(self) -> str:
        return format_money(self.order.total.amount, self.order.total.currency)

    @property
    def updated(self) -> float:
        return self.order.updated_at

    @property
    def payable(self) -> bool:
        """The store takes payment by link, and the order still waits for it."""
        return self.order.payment.mode == "link" and self.order.status is OrderStatus.PLACED

    def timeline_text(self) -> str:
        """One line per step: when, what, and the store's note."""
        lines = []
        for step in self.order.timeline:
            step_text = f"{when(step.at)}  {step.status.value}"
            lines.append(step_text + (f": {step.note}" if step.note else ""))
        return "\n".join(lines)


def discount_off(discount: DiscountView) -> str:
    """What a code gives: "10% off" or "€5.00 off"."""
    if discount.percent_off is not None:
        return _("{n}% off", n=discount.percent_off)
    assert discount.amount_off is not None
    amount = format_money(discount.amount_off.amount, discount.amount_off.currency)
    return _("{amount} off", amount=amount)


def discount_terms(discount: DiscountView) -> str:
    """The offer without the store's name (said once, by whoever shows it)."""
    message = f" ({discount.message})" if discount.message else ""
    return _(
        "{off} at checkout, until {until}{message}",
        off=discount_off(discount),
        until=when(discount.expires_at),
        message=message,
    )


def discount_text(discount: DiscountView) -> str:
    return f"{discount.store_name}: {discount_terms(discount)}"


class OrderBook:
    def __init__(self) -> None:
        self.deliveries: dict[str, Delivery] = {}
        self.discounts: dict[str, DiscountView] = {}

    def load(self, deliveries: Iterable[Delivery], discounts: Iterable[DiscountView]) -> None:
        self.deliveries = {d.order_id: d for d in deliveries}
        self.discounts = {d.code: d for d in discounts}

    def listed(self) -> list[Delivery]:
        """Newest order first, by when it was placed: an update never moves an order."""
        return sorted(self.deliveries.values(), key=lambda d: (d.placed, d.order_id), reverse=True)

    def payment_modes(self) -> dict[str, str]:
        """How each store took payment for its latest order ("link" or "on_collection")."""
        modes: dict[str, str] = {}
        for delivery in sorted(self.deliveries.values(), key=lambda d: d.placed):
            modes[delivery.order.store_id] = delivery.order.payment.mode
        return modes

    def apply_order(self, order: OrderView) -> Delivery | None:
        """Keep the view if it is newer; returns the delivery when something changed."""
        known = self.deliveries.get(order.order_id)
        if known is not None and known.order.version >= order.version:
            return None
        delivery = self.deliveries[order.order_id] = Delivery(order)
        if order.discount_code:
            self.discounts.pop(order.discount_code, None)
        return delivery

    def offer(self, discount: DiscountView) -> Notice:
        self.discounts[discount.code] = discount
        return Notice(
            "discount",
            _("{store} offers you a discount", store=discount.store_name),
            _("{terms}, used when you check out.", terms=discount_terms(discount)),
        )

    def replace_discounts(self, discounts: Iterable[DiscountView]) -> None:
        self.discounts = {d.code: d for d in discounts}

    def usable_codes(self, store_ids: set[str] | None, now: float) -> list[str]:
        """One code per store (the first offered), for the stores being checked out."""
        chosen: dict[str, str] = {}
        for d in sorted(self.discounts.values(), key=lambda d: d.expires_at):
            if d.used or d.expires_at <= now:
                continue
            if store_ids is None or d.store_id in store_ids:
                chosen.setdefault(d.store_id, d.code)
        return list(chosen.values())

    def live_discounts(self, now: float) -> list[DiscountView]:
        return [d for d in self.discounts.values() if not d.used and d.expires_at > now]


def order_notice(order: OrderView) -> Notice:
    title = _(_WHAT[order.status], store=order.store_name)
    detail = order.reason or ""
    if order.status is OrderStatus.DISPATCHED and (order.carrier or order.tracking_url):
        detail = _(
            "{carrier}: {link}",
            carrier=order.carrier or _("Carrier"),
            link=order.tracking_url or _("no tracking link"),
        )
    if order.status is OrderStatus.PLACED:
        total = format_money(order.total.amount, order.total.currency)
        detail = f"{total}, {payment_text(order)}"
    return Notice("order", title, detail, order.order_id)


def payment_text(order: OrderView) -> str:
    if order.payment.mode == "link":
        return _("pay with the store's link")
    return _("pay on collection")

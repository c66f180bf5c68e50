"""What a checkout will do, shown before it is done: per store, the lines it buys, the discount
code it uses, the totals and how the store takes payment. Pure: the cart and the codes go in.

The totals follow the hub's pricing (cartstart_server/domain/pricing.py): one currency per
store, a percentage rounded down to whole minor units, never more off than the subtotal. The
hub prices the order again when it places it; the review says what to expect.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from shared_protocol.common import Money
from shared_protocol.orders import DiscountView

from .cart import CartState
from .lang import _
from .money import format_totals, times, totals

MAX_STORES = 100  # the most store ids one Checkout command may name


@dataclass(frozen=True)
class ReviewLine:
    ticket_id: str
    name: str
    qty: int
    unit_price: Money

    @property
    def total(self) -> Money:
        return times(self.unit_price, self.qty)


@dataclass(frozen=True)
class Unfinished:
    """A personalised item whose form still misses required answers (docs/personalise.md)."""

    store_id: str
    product_id: str
    name: str
    missing: list[str]
    """The labels of the fields still to fill ([]: the form is not on this computer yet)."""

    @property
    def text(self) -> str:
        if self.missing:
            return _(
                "Finish personalising {name} ({fields}) before checking out.",
                name=self.name,
                fields=", ".join(self.missing),
            )
        return _("Personalise {name} before checking out.", name=self.name)


@dataclass(frozen=True)
class StoreReview:
    store_id: str
    store_name: str
    lines: list[ReviewLine]
    left_out: list[str] = field(default_factory=list)
    """Items listed in the cart that will not be bought (their hold ended)."""
    discount: DiscountView | None = None
    payment: str | None = None
    """"link" or "on_collection" as the store's last order said; None when not known yet."""
    unfinished: list[Unfinished] = field(default_factory=list)
    """Personalised items still to finish: the store's order waits for them."""

    @property
    def subtotal(self) -> dict[str, int]:
        return totals((line.unit_price, line.qty) for line in self.lines)

    @property
    def discount_amount(self) -> int:
        """Minor units off, in the store's one currency (0 without a code)."""
        subtotal = self.subtotal
        if self.discount is None or len(subtotal) != 1:
            return 0
        (amount,) = subtotal.values()
        if self.discount.percent_off is not None:
            return min(amount, amount * self.discount.percent_off // 100)
        off = self.discount.amount_off
        return min(amount, off.amount) if off is not None else 0

    @property
    def total(self) -> dict[str, int]:
        out = dict(self.subtotal)
        if len(out) == 1:
            (currency,) = out
            out[currency] -= self.discount_amount
        return out

    @property
    def payment_text(self) -> str:
        if self.payment == "link":
            return _("The store's payment page will open in your browser.")
        if self.payment == "on_collection":
            return _("You pay the store when you collect.")
        return _(
            "If the store has a payment page, it opens in your browser; otherwise you pay "
            "when you collect."
        )


@dataclass(frozen=True)
class CheckoutReview:
    stores: list[StoreReview]
    """The orders Confirm places."""
    waiting: list[StoreReview] = field(default_factory=list)
    """Stores whose order waits for personalised items to be finished: not placed."""
    later: list[StoreReview] = field(default_factory=list)
    """Ready stores beyond what one checkout may name while others wait: not placed now."""

    @property
    def store_ids(self) -> list[str] | None:
        """The stores the checkout names (None, every store, only beyond the command's limit
        and only when no store waits: "every store" would take the waiting ones too)."""
        ids = sorted(s.store_id for s in self.stores)
        if len(ids) <= MAX_STORES:
            return ids
        if self.waiting or self.later:
            raise ValueError("a checkout with stores waiting names its stores")
        return None

    @property
    def codes(self) -> list[str]:
        return [s.discount.code for s in self.stores if s.discount is not None]

    @property
    def ticket_ids(self) -> set[str]:
        return {line.ticket_id for s in self.stores for line in s.lines}

    @property
    def total(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for store in self.stores:
            for currency, amount in store.total.items():
                out[currency] = out.get(currency, 0) + amount
        return dict(sorted(out.items()))

    def summary(self) -> str:
        return _.n(
            "{n} order, {total} in all.",
            "{n} orders, {total} in all.",
            len(self.stores),
            total=format_totals(self.total),
        )


def usable(discount: DiscountView, currency: str | None, now: float) -> bool:
    """A code the hub would take for an order in this currency."""
    if discount.used or discount.expires_at <= now:
        return False
    return discount.amount_off is None or discount.amount_off.currency == currency


def review(
    state: CartState,
    discounts: Iterable[DiscountView],
    payment_modes: Mapping[str, str],
    *,
    store_id: str | None,
    now: float,
    missing: Callable[[str, str], list[str] | None] = lambda store_id, product_id: None,
) -> CheckoutReview:
    """The checkout of one store (or of every store holding something), as it would go now.
    `missing` says what a personalised item's form still lacks (None: complete); a store with
    such an item waits (the hub would refuse its order)."""
    offered = sorted(discounts, key=lambda d: d.expires_at)  # the first offered goes first
    stores: list[StoreReview] = []
    waiting: list[StoreReview] = []
    for group in state.groups():
        if store_id is not None and group.store_id != store_id:
            continue
        lines = [
            ReviewLine(i.ticket_id, i.ticket.name, i.ticket.qty, i.ticket.price)
            for i in group.items
            if i.held
        ]
        if not lines:
            continue
        currencies = {line.unit_price.currency for line in lines}
        currency = next(iter(currencies)) if len(currencies) == 1 else None
        code = next(
            (d for d in offered if d.store_id == group.store_id and usable(d, currency, now)),
            None,
        )
        unfinished = [
            Unfinished(group.store_id, i.ticket.product_id, i.ticket.name, lacking)
            for i in group.items
            if i.held
            and i.ticket.personalised
            and (lacking := missing(group.store_id, i.ticket.product_id)) is not None
        ]
        (waiting if unfinished else stores).append(
            StoreReview(
                group.store_id,
                group.store_name,
                lines,
                left_out=[i.ticket.name for i in group.items if not i.held],
                discount=code if currency is not None else None,
                payment=payment_modes.get(group.store_id),
                unfinished=unfinished,
            )
        )
    later: list[StoreReview] = []
    if waiting and len(stores) > MAX_STORES:  # "every store" would buy the waiting ones too
        stores, later = stores[:MAX_STORES], stores[MAX_STORES:]
    return CheckoutReview(stores, waiting, later)

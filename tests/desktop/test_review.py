"""The checkout review's arithmetic (core.review): the lines bought, the code used, the totals,
what is left out and what the shopper is told about paying. Pure: no hub, no Qt."""

from __future__ import annotations

from cartstart_desktop.core.cart import CartItem, CartState
from cartstart_desktop.core.review import MAX_STORES, review
from shared_protocol.common import Money
from shared_protocol.orders import DiscountView
from tests.desktop.test_cart_state import NOW, view


def offer(code: str, store: str, *, percent: int | None = None, amount: Money | None = None,
          expires: float = NOW + 600, used: bool = False) -> DiscountView:  # fmt: skip
    return DiscountView(
        code=code,
        store_id=store,
        store_name=f"Store {store}",
        percent_off=percent,
        amount_off=amount,
        expires_at=expires,
        used=used,
    )


def cart() -> CartState:
    state = CartState()
    state.load(
        [
            CartItem(view("a", store="s1", qty=2, price=Money(amount=1999, currency="EUR"))),
            CartItem(view("b", store="s1", qty=1, price=Money(amount=1001, currency="EUR"))),
            CartItem(view("c", store="s1", qty=1, state="revoked")),
            CartItem(view("d", store="s2", qty=1, price=Money(amount=4500, currency="GBP"))),
        ]
    )
    return state


def test_every_store_with_its_lines_code_totals_and_payment() -> None:
    codes = [
        offer("CS-LATE-0001", "s1", percent=50, expires=NOW + 900),
        offer("CS-FRST-0001", "s1", percent=10),  # offered first (expires first): used
        offer("CS-EURO-0001", "s2", amount=Money(amount=500, currency="EUR")),  # wrong currency
        offer("CS-USED-0001", "s2", percent=5, used=True),
    ]
    checkout = review(cart(), codes, {"s2": "link"}, store_id=None, now=NOW)
    books, pots = checkout.stores
    assert [(line.name, line.qty) for line in books.lines] == [("Product a", 2), ("Product b", 1)]
    assert books.left_out == ["Product c"]
    assert books.subtotal == {"EUR": 4999}
    assert books.discount is not None and books.discount.code == "CS-FRST-0001"
    assert books.discount_amount == 499  # 10 % of 49.99, rounded down as the hub does
    assert books.total == {"EUR": 4500}
    assert pots.discount is None and pots.total == {"GBP": 4500}
    assert checkout.codes == ["CS-FRST-0001"]
    assert checkout.store_ids == ["s1", "s2"]
    assert checkout.summary() == "2 orders, €45.00 + £45.00 in all."
    assert pots.payment_text == "The store's payment page will open in your browser."
    assert books.payment_text.startswith("If the store has a payment page")  # not known yet


def test_one_store_and_an_amount_never_above_the_subtotal() -> None:
    codes = [offer("CS-BIGG-0001", "s2", amount=Money(amount=9000, currency="GBP"))]
    checkout = review(cart(), codes, {"s2": "on_collection"}, store_id="s2", now=NOW)
    (pots,) = checkout.stores
    assert pots.discount_amount == 4500 and pots.total == {"GBP": 0}
    assert pots.payment_text == "You pay the store when you collect."
    assert review(cart(), [], {}, store_id="s9", now=NOW).stores == []


def test_never_every_store_while_some_wait_beyond_the_commands_limit() -> None:
    state = CartState()
    items = [CartItem(view(f"t{n:03}", store=f"s{n:03}")) for n in range(MAX_STORES + 3)]
    items.append(CartItem(view("form", store="waits", personalised=True)))
    state.load(items)
    checkout = review(
        state,
        [],
        {},
        store_id=None,
        now=NOW,
        missing=lambda store_id, product_id: ["Names"] if store_id == "waits" else None,
    )
    assert [s.store_id for s in checkout.waiting] == ["waits"]
    ids = checkout.store_ids
    assert ids is not None and len(ids) == MAX_STORES and "waits" not in ids
    assert len(checkout.later) == 3
    assert not {s.store_id for s in checkout.later} & set(ids)

    # Nothing waits: "every store" is exactly the ones shown.
    state.load(items[:-1])
    assert review(state, [], {}, store_id=None, now=NOW).store_ids is None

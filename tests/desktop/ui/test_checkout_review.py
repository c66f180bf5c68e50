"""Checking out from the window goes through a review: per store the lines, the discount code,
the totals and how to pay; Cancel buys nothing, Confirm places the orders and opens the payment
link. Against a real hub on 127.0.0.1."""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from cartstart_desktop.ui.cart_model import ITEM
from cartstart_desktop.ui.main_window import MainWindow
from cartstart_desktop.ui.review_dialog import CheckoutReviewDialog
from cartstart_server.domain.tickets import cart_ref
from cartstart_server.server import HubServer
from shared_protocol.cart import Reserve
from shared_protocol.store import OfferDiscount, UpdateSettings
from tests.desktop.conftest import Opened
from tests.desktop.ui.test_main_window import MakeWindow, signed_in
from tests.helpers.hubs import command_id, seed_store
from tests.helpers.waiting import eventually


def shown(dialog: CheckoutReviewDialog) -> list[str]:
    """Every text the review shows, in order."""
    return [label.text() for label in dialog.findChildren(QLabel) if label.text()]


def open_review(window: MainWindow, qtbot: Any, button: Any) -> CheckoutReviewDialog:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = window.cart_tab.review_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


async def test_the_review_shows_each_store_and_only_confirm_buys(
    make_window: MakeWindow, server: HubServer, qtbot: Any, opened: Opened
) -> None:
    books, _ = await seed_store(server.hub, "Books", {"novel": 3})
    pots, _ = await seed_store(server.hub, "Pots", {"vase": 2})
    await server.hub.stores.command(
        pots,
        UpdateSettings(id=command_id(), payment_url_template="https://pots.example/pay/{order_id}"),
    )
    window, shopper = await signed_in(make_window, server)
    for store_id, product, qty in ((books, "novel", 2), (pots, "vase", 1)):
        await server.hub.carts.command(
            shopper, Reserve(id=command_id(), store_id=store_id, product_id=product, qty=qty)
        )
    offered = await server.hub.stores.command(
        books,
        OfferDiscount(
            id=command_id(),
            cart_ref=cart_ref(books, shopper.cart_id),
            percent_off=10,
            message="for a regular",
        ),
    )
    assert offered.discount is not None
    code = offered.discount.code
    session = window.session
    await eventually(lambda: session.local.state.held_count() == 2, what="two items held")
    await eventually(lambda: bool(session.purchases.live_discounts()), what="the code arrives")

    # One store: its own review, nothing of the other store.
    model = window.cart_tab.model
    books_row = next(r for r in range(2) if model.data(model.index(r, ITEM)) == "Books")
    window.cart_tab.view.setCurrentIndex(model.index(books_row, ITEM))
    one = open_review(window, qtbot, window.cart_tab.checkout_store_button)
    texts = shown(one)
    assert "Books" in texts and "Pots" not in texts
    assert ["Product novel", "2 × €10.00", "€20.00"] == texts[texts.index("Product novel") :][:3]
    assert f"Discount {code}: 10% off" in texts and "\N{MINUS SIGN}€2.00" in texts
    assert texts[texts.index("Total") + 1] == "€18.00"
    qtbot.mouseClick(one.cancel_button, Qt.MouseButton.LeftButton)
    assert not one.isVisible()

    # Every store: both orders, the total, and how each store is paid.
    everything = open_review(window, qtbot, window.cart_tab.checkout_all_button)
    texts = shown(everything)
    assert "Books" in texts and "Pots" in texts and "Product vase" in texts
    assert "2 orders, €28.00 in all. You can follow them under Deliveries." in texts
    assert any(t.startswith("If the store has a payment page") for t in texts)  # not known yet
    qtbot.mouseClick(everything.cancel_button, Qt.MouseButton.LeftButton)
    await asyncio.sleep(0.3)  # a checkout, had one been sent, would be back by now
    assert session.purchases.deliveries == [] and session.local.state.held_count() == 2
    assert (await server.hub.carts.snapshot(shopper.cart_id)).orders == []
    assert opened == []

    # Confirm: the orders as reviewed, the code used, the payment page opened.
    confirm = open_review(window, qtbot, window.cart_tab.checkout_all_button)
    qtbot.mouseClick(confirm.confirm_button, Qt.MouseButton.LeftButton)
    await eventually(lambda: len(session.purchases.deliveries) == 2, what="two orders")
    orders = {o.store_id: o for o in (await server.hub.carts.snapshot(shopper.cart_id)).orders}
    assert orders[books].discount_code == code and orders[books].total.amount == 1800
    await eventually(lambda: window.tabs.currentWidget() is window.deliveries_tab, what="shown")
    assert opened == [f"https://pots.example/pay/{orders[pots].order_id}"]
    await eventually(lambda: window.cart_tab.swap.showing_empty, what="the empty cart says so")

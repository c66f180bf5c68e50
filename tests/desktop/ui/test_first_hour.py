"""The first hour as a shopper lives it (issue 13): empty lists say what to do, notices never move
what is under the pointer, the chosen order stays chosen, the words are for people, the sign-in
dialog fits, and the keyring notice comes once, however the cart was signed in."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import keyring
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QMessageBox

from cartstart_desktop import app
from cartstart_desktop.ui.cart_model import ITEM, STATUS
from cartstart_desktop.ui.list_models import ROW_ROLE
from cartstart_desktop.ui.list_models import DeliveriesModel as M
from cartstart_desktop.ui.main_window import MainWindow
from cartstart_server.clock import FakeClock
from cartstart_server.domain.tickets import cart_ref
from cartstart_server.server import HubServer
from shared_protocol.cart import Reserve
from shared_protocol.orders import OrderStatus
from shared_protocol.store import AdjustStock, OfferDiscount, UpdateOrder
from tests.desktop.ui.test_main_window import PASSWORD, MakeWindow, signed_in
from tests.helpers.hubs import command_id, seed_store
from tests.helpers.keyrings import NoKeyring
from tests.helpers.waiting import eventually


def where(window: MainWindow) -> tuple[Any, ...]:
    """Where the tabs and the cart's first rows are, in window coordinates."""
    view = window.cart_tab.view
    model = window.cart_tab.model
    first = view.visualRect(model.index(0, ITEM))
    item = view.visualRect(model.index(0, ITEM, model.index(0, 0)))
    return (
        window.tabs.mapTo(window, QPoint(0, 0)),
        window.tabs.size(),
        view.viewport().mapTo(window, first.topLeft()),
        view.viewport().mapTo(window, item.topLeft()),
    )


async def settle() -> None:
    """Let Qt lay out and paint (the loop runs Qt's events; never processEvents() inside a
    coroutine: it would step other tasks inside this one)."""
    await asyncio.sleep(0.1)


async def test_empty_lists_say_what_to_do_and_give_way_to_content(
    make_window: MakeWindow, server: HubServer
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 5})
    window, shopper = await signed_in(make_window, server)
    cart, bookmarks, deliveries = window.cart_tab, window.bookmarks_tab, window.deliveries_tab
    assert cart.swap.showing_empty and bookmarks.swap.showing_empty
    assert deliveries.swap.showing_empty
    assert cart.empty.title.text() == "Your cart is empty"
    assert "Pick a product on a store page" in cart.empty.text.text()
    assert bookmarks.empty.title.text() == "No bookmarks yet"
    assert deliveries.empty.title.text() == "No orders yet"
    # The empty cart's button opens the Connect dialog.
    assert cart.empty.button is not None
    cart.empty.button.click()
    assert window.connect_dialog is not None
    window.connect_dialog.reject()

    await server.hub.carts.command(
        shopper,
        Reserve(
            id=command_id(),
            store_id=store_id,
            product_id="mug",
            source_url="https://shop.example/mug",
        ),
    )
    await eventually(lambda: not cart.swap.showing_empty, what="the cart shows its row")
    await eventually(lambda: not bookmarks.swap.showing_empty, what="a bookmark")
    model = cart.model
    cart.view.setCurrentIndex(model.index(0, ITEM, model.index(0, 0)))
    cart.remove_button.click()
    await eventually(lambda: cart.swap.showing_empty, what="empty again")


async def test_notices_never_move_the_tabs_or_the_rows(
    make_window: MakeWindow, server: HubServer
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 5})
    window, shopper = await signed_in(make_window, server)
    await server.hub.carts.command(
        shopper, Reserve(id=command_id(), store_id=store_id, product_id="mug")
    )
    await eventually(lambda: window.cart_tab.model.rowCount() == 1, what="row")
    await settle()
    before = where(window)
    window.notifier.notify("Shop took back Product mug", "The shop sold this item. " * 20)
    await settle()
    assert window.banner.text().startswith("<b>Shop took back Product mug</b>")
    assert window.banner.text().endswith("…")  # shortened to one line, not wrapped
    assert where(window) == before
    window.show_error("Not connected.\nTry again.")
    await settle()
    assert where(window) == before
    window.banner.clear_notice()  # as when the notice times out
    await settle()
    assert window.banner.text() == "" and where(window) == before


async def test_the_chosen_delivery_stays_chosen_and_in_place_when_orders_move(
    make_window: MakeWindow, server: HubServer, clock: FakeClock
) -> None:
    books, _ = await seed_store(server.hub, "Books", {"novel": 5})
    pots, _ = await seed_store(server.hub, "Pots", {"vase": 5})
    window, shopper = await signed_in(make_window, server)
    session = window.session
    for store_id, product in ((books, "novel"), (pots, "vase")):
        await server.hub.carts.command(
            shopper, Reserve(id=command_id(), store_id=store_id, product_id=product, qty=3)
        )
        await eventually(lambda s=store_id: session.local.state.holds_in(s), what="held")  # type: ignore[misc]
        await session.cart.checkout(store_id)  # two orders, placed one after the other
        clock.advance(60)
    tab, model = window.deliveries_tab, window.deliveries_tab.model
    await eventually(lambda: model.rowCount() == 2, what="two orders")
    window.tabs.setCurrentWidget(tab)
    order = lambda row: model.data(model.index(row, 0), ROW_ROLE).order_id  # noqa: E731
    listed = [order(0), order(1)]
    older = listed[1]  # the first placed (the bookshop's) is listed second
    assert model.data(model.index(1, M.STORE)) == "Books"
    tab.view.setCurrentIndex(model.index(1, 0))
    for status in (OrderStatus.CONFIRMED, OrderStatus.DISPATCHED):
        await server.hub.stores.command(
            books, UpdateOrder(id=command_id(), order_id=older, status=status)
        )
        label = status.value.capitalize()
        await eventually(lambda lbl=label: model.data(model.index(1, M.STATUS)) == lbl, what=label)  # type: ignore[misc]
        assert [order(0), order(1)] == listed  # not re-sorted by the update
        assert order(tab.view.currentIndex().row()) == older  # still chosen
        assert tab.view.selectionModel().isRowSelected(1)
        assert f"order {model.data(model.index(1, M.ORDER))}: {label}" in tab.details.text()
    # Columns for people at the default size: a short reference, no horizontal scrolling.
    assert model.data(model.index(1, M.ORDER)).startswith("#")
    assert len(model.data(model.index(1, M.ORDER))) == 7
    header, viewport = tab.view.horizontalHeader(), tab.view.viewport()
    await settle()
    assert header.length() <= viewport.width()
    assert header.sectionSize(M.ITEMS) >= viewport.width() // 4
    assert header.sectionSize(M.ORDER) < header.sectionSize(M.ITEMS)


async def test_offers_and_counts_read_plainly(make_window: MakeWindow, server: HubServer) -> None:
    store_id, _ = await seed_store(server.hub, "Harbour Ceramics", {"mug": 5, "vase": 1})
    window, shopper = await signed_in(make_window, server)
    for product in ("mug", "vase"):
        await server.hub.carts.command(
            shopper, Reserve(id=command_id(), store_id=store_id, product_id=product)
        )
    await eventually(lambda: window.session.local.state.held_count() == 2, what="held")
    offered = await server.hub.stores.command(
        store_id,
        OfferDiscount(
            id=command_id(), cart_ref=cart_ref(store_id, shopper.cart_id), percent_off=15
        ),
    )
    assert offered.discount is not None
    code = offered.discount.code
    await eventually(lambda: bool(window.cart_tab.discounts.lines), what="the offer shown")
    ((terms, value),) = window.cart_tab.discounts.lines
    assert value.text() == code and not value.wordWrap()  # the code is never broken
    assert terms.text().startswith("Discount from Harbour Ceramics: 15% off at checkout")
    # The notice names the store once.
    title, text = window.notifier.shown[-1]
    assert title == "Harbour Ceramics offers you a discount" and "Harbour Ceramics" not in text
    # Every character shown has a glyph in the font it is shown in.
    for label in (terms, value, window.banner):
        metrics = QFontMetrics(label.font())
        shown = label.text() if label is not window.banner else text + title
        assert all(metrics.inFontUcs4(ord(ch)) for ch in shown if ch.isprintable()), shown

    # The shop sells the vase over the counter: the store row and the footer agree.
    await server.hub.stores.command(
        store_id, AdjustStock(id=command_id(), product_id="vase", delta=-1)
    )
    await eventually(lambda: window.session.local.state.held_count() == 1, what="taken back")
    model = window.cart_tab.model
    await eventually(
        lambda: window.cart_tab.totals.text().startswith("1 item held, 1 no longer held"),
        what="footer",
    )
    assert model.data(model.index(0, STATUS)) == "1 item held, 1 no longer held"
    assert window.cart_tab.totals.text() == "1 item held, 1 no longer held · total €10.00"


async def test_the_sign_in_dialog_fits_and_speaks_plainly(
    make_window: MakeWindow, server: HubServer, qtbot: Any
) -> None:
    window = make_window()
    await window.session.open()
    window.ask_login()
    dialog = window.login_dialog
    assert dialog is not None
    await settle()
    address = dialog.hub.text()
    assert address == "http://127.0.0.1:8740" and dialog.hub.displayText() == address
    needed = dialog.hub.fontMetrics().horizontalAdvance(address)
    assert dialog.hub.width() > needed + 8  # the whole address shows, from its start
    assert dialog.width() >= 400
    dialog.hub.setText(server.http_url)
    qtbot.keyClicks(dialog.email, "bob@example.org")
    qtbot.keyClicks(dialog.password, "short")
    height = dialog.height()
    qtbot.mouseClick(dialog.sign_up_button, Qt.MouseButton.LeftButton)
    await eventually(lambda: dialog.error.text().startswith("Choose"), what="the answer")
    assert dialog.error.text() == "Choose a password of at least 8 characters."
    assert dialog.height() == height  # the message had its room already


async def test_the_keyring_notice_comes_once_when_signed_in_from_the_command_line(
    server: HubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.set_keyring(NoKeyring())
    await server.hub.identity.sign_up("demo@example.org", PASSWORD, "Demo")
    monkeypatch.setenv("CARTSTART_PASSWORD", PASSWORD)
    args = app.parse_args(
        ["--home", str(tmp_path / "home"), "--hub", server.http_url, "--email", "demo@example.org"]
    )  # as `make demo` starts the cart
    running = asyncio.ensure_future(app.run(args))

    def window() -> MainWindow | None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        return found[0] if found and found[0].isVisible() else None

    await eventually(lambda: window() is not None, what="the window")
    shown = window()
    assert shown is not None
    await eventually(lambda: shown.keyring_notice is not None, what="the notice")
    notice = shown.keyring_notice
    assert notice is not None and notice.isVisible()
    assert "keeps it only until you close the app" in notice.text()
    notice.accept()
    # Signing in again in this run does not say it again.
    await shown.session.account.sign_out()
    await shown.session.account.log_in(server.http_url, "demo@example.org", PASSWORD)
    await settle()
    assert shown.keyring_notice is notice and not notice.isVisible()
    assert len([b for b in shown.findChildren(QMessageBox) if b.isVisible()]) == 0
    if shown.login_dialog is not None:
        shown.login_dialog.reject()
    shown.detach()
    shown.close()
    assert await asyncio.wait_for(running, 10) == 0

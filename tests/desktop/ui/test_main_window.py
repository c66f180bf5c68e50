"""The desktop cart's window, offscreen, against a real hub on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSpinBox

from cartstart_desktop.core.connection import Status
from cartstart_desktop.ui.cart_model import EXPIRES, ITEM, QTY, STATUS, TOTAL
from cartstart_desktop.ui.main_window import MainWindow
from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from cartstart_server.services.identity import Shopper
from shared_protocol.cart import Reserve
from tests.helpers.hubs import command_id, hub_config, seed_store
from tests.helpers.keyrings import MemoryKeyring
from tests.helpers.waiting import eventually, free_port

PASSWORD = "correct horse battery"
MakeWindow = Callable[..., MainWindow]


async def signed_in(
    make_window: MakeWindow, server: HubServer, home: Path | None = None
) -> tuple[MainWindow, Shopper]:
    window = make_window(home)
    await window.session.open()
    await window.session.account.log_in(
        server.http_url, "alice@example.org", PASSWORD, create_account=True
    )
    await eventually(lambda: window.session.stream.status is Status.WEBSOCKET, what="online")
    assert window.session.api is not None
    shopper = await server.hub.identity.authenticate_shopper(window.session.api.token)
    return window, shopper


def cell(window: MainWindow, store_row: int, item_row: int, column: int) -> Any:
    model = window.cart_tab.model
    return model.data(model.index(item_row, column, model.index(store_row, 0)))


async def test_a_pick_at_the_hub_shows_a_row_with_a_live_countdown(
    make_window: MakeWindow, server: HubServer, clock: FakeClock
) -> None:
    store_id, _ = await seed_store(server.hub, "Harbour Ceramics", {"mug": 5}, ttl=900)
    window, shopper = await signed_in(make_window, server)
    assert window.connection_label.text() == "● online (WebSocket)"
    await server.hub.carts.command(
        shopper, Reserve(id=command_id(), store_id=store_id, product_id="mug", qty=2)
    )
    await eventually(lambda: window.cart_tab.model.rowCount() == 1, what="row")
    model = window.cart_tab.model
    assert model.data(model.index(0, ITEM)) == "Harbour Ceramics"
    assert cell(window, 0, 0, ITEM) == "Product mug"
    assert cell(window, 0, 0, QTY) == 2
    assert cell(window, 0, 0, TOTAL) == "€20.00"
    assert cell(window, 0, 0, EXPIRES) == "15:00"
    assert window.cart_tab.totals.text() == "1 item held · total €20.00"
    clock.advance(61)
    window.cart_tab.model.tick()
    assert cell(window, 0, 0, EXPIRES) == "13:59"
    # A repeat pick on a page adds to the same row.
    await server.hub.carts.command(
        shopper, Reserve(id=command_id(), store_id=store_id, product_id="mug")
    )
    await eventually(lambda: cell(window, 0, 0, QTY) == 3, what="qty 3")
    assert window.cart_tab.model.rowCount(window.cart_tab.model.index(0, 0)) == 1


async def test_expiry_marks_the_row_and_tells_the_shopper(
    make_window: MakeWindow, server: HubServer, clock: FakeClock
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"lamp": 1}, ttl=300)
    window, shopper = await signed_in(make_window, server)
    await server.hub.carts.command(
        shopper, Reserve(id=command_id(), store_id=store_id, product_id="lamp")
    )
    await eventually(lambda: window.cart_tab.model.rowCount() == 1, what="row")
    clock.advance(240)  # a minute before the end: the warning
    await eventually(lambda: "renew" in str(cell(window, 0, 0, STATUS)), what="warned")
    clock.advance(60)
    await eventually(lambda: str(cell(window, 0, 0, STATUS)).startswith("Expired"), what="expired")
    # The row reads the cart in memory at once; the totals follow once the change is stored.
    await eventually(lambda: window.cart_tab.totals.text().startswith("0 items"), what="totals")
    assert cell(window, 0, 0, EXPIRES) == "—"
    # Held and listed are counted apart: the row is still listed, no longer held.
    assert window.cart_tab.totals.text() == "0 items held, 1 no longer held · total —"
    model = window.cart_tab.model
    assert model.data(model.index(0, STATUS)) == "0 items held, 1 no longer held"
    titles = [title for title, _ in window.notifier.shown]
    assert "A hold is about to expire" in titles and "A hold expired" in titles
    assert window.banner.isVisible()


async def test_remove_gives_the_stock_back(
    make_window: MakeWindow, server: HubServer, qtbot: Any
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 2})
    window, shopper = await signed_in(make_window, server)
    await server.hub.carts.command(
        shopper, Reserve(id=command_id(), store_id=store_id, product_id="mug")
    )
    await eventually(lambda: window.cart_tab.model.rowCount() == 1, what="row")
    model = window.cart_tab.model
    window.cart_tab.view.setCurrentIndex(model.index(0, ITEM, model.index(0, 0)))
    assert window.cart_tab.remove_button.isEnabled()
    qtbot.mouseClick(window.cart_tab.remove_button, Qt.MouseButton.LeftButton)
    await eventually(lambda: model.rowCount() == 0, what="row gone")
    (level,) = await server.hub.carts.availability([(store_id, "mug")])
    assert level.available == 2


async def test_a_quantity_beyond_stock_shows_how_many_are_left(
    make_window: MakeWindow, server: HubServer, qtbot: Any
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 3})
    window, shopper = await signed_in(make_window, server)
    await server.hub.carts.command(
        shopper, Reserve(id=command_id(), store_id=store_id, product_id="mug")
    )
    await eventually(lambda: window.cart_tab.model.rowCount() == 1, what="row")
    model = window.cart_tab.model
    qty_index = model.index(0, QTY, model.index(0, 0))

    async def type_quantity(qty: int) -> None:
        window.cart_tab.view.setCurrentIndex(qty_index)
        window.cart_tab.view.edit(qty_index)
        # The first edit's editor may still be a child (deleted later, hidden): the open one.
        editors = [e for e in window.cart_tab.view.findChildren(QSpinBox) if e.isVisible()]
        assert len(editors) == 1
        editor = editors[0]
        editor.setValue(qty)
        qtbot.keyClick(editor, Qt.Key.Key_Return)

    await type_quantity(3)
    await eventually(lambda: cell(window, 0, 0, QTY) == 3, what="grown to 3")
    await type_quantity(5)
    await eventually(lambda: "at most 3" in window.banner.text(), what="error shown")
    assert window.banner.text().startswith("No more left")  # the words table (core.words)
    assert cell(window, 0, 0, QTY) == 3


async def test_restarted_offline_the_window_shows_the_same_cart(
    make_window: MakeWindow, tmp_path: Path, clock: FakeClock
) -> None:
    config = hub_config(tmp_path / "hub", port=free_port(), ws_port=free_port())
    async with HubServer(config, clock=clock) as server:
        store_id, _ = await seed_store(server.hub, "Shop", {"mug": 3, "lamp": 3})
        window, shopper = await signed_in(make_window, server)
        for product in ("mug", "lamp"):
            await server.hub.carts.command(
                shopper, Reserve(id=command_id(), store_id=store_id, product_id=product)
            )
        await eventually(
            lambda: window.cart_tab.model.rowCount(window.cart_tab.model.index(0, 0)) == 2,
            what="rows",
        )
        await window.session.close()
        window.close()
    again = make_window()  # same home directory, no hub running
    await again.session.open()
    model = again.cart_tab.model
    assert model.rowCount() == 1 and model.rowCount(model.index(0, 0)) == 2
    assert {cell(again, 0, row, ITEM) for row in range(2)} == {"Product mug", "Product lamp"}
    await eventually(lambda: again.connection_label.text() == "● offline", what="offline shown")


async def test_signing_up_in_the_dialog_keeps_the_secret_in_the_keyring(
    make_window: MakeWindow,
    server: HubServer,
    qtbot: Any,
    test_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    window = make_window()
    assert not await window.session.open()
    window.ask_login()
    dialog = window.login_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.hub.setText(server.http_url)
    qtbot.keyClicks(dialog.email, "alice@example.org")
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.sign_up_button, Qt.MouseButton.LeftButton)
    await eventually(lambda: window.session.stream.status is Status.WEBSOCKET, what="signed in")
    await eventually(lambda: window.login_dialog is None, what="dialog closed")
    assert len(test_keyring.secrets) == 1
    # Wrong password: the dialog says so and stays open.
    await window.session.account.sign_out()
    await eventually(lambda: window.login_dialog is not None, what="asked again")
    dialog = window.login_dialog
    assert dialog is not None
    dialog.password.setText("not the password")
    qtbot.mouseClick(dialog.log_in_button, Qt.MouseButton.LeftButton)
    await eventually(lambda: "Wrong email or password" in dialog.error.text(), what="error")
    assert test_keyring.secrets == {}


async def test_a_product_name_with_markup_is_shown_as_text(
    make_window: MakeWindow, server: HubServer, clock: FakeClock
) -> None:
    from shared_protocol.common import Price
    from shared_protocol.store import ProductIn, SetStock, UpsertProducts

    store_id, _ = await seed_store(server.hub, "Shop", {"plain": 1})
    name = "<b>Bold</b> <script>alert(1)</script>"
    product = ProductIn(id="evil", name=name, price=Price(amount=100, currency="EUR"))
    await server.hub.stores.command(store_id, UpsertProducts(id=command_id(), products=[product]))
    await server.hub.stores.command(
        store_id, SetStock(id=command_id(), product_id="evil", on_hand=1)
    )
    window, shopper = await signed_in(make_window, server)
    await server.hub.carts.command(
        shopper, Reserve(id=command_id(), store_id=store_id, product_id="evil")
    )
    await eventually(lambda: window.cart_tab.model.rowCount() == 1, what="row")
    assert cell(window, 0, 0, ITEM) == name
    clock.advance(600)  # the expiring notice quotes the name in the banner (rich text)
    await eventually(lambda: bool(window.notifier.shown), what="notice")
    assert "&lt;script&gt;" in window.banner.text() and "<script>" not in window.banner.text()

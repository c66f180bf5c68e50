"""Checkout from the window, and an order's steps reaching the Deliveries tab and the inbox."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from cartstart_desktop.core.orders import STATUS_LABELS
from cartstart_desktop.ui.list_models import ROW_ROLE
from cartstart_desktop.ui.list_models import DeliveriesModel as M
from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from shared_protocol.cart import Reserve
from shared_protocol.orders import OrderStatus
from shared_protocol.store import UpdateOrder
from tests.desktop.conftest import Opened
from tests.desktop.ui.test_main_window import MakeWindow, signed_in
from tests.helpers.hubs import command_id, hub_config, seed_store
from tests.helpers.receivers import smtp_server
from tests.helpers.waiting import eventually


async def test_the_status_flow_reaches_deliveries_and_the_shoppers_inbox(
    make_window: MakeWindow, tmp_path: Path, clock: FakeClock, qtbot: object, opened: Opened
) -> None:
    with smtp_server() as (smtp_port, inbox):
        config = hub_config(tmp_path / "hub", smtp_host="127.0.0.1", smtp_port=smtp_port)
        async with HubServer(config, clock=clock) as server:
            store_id, _ = await seed_store(server.hub, "Harbour Ceramics", {"mug": 2})
            window, shopper = await signed_in(make_window, server)
            await server.hub.carts.command(
                shopper, Reserve(id=command_id(), store_id=store_id, product_id="mug", qty=2)
            )
            await eventually(
                lambda: window.cart_tab.checkout_all_button.isEnabled(), what="can check out"
            )
            qtbot.mouseClick(window.cart_tab.checkout_all_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
            # Checking out goes through the review: nothing is bought before Confirm.
            review = window.cart_tab.review_dialog
            assert review is not None and review.isVisible()
            qtbot.mouseClick(review.confirm_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
            await eventually(
                lambda: window.deliveries_tab.model.rowCount() == 1, what="delivery row"
            )
            await eventually(lambda: window.cart_tab.model.rowCount() == 0, what="the cart emptied")
            model = window.deliveries_tab.model
            assert model.data(model.index(0, M.STATUS)) == "Placed"
            assert model.data(model.index(0, M.ITEMS)) == "2 × Product mug"
            assert model.data(model.index(0, M.TOTAL)) == "€20.00"
            order_id = model.data(model.index(0, 0), ROW_ROLE).order_id

            def shows(status: str) -> Callable[[], bool]:
                label = STATUS_LABELS[OrderStatus(status)]
                return lambda: bool(model.data(model.index(0, M.STATUS)) == label)

            steps: list[tuple[OrderStatus, dict[str, Any]]] = [
                (OrderStatus.CONFIRMED, {}),
                (
                    OrderStatus.DISPATCHED,
                    {"carrier": "Harbour Post", "tracking_url": "https://track.example/77"},
                ),
                (OrderStatus.DELIVERED, {}),
            ]
            for status, extra in steps:
                await server.hub.stores.command(
                    store_id,
                    UpdateOrder(id=command_id(), order_id=order_id, status=status, **extra),
                )
                await eventually(shows(status.value), what=status.value)
            window.deliveries_tab.view.setCurrentIndex(model.index(0, 0))
            details = window.deliveries_tab.details.text()
            for step in ("placed", "confirmed", "dispatched: Harbour Post", "delivered"):
                assert step in details, details
            assert window.deliveries_tab.track_button.isEnabled()
            qtbot.mouseClick(window.deliveries_tab.track_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
            assert opened[-1] == "https://track.example/77"  # in the system's browser
            # Every step also reached the shopper by email, through a real SMTP server.
            await eventually(lambda: len(inbox) == 4, what="four emails")
            subjects = [m["Subject"] for m in inbox]
            assert subjects == [
                "Your order with Harbour Ceramics is placed",
                "Harbour Ceramics confirmed your order",
                "Your order from Harbour Ceramics is on its way",
                "Your order from Harbour Ceramics was delivered",
            ]
            assert all(m["To"] == "alice@example.org" for m in inbox)
            assert "https://track.example/77" in inbox[2].get_payload()

"""Screenshots of the desktop cart with the demo data (`make screenshots`, under Xvfb).

Runs a hub with the demo catalogue in this process, picks a few products for the demo shopper
as store pages would (with link tokens), lets one shop sell an item over the counter, and grabs
the real window.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication

from cartstart_demo_store.app import ShopConfig, register
from cartstart_demo_store.catalogue import CATALOGUES
from cartstart_demo_store.desktop import DEMO_EMAIL, DEMO_NAME, DEMO_PASSWORD
from cartstart_demo_store.federation import DEMO_SHOPS, FIRST_SHOP_PORT
from cartstart_desktop.core.connection import Status
from cartstart_desktop.core.credentials import MemoryCredentials
from cartstart_desktop.core.session import CartSession
from cartstart_desktop.ui.main_window import MainWindow
from cartstart_server.config import HubConfig
from cartstart_server.server import HubServer
from shared_protocol.orders import OrderStatus
from shared_protocol.page import AddToCart
from shared_protocol.store import AdjustStock, UpdateOrder
from storefront_templates.store_api import StoreClient

PICKS = [  # (store index, product, how many)
    (0, "first-edition", 1),
    (0, "federated-garden", 2),
    (0, "dot-notebook", 3),
    (1, "harbour-mug", 2),
    (1, "tide-vase", 1),
]


async def wait_for(check: object, seconds: float = 10.0) -> None:
    for _ in range(int(seconds * 50)):
        if check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.02)
    raise RuntimeError("the cart did not catch up")


async def seed(server: HubServer) -> list[str]:
    """The demo stores with their catalogues (as the demo shops register them), and the demo
    shopper; returns the store ids."""
    store_ids = []
    for port, name in enumerate(DEMO_SHOPS, start=FIRST_SHOP_PORT):
        catalogue = CATALOGUES[name]
        store_id, key = await server.hub.stores.create(catalogue.name)
        async with StoreClient(server.http_url, store_id, key) as client:
            await register(client, ShopConfig(server.http_url, store_id, key, catalogue, port=port))
        store_ids.append(store_id)
    await server.hub.identity.sign_up(DEMO_EMAIL, DEMO_PASSWORD, DEMO_NAME)
    return store_ids


async def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = HubConfig(data_dir=Path(tmp) / "hub", port=0, log_format="text")
        server = HubServer(config)
        await server.start()
        stores = await seed(server)
        session = CartSession(Path(tmp) / "home", MemoryCredentials(), open_url=lambda url: None)
        window = MainWindow(session)
        window.resize(1100, 560)
        window.show()
        await session.open()
        await session.account.log_in(server.http_url, DEMO_EMAIL, DEMO_PASSWORD)
        await wait_for(lambda: session.stream.status is Status.WEBSOCKET)
        shopper = await server.hub.identity.log_in(DEMO_EMAIL, DEMO_PASSWORD)
        cart = await server.hub.identity.authenticate_shopper(shopper.token)
        issued = await server.hub.identity.mint_link_token(cart, None, None, "screenshot")
        page = await server.hub.identity.authenticate_link(issued.token)
        for n, (store, product, qty) in enumerate(PICKS):
            await server.hub.carts.add_to_cart(
                page,
                AddToCart(
                    id=f"shot-{n:04d}",
                    store_id=stores[store],
                    product_id=product,
                    qty=qty,
                    page_url=f"https://shop{store + 1}.example/products/{product}",
                ),
            )
            await asyncio.sleep(0.3)  # so the countdowns differ a little
        # The ceramics shop sells its vase over the counter: the cart row says why.
        await server.hub.stores.command(
            stores[1], AdjustStock(id="shot-sale-1", product_id="tide-vase", delta=-1)
        )
        await wait_for(lambda: len(session.local.state.items) == len(PICKS))
        await wait_for(lambda: any(not i.held for i in session.local.state.items.values()))
        await asyncio.sleep(1.2)  # let a countdown tick and the banner settle
        model = window.cart_tab.model
        window.cart_tab.view.setCurrentIndex(model.index(1, 0, model.index(0, 0)))
        window.grab().save(str(out / "desktop-cart.png"))
        window.tabs.setCurrentIndex(1)
        await asyncio.sleep(0.2)
        window.grab().save(str(out / "desktop-bookmarks.png"))
        # The bookshop's items are bought; the shop confirms and dispatches the order.
        result = await session.cart.checkout(stores[0])
        (order,) = result.orders or []
        for status, extra in [
            (OrderStatus.CONFIRMED, {}),
            (OrderStatus.DISPATCHED, {"carrier": "Harbour Post",
                                      "tracking_url": "https://track.example/CS123"}),
        ]:  # fmt: skip
            await server.hub.stores.command(
                stores[0],
                UpdateOrder(id=f"shot-{status.value}", order_id=order.order_id, status=status,
                            **extra),
            )  # fmt: skip
        await wait_for(
            lambda: session.purchases.book.deliveries[order.order_id].status == "dispatched"
        )
        window.tabs.setCurrentIndex(2)
        window.deliveries_tab.view.setCurrentIndex(window.deliveries_tab.model.index(0, 0))
        await asyncio.sleep(0.3)
        window.grab().save(str(out / "desktop-deliveries.png"))
        window.detach()
        await session.close()
        window.close()
        await server.stop()
    print(f"saved desktop-cart.png, desktop-bookmarks.png and desktop-deliveries.png in {out}")


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img")
    target.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    qasync.run(main(target))

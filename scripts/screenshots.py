"""Screenshots of the desktop cart with the demo data (`make screenshots`, under Xvfb).

Runs a hub with the demo catalogue in this process (with product pictures served from
127.0.0.1, scripts/demo_pictures.py), and grabs the real window at its default size: the empty
cart, the cart with picks from two shops (one sold over the counter, a discount code on
offer), the bookmarks, the checkout review, the deliveries, the Connect dialog as a browser
uses its code, and live sessions (live_shots.py): the attach dialog, the Live sessions tab,
an open session, and a call in it with the store's video, the Call settings dialog and the
call's rating after it (call_shots.py); then the Marketplace tab in both languages (market_shots.py).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import httpx
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
from cartstart_server.domain.tickets import cart_ref
from cartstart_server.server import HubServer
from shared_protocol.common import Price
from shared_protocol.orders import OrderStatus
from shared_protocol.page import AddToCart
from shared_protocol.store import AdjustStock, OfferDiscount, ProductIn, UpdateOrder
from storefront_templates.store_api import StoreClient

sys.path.insert(0, str(Path(__file__).parent))
from demo_pictures import picture_site
from live_shots import outputs, shoot_live
from market_shots import shoot_market

PICKS = [  # (store index, product, how many)
    (0, "first-edition", 1),
    (0, "federated-garden", 2),
    (0, "dot-notebook", 3),
    (1, "harbour-mug", 2),
    (1, "tide-vase", 1),
]


async def wait_for(check: Callable[[], object], seconds: float = 10.0) -> None:
    for _ in range(int(seconds * 50)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise RuntimeError("the cart did not catch up")


async def seed(server: HubServer, site: str) -> list[tuple[str, str]]:
    """The demo stores with their catalogues (as the demo shops register them, plus a picture
    for each product drawn), and the demo shopper; returns the store ids and keys."""
    store_ids = []
    for port, name in enumerate(DEMO_SHOPS, start=FIRST_SHOP_PORT):
        catalogue = CATALOGUES[name]
        store_id, key = await server.hub.stores.create(catalogue.name)
        async with StoreClient(server.http_url, store_id, key) as client:
            await register(client, ShopConfig(server.http_url, store_id, key, catalogue, port=port))
            pictured = [
                ProductIn(id=p.id, name=p.name, code=p.code, price=Price(**p.price.model_dump()),
                          page_url=p.page_url,
                          tags=p.tags, image_url=f"{site}/{p.id}.png")
                for p in await client.products()
            ]  # fmt: skip
            await client.upsert_products(pictured)
        store_ids.append((store_id, key))
    await server.hub.identity.sign_up(DEMO_EMAIL, DEMO_PASSWORD, DEMO_NAME)
    return store_ids


def save(widget: object, out: Path, name: str, saved: list[str]) -> None:
    widget.grab().save(str(out / name))  # type: ignore[attr-defined]
    saved.append(name)


async def shoot(
    out: Path, home: Path, server: HubServer, keyed: list[tuple[str, str]], saved: list[str]
) -> None:
    stores = [store_id for store_id, _ in keyed]
    session = CartSession(home, MemoryCredentials(), open_url=lambda url: None)
    window = MainWindow(session)  # at its default size, as a shopper first sees it
    window.show()
    await session.open()
    await session.account.log_in(server.http_url, DEMO_EMAIL, DEMO_PASSWORD)
    await wait_for(lambda: session.stream.status is Status.WEBSOCKET)
    await asyncio.sleep(0.3)
    save(window, out, "desktop-empty.png", saved)

    # Picks from two shops' pages (a browser already linked to the cart).
    shopper = await server.hub.identity.log_in(DEMO_EMAIL, DEMO_PASSWORD)
    cart = await server.hub.identity.authenticate_shopper(shopper.token)
    issued = await server.hub.identity.mint_link_token(cart, None, None, "Chromium on this PC")
    page = await server.hub.identity.authenticate_link(issued.token)
    for n, (store, product, qty) in enumerate(PICKS):
        await server.hub.carts.add_to_cart(
            page,
            AddToCart(id=f"shot-{n:04d}", store_id=stores[store], product_id=product, qty=qty,
                      page_url=f"https://shop{store + 1}.example/products/{product}"),
        )  # fmt: skip
        await asyncio.sleep(0.3)  # so the countdowns differ a little
    # The ceramics shop sells its vase over the counter: the cart row says why.
    await server.hub.stores.command(
        stores[1], AdjustStock(id="shot-sale-1", product_id="tide-vase", delta=-1)
    )
    await server.hub.stores.command(
        stores[0],
        OfferDiscount(id="shot-offer-1", cart_ref=cart_ref(stores[0], cart.cart_id),
                      percent_off=10, message="for a regular"),
    )  # fmt: skip
    await wait_for(lambda: len(session.local.state.items) == len(PICKS))
    await wait_for(lambda: any(not i.held for i in session.local.state.items.values()))
    await wait_for(lambda: session.purchases.live_discounts())
    tab = window.cart_tab
    model = tab.model
    tab.view.setCurrentIndex(model.index(1, 0, model.index(0, 0)))
    tab.view.viewport().grab()  # painting asks for the pictures
    urls = [i.ticket.image_url for i in session.local.state.items.values()]
    await wait_for(lambda: all(tab.thumbnails.state(u) == "ready" for u in urls))
    await asyncio.sleep(1.2)  # let a countdown tick
    save(window, out, "desktop-cart.png", saved)
    window.tabs.setCurrentIndex(1)
    await asyncio.sleep(0.2)
    save(window, out, "desktop-bookmarks.png", saved)

    # Check out all: the review first, then Confirm.
    window.tabs.setCurrentIndex(0)
    review = tab.review(None)
    await asyncio.sleep(0.3)
    save(review, out, "desktop-review.png", saved)
    review.confirm_button.click()
    await wait_for(lambda: len(session.purchases.deliveries) == 2)
    books = next(d for d in session.purchases.deliveries if d.order.store_id == stores[0])
    for status, extra in [
        (OrderStatus.CONFIRMED, {}),
        (OrderStatus.DISPATCHED, {"carrier": "Harbour Post",
                                  "tracking_url": "https://track.example/CS123"}),
    ]:  # fmt: skip
        await server.hub.stores.command(
            stores[0],
            UpdateOrder(id=f"shot-{status.value}", order_id=books.order_id, status=status,
                        **extra),
        )  # fmt: skip
    await wait_for(lambda: session.purchases.book.deliveries[books.order_id].status == "dispatched")
    window.tabs.setCurrentIndex(2)
    deliveries = window.deliveries_tab
    deliveries.view.setCurrentIndex(
        deliveries.model.index(deliveries.model.row_of(books.order_id), 0)
    )
    await asyncio.sleep(0.3)
    save(window, out, "desktop-deliveries.png", saved)

    # Connect a browser: the dialog, after a store page used the code.
    dialog = window.connect_browser()
    await wait_for(lambda: dialog.connecting.code)
    async with httpx.AsyncClient(base_url=server.http_url) as browser:
        answer = await browser.post(
            "/api/page/pair",
            json={"code": dialog.connecting.code, "label": "Firefox on the laptop"},
        )
        answer.raise_for_status()
    await wait_for(lambda: dialog.connecting.connected is not None, seconds=5)
    await asyncio.sleep(0.3)
    save(dialog, out, "desktop-connect.png", saved)
    dialog.reject()

    await shoot_live(window, session, server, keyed, outputs(out, saved))
    window.detach()
    await session.close()
    window.close()


async def main(out: Path) -> None:
    saved: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, picture_site() as site:
        config = HubConfig(data_dir=Path(tmp) / "hub", port=0, log_format="text")
        server = HubServer(config)
        await server.start()
        try:
            stores = await seed(server, site)
            await shoot(out, Path(tmp) / "home", server, stores, saved)
        finally:
            await server.stop()
    await shoot_market(out, saved)  # a hub of its own, with a marketplace
    print(f"saved {', '.join(saved)} in {out}")


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img")
    target.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    qasync.run(main(target))

"""Product pictures in the cart: fetched once from the store's site, kept on disk under the cart's
home, painted by the delegate; a placeholder while loading and for products without one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage

from cartstart_desktop.core import images
from cartstart_desktop.ui import thumbnails as thumbnails_module
from cartstart_desktop.ui.cart_model import ITEM
from cartstart_desktop.ui.main_window import MainWindow
from cartstart_server.server import HubServer
from shared_protocol.cart import Reserve
from shared_protocol.common import Price
from shared_protocol.store import ProductIn, UpsertProducts
from tests.desktop.ui.test_main_window import MakeWindow, signed_in
from tests.helpers.hubs import command_id, seed_store
from tests.helpers.receivers import picture_site
from tests.helpers.waiting import eventually

RED = QColor(220, 30, 30)


def png(colour: QColor) -> bytes:
    image = QImage(120, 120, QImage.Format.Format_RGB32)
    image.fill(colour)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; it takes str
    return bytes(data.data())


@contextmanager
def picture_server(pictures: dict[str, bytes]) -> Iterator[tuple[str, list[str]]]:
    """A store's web server for its pictures, counting what it is asked for."""
    asked: list[str] = []
    with picture_site(pictures, asked) as site:
        yield site, asked


def rows(window: MainWindow) -> dict[str, Any]:
    """The cart's item rows (column ITEM) by product name."""
    model = window.cart_tab.model
    store = model.index(0, 0)
    found = {}
    for row in range(model.rowCount(store)):
        index = model.index(row, ITEM, store)
        found[model.data(index)] = index
    return found


def painted(window: MainWindow, index: Any, colour: QColor) -> bool:
    """Whether the row's picture area shows this colour on screen."""
    view = window.cart_tab.view
    image = view.viewport().grab().toImage()
    rect = view.visualRect(index)
    return any(
        image.pixelColor(x, y) == colour
        for x in range(rect.left(), rect.left() + 60)
        for y in range(rect.top(), rect.bottom())
    )


def icon_key(window: MainWindow, index: Any) -> int:
    icon = window.cart_tab.delegate.icon_for(index)
    assert icon is not None
    return icon.cacheKey()


async def test_a_picture_is_fetched_once_then_read_from_the_disk(
    make_window: MakeWindow, server: HubServer
) -> None:
    with picture_server({"/mug.png": png(RED)}) as (site, asked):
        store_id, _ = await seed_store(server.hub, "Shop", {"mug": 5, "jug": 5, "lamp": 5})
        picture = f"{site}/mug.png"
        products = [
            ProductIn(id=pid, name=f"Product {pid}", price=Price(amount=1000, currency="EUR"),
                      image_url=picture)
            for pid in ("mug", "jug")  # two products, one picture
        ]  # fmt: skip
        await server.hub.stores.command(
            store_id, UpsertProducts(id=command_id(), products=products)
        )
        window, shopper = await signed_in(make_window, server)
        for product in ("mug", "jug", "lamp"):
            await server.hub.carts.command(
                shopper, Reserve(id=command_id(), store_id=store_id, product_id=product)
            )
        await eventually(lambda: len(rows(window)) == 3, what="three rows")
        thumbnails = window.cart_tab.thumbnails
        mug, lamp = rows(window)["Product mug"], rows(window)["Product lamp"]
        height = window.cart_tab.view.visualRect(mug).height()
        window.cart_tab.view.viewport().grab()  # painting asks for the pictures
        await eventually(lambda: thumbnails.state(picture) == "ready", what="the picture")
        await eventually(lambda: painted(window, mug, RED), what="the picture painted")
        assert asked == ["/mug.png"]  # once for two rows
        assert window.session.images.cached(picture) is not None  # under the cart's home
        assert str(window.session.images.directory).startswith(str(window.session.directory))
        assert window.cart_tab.view.visualRect(mug).height() == height  # nothing moved
        # The lamp has no picture: the placeholder, never a fetch.
        assert icon_key(window, lamp) == thumbnails.no_picture.cacheKey()
        assert not painted(window, lamp, RED)

        # Restarted (same home, not signed in): the picture comes from the disk.
        await window.session.close()
        window.close()
        again = make_window()
        await again.session.open()
        loading = rows(again)["Product mug"]
        assert icon_key(again, loading) == again.cart_tab.thumbnails.loading.cacheKey()
        again.cart_tab.view.viewport().grab()
        await eventually(
            lambda: again.cart_tab.thumbnails.state(picture) == "ready", what="from the disk"
        )
        await eventually(lambda: painted(again, rows(again)["Product mug"], RED), what="shown")
        assert asked == ["/mug.png"] and again.session.images.fetched == 0


async def test_a_picture_that_cannot_be_had_keeps_the_placeholder_for_a_while(
    make_window: MakeWindow, server: HubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    pictures: dict[str, bytes] = {}
    with picture_server(pictures) as (site, asked):
        store_id, _ = await seed_store(server.hub, "Shop", {"mug": 5})
        product = ProductIn(id="mug", name="Product mug", price=Price(amount=1000, currency="EUR"),
                            image_url=f"{site}/gone.png")  # fmt: skip
        await server.hub.stores.command(
            store_id, UpsertProducts(id=command_id(), products=[product])
        )
        window, shopper = await signed_in(make_window, server)
        await server.hub.carts.command(
            shopper, Reserve(id=command_id(), store_id=store_id, product_id="mug")
        )
        await eventually(lambda: len(rows(window)) == 1, what="row")
        window.cart_tab.view.viewport().grab()
        thumbnails = window.cart_tab.thumbnails
        await eventually(lambda: thumbnails.state(f"{site}/gone.png") == "none", what="tried")
        assert icon_key(window, rows(window)["Product mug"]) == thumbnails.no_picture.cacheKey()
        window.cart_tab.view.viewport().grab()  # painting again does not ask again
        assert asked == ["/gone.png"]
        # Later (RETRY_AFTER) the store's site has it: the next paint asks again, and shows it.
        pictures["/gone.png"] = png(RED)
        monkeypatch.setattr(images, "RETRY_AFTER", 0.0)
        monkeypatch.setattr(thumbnails_module, "RETRY_AFTER", 0.0)
        window.cart_tab.view.viewport().grab()
        await eventually(lambda: thumbnails.state(f"{site}/gone.png") == "ready", what="retried")
        assert asked == ["/gone.png", "/gone.png"]
        await eventually(lambda: painted(window, rows(window)["Product mug"], RED), what="shown")

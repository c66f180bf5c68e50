"""Checkout from the desktop cart's core across two stores, with real store clients on /ws/store."""

from __future__ import annotations

from cartstart_server.server import HubServer
from shared_protocol.common import Money
from shared_protocol.store import UpdateSettings
from tests.desktop.conftest import Opened
from tests.desktop.test_session import MakeSession, signed_in
from tests.helpers.hubs import command_id, seed_store
from tests.helpers.peers import peer
from tests.helpers.waiting import eventually


async def test_two_store_checkout_end_to_end(
    server: HubServer, make_session: MakeSession, opened: Opened
) -> None:
    books, books_key = await seed_store(server.hub, "Books", {"novel": 3})
    pots, pots_key = await seed_store(server.hub, "Pots", {"vase": 1})
    await server.hub.stores.command(
        pots,
        UpdateSettings(id=command_id(), payment_url_template="https://pots.example/pay/{order_id}"),
    )
    session = await signed_in(make_session, server)
    await session.cart.reserve(books, "novel", 2)
    await session.cart.reserve(pots, "vase")
    async with (
        peer(server, "store", ignore=("ticket",)) as books_ws,
        peer(server, "store", ignore=("ticket",)) as pots_ws,
    ):
        await books_ws.hello(books_key)
        # The store knows the cart only by its pseudonym, from the tickets it holds.
        (held,) = (await books_ws.expect("snapshot"))["tickets"]
        await pots_ws.hello(pots_key)
        await pots_ws.expect("snapshot")
        # The bookshop sends this cart a live discount code; it shows in the cart.
        offer = await books_ws.command(
            {
                "type": "offer_discount",
                "id": command_id(),
                "cart_ref": held["cart_ref"],
                "percent_off": 10,
                "message": "for a regular",
            }
        )
        assert offer["type"] == "result", offer
        code = offer["discount"]["code"]
        await eventually(
            lambda: code in session.purchases.book.discounts, what="the code reaches the cart"
        )

        result = await session.cart.checkout()
        assert result.expired == []
        by_store = {o.store_id: o for o in result.orders or []}
        assert by_store[books].discount == Money(amount=200, currency="EUR")
        assert by_store[books].total == Money(amount=1800, currency="EUR")
        assert by_store[pots].payment.mode == "link"
        # The store's payment link was opened for the shopper; the cart is now empty.
        assert opened == [f"https://pots.example/pay/{by_store[pots].order_id}"]
        assert session.local.state.items == {}
        assert {d.store_name for d in session.purchases.deliveries} == {"Books", "Pots"}
        assert session.purchases.book.discounts == {}  # used
        # Each store received its own order, live.
        placed = await books_ws.expect("order")
        assert placed["order"]["order_id"] == by_store[books].order_id
        assert [line["qty"] for line in placed["order"]["lines"]] == [2]
        assert (await pots_ws.expect("order"))["order"]["order_id"] == by_store[pots].order_id
        # Stock: the units are off sale, pending the stores' confirmation.
        (novel,) = await server.hub.carts.availability([(books, "novel")])
        assert novel.available == 1

        # The bookshop moves its order along; the cart follows.
        order_id = by_store[books].order_id
        for status, extra in [
            ("confirmed", {}),
            ("dispatched", {"carrier": "Harbour Post", "tracking_url": "https://t.example/9"}),
        ]:
            reply = await books_ws.command(
                {
                    "type": "update_order",
                    "id": command_id(),
                    "order_id": order_id,
                    "status": status,
                    **extra,
                }
            )
            assert reply["type"] == "result", reply
        await eventually(
            lambda: session.purchases.book.deliveries[order_id].status == "dispatched",
            what="dispatched",
        )
        delivery = session.purchases.book.deliveries[order_id]
        assert delivery.order.tracking_url == "https://t.example/9"
        assert (
            "confirmed" in delivery.timeline_text() and "Harbour Post" in delivery.timeline_text()
        )
    await session.close()

    # Offline, after a restart: the deliveries are still there.
    again = make_session()
    await again.local.store.open()
    saved = await again.local.store.load()
    assert {d.order_id for d in saved.deliveries} == set(by_store[s].order_id for s in by_store)
    await again.local.store.close()

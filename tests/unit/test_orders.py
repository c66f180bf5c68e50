"""Checkout, the order workflow and discount codes through the Hub, on a real SQLite file."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.domain.orders import check_transition, stock_effect
from cartstart_server.domain.pricing import discount_amount
from cartstart_server.domain.tickets import cart_ref
from cartstart_server.hub import Hub
from cartstart_server.server import broker_for, database_for
from cartstart_server.services.identity import Shopper
from cartstart_server.services.streams import Stream
from cartstart_server.storage import outbound_queue
from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.cart import Checkout, Reserve
from shared_protocol.common import Money
from shared_protocol.orders import OrderStatus
from shared_protocol.store import OfferDiscount, UpdateOrder, UpdateSettings
from tests.helpers.hubs import command_id, hub_config, new_shopper, seed_store


@pytest.fixture
async def quiet_hub(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, object]
) -> AsyncIterator[Hub]:
    """A hub without its background work (expiry, deliveries): the test decides what happens."""
    config = hub_config(tmp_path, **backend_settings)
    hub = Hub(database_for(config), broker_for(config), clock, config)
    await hub.start(background=False)
    yield hub
    await hub.stop()


async def reserve(hub: Hub, shopper: Shopper, store: str, product: str, qty: int = 1) -> None:
    await hub.carts.command(
        shopper, Reserve(id=command_id(), store_id=store, product_id=product, qty=qty)
    )


async def stock(hub: Hub, store: str, product: str) -> dict[str, int]:
    level = (await hub.stores.product(store, product)).stock
    return {"on_hand": level.on_hand, "held": level.held, "sold_pending": level.sold_pending}


async def events(hub: Hub, owner: str) -> list[dict[str, object]]:
    stream = Stream(owner, carries_holds=False)
    return [json.loads(f.text) for f in await hub.streams.read(stream, 0)]


async def test_checkout_makes_one_order_per_store_atomically_and_once(quiet_hub: Hub) -> None:
    hub = quiet_hub
    books, _ = await seed_store(hub, "Books", {"novel": 3, "atlas": 1})
    pots, _ = await seed_store(hub, "Pots", {"vase": 1})
    await hub.stores.command(
        pots,
        UpdateSettings(id=command_id(), payment_url_template="https://pots.example/pay/{order_id}"),
    )
    alice = await new_shopper(hub, "alice@example.org")
    await reserve(hub, alice, books, "novel", 2)
    await reserve(hub, alice, books, "atlas")
    await reserve(hub, alice, pots, "vase")
    cmd = Checkout(id=command_id())
    result = await hub.carts.checkout(alice, cmd)
    assert result.orders is not None and result.expired == []
    by_store = {o.store_id: o for o in result.orders}
    assert set(by_store) == {books, pots}
    book_order = by_store[books]
    assert sorted((line.product_id, line.qty) for line in book_order.lines) == [
        ("atlas", 1),
        ("novel", 2),
    ]
    assert book_order.total == Money(amount=3000, currency="EUR")
    assert book_order.payment.mode == "on_collection"
    assert by_store[pots].payment.url == f"https://pots.example/pay/{by_store[pots].order_id}"
    # Units moved from held to sold_pending: still not available to anyone else.
    assert await stock(hub, books, "novel") == {"on_hand": 3, "held": 0, "sold_pending": 2}
    (level,) = await hub.carts.availability([(books, "novel")])
    assert level.available == 1
    assert (await hub.carts.snapshot(alice.cart_id)).tickets == []
    # The same checkout again (a lost reply) gives the same orders, and nothing new.
    again = await hub.carts.checkout(alice, cmd)
    assert again == result
    assert len(await hub.orders.of_store(books)) == 1
    # The cart and each store were told, durably; the shopper gets an email.
    placed = [e for e in await events(hub, f"cart:{alice.cart_id}") if e["type"] == "order_placed"]
    assert len(placed) == 2
    store_events = await events(hub, f"store:{books}")
    assert [e["change"] for e in store_events if e["type"] == "ticket"][-2:] == [
        "purchased",
        "purchased",
    ]
    (order_event,) = [e for e in store_events if e["type"] == "order"]
    assert order_event["order"]["customer"]["email"] == "alice@example.org"  # type: ignore[index]
    mail = await hub.db.read(outbound_queue.due_mail(hub.clock.now() + 1))
    assert {m["to_addr"] for m in mail} == {"alice@example.org"} and len(mail) == 2


async def test_an_expired_hold_is_reported_never_charged(quiet_hub: Hub, clock: FakeClock) -> None:
    hub = quiet_hub
    quick, _ = await seed_store(hub, "Quick", {"lamp": 1}, ttl=60)
    slow, _ = await seed_store(hub, "Slow", {"rug": 1}, ttl=3600)
    alice = await new_shopper(hub, "alice@example.org")
    await reserve(hub, alice, quick, "lamp")
    await reserve(hub, alice, slow, "rug")
    clock.advance(61)  # the lamp's hold ran out; the (stopped) scheduler has not expired it
    result = await hub.carts.checkout(alice, Checkout(id=command_id()))
    assert [o.store_id for o in result.orders or []] == [slow]
    assert [t.product_id for t in result.expired or []] == ["lamp"]
    assert await hub.orders.of_store(quick) == []
    assert await stock(hub, quick, "lamp") == {"on_hand": 1, "held": 1, "sold_pending": 0}
    with pytest.raises(ProtocolError) as nothing:
        await hub.carts.checkout(alice, Checkout(id=command_id(), store_ids=[slow]))
    assert "nothing to check out" in nothing.value.message


async def test_the_order_workflow_moves_stock_and_refuses_wrong_steps(quiet_hub: Hub) -> None:
    hub = quiet_hub
    store, _ = await seed_store(hub, "Shop", {"mug": 4})
    alice = await new_shopper(hub, "alice@example.org")
    await reserve(hub, alice, store, "mug", 3)
    (order,) = (await hub.carts.checkout(alice, Checkout(id=command_id()))).orders or []

    async def move(status: OrderStatus, **extra: Any) -> None:
        await hub.stores.command(
            store, UpdateOrder(id=command_id(), order_id=order.order_id, status=status, **extra)
        )

    with pytest.raises(ProtocolError, match="cannot become delivered"):
        await move(OrderStatus.DELIVERED)
    await move(OrderStatus.CONFIRMED)
    assert await stock(hub, store, "mug") == {"on_hand": 1, "held": 0, "sold_pending": 0}
    await move(OrderStatus.DISPATCHED, carrier="Harbour Post", tracking_url="https://t.example/1")
    await move(OrderStatus.DELIVERED)
    final = await hub.orders.one(store, order.order_id)
    assert [s.status for s in final.timeline] == ["placed", "confirmed", "dispatched", "delivered"]
    assert final.carrier == "Harbour Post" and final.version == 4
    with pytest.raises(ProtocolError) as finished:
        await move(OrderStatus.CANCELLED, reason="too late")
    assert finished.value.code is ErrorCode.INVALID_STATE
    updates = [
        e for e in await events(hub, f"cart:{alice.cart_id}") if e["type"] == "order_updated"
    ]
    assert [u["order"]["status"] for u in updates] == ["confirmed", "dispatched", "delivered"]  # type: ignore[index]


async def test_rejecting_an_order_puts_its_units_back_on_sale(quiet_hub: Hub) -> None:
    hub = quiet_hub
    store, _ = await seed_store(hub, "Shop", {"vase": 1})
    alice = await new_shopper(hub, "alice@example.org")
    await reserve(hub, alice, store, "vase")
    (order,) = (await hub.carts.checkout(alice, Checkout(id=command_id()))).orders or []
    reject = UpdateOrder(id=command_id(), order_id=order.order_id, status=OrderStatus.REJECTED)
    with pytest.raises(ProtocolError, match="say why"):
        await hub.stores.command(store, reject)
    await hub.stores.command(store, reject.model_copy(update={"reason": "broken in the kiln"}))
    (level,) = await hub.carts.availability([(store, "vase")])
    assert level.available == 1
    assert (await hub.orders.one(store, order.order_id)).reason == "broken in the kiln"


async def test_discount_codes_apply_once_to_their_own_store_and_cart(
    quiet_hub: Hub, clock: FakeClock
) -> None:
    hub = quiet_hub
    books, _ = await seed_store(hub, "Books", {"novel": 5})
    pots, _ = await seed_store(hub, "Pots", {"vase": 5})
    alice = await new_shopper(hub, "alice@example.org")
    bob = await new_shopper(hub, "bob@example.org")
    for shopper in (alice, bob):
        await reserve(hub, shopper, books, "novel", 2)
    # The store knows carts only by pseudonym, e.g. from its snapshot or carts list.
    refs = {t.cart_ref for t in (await hub.stores.snapshot(books)).tickets}
    alice_ref = cart_ref(books, alice.cart_id)
    assert refs == {alice_ref, cart_ref(books, bob.cart_id)}

    async def offer(store: str, ref: str, seconds: float = 3600) -> str:
        result = await hub.stores.command(
            store,
            OfferDiscount(
                id=command_id(), cart_ref=ref, percent_off=25, expires_in_seconds=seconds
            ),
        )
        assert result.discount is not None
        return result.discount.code

    code = await offer(books, alice_ref)
    # It shows in Alice's cart (event and snapshot), not Bob's.
    assert [d.code for d in (await hub.carts.snapshot(alice.cart_id)).discounts] == [code]
    assert (await hub.carts.snapshot(bob.cart_id)).discounts == []

    async def refused(shopper: Shopper, codes: list[str], **kw: Any) -> str:
        with pytest.raises(ProtocolError) as exc:
            await hub.carts.checkout(shopper, Checkout(id=command_id(), discount_codes=codes, **kw))
        assert exc.value.code is ErrorCode.DISCOUNT_REFUSED
        return str(exc.value.details["reason"])

    assert await refused(bob, [code]) == "other_cart"
    await reserve(hub, alice, pots, "vase")
    assert await refused(alice, [code], store_ids=[pots]) == "wrong_store"
    assert await refused(alice, ["CS-NOPE-NOPE"]) == "unknown"
    short = await offer(books, alice_ref, seconds=60)
    clock.advance(61)
    assert await refused(alice, [short]) == "expired"
    # Nothing was bought by the refused checkouts.
    assert await hub.orders.of_store(books) == []
    result = await hub.carts.checkout(
        alice, Checkout(id=command_id(), discount_codes=[code.lower()])
    )
    order = next(o for o in result.orders or [] if o.store_id == books)
    assert order.discount == Money(amount=500, currency="EUR") and order.total.amount == 1500
    await reserve(hub, alice, books, "novel")
    assert await refused(alice, [code]) == "used"


def test_order_rules() -> None:
    check_transition(OrderStatus.PLACED, OrderStatus.CONFIRMED, None)
    with pytest.raises(ProtocolError, match="it can become cancelled, dispatched"):
        check_transition(OrderStatus.CONFIRMED, OrderStatus.DELIVERED, None)
    assert stock_effect(OrderStatus.PLACED, OrderStatus.CONFIRMED).on_hand == -1
    assert stock_effect(OrderStatus.CONFIRMED, OrderStatus.CANCELLED).on_hand == 1
    assert stock_effect(OrderStatus.DISPATCHED, OrderStatus.DELIVERED).on_hand == 0
    assert discount_amount(999, 10, None) == 99  # rounds down
    assert discount_amount(500, None, 800) == 500  # never below zero

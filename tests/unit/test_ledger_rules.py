"""Ledger rules through the Hub, on a real SQLite file, with a fake clock."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.hub import Hub
from cartstart_server.services.identity import Shopper
from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.cart import Release, Renew, Reserve, SetQuantity
from shared_protocol.common import Price
from shared_protocol.store import AdjustStock, ProductIn, SetStock, UpsertProducts
from tests.helpers.hubs import command_id, new_shopper, seed_store


async def cart_events(hub: Hub, shopper: Shopper) -> list[dict[str, object]]:
    stream = hub.streams.of_cart(shopper.cart_id)
    return [json.loads(f.text) for f in await hub.streams.read(stream, 0)]


async def available(hub: Hub, store_id: str, product_id: str) -> int:
    (item,) = await hub.carts.availability([(store_id, product_id)])
    return item.available


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 5.0) -> None:
    """Wait (in real time) for background work such as the expiry scheduler to catch up."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.005)


def reserve(store_id: str, product_id: str, qty: int = 1) -> Reserve:
    return Reserve(id=command_id(), store_id=store_id, product_id=product_id, qty=qty)


async def test_reserve_holds_and_repeat_pick_grows_the_same_ticket(hub: Hub) -> None:
    store, _ = await seed_store(hub, "Shop", {"mug": 5})
    alice = await new_shopper(hub, "alice@example.org")
    first = await hub.carts.command(alice, reserve(store, "mug"))
    second = await hub.carts.command(alice, reserve(store, "mug", qty=2))
    assert second.ticket_id == first.ticket_id
    assert (first.qty, second.qty) == (1, 3)
    assert second.version > first.version
    assert await available(hub, store, "mug") == 2
    events = await cart_events(hub, alice)
    assert [e["type"] for e in events] == ["item_added", "quantity_changed"]
    assert [e["seq"] for e in events] == [1, 2]
    assert events[1]["previous_qty"] == 1


async def test_cannot_hold_more_than_available(hub: Hub) -> None:
    store, _ = await seed_store(hub, "Shop", {"mug": 2})
    alice = await new_shopper(hub, "alice@example.org")
    with pytest.raises(ProtocolError) as err:
        await hub.carts.command(alice, reserve(store, "mug", qty=3))
    assert err.value.code is ErrorCode.INSUFFICIENT_STOCK
    assert err.value.details["available"] == 2
    assert await available(hub, store, "mug") == 2
    assert await cart_events(hub, alice) == []


async def test_unknown_and_inactive_products_cannot_be_reserved(hub: Hub) -> None:
    store, _ = await seed_store(hub, "Shop", {"mug": 2})
    alice = await new_shopper(hub, "alice@example.org")
    with pytest.raises(ProtocolError) as err:
        await hub.carts.command(alice, reserve(store, "nothing"))
    assert err.value.code is ErrorCode.NOT_FOUND
    price = Price(amount=1, currency="EUR")
    delist = ProductIn(id="mug", name="Mug", price=price, active=False)
    await hub.stores.command(store, UpsertProducts(id=command_id(), products=[delist]))
    with pytest.raises(ProtocolError) as err:
        await hub.carts.command(alice, reserve(store, "mug"))
    assert err.value.code is ErrorCode.NOT_FOUND
    assert await available(hub, store, "mug") == 0  # shown as unavailable while delisted


async def test_release_returns_stock(hub: Hub) -> None:
    store, _ = await seed_store(hub, "Shop", {"mug": 3})
    alice = await new_shopper(hub, "alice@example.org")
    ticket = await hub.carts.command(alice, reserve(store, "mug", qty=2))
    released = await hub.carts.command(alice, Release(id=command_id(), ticket_id=ticket.ticket_id))
    assert released.state == "released"
    assert await available(hub, store, "mug") == 3
    with pytest.raises(ProtocolError) as err:
        await hub.carts.command(alice, Release(id=command_id(), ticket_id=ticket.ticket_id))
    assert err.value.code is ErrorCode.INVALID_STATE
    # After a release, a new pick starts a new ticket.
    again = await hub.carts.command(alice, reserve(store, "mug"))
    assert again.ticket_id != ticket.ticket_id
    assert (again.qty, again.version) == (1, 1)
    assert [e["type"] for e in await cart_events(hub, alice)][-1] == "item_added"


async def test_set_quantity_grows_shrinks_and_says_how_many_are_left(hub: Hub) -> None:
    store, _ = await seed_store(hub, "Shop", {"mug": 4})
    alice = await new_shopper(hub, "alice@example.org")
    bob = await new_shopper(hub, "bob@example.org")
    ticket = await hub.carts.command(alice, reserve(store, "mug"))
    await hub.carts.command(bob, reserve(store, "mug"))
    grown = await hub.carts.command(
        alice, SetQuantity(id=command_id(), ticket_id=ticket.ticket_id, qty=3)
    )
    assert grown.qty == 3 and await available(hub, store, "mug") == 0
    with pytest.raises(ProtocolError) as err:
        await hub.carts.command(
            alice, SetQuantity(id=command_id(), ticket_id=ticket.ticket_id, qty=4)
        )
    assert err.value.code is ErrorCode.INSUFFICIENT_STOCK
    assert err.value.details == {"available": 0, "max_qty": 3}
    shrunk = await hub.carts.command(
        alice, SetQuantity(id=command_id(), ticket_id=ticket.ticket_id, qty=1)
    )
    assert shrunk.qty == 1 and await available(hub, store, "mug") == 2
    gone = await hub.carts.command(
        alice, SetQuantity(id=command_id(), ticket_id=ticket.ticket_id, qty=0)
    )
    assert gone.state == "released" and await available(hub, store, "mug") == 3


async def test_a_cart_cannot_touch_another_carts_ticket(hub: Hub) -> None:
    store, _ = await seed_store(hub, "Shop", {"mug": 4})
    alice = await new_shopper(hub, "alice@example.org")
    mallory = await new_shopper(hub, "mallory@example.org")
    ticket = await hub.carts.command(alice, reserve(store, "mug"))
    for cmd in (
        Release(id=command_id(), ticket_id=ticket.ticket_id),
        Renew(id=command_id(), ticket_id=ticket.ticket_id),
        SetQuantity(id=command_id(), ticket_id=ticket.ticket_id, qty=4),
    ):
        with pytest.raises(ProtocolError) as err:
            await hub.carts.command(mallory, cmd)
        assert err.value.code is ErrorCode.NOT_FOUND
    assert await available(hub, store, "mug") == 3
    assert await cart_events(hub, mallory) == []


async def test_renewal_within_the_store_limit(hub: Hub, clock: FakeClock) -> None:
    store, _ = await seed_store(hub, "Shop", {"mug": 1}, ttl=100, renewal_limit=2)
    alice = await new_shopper(hub, "alice@example.org")
    ticket = await hub.carts.command(alice, reserve(store, "mug"))
    assert ticket.expires_at == clock.now() + 100 and ticket.renewals_left == 2
    clock.advance(50)
    renewed = await hub.carts.command(alice, Renew(id=command_id(), ticket_id=ticket.ticket_id))
    assert renewed.expires_at == clock.now() + 100 and renewed.renewals_left == 1
    await hub.carts.command(alice, Renew(id=command_id(), ticket_id=ticket.ticket_id))
    with pytest.raises(ProtocolError) as err:
        await hub.carts.command(alice, Renew(id=command_id(), ticket_id=ticket.ticket_id))
    assert err.value.code is ErrorCode.RENEWAL_LIMIT


async def test_expiry_is_exact_and_happens_once(hub: Hub, clock: FakeClock) -> None:
    store, _ = await seed_store(hub, "Shop", {"mug": 1}, ttl=200)
    alice = await new_shopper(hub, "alice@example.org")
    ticket = await hub.carts.command(alice, reserve(store, "mug"))

    async def types() -> list[object]:
        return [e["type"] for e in await cart_events(hub, alice)]

    # The warning comes 60 s before expiry (the default), not before.
    clock.set(ticket.expires_at - 60.001)
    await asyncio.sleep(0.05)
    assert await types() == ["item_added"]
    clock.set(ticket.expires_at - 60)
    await eventually(lambda: _has(types, "ticket_expiring"))
    # Still held a hair before the deadline ...
    clock.set(ticket.expires_at - 0.001)
    await asyncio.sleep(0.05)
    assert await available(hub, store, "mug") == 0
    # ... expired exactly at it, once, and the unit is back.
    clock.set(ticket.expires_at)
    await eventually(lambda: _has(types, "ticket_expired"))
    clock.advance(1000)
    await asyncio.sleep(0.05)
    assert await types() == ["item_added", "ticket_expiring", "ticket_expired"]
    assert await available(hub, store, "mug") == 1
    with pytest.raises(ProtocolError) as err:
        await hub.carts.command(alice, Renew(id=command_id(), ticket_id=ticket.ticket_id))
    assert err.value.code is ErrorCode.INVALID_STATE


async def _has(types: Callable[[], Awaitable[list[object]]], kind: str) -> bool:
    return kind in await types()


async def test_renewal_moves_the_deadline_for_the_scheduler(hub: Hub, clock: FakeClock) -> None:
    store, _ = await seed_store(hub, "Shop", {"mug": 1}, ttl=100)
    alice = await new_shopper(hub, "alice@example.org")
    ticket = await hub.carts.command(alice, reserve(store, "mug"))
    clock.advance(90)
    await hub.carts.command(alice, Renew(id=command_id(), ticket_id=ticket.ticket_id))
    clock.advance(20)  # past the original deadline, within the renewed one
    await asyncio.sleep(0.05)
    assert await available(hub, store, "mug") == 0
    clock.advance(80)
    await eventually(lambda: _available_is(hub, store, "mug", 1))


async def _available_is(hub: Hub, store: str, product: str, n: int) -> bool:
    return await available(hub, store, product) == n


async def test_stock_drop_revokes_newest_holds_first(hub: Hub, clock: FakeClock) -> None:
    store, _ = await seed_store(hub, "Shop", {"lamp": 5})
    alice = await new_shopper(hub, "alice@example.org")
    bob = await new_shopper(hub, "bob@example.org")
    carol = await new_shopper(hub, "carol@example.org")
    a = await hub.carts.command(alice, reserve(store, "lamp", qty=2))
    clock.advance(1)
    b = await hub.carts.command(bob, reserve(store, "lamp", qty=2))
    clock.advance(1)
    c = await hub.carts.command(carol, reserve(store, "lamp", qty=1))
    # The shop sells 2 over the counter: 3 on hand, 5 held -> carol loses 1, bob 1 of his 2.
    result = await hub.stores.command(
        store, AdjustStock(id=command_id(), product_id="lamp", delta=-2)
    )
    assert result.stock is not None and result.stock.held == 3 and result.stock.available == 0
    assert {(t.ticket_id, t.state, t.qty) for t in result.revoked or []} == {
        (c.ticket_id, "revoked", 1),
        (b.ticket_id, "held", 1),
    }
    carol_last = (await cart_events(hub, carol))[-1]
    assert carol_last["type"] == "ticket_revoked" and carol_last["reason"] == "sold_in_shop"
    bob_last = (await cart_events(hub, bob))[-1]
    assert bob_last["revoked_qty"] == 1 and bob_last["ticket"]["qty"] == 1  # type: ignore[index]
    assert (await cart_events(hub, alice))[-1]["type"] == "item_added"
    snapshot = await hub.carts.snapshot(alice.cart_id)
    assert [(t.ticket_id, t.qty) for t in snapshot.tickets] == [(a.ticket_id, 2)]
    # A restock makes units available again; nobody gets tickets back.
    await hub.stores.command(store, SetStock(id=command_id(), product_id="lamp", on_hand=10))
    assert await available(hub, store, "lamp") == 7


async def test_stock_cannot_go_below_zero(hub: Hub) -> None:
    store, _ = await seed_store(hub, "Shop", {"lamp": 1})
    with pytest.raises(ProtocolError) as err:
        await hub.stores.command(store, AdjustStock(id=command_id(), product_id="lamp", delta=-2))
    assert err.value.code is ErrorCode.CONFLICT
    assert await available(hub, store, "lamp") == 1


async def test_a_retried_command_is_applied_once(hub: Hub) -> None:
    store, _ = await seed_store(hub, "Shop", {"mug": 5})
    alice = await new_shopper(hub, "alice@example.org")
    cmd = reserve(store, "mug", qty=2)
    first = await hub.carts.command(alice, cmd)
    again = await hub.carts.command(alice, cmd)
    assert again == first
    assert await available(hub, store, "mug") == 3
    assert len(await cart_events(hub, alice)) == 1
    clash = Reserve(id=cmd.id, store_id=store, product_id="mug", qty=1)
    with pytest.raises(ProtocolError) as err:
        await hub.carts.command(alice, clash)
    assert err.value.code is ErrorCode.IDEMPOTENCY_CONFLICT
    # A failed command stores nothing and may be retried with the same id.
    big = reserve(store, "mug", qty=4)
    with pytest.raises(ProtocolError):
        await hub.carts.command(alice, big)
    await hub.stores.command(store, AdjustStock(id=command_id(), product_id="mug", delta=1))
    assert (await hub.carts.command(alice, big)).qty == 6

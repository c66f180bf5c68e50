"""Frames are encoded once: what travels with one, and how it crosses Redis without decoding."""

from __future__ import annotations

import json

import pytest

from cartstart_server.broker.redis import decode, encode
from cartstart_server.domain.topics import Frame, Hold, cart_stream, holds_of
from cartstart_server.hub import Hub
from cartstart_server.storage.sql import Plan, PlanRun, Stmt
from shared_protocol import Channel, parse
from shared_protocol.cart import (
    Checkout,
    ItemAdded,
    OrderPlaced,
    Reserve,
    SetQuantity,
    TicketExpired,
)
from shared_protocol.common import Money, TicketState, TicketView
from shared_protocol.orders import OrderStatus, OrderView, Payment
from tests.helpers.hubs import command_id, new_shopper, seed_store


def ticket(product: str, state: TicketState, qty: int = 2) -> TicketView:
    return TicketView(
        ticket_id=f"t-{product}",
        store_id="st1",
        store_name="Shop",
        product_id=product,
        name=product,
        code="",
        price=Money(amount=100, currency="EUR"),
        qty=qty,
        state=state,
        created_at=1.0,
        expires_at=900.0,
        renewals_left=2,
        version=1,
    )


def test_a_cart_event_names_the_holds_it_changed() -> None:
    added = ItemAdded(seq=1, ticket=ticket("mug", TicketState.HELD))
    assert holds_of(added) == (Hold("st1", "mug", 2, 900.0),)
    gone = TicketExpired(seq=2, ticket=ticket("mug", TicketState.EXPIRED))
    assert holds_of(gone) == (Hold("st1", "mug", 0, None),)
    order = OrderView(
        order_id="o1",
        store_id="st1",
        store_name="Shop",
        status=OrderStatus.PLACED,
        lines=[],
        subtotal=Money(amount=0, currency="EUR"),
        total=Money(amount=0, currency="EUR"),
        payment=Payment(mode="on_collection"),
        timeline=[],
        created_at=1.0,
        updated_at=1.0,
        version=1,
    )
    bought = [ticket("mug", TicketState.PURCHASED), ticket("vase", TicketState.PURCHASED)]
    placed = OrderPlaced(seq=3, order=order, tickets=bought)
    assert [h.key for h in holds_of(placed)] == [("st1", "mug"), ("st1", "vase")]
    assert all(h.qty == 0 for h in holds_of(placed))


@pytest.mark.parametrize(
    "frame",
    [
        Frame('{"type":"availability","available":3}', version=7),
        Frame(
            '{"type":"item_added","text":"line\\nbreak"}', seq=12, holds=(Hold("s", "p", 1, 5.0),)
        ),
        Frame("{}", seq=1, holds=(Hold("s", "p", 0, None), Hold("s", "q", 3, 9.5))),
    ],
)
def test_a_frame_crosses_redis_whole_and_its_text_untouched(frame: Frame) -> None:
    payload = encode(frame)
    assert payload.endswith("\n" + frame.text)  # the text is appended as it was encoded
    assert decode(payload) == frame


def test_a_failing_statement_closes_the_plan() -> None:
    closed: list[bool] = []

    def plan() -> Plan[int]:
        try:
            rows = yield Stmt("SELECT 1")
            return len(rows)
        finally:
            closed.append(True)

    with pytest.raises(RuntimeError), PlanRun(plan()) as run:
        while run.stmt is not None:
            raise RuntimeError("the database went away")
    assert closed == [True]
    with PlanRun(plan()) as run:
        while run.stmt is not None:
            run.feed([{"x": 1}, {"x": 2}])
    assert run.result == 2


async def test_live_frames_carry_the_holds_a_replay_would_read(hub: Hub) -> None:
    """A cart's frames name their holds as written; a replay decodes them from the text. Both
    must agree, or a page's "in your cart" would differ between live and catch-up."""
    store_id, _ = await seed_store(hub, "Shop", {"mug": 5, "vase": 1})
    shopper = await new_shopper(hub, "alice@example.org")
    heard: list[Frame] = []
    hub.broker.subscribe(cart_stream(shopper.cart_id), lambda f: heard.append(f) if f else None)
    for product in ("mug", "mug", "vase"):
        await hub.carts.command(
            shopper, Reserve(id=command_id(), store_id=store_id, product_id=product)
        )
    mug = next(f for f in heard if '"mug"' in f.text)
    await hub.carts.command(
        shopper, SetQuantity(id=command_id(), ticket_id=holds_ticket(mug), qty=1)
    )
    await hub.carts.checkout(shopper, Checkout(id=command_id()))
    assert len(heard) == 5
    for frame in heard:
        assert frame.holds == holds_of(parse(Channel.CART, "server", frame.text)), frame.text
    assert [h.qty for h in heard[-1].holds] == [0, 0]  # bought: no longer held
    replayed = await hub.streams.read(hub.streams.of_cart(shopper.cart_id), 0)
    assert replayed == heard


def holds_ticket(frame: Frame) -> str:
    ticket_id: str = json.loads(frame.text)["ticket"]["ticket_id"]
    return ticket_id

"""Frames are encoded once: what travels with one, and how it crosses Redis without decoding."""

from __future__ import annotations

import pytest

from cartstart_server.broker.redis import decode, encode
from cartstart_server.domain.topics import Frame, Hold, holds_of
from cartstart_server.storage.sql import Plan, PlanRun, Stmt
from shared_protocol.cart import ItemAdded, OrderPlaced, TicketExpired
from shared_protocol.common import Money, TicketState, TicketView
from shared_protocol.orders import OrderStatus, OrderView, Payment


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
        for _stmt in run:
            raise RuntimeError("the database went away")
    assert closed == [True]
    with PlanRun(plan()) as run:
        for _stmt in run:
            run.feed([{"x": 1}, {"x": 2}])
    assert run.result == 2

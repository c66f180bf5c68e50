"""The store's durable stream on `/ws/store`: after a reconnect with `resume_from`, every missed
event arrives once, in seq order, with no gap (docs/protocol.md sections 2, 5 and 8). A hub-side
guarantee, shown with the store's own key."""

from __future__ import annotations

import asyncio
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidHandshake, WebSocketException

from shared_protocol import PROTOCOL_VERSION, Channel, ProtocolError, parse
from shared_protocol.common import Ack, ErrorMessage, Hello, Welcome
from shared_protocol.solutions import RequestReceived, RequestUpdated
from shared_protocol.store import OrderEvent, StoreSnapshot, StoreSync, TicketEvent

from .kit import Check, Kit
from .outcomes import Failed
from .report import Side, Spec
from .shopper import new_id

# What a store's stream carries with a seq (the marketplace's requests too).
StreamEvent = TicketEvent | OrderEvent | RequestReceived | RequestUpdated
RECEIVE_TIMEOUT = 10.0


async def _receive(ws: ClientConnection, waiting_for: str) -> Any:
    try:
        raw = await asyncio.wait_for(ws.recv(), RECEIVE_TIMEOUT)
    except TimeoutError:
        raise Failed(
            f"the hub sent nothing for {RECEIVE_TIMEOUT:g} s while {waiting_for}"
        ) from None
    except WebSocketException as exc:
        raise Failed(f"/ws/store closed while {waiting_for}: {exc}") from None
    try:
        return parse(Channel.STORE, "server", raw)
    except ProtocolError as exc:
        raise Failed(f"the hub sent a frame the store channel does not define: {exc}") from None


async def _hello(ws: ClientConnection, kit: Kit, resume_from: int | None) -> Welcome:
    hello = Hello(versions=[PROTOCOL_VERSION], token=kit.options.store_key, resume_from=resume_from)
    await ws.send(hello.model_dump_json(exclude_none=True))
    answer = await _receive(ws, "waiting for welcome")
    if isinstance(answer, ErrorMessage):
        raise Failed(f"/ws/store refused the store's key: {answer.message} ({answer.code})")
    if not isinstance(answer, Welcome) or answer.head_seq is None:
        raise Failed(f"/ws/store answered hello with {answer.type}, not welcome with head_seq")
    return answer


def _store_url(kit: Kit) -> str:
    url = kit.discovery.channels.get("store")
    if not url:
        raise Failed("/.well-known/cartstart.json names no store channel")
    return url


async def _head_seq(kit: Kit, url: str) -> int:
    """Connect without resume_from: welcome, then a snapshot whose head_seq is the store's."""
    async with connect(url, open_timeout=RECEIVE_TIMEOUT) as ws:
        welcome = await _hello(ws, kit, None)
        if welcome.resumed:
            raise Failed("welcome said resumed: true to a hello without resume_from")
        snapshot = await _receive(ws, "waiting for the snapshot after welcome")
        if not isinstance(snapshot, StoreSnapshot):
            raise Failed(f"welcome (resumed: false) was followed by {snapshot.type}, not snapshot")
        return snapshot.head_seq


async def _cause_events(kit: Kit) -> str:
    """A throwaway shopper holds one unit and releases it: two ticket events on the stream."""
    product = await kit.for_sale()
    shopper = await kit.shopper()
    ticket = await shopper.reserve(kit.options.store_id, product.id)
    kit.touched.holds[ticket.ticket_id] = product.id
    await shopper.release(ticket.ticket_id)
    del kit.touched.holds[ticket.ticket_id]
    return ticket.ticket_id


async def _replay(ws: ClientConnection, after: int, head: int) -> list[StreamEvent]:
    events: list[StreamEvent] = []
    last = after
    while last < head:
        event = await _receive(ws, f"replaying seq {last + 1} to {head}")
        if not isinstance(event, StreamEvent):
            raise Failed(f"a {event.type} arrived among the missed events")
        if event.seq <= last:
            raise Failed(f"seq {event.seq} arrived twice (after {last})")
        if event.seq > last + 1:
            raise Failed(f"seq {last + 1} to {event.seq - 1} never arrived: a gap")
        events.append(event)
        last = event.seq
    return events


async def _ack(ws: ClientConnection, last: int) -> None:
    """Ack `last`, then ask for a snapshot: an ack the hub refused answers with an error first,
    and an event that arrives twice shows up before the snapshot."""
    await ws.send(Ack(seq=last).model_dump_json())
    sync_id = new_id("sync")
    await ws.send(StoreSync(id=sync_id).model_dump_json())
    while True:
        answer = await _receive(ws, "waiting for the snapshot after the ack")
        if isinstance(answer, ErrorMessage):
            raise Failed(f"the hub refused the ack of seq {last}: {answer.message}")
        if isinstance(answer, StoreSnapshot) and answer.id == sync_id:
            return
        if isinstance(answer, StreamEvent):
            if answer.seq <= last:
                raise Failed(f"seq {answer.seq} arrived again after the replay")
            last = answer.seq  # a new, live event


async def resume_without_gaps(kit: Kit) -> str:
    kit.need_products()
    url = _store_url(kit)
    try:
        head = await _head_seq(kit, url)
        ticket_id = await _cause_events(kit)
        async with connect(url, open_timeout=RECEIVE_TIMEOUT) as ws:
            welcome = await _hello(ws, kit, head)
            if not welcome.resumed:
                raise Failed(
                    f"the hub sent a snapshot instead of replaying from seq {head} (its head is "
                    f"{welcome.head_seq}). That is right only if another client of your store "
                    f"acknowledged past {head} meanwhile (your backend on /ws/store, or polling "
                    "/events): run the kit again while it is quiet"
                )
            assert welcome.head_seq is not None  # _hello checked it
            events = await _replay(ws, head, welcome.head_seq)
            changes = [
                e.change
                for e in events
                if isinstance(e, TicketEvent) and e.ticket.ticket_id == ticket_id
            ]
            if changes != ["created", "released"]:
                raise Failed(
                    f"the replay carried {changes or 'no event'} for the kit's hold "
                    f"{ticket_id}, not created then released"
                )
            await _ack(ws, welcome.head_seq)
            kit.touched.acked = welcome.head_seq
    except (OSError, InvalidHandshake) as exc:
        raise Failed(f"could not open {url}: {type(exc).__name__}: {exc}") from None
    return (
        f"seq {head + 1} to {welcome.head_seq} replayed after resume_from={head}: each once, "
        "in order, no gap (with the kit's hold created and released), then acknowledged"
    )


CHECKS = [
    Check(
        Spec(
            "stream.resume",
            "Durable stream",
            "/ws/store replays every missed event once, in order, after resume_from",
            "docs/protocol.md#5-durable-streams-seq-ack-resume-snapshot",
            Side.HUB,
        ),
        resume_without_gaps,
    ),
]

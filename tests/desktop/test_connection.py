"""The connection alone: each event reaches the cart once, in order, across drops and switches
between WebSocket and polling."""

from __future__ import annotations

import asyncio
import contextlib

from cartstart_desktop.core.api import HubApi
from cartstart_desktop.core.connection import HubConnection, Status
from cartstart_server.server import HubServer
from shared_protocol.cart import CartSnapshot, Reserve
from shared_protocol.common import Availability
from tests.helpers.hubs import command_id, seed_store
from tests.helpers.waiting import eventually


class Recorder:
    """A sink that remembers what it was given and fails on a gap or a repeat."""

    def __init__(self) -> None:
        self.seqs: list[int] = []
        self.snapshots: list[int] = []
        self.statuses: list[Status] = []

    async def apply_events(self, events: list, last_seq: int) -> None:
        for event in events:
            expected = (
                self.seqs[-1] if self.seqs else (self.snapshots[-1] if self.snapshots else 0)
            ) + 1
            assert event.seq == expected, f"got {event.seq}, expected {expected}"
            self.seqs.append(event.seq)
        assert last_seq == self.seqs[-1]

    async def apply_snapshot(self, snapshot: CartSnapshot) -> None:
        self.snapshots.append(snapshot.head_seq)

    def apply_availability(self, item: Availability) -> None:
        pass

    def connection_status(self, status: Status) -> None:
        self.statuses.append(status)


async def test_each_event_once_in_order_across_drops_and_transport_switches(
    server: HubServer,
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 10_000})
    await server.hub.identity.sign_up("alice@example.org", "correct horse battery")
    session = await server.hub.identity.log_in("alice@example.org", "correct horse battery")
    shopper = await server.hub.identity.authenticate_shopper(session.token)
    api = HubApi(server.http_url)
    api.token = session.token
    sink = Recorder()
    connection = HubConnection(api, sink, last_seq=None, poll_wait=0.5, websocket_retry=0.5)
    running = asyncio.create_task(connection.run())

    async def produce(count: int) -> None:
        for _ in range(count):
            await server.hub.carts.command(
                shopper, Reserve(id=command_id(), store_id=store_id, product_id="mug")
            )

    def drop_websockets() -> None:
        assert server.gateway.server is not None
        for conn in list(server.gateway.server.connections):
            conn.transport.abort()

    try:
        await eventually(lambda: connection.status is Status.WEBSOCKET, what="websocket")
        producer = asyncio.create_task(produce(120))
        for _ in range(3):  # the network drops, three times, while events are being sent
            await asyncio.sleep(0.05)
            drop_websockets()
        await producer
        await eventually(lambda: bool(sink.seqs) and sink.seqs[-1] == 120, what="all 120")
        # Now WebSockets get blocked: the cart carries on by polling, from the same cursor.
        connection.set_force_polling(True)
        await produce(30)
        await eventually(lambda: sink.seqs[-1] == 150, what="150 by polling")
        assert connection.status is Status.POLLING
        # And back to a WebSocket.
        connection.set_force_polling(False)
        await produce(10)
        await eventually(
            lambda: connection.status is Status.WEBSOCKET and sink.seqs[-1] == 160, what="back"
        )
    finally:
        await connection.stop()
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await api.close()
    assert sink.seqs == list(range(1, 161))  # every event once, in order (the Recorder also checks)
    assert sink.snapshots == [0]  # one snapshot at the very start, then only resumes
    # WebSocket, then polling while WebSockets were refused, then WebSocket again.
    trail = [s for s in sink.statuses if s in (Status.WEBSOCKET, Status.POLLING)]
    first_poll = trail.index(Status.POLLING)
    assert Status.WEBSOCKET in trail[:first_poll] and Status.WEBSOCKET in trail[first_poll:]

"""Commands are the protocol's models: a retry sends the very same JSON (same id), and a command
the hub would refuse is refused before it is sent, in the hub's own words."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest

from cartstart_desktop.core.api import HubApi, HubError, HubUnreachable
from cartstart_desktop.core.commands import command_id
from cartstart_desktop.core.connection import HubConnection, Status
from cartstart_server.server import HubServer
from shared_protocol.cart import CartResult, Reserve
from tests.desktop.test_connection import Recorder
from tests.desktop.test_session import MakeSession, signed_in
from tests.helpers.hubs import seed_store
from tests.helpers.peers import peer
from tests.helpers.waiting import eventually


class LosesFirstReply(HubApi):
    """The hub's real HTTP API, except that the first command's reply is lost on its way back
    (the hub did apply the command), as when the network drops mid-request."""

    def __init__(self, hub_url: str) -> None:
        super().__init__(hub_url)
        self.posted: list[str] = []

    async def command(self, body: str) -> dict[str, Any]:
        self.posted.append(body)
        reply = await super().command(body)
        if len(self.posted) == 1:
            raise HubUnreachable("the reply was lost")
        return reply


async def test_a_retried_command_is_the_same_json_and_is_applied_once(server: HubServer) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 5})
    api = LosesFirstReply(server.http_url)
    await api.sign_up("alice@example.org", "correct horse battery")
    api.token = (await api.log_in("alice@example.org", "correct horse battery", "test")).token
    connection = HubConnection(api, Recorder(), last_seq=None, force_polling=True, poll_wait=0.5)
    running = asyncio.create_task(connection.run())
    try:
        await eventually(lambda: connection.status is Status.POLLING, what="polling")
        command = Reserve(id=command_id(), store_id=store_id, product_id="mug")
        reply = await connection.command(command)
    finally:
        await connection.stop()
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await api.close()
    first, retry = api.posted
    assert first == retry == command.model_dump_json()
    # Applied once: a second reserve of the same product would have grown the ticket to 2.
    assert isinstance(reply, CartResult) and reply.id == command.id
    assert reply.ticket is not None and reply.ticket.qty == 1


async def test_a_quantity_the_hub_would_refuse_is_refused_in_the_hubs_words(
    server: HubServer, make_session: MakeSession
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 3})
    session = await signed_in(make_session, server)
    await session.cart.reserve(store_id, "mug")
    (ticket_id,) = session.local.state.items
    with pytest.raises(HubError) as refused:
        await session.cart.set_quantity(ticket_id, 1000)
    # What the hub answers the same command on the cart's WebSocket.
    assert session.api is not None
    async with peer(server, "cart", ignore=("availability",)) as hub:
        await hub.hello(session.api.token, resume_from=0)
        answer = await hub.command(
            {"type": "set_quantity", "id": command_id(), "ticket_id": ticket_id, "qty": 1000}
        )
    assert answer["type"] == "error"
    assert (refused.value.code, refused.value.message) == (answer["code"], answer["message"])
    assert session.local.state.items[ticket_id].ticket.qty == 1

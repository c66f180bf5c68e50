"""One channel table: every channel is served, and every session handles each message of its
channel (the match statements are checked exhaustive by mypy against these unions)."""

from __future__ import annotations

from typing import get_args

import pytest

from cartstart_server.server import HubServer
from cartstart_server.transport.ws_cart import CartMessage
from cartstart_server.transport.ws_desk import DeskMessage
from cartstart_server.transport.ws_live import LiveMessage
from cartstart_server.transport.ws_page import PageMessage
from cartstart_server.transport.ws_store import StoreMessage
from shared_protocol import Channel
from shared_protocol.codec import channel_union, union_members
from shared_protocol.common import Hello

HANDLED = {
    Channel.CART: CartMessage,
    Channel.PAGE: PageMessage,
    Channel.STORE: StoreMessage,
    Channel.LIVE: LiveMessage,
    Channel.DESK: DeskMessage,
}


@pytest.mark.parametrize("channel", list(Channel))
def test_each_session_handles_every_message_its_clients_may_send(channel: Channel) -> None:
    sent = {m for m in union_members(channel_union(channel, "client")) if not issubclass(m, Hello)}
    assert set(get_args(HANDLED[channel])) == sent


async def test_every_channel_has_a_route(server: HubServer) -> None:
    assert set(server.routes) == set(Channel)
    assert [c for c, r in server.routes.items() if r.pages] == [Channel.PAGE]

"""The desktop cart's core (no Qt) against real hubs on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import keyring
import pytest

from cartstart_desktop.core.api import HubError
from cartstart_desktop.core.cart import Notice
from cartstart_desktop.core.connection import Status
from cartstart_desktop.core.credentials import KeyringCredentials
from cartstart_desktop.core.session import CartSession
from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.cart import Reserve
from shared_protocol.store import AdjustStock
from tests.desktop.conftest import Opened
from tests.helpers.hubs import command_id, hub_config, seed_store
from tests.helpers.keyrings import MemoryKeyring, NoKeyring
from tests.helpers.peers import peer
from tests.helpers.waiting import eventually, free_port

PASSWORD = "correct horse battery"
MakeSession = Callable[..., CartSession]


async def signed_in(
    make_session: MakeSession, server: HubServer, email: str = "alice@example.org"
) -> CartSession:
    session = make_session()
    await session.open()
    outcome = await session.account.log_in(server.http_url, email, PASSWORD, create_account=True)
    assert outcome.remembered
    await eventually(lambda: session.stream.status is Status.WEBSOCKET, what="websocket")
    return session


async def test_picks_on_a_linked_page_reach_the_cart_and_repeat_picks_add_up(
    server: HubServer, make_session: MakeSession, test_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    store_id, _ = await seed_store(server.hub, "Harbour Ceramics", {"mug": 5})
    session = await signed_in(make_session, server)
    assert session.api is not None
    link = (await session.api.mint_link_token(store_id, "test page")).token
    async with peer(server, "page") as page:
        await page.hello(link)
        for n in range(2):
            reply = await page.command(
                {
                    "type": "add_to_cart",
                    "id": f"pick-{n:05d}",
                    "store_id": store_id,
                    "product_id": "mug",
                    "page_url": "https://harbour.example/mug",
                }
            )
            assert reply["type"] == "result"
    # The count is state and may come before or after the quantity: wait for both.
    await eventually(
        lambda: (
            [(i.ticket.qty, i.available) for i in session.local.state.items.values()] == [(2, 3)]
        ),
        what="qty 2, 3 left",
    )
    (item,) = session.local.state.items.values()
    assert item.ticket.store_name == "Harbour Ceramics"
    assert [b.url for b in session.bookmarks.pages] == ["https://harbour.example/mug"]
    # The session token is in the keyring, and in no file of the cart's.
    ((service, _), token), *rest = test_keyring.secrets.items()
    assert not rest and service == "CartStart"
    for path in (tmp_path / "home").rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path


async def test_quantity_changes_and_remove_return_stock(
    server: HubServer, make_session: MakeSession
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 3})
    session = await signed_in(make_session, server)
    await session.cart.reserve(store_id, "mug")
    (ticket_id,) = session.local.state.items
    await session.cart.set_quantity(ticket_id, 3)
    assert session.local.state.items[ticket_id].ticket.qty == 3
    with pytest.raises(HubError) as err:
        await session.cart.set_quantity(ticket_id, 4)
    assert err.value.code == "insufficient_stock" and err.value.details["max_qty"] == 3
    assert "only 0 more left" in err.value.message
    await session.cart.remove(ticket_id)
    assert session.local.state.items == {}
    (level,) = await server.hub.carts.availability([(store_id, "mug")])
    assert level.available == 3


async def test_renew_extends_a_hold_within_the_stores_limit(
    tmp_path: Path, make_session: MakeSession
) -> None:
    clock = FakeClock()
    async with HubServer(hub_config(tmp_path / "hub"), clock=clock) as server:
        store_id, _ = await seed_store(server.hub, "Shop", {"mug": 1}, ttl=600, renewal_limit=1)
        session = await signed_in(make_session, server)
        await session.cart.reserve(store_id, "mug")
        (ticket_id,) = session.local.state.items
        first = session.local.state.items[ticket_id].ticket
        clock.advance(500)
        await session.cart.renew(ticket_id)
        renewed = session.local.state.items[ticket_id].ticket
        assert renewed.expires_at == clock.now() + 600 and renewed.renewals_left == 0
        assert renewed.expires_at > first.expires_at
        with pytest.raises(HubError) as err:
            await session.cart.renew(ticket_id)
        assert err.value.code == "renewal_limit"
        assert session.local.state.items[ticket_id].ticket.expires_at == renewed.expires_at
        await session.close()


async def test_a_restart_without_the_hub_shows_the_last_cart_then_reconciles(
    tmp_path: Path, make_session: MakeSession
) -> None:
    clock = FakeClock()
    port, ws_port = free_port(), free_port()
    config = hub_config(tmp_path / "hub", port=port, ws_port=ws_port)
    async with HubServer(config, clock=clock) as server:
        short, _ = await seed_store(server.hub, "Quick Shop", {"lamp": 1}, ttl=60)
        slow, _ = await seed_store(server.hub, "Slow Shop", {"vase": 1}, ttl=3600)
        session = await signed_in(make_session, server)
        await session.cart.reserve(short, "lamp")
        await session.cart.reserve(slow, "vase")
        await session.close()
    # The hub is gone; the cart starts anyway and shows what it had.
    session = make_session()
    assert await session.open()  # signed in from the keyring, silently
    assert sorted(i.ticket.name for i in session.local.state.items.values()) == [
        "Product lamp",
        "Product vase",
    ]
    await eventually(lambda: session.stream.status is Status.OFFLINE, what="offline")
    # Meanwhile the lamp's hold runs out; then the hub comes back.
    clock.advance(120)
    async with HubServer(config, clock=clock):
        await eventually(
            lambda: session.stream.status is Status.WEBSOCKET, within=20, what="reconnected"
        )
        await eventually(
            lambda: (
                {i.ticket.name: i.ticket.state for i in session.local.state.items.values()}
                == {"Product lamp": "expired", "Product vase": "held"}
            ),
            what="reconciled",
        )
    lamp = next(i for i in session.local.state.items.values() if i.ticket.name == "Product lamp")
    assert lamp.note.startswith("Expired")


async def test_falls_back_to_polling_when_the_websocket_upgrade_is_refused(
    tmp_path: Path, clock: FakeClock, make_session: MakeSession
) -> None:
    port = free_port()
    # The advertised WebSocket address answers plain HTTP and refuses the upgrade, as a proxy
    # that blocks WebSockets would.
    config = hub_config(
        tmp_path / "hub", port=port, ws_port=free_port(), public_ws_url=f"ws://127.0.0.1:{port}"
    )
    async with HubServer(config, clock=clock) as server:
        store_id, _ = await seed_store(server.hub, "Shop", {"mug": 5})
        session = make_session()
        await session.open()
        await session.account.log_in(
            server.http_url, "alice@example.org", PASSWORD, create_account=True
        )
        await eventually(lambda: session.stream.status is Status.POLLING, what="polling")
        await session.cart.reserve(store_id, "mug")  # commands go over HTTP
        shopper = await server.hub.identity.authenticate_shopper(
            session.api.token if session.api else None
        )
        await server.hub.carts.command(
            shopper, Reserve(id=command_id(), store_id=store_id, product_id="mug")
        )
        await eventually(
            lambda: [i.ticket.qty for i in session.local.state.items.values()] == [2],
            what="event by poll",
        )
        assert session.stream.status is Status.POLLING


async def test_a_forced_polling_setting_is_honoured(
    server: HubServer, make_session: MakeSession
) -> None:
    session = make_session()
    await session.open()
    session.link.set_force_polling(True)
    await session.account.log_in(
        server.http_url, "alice@example.org", PASSWORD, create_account=True
    )
    await eventually(lambda: session.stream.status is Status.POLLING, what="polling")
    await asyncio.sleep(0.3)
    assert session.stream.status is Status.POLLING  # it never tries the WebSocket
    # The setting is kept for the next start.
    assert CartSession(
        session.directory, KeyringCredentials(), open_url=print
    ).settings.force_polling


async def test_without_a_keyring_the_session_lasts_for_this_run_only(
    server: HubServer, make_session: MakeSession, tmp_path: Path
) -> None:
    keyring.set_keyring(NoKeyring())
    session = make_session()
    await session.open()
    outcome = await session.account.log_in(
        server.http_url, "alice@example.org", PASSWORD, create_account=True
    )
    assert outcome.remembered is False
    await eventually(lambda: session.stream.status is Status.WEBSOCKET, what="websocket")
    await session.close()
    restarted = make_session()
    assert await restarted.open() is False  # nothing was written anywhere to sign in with


async def test_sign_out_removes_the_secret_and_the_cart(
    server: HubServer, make_session: MakeSession, test_keyring: MemoryKeyring
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 5})
    session = await signed_in(make_session, server)
    token = session.api.token if session.api else None
    await session.cart.reserve(store_id, "mug")
    messages: list[str] = []
    session.account.signed_out.connect(messages.append)
    await session.account.sign_out()
    assert (
        test_keyring.secrets == {}
        and session.local.state.items == {}
        and messages == ["Signed out."]
    )
    with pytest.raises(ProtocolError) as err:  # the token is dead at the hub too
        await server.hub.identity.authenticate_shopper(token)
    assert err.value.code is ErrorCode.UNAUTHORIZED
    assert await make_session().open() is False


async def test_an_expired_session_asks_to_log_in_again(
    server: HubServer, make_session: MakeSession, clock: FakeClock
) -> None:
    session = await signed_in(make_session, server)
    messages: list[str] = []
    session.account.signed_out.connect(messages.append)
    clock.advance(server.config.session_ttl + 1)
    # Drop the live connection: the reconnect presents the expired token.
    assert server.gateway.server is not None
    for conn in list(server.gateway.server.connections):
        conn.transport.abort()
    await eventually(lambda: bool(messages), what="signed out")
    assert "log in again" in messages[0] and not session.account.signed_in


async def test_bookmarks_open_pages_linked_to_this_cart(
    server: HubServer, make_session: MakeSession, opened: Opened
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 5})
    session = await signed_in(make_session, server)
    assert await session.pairing.open_page("https://shop.example/mug#reviews", store_id, "Shop")
    (url,) = opened
    base, token = url.split("#cartstart=")
    assert base == "https://shop.example/mug"
    # That token adds to this cart, for this store only.
    linked = await server.hub.identity.authenticate_link(token)
    assert linked.store_id == store_id
    assert session.api is not None
    shopper = await server.hub.identity.authenticate_shopper(session.api.token)
    assert linked.cart_id == shopper.cart_id
    # A paired browser shows up, and can be revoked.
    code, _ = await session.pairing.new_code()
    await server.hub.identity.redeem_pairing_code(code, "Kitchen tablet")
    labels = [b["label"] for b in await session.pairing.browsers()]
    assert "Kitchen tablet" in labels
    tablet = next(b for b in await session.pairing.browsers() if b["label"] == "Kitchen tablet")
    await session.pairing.revoke(tablet["token_id"])
    assert "Kitchen tablet" not in [b["label"] for b in await session.pairing.browsers()]


async def test_a_revocation_in_the_shop_notifies_the_cart(
    server: HubServer, make_session: MakeSession
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"vase": 1})
    session = await signed_in(make_session, server)
    notices: list[Notice] = []
    session.notices.connect(notices.append)
    await session.cart.reserve(store_id, "vase")
    await server.hub.stores.command(
        store_id, AdjustStock(id=command_id(), product_id="vase", delta=-1)
    )
    await eventually(lambda: bool(notices), what="notice")
    assert notices[0].kind == "revoked"
    (item,) = session.local.state.items.values()
    assert item.ticket.state == "revoked" and "over the counter" in item.note

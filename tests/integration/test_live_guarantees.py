"""Live selling's guarantees beyond the happy path: two nodes, a hub restart, who may do what,
rate limits, holds that run out, presence. Real hubs on 127.0.0.1, SQLite and PostgreSQL + Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.helpers.hubs import hub_config, seed_store
from tests.helpers.peers import Peer, peer
from tests.integration.test_live import cid, live_hello, start_over_http

Nodes = tuple[HubServer, HubServer]


@pytest.fixture
async def nodes(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> AsyncIterator[Nodes]:
    a = HubServer(hub_config(tmp_path / "a", **backend_settings), clock=clock)
    b = HubServer(hub_config(tmp_path / "b", **backend_settings), clock=clock)
    await a.start()
    await b.start()
    try:
        yield a, b
    finally:
        await a.stop()
        await b.stop()


async def until(p: Peer, kind: str) -> dict[str, Any]:
    """The next frame of `kind`, skipping others (presence, typing: timing-dependent)."""
    while True:
        frame = await p.recv()
        if frame["type"] == kind:
            return frame


@pytest.mark.backends("postgres")
async def test_visitor_and_store_on_different_nodes(nodes: Nodes) -> None:
    a, b = nodes
    store_id, key = await seed_store(a.hub, "Shop", {"mug": 2})
    async with httpx.AsyncClient(base_url=a.http_url) as http:
        link, _ = await start_over_http(http, store_id)
    async with peer(a, "live") as visitor, peer(b, "live") as store:
        snap_welcome = await live_hello(visitor, token=link)
        session_id = snap_welcome["session_id"]
        await until(visitor, "live_snapshot")
        await live_hello(store, token=key, session_id=session_id)
        await until(store, "live_snapshot")
        presence = await until(visitor, "presence")  # the store arrived, on the other node
        assert presence == {"type": "presence", "visitor": True, "store": True}
        await visitor.send({"type": "typing"})
        assert (await until(store, "typing"))["side"] == "visitor"
        await visitor.send({"type": "say", "id": cid(), "text": "across nodes"})
        heard = await until(store, "said")
        assert heard["message"]["text"] == "across nodes"
        await store.send({"type": "show", "product_id": "mug"})
        shown = await until(visitor, "gallery")
        assert shown["lead"] == "store" and shown["product_id"] == "mug"
        await store.send({"type": "delete_session", "id": cid()})
        gone = await until(visitor, "session_deleted")
        assert gone["by"] == "store"
        with pytest.raises(ConnectionClosed):
            await visitor.recv()


async def test_a_visitor_comes_back_after_a_restart_and_gets_what_was_said_once(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    config = hub_config(tmp_path, **backend_settings)
    async with HubServer(config, clock=clock) as first:
        store_id, key = await seed_store(first.hub, "Shop", {"mug": 2})
        async with httpx.AsyncClient(base_url=first.http_url) as http:
            link, auth = await start_over_http(http, store_id)
            await http.post(
                "/api/live/session/commands",
                json={"type": "take", "id": cid(), "product_id": "mug"},
                headers=auth,
            )
        async with peer(first, "live") as visitor:
            await live_hello(visitor, token=link)
            snap = await until(visitor, "live_snapshot")
            last_seen = snap["head_seq"]
            session_id = snap["session"]["session_id"]
        async with peer(first, "live") as store:  # the visitor is away
            await live_hello(store, token=key, session_id=session_id)
            await until(store, "live_snapshot")
            reply = await store.command({"type": "say", "id": cid(), "text": "Still there?"})
            assert reply["type"] == "result"
    async with HubServer(config, clock=clock) as second:  # the same files, a new process state
        async with peer(second, "live") as visitor:
            welcome = await live_hello(visitor, token=link, resume_from=last_seen)
            assert welcome["resumed"] is True
            missed = await until(visitor, "said")
            assert missed["message"]["text"] == "Still there?"
            await visitor.send({"type": "sync", "id": cid()})
            snap = await until(visitor, "live_snapshot")
            assert [m["text"] for m in snap["messages"]] == ["Still there?"]  # once
            assert [t["state"] for t in snap["cart"]] == ["held"]


async def test_who_may_do_what(server: HubServer, http: httpx.AsyncClient) -> None:
    store_a, key_a = await seed_store(server.hub, "A", {"mug": 2})
    store_b, key_b = await seed_store(server.hub, "B", {"cup": 2})
    link_1, auth_1 = await start_over_http(http, store_a)
    _link_2, auth_2 = await start_over_http(http, store_a)
    session_1 = (await http.get("/api/live/session", headers=auth_1)).json()["session"]
    # Store B's key reaches neither store A's sessions nor its lobby.
    b_auth = {"Authorization": f"Bearer {key_b}"}
    r = await http.get(
        f"/api/stores/{store_a}/live/sessions/{session_1['session_id']}", headers=b_auth
    )
    assert r.status_code == 403
    r = await http.get(
        f"/api/stores/{store_b}/live/sessions/{session_1['session_id']}", headers=b_auth
    )
    assert r.status_code == 404
    # A visitor cannot approve, present, or remove what another session posted.
    note = {"kind": "note", "text": "mine"}
    posted = await http.post(
        "/api/live/session/commands",
        json={"type": "post", "id": cid(), "widget": note, "public": True},
        headers=auth_1,
    )
    widget_id = posted.json()["widget"]["widget_id"]
    for body in (
        {"type": "approve", "id": cid(), "widget_id": widget_id},
        {"type": "present", "id": cid(), "product": "mug"},
    ):
        r = await http.post("/api/live/session/commands", json=body, headers=auth_2)
        assert r.status_code == 403, r.text
    r = await http.post(
        "/api/live/session/commands",
        json={"type": "remove_widget", "id": cid(), "widget_id": widget_id},
        headers=auth_2,
    )
    assert r.status_code == 404  # another session's post looks like none
    # A session link is only a session link; a store key is not one.
    for token in (key_a, link_1 + "x", "csv.nothing.here"):
        r = await http.get("/api/live/session", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, token
    # The session cart takes only the store's own products.
    r = await http.post(
        "/api/live/session/commands",
        json={"type": "take", "id": cid(), "product_id": "cup"},
        headers=auth_1,
    )
    assert r.status_code == 404


async def test_a_chatty_visitor_is_slowed_and_keeps_the_session(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 2})
    _link, auth = await start_over_http(http, store_id)

    async def say(text: str) -> httpx.Response:
        return await http.post(
            "/api/live/session/commands",
            json={"type": "say", "id": cid(), "text": text},
            headers=auth,
        )

    for n in range(20):
        assert (await say(f"message {n}")).status_code == 200
    refused = await say("one too many")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    clock.advance(61)
    assert (await say("a minute later")).status_code == 200
    snap = (await http.get("/api/live/session", headers=auth)).json()
    assert len(snap["messages"]) == 21 and snap["messages"][-1]["text"] == "a minute later"


async def test_a_hold_that_runs_out_is_told_and_taken_again(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 1}, ttl=60)
    link, auth = await start_over_http(http, store_id)
    async with peer(server, "live", ignore=("presence",)) as visitor:
        await live_hello(visitor, token=link)
        await visitor.expect("live_snapshot")
        took = await visitor.command({"type": "take", "id": cid(), "product_id": "mug"})
        assert took["ticket"]["state"] == "held"
        await visitor.expect("session_cart")
        clock.advance(61)
        while (event := await until(visitor, "session_cart"))["ticket"]["state"] == "held":
            pass  # the warning before expiry
        assert event["ticket"]["state"] == "expired"
        again = await visitor.command({"type": "take", "id": cid(), "product_id": "mug"})
        assert again["ticket"]["state"] == "held"
    snap = (await http.get("/api/live/session", headers=auth)).json()
    assert [(t["product_id"], t["state"]) for t in snap["cart"]] == [("mug", "held")]

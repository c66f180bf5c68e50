"""Live selling over `/ws/live`, on one node and on several (the `server` fixture runs on SQLite
and on PostgreSQL + Redis): sessions from public mode, chat both ways delivered once, the counter,
the session cart as real holds, ordering now, coming back after a restart, deleting."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from cartstart_server.server import HubServer
from tests.helpers.hubs import seed_store
from tests.helpers.peers import Peer, peer, sign_up

Frame = dict[str, Any]
_ids = iter(range(10_000_000))


def cid() -> str:
    return f"live-{next(_ids):08d}"


async def live_hello(p: Peer, **fields: Any) -> Frame:
    await p.send({"type": "hello", "versions": [1], **fields})
    return await p.expect("welcome")


@asynccontextmanager
async def visitor_in_new_session(
    server: HubServer, store_id: str, label: str = "Ana"
) -> AsyncIterator[tuple[Peer, str, Frame]]:
    """Public mode, start a session, then a second connection as that session's visitor."""
    async with peer(server, "live") as public:
        welcome = await live_hello(public, store_id=store_id)
        assert welcome["role"] == "public"
        await public.expect("public_snapshot")
        started = await public.command({"type": "start_session", "id": cid(), "label": label})
        assert started["type"] == "result", started
    link = started["link"]
    async with peer(server, "live", ignore=("presence",)) as visitor:
        welcome = await live_hello(visitor, token=link)
        assert welcome["role"] == "visitor" and welcome["resumed"] is False
        yield visitor, link, await visitor.expect("live_snapshot")


async def test_chat_counter_and_session_cart_between_visitor_and_store(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 3, "vase": 1})
    async with visitor_in_new_session(server, store_id) as (visitor, link, snap):
        session_id = snap["session"]["session_id"]
        assert snap["messages"] == [] and snap["cart"] == [] and snap["lead"] == "store"
        async with peer(server, "live", ignore=("presence",)) as store:
            welcome = await live_hello(store, token=key, session_id=session_id)
            assert welcome["role"] == "store"
            await store.expect("live_snapshot")
            said = await visitor.command({"type": "say", "id": cid(), "text": "Hello <b>there</b>"})
            assert said["message"]["text"] == "Hello <b>there</b>"  # text, as sent
            heard = await store.expect("said")
            assert (
                heard["message"]["author"] == "visitor" and heard["seq"] == said["message"]["seq"]
            )
            assert (await visitor.expect("said"))["seq"] == heard["seq"]  # once, on its stream
            reply = await store.command({"type": "say", "id": cid(), "text": "Welcome!"})
            assert (await visitor.expect("said"))["message"]["author"] == "store"
            await store.expect("said")
            read = await store.command(
                {"type": "mark_read", "id": cid(), "up_to": reply["message"]["seq"]}
            )
            assert read["type"] == "result"
            assert (await visitor.expect("read_marked"))["side"] == "store"

            shown = await store.command({"type": "present", "id": cid(), "product": "vase"})
            assert shown["presented"]["product"]["name"] == "Product vase"
            assert (await visitor.expect("presented"))["item"]["product"]["product_id"] == "vase"
            refused = await visitor.command({"type": "present", "id": cid(), "product": "mug"})
            assert refused["code"] == "forbidden"

            took = await visitor.command({"type": "take", "id": cid(), "product_id": "vase"})
            assert took["ticket"]["state"] == "held"
            (level,) = await server.hub.carts.availability([(store_id, "vase")])
            assert level.available == 0  # a real hold
            await store.expect("read_marked")
            await store.expect("presented")
            event = await store.expect("session_cart")
            assert event["ticket"]["product_id"] == "vase"
    # Nothing in the session was lost with the connections.
    async with peer(server, "live") as again:
        await live_hello(again, token=link)
        snap = await again.expect("live_snapshot")
        assert [m["text"] for m in snap["messages"]] == ["Hello <b>there</b>", "Welcome!"]
        assert [p["product"]["product_id"] for p in snap["counter"]] == ["vase"]
        assert [(t["product_id"], t["state"]) for t in snap["cart"]] == [("vase", "held")]
        assert snap["read"]["store"] >= 2


async def test_a_visitor_orders_now_and_the_store_sees_the_order(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 3})
    async with visitor_in_new_session(server, store_id) as (visitor, _link, _snap):
        await visitor.command({"type": "take", "id": cid(), "product_id": "mug", "qty": 2})
        await visitor.expect("session_cart")
        no_email = await visitor.command({"type": "order_now", "id": cid()})
        assert no_email["code"] == "invalid_message"
        ordered = await visitor.command(
            {"type": "order_now", "id": cid(), "email": "Ana@Example.org", "name": "Ana"}
        )
        assert ordered["type"] == "result", ordered
        assert ordered["order"]["lines"][0]["qty"] == 2
        order_id = ordered["order"]["order_id"]
        bought = await visitor.expect("session_cart")
        assert bought["ticket"]["state"] == "purchased"
        assert (await visitor.expect("session_ordered"))["order"]["order_id"] == order_id
        await visitor.send({"type": "sync", "id": cid()})
        snap = await visitor.expect("live_snapshot")
        assert [o["order_id"] for o in snap["orders"]] == [order_id]
        assert snap["cart"] == []  # bought: no longer in the session cart
    r = await http.get(f"/api/stores/{store_id}/orders", headers={"Authorization": f"Bearer {key}"})
    [order] = r.json()
    assert order["customer"]["email"] == "ana@example.org" and order["status"] == "placed"


async def test_deleting_a_session_removes_everything_and_tells_the_other_side(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 3})
    db = server.hub.db
    async with visitor_in_new_session(server, store_id) as (visitor, link, snap):
        session_id = snap["session"]["session_id"]
        await visitor.command({"type": "say", "id": cid(), "text": "hi"})
        await visitor.command({"type": "take", "id": cid(), "product_id": "mug"})
        async with peer(server, "live", ignore=("presence", "said", "session_cart")) as store:
            await live_hello(store, token=key, session_id=session_id)
            await store.expect("live_snapshot")
            await store.command({"type": "present", "id": cid(), "product": "mug"})
            deleted = await visitor.command({"type": "delete_session", "id": cid()})
            assert deleted["type"] == "result"
            told = await store.recv()
            while told["type"] != "session_deleted":
                told = await store.recv()
            assert told["by"] == "visitor"
            with pytest.raises(ConnectionClosed) as closed:
                await store.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4410
    (level,) = await server.hub.carts.availability([(store_id, "mug")])
    assert level.available == 3  # the hold was released
    for table, column in [
        ("live_sessions", "id"),
        ("live_messages", "session_id"),
        ("live_counter", "session_id"),
        ("live_widgets", "session_id"),
        ("live_uploads", "session_id"),
    ]:
        assert await count(db, table, column, session_id) == 0, table
    assert await count(db, "outbox", "owner", f"live:{session_id}") == 0
    async with peer(server, "live") as late:
        await late.send({"type": "hello", "versions": [1], "token": link})
        error = await late.expect("error")
        assert error["code"] == "gone" and "deleted by the visitor" in error["message"]
    # Only the link's holder and the store learn that it was deleted.
    forged = link.rsplit(".", 1)[0] + ".not-the-secret"
    r = await http.get("/api/live/session", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401
    store_auth = {"Authorization": f"Bearer {key}"}
    r = await http.get(f"/api/stores/{store_id}/live/sessions/{session_id}", headers=store_auth)
    assert r.status_code == 410
    other_id, other_key = await seed_store(server.hub, "Other", {"cup": 1})
    r = await http.get(
        f"/api/stores/{other_id}/live/sessions/{session_id}",
        headers={"Authorization": f"Bearer {other_key}"},
    )
    assert r.status_code == 404


async def test_a_store_cannot_reach_another_stores_session(server: HubServer) -> None:
    store_a, _ = await seed_store(server.hub, "A", {"mug": 1})
    _, key_b = await seed_store(server.hub, "B", {"cup": 1})
    async with visitor_in_new_session(server, store_a) as (_visitor, _link, snap):
        async with peer(server, "live") as intruder:
            await intruder.send(
                {
                    "type": "hello",
                    "versions": [1],
                    "token": key_b,
                    "session_id": snap["session"]["session_id"],
                }
            )
            error = await intruder.expect("error")
            assert error["code"] == "not_found"


async def test_the_lobby_hears_new_sessions_and_messages(server: HubServer) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    async with peer(server, "live") as lobby:
        welcome = await live_hello(lobby, token=key)
        assert welcome["role"] == "lobby"
        assert (await lobby.expect("lobby"))["sessions"] == []
        async with visitor_in_new_session(server, store_id, label="Bo") as (visitor, _l, _s):
            started = await lobby.expect("session_activity")
            assert started["session"]["label"] == "Bo"
            await visitor.command({"type": "say", "id": cid(), "text": "is the mug blue?"})
            news = await lobby.expect("session_activity")
            assert news["session"]["unread"] == 1
            assert news["session"]["last_message"] == "is the mug blue?"


async def count(db: Any, table: str, column: str, value: str) -> int:
    from cartstart_server.storage.sql import Stmt

    def plan() -> Any:
        rows = yield Stmt(f"SELECT COUNT(*) AS n FROM {table} WHERE {column} = ?", (value,))
        return int(rows[0]["n"])

    return int(await db.read(plan()))


async def wait_a_moment() -> None:
    await asyncio.sleep(0.05)


# ---- over HTTP (polling clients), boards and uploads, attaching to a desktop cart ------------


def png(colour: str = "red", **info: str) -> bytes:
    import io

    from PIL import Image, PngImagePlugin

    meta = PngImagePlugin.PngInfo()
    for key, value in info.items():
        meta.add_text(key, value)
    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, "PNG", pnginfo=meta)
    return out.getvalue()


async def start_over_http(http: httpx.AsyncClient, store_id: str) -> tuple[str, dict[str, str]]:
    r = await http.post(f"/api/live/stores/{store_id}/sessions", json={"label": "Cy"})
    assert r.status_code == 201, r.text
    link = r.json()["link"]
    return link, {"Authorization": f"Bearer {link}"}


async def test_a_polling_visitor_gets_each_message_once_in_order(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 2})
    _link, auth = await start_over_http(http, store_id)
    snap = (await http.get("/api/live/session", headers=auth)).json()
    session_id, head = snap["session"]["session_id"], snap["head_seq"]
    store_auth = {"Authorization": f"Bearer {key}"}
    for text in ("one", "two"):
        r = await http.post(
            f"/api/stores/{store_id}/live/sessions/{session_id}/commands",
            json={"type": "say", "id": cid(), "text": text},
            headers=store_auth,
        )
        assert r.status_code == 200, r.text
    r = await http.get("/api/live/session/events", params={"after": head}, headers=auth)
    got = r.json()["messages"]
    assert [m["message"]["text"] for m in got] == ["one", "two"]
    r = await http.get(
        "/api/live/session/events", params={"after": got[-1]["seq"], "wait": 0}, headers=auth
    )
    assert r.json()["messages"] == []  # each once
    said = await http.post(
        "/api/live/session/commands",
        json={"type": "say", "id": cid(), "text": "three"},
        headers=auth,
    )
    assert said.json()["message"]["author"] == "visitor"
    lobby = (await http.get(f"/api/stores/{store_id}/live/sessions", headers=store_auth)).json()
    assert lobby["sessions"][0]["unread"] == 1


async def test_public_posts_wait_for_approval_and_private_ones_stay_private(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 2})
    _link, auth = await start_over_http(http, store_id)
    note = {"kind": "note", "text": "<img src=x onerror=alert(1)> love it"}
    private = await http.post(
        "/api/live/session/commands",
        json={"type": "post", "id": cid(), "widget": note},
        headers=auth,
    )
    assert private.status_code == 200, private.text
    public = await http.post(
        "/api/live/session/commands",
        json={"type": "post", "id": cid(), "widget": note, "public": True},
        headers=auth,
    )
    widget = public.json()["widget"]
    assert widget["public"] and not widget["approved"]
    board = (await http.get(f"/api/live/stores/{store_id}")).json()["board"]
    assert board == []  # a third visitor sees neither
    store_auth = {"Authorization": f"Bearer {key}"}
    lobby = (await http.get(f"/api/stores/{store_id}/live/sessions", headers=store_auth)).json()
    assert [w["widget_id"] for w in lobby["waiting"]] == [widget["widget_id"]]
    r = await http.post(
        f"/api/stores/{store_id}/live/board/{widget['widget_id']}/approval", headers=store_auth
    )
    assert r.status_code == 200, r.text
    board = (await http.get(f"/api/live/stores/{store_id}")).json()["board"]
    assert [(w["widget_id"], w["text"]) for w in board] == [(widget["widget_id"], note["text"])]
    bad = await http.post(
        "/api/live/session/commands",
        json={"type": "post", "id": cid(), "widget": {"kind": "link"}},
        headers=auth,
    )
    assert bad.status_code == 422 and "url" in bad.json()["error"]["message"]


async def test_uploads_are_decoded_rewritten_and_served_as_images_only(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 2})
    _link, auth = await start_over_http(http, store_id)
    original = png(Comment="taken at 45.25N 19.84E")
    r = await http.post(
        "/api/live/uploads", content=original, headers={**auth, "Content-Type": "image/png"}
    )
    assert r.status_code == 201, r.text
    served = await http.get(r.json()["url"])
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.content.startswith(b"\x89PNG") and b"45.25N" not in served.content
    lie = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"
    r = await http.post(
        "/api/live/uploads", content=lie, headers={**auth, "Content-Type": "image/png"}
    )
    assert r.status_code == 422 and "not a PNG, JPEG or WebP" in r.json()["error"]["message"]
    r = await http.post("/api/live/uploads", content=original)  # no session link
    assert r.status_code == 401


async def test_a_desktop_cart_attaches_a_session_and_holds_its_items(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 2})
    link, auth = await start_over_http(http, store_id)
    took = await http.post(
        "/api/live/session/commands",
        json={"type": "take", "id": cid(), "product_id": "mug"},
        headers=auth,
    )
    ticket_id = took.json()["ticket"]["ticket_id"]
    alice = await sign_up(http, "alice@example.org")
    r = await http.post("/api/cart/live-sessions", json={"link": link}, headers=alice.auth)
    assert r.status_code == 201, r.text
    assert r.json()["attached"] is True
    cart = (await http.get("/api/cart", headers=alice.auth)).json()
    assert [t["ticket_id"] for t in cart["tickets"]] == [ticket_id]  # the same ticket, once
    listed = (await http.get("/api/cart/live-sessions", headers=alice.auth)).json()
    assert [s["session_id"] for s in listed] == [r.json()["session_id"]]
    async with peer(server, "live", ignore=("presence",)) as desktop:
        welcome = await live_hello(desktop, token=alice.token, session_id=r.json()["session_id"])
        assert welcome["role"] == "visitor"
        snap = await desktop.expect("live_snapshot")
        assert [t["ticket_id"] for t in snap["cart"]] == [ticket_id]
        said = await desktop.command({"type": "say", "id": cid(), "text": "from my desktop"})
        assert said["message"]["author"] == "visitor"
    bob = await sign_up(http, "bob@example.org")
    r = await http.post("/api/cart/live-sessions", json={"link": link}, headers=bob.auth)
    assert r.status_code == 409  # one cart per session


async def test_an_attached_cart_polls_and_speaks_in_its_session_with_its_own_token(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 2})
    link, _ = await start_over_http(http, store_id)
    alice = await sign_up(http, "alice@example.org")
    attached = await http.post("/api/cart/live-sessions", json={"link": link}, headers=alice.auth)
    session_id = attached.json()["session_id"]
    path = f"/api/cart/live-sessions/{session_id}"
    snap = (await http.get(path, headers=alice.auth)).json()
    assert snap["type"] == "live_snapshot" and snap["session"]["attached"] is True
    store_auth = {"Authorization": f"Bearer {key}"}
    r = await http.post(
        f"/api/stores/{store_id}/live/sessions/{session_id}/commands",
        json={"type": "say", "id": cid(), "text": "hello"},
        headers=store_auth,
    )
    assert r.status_code == 200, r.text
    r = await http.get(path + "/events", params={"after": snap["head_seq"]}, headers=alice.auth)
    assert [m["message"]["text"] for m in r.json()["messages"]] == ["hello"]
    said = await http.post(
        path + "/commands", json={"type": "say", "id": cid(), "text": "hi"}, headers=alice.auth
    )
    assert said.status_code == 200 and said.json()["message"]["author"] == "visitor"
    took = await http.post(
        path + "/commands",
        json={"type": "take", "id": cid(), "product_id": "mug"},
        headers=alice.auth,
    )
    cart = (await http.get("/api/cart", headers=alice.auth)).json()
    assert [t["ticket_id"] for t in cart["tickets"]] == [took.json()["ticket"]["ticket_id"]]
    bob = await sign_up(http, "bob@example.org")
    assert (await http.get(path, headers=bob.auth)).status_code == 404  # not bob's session
    r = await http.delete(f"/api/stores/{store_id}/live/sessions/{session_id}", headers=store_auth)
    assert r.status_code == 204
    r = await http.get(path + "/events", params={"after": 0}, headers=alice.auth)
    assert r.status_code == 410
    assert r.json()["error"]["code"] == "gone"
    assert r.json()["error"]["details"]["deleted_by"] == "store"
    assert (await http.get("/api/cart/live-sessions", headers=alice.auth)).json() == []


async def test_a_store_turns_its_page_off(server: HubServer, http: httpx.AsyncClient) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 2})
    store_auth = {"Authorization": f"Bearer {key}"}
    r = await http.put(
        f"/api/stores/{store_id}/live",
        json={"enabled": False, "greeting": "Back soon", "accent": "#aa3300"},
        headers=store_auth,
    )
    assert r.status_code == 200 and r.json()["style"]["greeting"] == "Back soon"
    assert (await http.get(f"/api/live/stores/{store_id}")).status_code == 404
    r = await http.post(f"/api/live/stores/{store_id}/sessions", json={})
    assert r.status_code == 404
    r = await http.put(
        f"/api/stores/{store_id}/live",
        json={"accent": "red; x: url(javascript:1)"},
        headers=store_auth,
    )
    assert r.status_code == 422


async def test_settings_left_out_of_a_put_keep_their_values(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    """A backend setting its greeting must not undo what the owner chose in the console."""
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    auth = {"Authorization": f"Bearer {key}"}
    path = f"/api/stores/{store_id}/live"
    chosen = {"workspace": True, "show_rating": True, "accent": "#aa3300", "gallery": False}
    assert (await http.put(path, json=chosen, headers=auth)).status_code == 200
    r = await http.put(path, json={"greeting": "Ask us anything"}, headers=auth)
    assert r.status_code == 200
    page = r.json()
    assert page["workspace"] is True and page["show_rating"] is True and page["enabled"] is True
    assert page["style"]["accent"] == "#aa3300" and page["style"]["gallery"] is False
    assert page["style"]["greeting"] == "Ask us anything"
    r = await http.put(path, json={"workspace": False}, headers=auth)  # said: changed
    assert r.json()["workspace"] is False and r.json()["style"]["greeting"] == "Ask us anything"
    # Saves at once (a backend's greeting, the owner's switches) keep each other's fields.
    changes = [{"greeting": f"Hello {i}"} if i % 2 else {"workspace": True} for i in range(8)]
    answers = await asyncio.gather(*(http.put(path, json=c, headers=auth) for c in changes))
    assert all(a.status_code == 200 for a in answers)
    final = (await http.get(path, headers=auth)).json()
    assert final["workspace"] is True and final["style"]["greeting"].startswith("Hello ")


async def test_an_approval_reaches_its_author_and_a_deletion_takes_public_posts_down(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    store_auth = {"Authorization": f"Bearer {key}"}
    async with visitor_in_new_session(server, store_id) as (visitor, _link, _snap):
        posted = await visitor.command(
            {
                "type": "post",
                "id": cid(),
                "public": True,
                "widget": {"kind": "note", "text": "lovely shop"},
            }
        )
        widget_id = posted["widget"]["widget_id"]
        assert (await visitor.expect("widget_posted"))["widget"]["approved"] is False
        async with peer(server, "live") as public, peer(server, "live") as lobby:
            await live_hello(public, store_id=store_id)
            await public.expect("public_snapshot")
            await live_hello(lobby, token=key)
            await lobby.expect("lobby")
            r = await http.post(
                f"/api/stores/{store_id}/live/board/{widget_id}/approval", headers=store_auth
            )
            assert r.status_code == 200, r.text
            mine = await visitor.expect("widget_posted")
            assert mine["widget"]["approved"] is True and mine["widget"]["mine"] is True
            assert (await public.expect("board_changed"))["widget"]["widget_id"] == widget_id
            assert (await lobby.expect("board_changed"))["widget"]["approved"] is True
            await visitor.command({"type": "delete_session", "id": cid()})
            removed = await public.expect("board_changed")
            assert removed["removed"] == widget_id
    board = (await http.get(f"/api/live/stores/{store_id}")).json()["board"]
    assert board == []


async def test_a_live_page_hears_the_counts_of_what_it_shows(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 3, "vase": 1})
    async with peer(server, "live") as public:
        await live_hello(public, store_id=store_id)
        await public.expect("public_snapshot")
        await public.send({"type": "watch", "product_ids": ["mug"]})
        now = await public.expect("availability")
        assert (now["product_id"], now["available"]) == ("mug", 3)
        _link, auth = await start_over_http(http, store_id)
        took = await http.post(
            "/api/live/session/commands",
            json={"type": "take", "id": cid(), "product_id": "mug", "qty": 2},
            headers=auth,
        )
        assert took.status_code == 200, took.text
        update = await public.expect("availability")
        assert (update["product_id"], update["available"]) == ("mug", 1)
        assert update["version"] > now["version"]
        await public.send({"type": "watch", "product_ids": ["vase"]})  # the mug is off screen
        assert (await public.expect("availability"))["product_id"] == "vase"
        await http.post(
            "/api/live/session/commands",
            json={"type": "take", "id": cid(), "product_id": "mug"},
            headers=auth,
        )
        await public.send({"type": "sync", "id": cid()})
        assert (await public.expect("public_snapshot"))["type"] == "public_snapshot"  # no mug count

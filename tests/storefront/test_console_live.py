"""The console's live selling area in real Chromium against a real hub: the lobby and its
unread counts, one session (chat both ways, presenting, the session cart), a dropped connection
that resumes, deleting from either side, and one store's console never seeing another's. Visitors
are driven over `/ws/live` and HTTP as their page would (console_live_helpers.py)."""

from __future__ import annotations

import json
import re

import httpx
from playwright.async_api import Browser, WebSocketRoute, expect
from websockets.exceptions import ConnectionClosed

from tests.helpers.hubs import seed_store
from tests.storefront.conftest import Shop
from tests.storefront.console_live_helpers import (
    BLOCKING,
    Frame,
    lobby_row,
    open_live,
    visitor,
)


async def test_a_visitors_session_from_the_lobby_to_the_cart(browser: Browser, shop: Shop) -> None:
    console = await open_live(browser, shop)
    await expect(console.locator("#lobby-empty")).to_contain_text("No sessions yet")
    await expect(console.locator("#lobby-page-url")).to_have_value(
        f"{shop.hub.http_url}/live/{shop.store_id}"
    )
    await console.locator("#lobby-empty").get_by_role("button", name="Copy link").click()
    await expect(console.locator("#lobby-empty .copied")).to_contain_text(
        re.compile("copied|selected")
    )
    await expect(console.locator("#live-call")).to_be_hidden()  # no session open yet
    async with visitor(shop, "Ana") as ana:
        # The lobby lists the new session live; a message makes it unread.
        row = lobby_row(console, "Ana")
        await expect(row).to_be_visible()
        await expect(console.locator("#lobby-empty")).to_be_hidden()
        await ana.command(type="say", text="Is the vase still there?")
        await expect(row.locator(".badge")).to_have_text("1")
        await expect(row.locator(".preview")).to_have_text("Is the vase still there?")
        await expect(console.locator("#live-unread")).to_have_text("1")

        # Open it: the chat shows the message, marks it read (the visitor sees the mark).
        await row.click()
        await expect(console.locator("#session-title")).to_have_text("Ana")
        log = console.locator("#chat-log")
        await expect(log.locator("li")).to_have_count(1)
        await expect(log).to_contain_text("Is the vase still there?")
        read = await ana.until("read_marked", side="store")
        assert read["up_to"] >= 1
        await expect(row.locator(".badge")).to_have_count(0)
        await expect(console.locator("#live-unread")).to_be_hidden()
        await expect(console.locator("#session-presence")).to_have_text("Ana is here")
        await expect(console.get_by_role("region", name="Video call")).to_contain_text(
            "Video call: ring Ana, or wait for them to ask."
        )

        # The store types (the visitor sees it), then answers with Enter.
        await console.get_by_label("Message to the visitor").press_sequentially("Y")
        await ana.until("typing", side="store")
        await console.get_by_label("Message to the visitor").fill("Yes, one left.")
        await console.get_by_label("Message to the visitor").press("Enter")
        said = await ana.until("said")
        assert said["message"] == {**said["message"], "author": "store", "text": "Yes, one left."}
        await expect(console.get_by_label("Message to the visitor")).to_have_value("")
        # The visitor types and reads it: "is typing…", then "Seen".
        await ana.peer.send({"type": "typing"})
        await expect(console.locator("#chat-typing")).to_have_text("Ana is typing…")
        await ana.command(type="mark_read", up_to=said["seq"])
        await expect(log.locator("li.mine .meta")).to_contain_text("Seen")

        # Present a product by searching; the visitor's page receives it.
        await console.get_by_label("Find a product to show").fill("vase")
        found = console.locator("#find-results li")
        await expect(found).to_have_count(1)
        await found.get_by_role("button", name="Present").click()
        presented = await ana.until("presented")
        assert presented["item"]["product"]["product_id"] == "last-vase"
        item = console.locator("#presented li").filter(has_text="The last vase")
        await expect(item).to_be_visible()
        # By its product page's address, pasted; and by code (shown again: listed once).
        await console.get_by_label("Find a product to show").fill(shop.page_url("/products/mug"))
        await console.get_by_role("button", name="Present", exact=True).click()
        assert (await ana.until("presented"))["item"]["product"]["product_id"] == "mug"
        await expect(console.locator("#presented li")).to_have_count(2)
        await expect(console.locator("#find-status")).to_have_text(
            "Presented Mug: the visitor sees it now."
        )
        await console.get_by_label("Find a product to show").fill("MG-1")
        await console.get_by_label("Find a product to show").press("Enter")
        assert (await ana.until("presented"))["item"]["product"]["code"] == "MG-1"
        await expect(console.locator("#presented li").first).to_contain_text("Mug")
        await expect(console.locator("#presented li")).to_have_count(2)
        # What is not a product says so.
        await console.get_by_label("Find a product to show").fill("NO-SUCH")
        await console.get_by_label("Find a product to show").press("Enter")
        await expect(console.locator("#find-status")).to_contain_text(
            "No product of yours matches “NO-SUCH”"
        )

        # Put it in the visitor's cart: a real hold, which the visitor's page receives.
        await item.get_by_role("button", name="Put The last vase in the visitor's cart").click()
        event = await ana.until("session_cart")
        assert (event["ticket"]["product_id"], event["ticket"]["state"]) == ("last-vase", "held")
        await expect(item).to_contain_text("1 in the visitor's cart")
        line = console.locator("#session-cart li").filter(has_text="The last vase")
        await expect(line).to_contain_text("Held")
        await expect(line.locator(".countdown")).to_contain_text("left")
        (level,) = await shop.hub.hub.carts.availability([(shop.store_id, "last-vase")])
        assert level.available == 0
        # Put back: released for everyone.
        await line.get_by_role("button", name="Put back The last vase").click()
        assert (await ana.until("session_cart"))["ticket"]["state"] == "released"
        await expect(line).to_contain_text("Put back")
        await expect(item).not_to_contain_text("in the visitor's cart")
        await expect(line.get_by_role("button", name="Take The last vase again")).to_be_visible()
    # The visitor left the page.
    await expect(console.locator("#session-presence")).to_have_text("Ana is away")
    assert BLOCKING == []


async def test_a_dropped_connection_comes_back_and_misses_nothing(
    browser: Browser, shop: Shop
) -> None:
    """The console's session connection drops; the visitor writes meanwhile; the console
    resumes from the last seq it applied: the message is there, once."""
    console = await open_live(browser, shop)
    sockets: list[WebSocketRoute] = []
    hellos: list[Frame] = []

    def relay(ws: WebSocketRoute) -> None:
        hub = ws.connect_to_server()

        def to_hub(message: str | bytes) -> None:
            frame = json.loads(message)
            if frame.get("type") == "hello" and frame.get("session_id"):
                hellos.append(frame)
            hub.send(message)

        ws.on_message(to_hub)
        hub.on_message(lambda message: ws.send(message))
        sockets.append(ws)

    await console.route_web_socket(re.compile(r".*/ws/live"), relay)
    async with visitor(shop, "Gus") as gus:
        await gus.command(type="say", text="one")
        await lobby_row(console, "Gus").click()
        await expect(console.locator("#chat-log li")).to_have_count(1)
        assert len(hellos) == 1 and "resume_from" not in hellos[0]
        await sockets[-1].close(code=1011)
        await gus.command(type="say", text="two, while you were away")
        await expect(console.locator("#chat-log li")).to_have_count(2)
        await expect(console.locator("#chat-log li").last).to_have_text(
            re.compile("two, while you were away")
        )
        assert len(hellos) == 2 and hellos[1]["resume_from"] >= 1
        await gus.command(type="say", text="three")
        await expect(console.locator("#chat-log li")).to_have_count(3)
        assert [
            t.strip() for t in await console.locator("#chat-log .bubble").all_inner_texts()
        ] == [
            "one",
            "two, while you were away",
            "three",
        ]


async def test_deleting_a_session_asks_first_and_tells_the_visitor(
    browser: Browser, shop: Shop
) -> None:
    console = await open_live(browser, shop)
    async with visitor(shop, "Di") as di:
        await di.command(type="take", product_id="mug", qty=2)
        await lobby_row(console, "Di").click()
        await expect(console.locator("#session-cart li")).to_have_count(1)
        delete = console.get_by_role("button", name="Delete session…")
        await delete.click()
        dialog = console.get_by_role("dialog", name="Delete the session with Di?")
        await expect(dialog).to_be_visible()
        await expect(dialog).to_contain_text("deleted for good")
        await dialog.get_by_role("button", name="Keep it").click()  # nothing happens
        await expect(dialog).to_be_hidden()
        await expect(delete).to_be_focused()
        await delete.click()
        await dialog.get_by_role("button", name="Delete session").click()
        told = await di.until("session_deleted")
        assert told["by"] == "store"
        try:
            await di.peer.recv()
            raise AssertionError("the visitor's connection stayed open")
        except ConnectionClosed as closed:
            assert closed.rcvd is not None and closed.rcvd.code == 4410
        await expect(dialog).to_be_hidden()
        await expect(console.locator("#session-none-text")).to_contain_text(
            "Session with Di deleted"
        )
        await expect(lobby_row(console, "Di")).to_have_count(0)
        await expect(console.locator("#lobby-empty")).to_be_visible()
    (level,) = await shop.hub.hub.carts.availability([(shop.store_id, "mug")])
    assert level.available == 5  # the holds went back on sale
    async with httpx.AsyncClient(base_url=shop.hub.http_url) as http:
        r = await http.get("/api/live/session", headers={"Authorization": f"Bearer {di.link}"})
        assert r.status_code == 410 or r.json()["error"]["code"] == "gone"

    # The visitor deletes: the console says so at once.
    async with visitor(shop, "Ed") as ed:
        await lobby_row(console, "Ed").click()
        await expect(console.locator("#session-title")).to_have_text("Ed")
        await ed.command(type="post", public=True, widget={"kind": "note", "text": "mine"})
        await expect(console.locator("#approvals-waiting")).to_have_text("1")
        await ed.command(type="delete_session")
        await expect(console.locator("#session-none-text")).to_contain_text(
            "Ed deleted the session"
        )
        await expect(console.locator("#session-open")).to_be_hidden()
        # Its public post went with it: nothing waits any more.
        await expect(console.locator("#approvals-waiting")).to_be_hidden()
        await console.get_by_role("tab", name="Public board").click()
        await expect(console.locator("#waiting-empty")).to_be_visible()
    assert BLOCKING == []


async def test_a_session_deleted_unseen_cannot_be_opened_and_the_key_stays(
    browser: Browser, shop: Shop
) -> None:
    """The lobby missed a deletion (its news lost on the way): opening the session says it is
    gone; the console stays signed in (a refused session is not a refused key)."""
    console = await open_live(browser, shop)

    def relay(ws: WebSocketRoute) -> None:
        hub = ws.connect_to_server()
        ws.on_message(lambda message: hub.send(message))

        def to_page(message: str | bytes) -> None:
            if json.loads(message).get("deleted"):
                return  # the lobby never hears of it
            ws.send(message)

        hub.on_message(to_page)

    await console.route_web_socket(re.compile(r".*/ws/live"), relay)
    await console.reload()
    await console.get_by_role("tab", name="Live selling").click()
    async with visitor(shop, "Hal") as hal:
        await expect(lobby_row(console, "Hal")).to_be_visible()
        await hal.command(type="delete_session")
    await lobby_row(console, "Hal").click()
    await expect(console.locator("#session-none-text")).to_have_text(
        "This session could not be opened. It was deleted in the meantime."
        " Choose another session on the left."
    )
    await expect(lobby_row(console, "Hal")).to_have_count(0)
    await console.wait_for_timeout(500)
    await expect(console.locator("#connection")).to_have_text("Live")
    await expect(console.locator("#signin")).to_be_hidden()


async def test_a_console_never_sees_another_stores_sessions(browser: Browser, shop: Shop) -> None:
    other_id, other_key = await seed_store(shop.hub.hub, "Other shop", {"cup": 2})
    theirs = await open_live(browser, shop, other_key)
    ours = await open_live(browser, shop)
    async with visitor(shop, "Fay") as fay:
        await fay.command(type="say", text="hello")
        await fay.command(type="post", public=True, widget={"kind": "note", "text": "hi all"})
        await expect(lobby_row(ours, "Fay")).to_be_visible()
        await expect(ours.locator("#approvals-waiting")).to_have_text("1")
        await ours.wait_for_timeout(300)
        await expect(theirs.locator("#lobby-list li")).to_have_count(0)
        await expect(theirs.locator("#lobby-empty")).to_be_visible()
        await expect(theirs.locator("#live-unread")).to_be_hidden()
        await expect(theirs.locator("#approvals-waiting")).to_be_hidden()
        await expect(theirs.locator("#lobby-page-url")).to_have_value(
            f"{shop.hub.http_url}/live/{other_id}"
        )


async def test_an_order_from_the_session_shows_in_the_session_and_in_orders(
    browser: Browser, shop: Shop
) -> None:
    console = await open_live(browser, shop)
    async with visitor(shop, "Ivy") as ivy:
        await lobby_row(console, "Ivy").click()
        await expect(console.locator("#session-title")).to_have_text("Ivy")
        await ivy.command(type="take", product_id="mug", qty=2)
        line = console.locator("#session-cart li").filter(has_text="Mug")
        await expect(line).to_contain_text("Held")
        await expect(console.locator("#cart-total")).to_have_text("· 1 held, 30.00 EUR")
        ordered = await ivy.command(type="order_now", email="ivy@example.org", name="Ivy")
        order_id = ordered["order"]["order_id"]
        await expect(line).to_contain_text("Bought")
        await expect(console.locator("#session-cart .ordered")).to_contain_text(
            f"The visitor ordered: order {order_id}, 30.00 EUR"
        )
        await expect(console.locator("#cart-total")).to_have_text("")
    await console.get_by_role("tab", name="Carts and orders").click()
    row = console.locator("#orders tr").filter(has_text=order_id)
    await expect(row).to_contain_text("ivy@example.org")
    await expect(row).to_contain_text("2 × Mug")


async def test_a_visitor_asking_for_a_call_shows_in_the_lobby(browser: Browser, shop: Shop) -> None:
    """The request is seen without the session open, and goes when it is answered."""
    console = await open_live(browser, shop)
    async with visitor(shop, "Ana") as ana:
        row = lobby_row(console, "Ana")
        await expect(row).to_be_visible()
        asked = await ana.command(type="call")
        await expect(row.locator(".preview.calling")).to_have_text("Asking for a video call")
        await ana.command(type="hang_up", call_id=asked["call"]["call_id"])
        await expect(row.locator(".preview.calling")).to_have_count(0)

"""The console's live selling area in real Chromium against a real hub: the lobby, one session
(chat both ways, the counter, the session cart, deleting), the public board's approvals, the
page's settings; visitors are driven over `/ws/live` and HTTP as a page would."""

from __future__ import annotations

import io
import itertools
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from PIL import Image
from playwright.async_api import Browser, Page, WebSocketRoute, expect
from websockets.exceptions import ConnectionClosed

from tests.helpers.hubs import seed_store
from tests.helpers.peers import Peer, peer
from tests.storefront.conftest import Shop
from tests.storefront.test_console import open_console

Frame = dict[str, Any]
_ids = itertools.count(1)
HOSTILE = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(out, "PNG")
    return out.getvalue()


def cid() -> str:
    return f"visitor-{next(_ids):08d}"


async def start_session(shop: Shop, label: str) -> str:
    """A visitor starts a session from the page (over HTTP, as a polling page does)."""
    async with httpx.AsyncClient(base_url=shop.hub.http_url) as http:
        r = await http.post(f"/api/live/stores/{shop.store_id}/sessions", json={"label": label})
        assert r.status_code == 201, r.text
        return str(r.json()["link"])


class Visitor:
    """A visitor's page in a session, over `/ws/live` (the session link as its token)."""

    def __init__(self, p: Peer, link: str, snapshot: Frame) -> None:
        self.peer = p
        self.link = link
        self.snapshot = snapshot
        self.session_id: str = snapshot["session"]["session_id"]

    async def command(self, **fields: Any) -> Frame:
        reply = await self.peer.command({"id": cid(), **fields})
        assert reply["type"] in ("result", "search_results"), reply
        return reply

    async def until(self, kind: str, within: float = 5.0, **match: Any) -> Frame:
        """The next frame of this type (and these fields), skipping others."""
        while True:
            frame = await self.peer.recv(within)
            if frame["type"] == kind and all(frame.get(k) == v for k, v in match.items()):
                return frame


@asynccontextmanager
async def visitor(shop: Shop, label: str = "Ana") -> AsyncIterator[Visitor]:
    link = await start_session(shop, label)
    async with peer(shop.hub, "live") as p:
        await p.send({"type": "hello", "versions": [1], "token": link})
        await p.expect("welcome")
        yield Visitor(p, link, await p.expect("live_snapshot"))


BLOCKING: list[str] = []  # prompt(), alert() or confirm() seen by any console: never


async def open_live(browser: Browser, shop: Shop, key: str | None = None) -> Page:
    console = await open_console(browser, shop, key or shop.key)
    console.on("dialog", lambda d: BLOCKING.append(d.message))
    await console.get_by_role("tab", name="Live selling").click()
    return console


@asynccontextmanager
async def public_page(shop: Shop) -> AsyncIterator[Peer]:
    """A third visitor in public mode (no session): sees the public board only."""
    async with peer(shop.hub, "live") as p:
        await p.send({"type": "hello", "versions": [1], "store_id": shop.store_id})
        assert (await p.expect("welcome"))["role"] == "public"
        await p.expect("public_snapshot")
        yield p


async def public_board(shop: Shop) -> list[Frame]:
    async with httpx.AsyncClient(base_url=shop.hub.http_url) as http:
        r = await http.get(f"/api/live/stores/{shop.store_id}")
        board: list[Frame] = r.raise_for_status().json()["board"]
        return board


def lobby_row(console: Page, name: str) -> Any:
    return console.locator("#lobby-list .lobby-row").filter(has_text=name)


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
            "calls with the visitor come next"
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


async def test_the_gallery_and_the_session_board(browser: Browser, shop: Shop) -> None:
    console = await open_live(browser, shop)
    async with visitor(shop, "Bo") as bo:
        await lobby_row(console, "Bo").click()
        await expect(console.locator("#gallery-state")).to_contain_text(
            "You lead the gallery. Bo follows what you show."
        )
        # Show a product from the search: the visitor's page is told what to show.
        await console.get_by_label("Find a product to show").fill("mug")
        await console.get_by_role("button", name="Show Mug to the visitor").click()
        shown = await bo.until("gallery")
        assert (shown["lead"], shown["product_id"]) == ("store", "mug")
        await expect(console.locator("#gallery-state")).to_contain_text("You lead and show Mug")
        # The visitor stops following: the console says so.
        await bo.peer.send({"type": "follow", "on": False})
        await expect(console.locator("#gallery-state")).to_contain_text("Bo stopped following")
        # Hand the lead over: "Show" is off, the visitor's search is followed here.
        await console.get_by_role("button", name="Let the visitor lead").click()
        assert (await bo.until("gallery", lead="visitor"))["lead"] == "visitor"
        await expect(console.locator("#gallery-state")).to_contain_text("Bo leads the gallery")
        await expect(console.get_by_role("button", name="Show Mug to the visitor")).to_be_disabled()
        await bo.peer.send({"type": "show", "query": "vase"})
        await expect(console.locator("#gallery-shown")).to_have_text("Bo is searching for “vase”.")
        await expect(console.get_by_label("Find a product to show")).to_have_value("vase")
        await expect(console.locator("#find-results li")).to_have_count(1)

        # The session board: a private note pinned for the visitor, then removed.
        board = console.locator("#session-post")
        await board.get_by_label("What the note says").fill("Ask me about glazes")
        await board.get_by_role("button", name="Pin for this visitor").click()
        posted = await bo.until("widget_posted")
        assert posted["widget"]["text"] == "Ask me about glazes"
        assert not posted["widget"]["public"]
        # A link must be a web address: said in words, nothing sent.
        await board.get_by_role("radio", name="Link").check()
        await board.get_by_label("Address").fill("javascript:alert(1)")
        await board.get_by_role("button", name="Pin for this visitor").click()
        await expect(board.get_by_role("alert")).to_contain_text("starting with https://")
        # A product by its code.
        await board.get_by_role("radio", name="Product").check()
        await board.get_by_label("Product (code or name)").fill("TV-1")
        await board.get_by_role("button", name="Pin for this visitor").click()
        pinned = await bo.until("widget_posted")
        assert pinned["widget"]["product"]["product_id"] == "last-vase"
        # A picture, uploaded for this session (decoded by the hub, served from it).
        await board.get_by_role("radio", name="Picture").check()
        picture = {"name": "glaze.png", "mimeType": "image/png", "buffer": png()}
        await board.get_by_label("Picture (PNG, JPEG or WebP, up to 5 MB)").set_input_files(picture)
        await board.get_by_label("Caption (optional)").fill("The ash glaze")
        await board.get_by_role("button", name="Pin for this visitor").click()
        image = (await bo.until("widget_posted"))["widget"]
        assert image["kind"] == "image" and image["image_url"].startswith("/api/live/uploads/")
        shown = console.locator("#session-board img.picture")
        await expect(shown).to_have_attribute("alt", "The ash glaze")
        await expect(shown).to_have_js_property("naturalWidth", 8)
        items = console.locator("#session-board li")
        await expect(items).to_have_count(3)
        await items.filter(has_text="Ask me about glazes").get_by_role("button").click()
        removed = await bo.until("widget_removed")
        assert removed["widget_id"] == posted["widget"]["widget_id"]
        await expect(items).to_have_count(2)
        assert await public_board(shop) == []  # private: never on the public page


async def test_public_posts_wait_for_approval(browser: Browser, shop: Shop) -> None:
    console = await open_live(browser, shop)
    await console.get_by_role("tab", name="Public board").click()
    await expect(console.locator("#waiting-empty")).to_be_visible()
    async with visitor(shop, "Cy") as cy, public_page(shop) as third:
        posted = await cy.command(
            type="post", public=True, widget={"kind": "note", "text": "Lovely <b>shop</b>"}
        )
        waiting = console.locator("#waiting li")
        await expect(waiting).to_have_count(1)
        await expect(waiting).to_contain_text("Lovely <b>shop</b>")
        await expect(console.locator("#approvals-waiting")).to_have_text("1")
        assert await public_board(shop) == []  # nobody else sees it yet
        await waiting.get_by_role("button", name="Approve").click()
        seen = await third.expect("board_changed")
        assert seen["widget"]["widget_id"] == posted["widget"]["widget_id"]
        assert seen["widget"]["approved"]
        await expect(waiting).to_have_count(0)
        await expect(console.locator("#approvals-waiting")).to_be_hidden()
        on_page = console.locator("#public-board li")
        await expect(on_page).to_have_count(1)

        # The store's own post goes up at once; Remove takes anything down.
        form = console.locator("#public-post")
        await form.get_by_label("What the note says").fill("Open on Sunday")
        await form.get_by_role("button", name="Post on your page").click()
        ours = await third.expect("board_changed")
        assert ours["widget"]["text"] == "Open on Sunday" and ours["widget"]["author"] == "store"
        await expect(on_page).to_have_count(2)
        await on_page.filter(has_text="Lovely").get_by_role("button", name="Remove").click()
        assert (await third.expect("board_changed"))["removed"] == posted["widget"]["widget_id"]
        await expect(on_page).to_have_count(1)
        # A post removed by the store before approval never shows.
        other = await cy.command(
            type="post", public=True, widget={"kind": "note", "text": "Spam spam"}
        )
        await expect(waiting).to_have_count(1)
        await waiting.get_by_role("button", name="Remove").click()
        await expect(waiting).to_have_count(0)
        assert [w["text"] for w in await public_board(shop)] == ["Open on Sunday"]
        assert other["widget"]["widget_id"] not in [
            w["widget_id"] for w in await public_board(shop)
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


async def test_hostile_text_shows_as_text(browser: Browser, shop: Shop) -> None:
    console = await open_live(browser, shop)
    async with visitor(shop, HOSTILE[:60]) as eve:
        await eve.command(type="say", text=HOSTILE)
        await eve.command(type="post", widget={"kind": "note", "text": HOSTILE})
        await eve.command(
            type="post",
            widget={"kind": "link", "url": "https://example.org/x", "title": HOSTILE},
        )
        row = console.locator("#lobby-list .lobby-row")
        await expect(row.locator(".who")).to_have_text(HOSTILE[:60])
        await expect(row.locator(".preview")).to_contain_text("<script>")
        await row.click()
        await expect(console.locator("#chat-log .bubble")).to_have_text(HOSTILE)
        await expect(console.locator("#session-board li")).to_have_count(2)
        await expect(console.locator("#session-board")).to_contain_text(HOSTILE)
        # A product whose name is markup, presented and put in the cart.
        await console.get_by_label("Find a product to show").fill("XSS-1")
        await console.get_by_label("Find a product to show").press("Enter")
        await expect(console.locator("#presented")).to_contain_text("<script>window.pwned = 1")
        await console.locator("#presented li").get_by_role("button").first.click()
        await expect(console.locator("#session-cart")).to_contain_text('<b>Bold</b> & "quoted"')
        panel = console.locator("#panel-live")
        assert await panel.locator("script, b, img[src='x']").count() == 0
        hrefs = await panel.locator("a[href]").evaluate_all("as => as.map(a => a.href)")
        assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
        assert await console.evaluate("window.pwned") is None


async def test_settings_save_and_bad_input_is_said_in_words(browser: Browser, shop: Shop) -> None:
    console = await open_live(browser, shop)
    # The tabs work with the keyboard (arrow keys move between them).
    await console.get_by_role("tab", name="Live selling").focus()
    await console.keyboard.press("ArrowLeft")
    await expect(console.get_by_role("tab", name="Carts and orders")).to_be_focused()
    await expect(console.locator("#panel-shop")).to_be_visible()
    await console.keyboard.press("End")
    await expect(console.locator("#panel-live")).to_be_visible()
    await console.get_by_role("tab", name="Sessions").focus()
    await console.keyboard.press("End")
    await expect(console.get_by_role("tab", name="Page settings")).to_have_attribute(
        "aria-selected", "true"
    )
    await expect(console.get_by_label("Accent colour")).to_have_value("#1a7f37")
    await expect(console.locator("#settings-page-url")).to_have_value(
        f"{shop.hub.http_url}/live/{shop.store_id}"
    )
    accent = console.get_by_label("Accent colour")
    await accent.fill("dark green")
    await console.get_by_label("Logo address (optional)").fill("javascript:alert(1)")
    await console.get_by_role("button", name="Save settings").click()
    await expect(console.locator("#set-accent-error")).to_have_text(
        "“dark green” is not a colour we can use. Use # and six hex digits, like the example,"
        " or pick one with the colour button."
    )
    await expect(accent).to_have_attribute("aria-invalid", "true")
    await expect(accent).to_be_focused()
    await expect(console.locator("#set-logo-error")).to_contain_text("starting with https://")
    async with httpx.AsyncClient(base_url=shop.hub.http_url) as http:
        snap = (await http.get(f"/api/live/stores/{shop.store_id}")).json()
        assert snap["style"]["accent"] == "#1a7f37"  # nothing was saved

    await accent.fill("#8B2F1C")
    await console.get_by_label("Logo address (optional)").fill("https://shop.example/logo.png")
    await console.get_by_label("Greeting (optional)").fill("Welcome <b>in</b>!")
    await console.get_by_role("checkbox", name="Gallery").uncheck()
    await console.get_by_role("button", name="Save settings").click()
    await expect(console.locator("#settings-status")).to_contain_text("Saved")
    await expect(accent).to_have_value("#8b2f1c")
    await expect(accent).not_to_have_attribute("aria-invalid", "true")
    await expect(console.locator("#preview-greeting")).to_have_text("Welcome <b>in</b>!")
    async with httpx.AsyncClient(base_url=shop.hub.http_url) as http:
        style = (await http.get(f"/api/live/stores/{shop.store_id}")).json()["style"]
    assert style == {
        **style,
        "accent": "#8b2f1c",
        "logo_url": "https://shop.example/logo.png",
        "greeting": "Welcome <b>in</b>!",
        "gallery": False,
        "counter": True,
    }

    # Off: the console says so, and visitors cannot open the page.
    await console.get_by_role("checkbox", name="Page is on").uncheck()
    await console.get_by_role("button", name="Save settings").click()
    await expect(console.locator("#settings-status")).to_contain_text("Your page is off")
    await expect(console.locator("#live-off")).to_be_visible()
    async with httpx.AsyncClient(base_url=shop.hub.http_url) as http:
        assert (await http.get(f"/api/live/stores/{shop.store_id}")).status_code == 404
    # A reload shows what was saved.
    await console.reload()
    await console.get_by_role("tab", name="Page settings").click()
    await expect(console.get_by_role("checkbox", name="Page is on")).not_to_be_checked()
    await expect(console.get_by_role("checkbox", name="Gallery")).not_to_be_checked()

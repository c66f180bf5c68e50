"""The visitor's Direct Selling Page (/live/<store_id>) in real Chromium against a real hub: the
store's side is driven over /ws/live with the store's key (tests/helpers/peers.py) and over
HTTP, as the store console would."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from PIL import Image
from playwright.async_api import Browser, FilePayload, Locator, Page, WebSocketRoute, expect

from storefront_templates import STATIC_DIR
from tests.helpers.peers import Peer, peer
from tests.helpers.waiting import eventually
from tests.storefront.conftest import TEST_CATALOGUE, TTL, Shop

Frame = dict[str, Any]
VIEWPORT = {"width": 1280, "height": 800}
_ids = iter(range(10_000_000))


def cid() -> str:
    return f"seller-{next(_ids):08d}"


def png(colour: tuple[int, int, int] = (200, 80, 60), size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


class Seller:
    """The store: its REST API with its key, and its side of sessions over /ws/live."""

    def __init__(self, shop: Shop, http: httpx.AsyncClient) -> None:
        self.shop = shop
        self.http = http
        self.auth = {"Authorization": f"Bearer {shop.key}"}
        self.base = f"/api/stores/{shop.store_id}/live"

    async def settings(self, **body: Any) -> None:
        r = await self.http.put(self.base, json=body, headers=self.auth)
        assert r.status_code == 200, r.text

    async def post_public(self, widget: Frame) -> Frame:
        r = await self.http.post(f"{self.base}/board", json={"widget": widget}, headers=self.auth)
        assert r.status_code == 201, r.text
        return dict(r.json()["widget"])

    async def upload(self, data: bytes, session_id: str | None = None) -> Frame:
        query = f"?session_id={session_id}" if session_id else ""
        r = await self.http.post(
            f"/api/live/uploads{query}",
            content=data,
            headers={**self.auth, "Content-Type": "image/png"},
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def lobby(self) -> Frame:
        r = await self.http.get(f"{self.base}/sessions", headers=self.auth)
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def newest_session(self) -> str:
        async def started() -> bool:
            return bool((await self.lobby())["sessions"])

        await eventually(started, what="a session in the lobby")
        return str((await self.lobby())["sessions"][0]["session_id"])

    async def orders(self) -> list[Frame]:
        r = await self.http.get(f"/api/stores/{self.shop.store_id}/orders", headers=self.auth)
        assert r.status_code == 200, r.text
        return list(r.json())

    @asynccontextmanager
    async def in_session(self, session_id: str) -> AsyncIterator[Peer]:
        async with peer(self.shop.hub, "live") as store:
            await store.send(
                {"type": "hello", "versions": [1], "token": self.shop.key, "session_id": session_id}
            )
            await store.expect("welcome")
            await until(store, "live_snapshot")
            yield store

    async def command(self, store: Peer, frame: Frame) -> Frame:
        reply = await store.command({"id": cid(), **frame})
        assert reply["type"] == "result", reply
        return reply


async def until(store: Peer, kind: str, within: float = 5.0, **fields: Any) -> Frame:
    """The next frame of this type (and these fields); frames of other types pass by."""
    while True:
        frame = await store.recv(within)
        if frame["type"] == kind and all(frame.get(k) == v for k, v in fields.items()):
            return frame


@pytest.fixture
async def seller(shop: Shop) -> AsyncIterator[Seller]:
    async with httpx.AsyncClient(base_url=shop.hub.http_url, timeout=10) as http:
        yield Seller(shop, http)


async def open_live(browser: Browser, shop: Shop, fragment: str = "") -> Page:
    context = await browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    page = await context.new_page()
    page.set_default_timeout(5000)
    await page.goto(f"{shop.hub.http_url}/live/{shop.store_id}{fragment}")
    return page


async def start_session(page: Page, name: str = "Ana") -> None:
    await page.get_by_role("textbox", name=re.compile("^Your name")).fill(name)
    await page.get_by_role("button", name="Start a session").click()
    await expect(page.get_by_role("heading", name="Your session cart")).to_be_visible()
    await expect(page.locator("#connection")).to_have_text(re.compile("^Live"))


def gallery(page: Page) -> Locator:
    return page.locator("#gallery")


def card(scope: Locator, name: str) -> Locator:
    """The product card (or board widget) whose heading is `name`."""
    heading = scope.page.get_by_role("heading", name=name, exact=True)
    return scope.locator(".card").filter(has=heading)


# ---- public mode -----------------------------------------------------------------------------


async def test_public_mode_shows_the_store_its_board_and_searches_the_catalogue(
    browser: Browser, shop: Shop, seller: Seller
) -> None:
    logo = await seller.upload(png((30, 90, 160)))
    await seller.settings(
        accent="#7a2e8c",
        greeting="Hello! Ask us anything about our pots.",
        logo_url=f"{shop.hub.http_url}{logo['url']}",
    )
    await seller.post_public({"kind": "note", "title": "Opening hours", "text": "Mon–Sat, 10–18"})
    await seller.post_public({"kind": "product", "product_id": "mug"})
    await seller.post_public(
        {"kind": "link", "url": "https://example.org/kiln", "title": "Our kiln"}
    )
    picture = await seller.upload(png())
    await seller.post_public(
        {"kind": "image", "upload_id": picture["upload_id"], "title": "New glaze"}
    )

    page = await open_live(browser, shop)
    await expect(page.get_by_role("heading", level=1)).to_have_text(TEST_CATALOGUE.name)
    await expect(page.locator("#greeting")).to_have_text("Hello! Ask us anything about our pots.")
    await expect(page.locator("#logo")).to_be_visible()
    accent = await page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--cartstart-accent')"
    )
    assert accent.strip() == "#7a2e8c"
    board = page.locator("#board")
    await expect(board.locator(".card")).to_have_count(4)
    await expect(board.get_by_text("Mon–Sat, 10–18")).to_be_visible()
    await expect(board.get_by_role("link", name="Our kiln")).to_have_attribute(
        "href", "https://example.org/kiln"
    )
    await expect(board.locator(".card.image img")).to_be_visible()
    await expect(card(board, "Mug").locator(".price")).to_contain_text("15.00")
    await expect(page.get_by_role("button", name="Start a session")).to_be_visible()

    # The gallery lists the catalogue, then searches: parts of words, several words.
    await expect(gallery(page).locator(".card")).to_have_count(3)
    search = page.get_by_label("Search the shop's catalogue")
    await search.fill("mu")
    await expect(gallery(page).locator(".card h3")).to_have_text(["Mug"])
    await search.fill("vas LAS")
    await search.press("Enter")
    await expect(gallery(page).locator(".card h3")).to_have_text(["The last vase"])
    await expect(card(gallery(page), "The last vase").locator(".availability")).to_have_text(
        "Only 1 left"
    )
    await search.fill("teapot")
    await expect(gallery(page).locator("#results-empty")).to_have_text(
        "Nothing matches “teapot”. Try fewer words, or part of a word."
    )

    # The store posts while the page is open: it appears without a reload (board_changed).
    await seller.post_public({"kind": "note", "text": "Kiln opening on Saturday!"})
    await expect(board.get_by_text("Kiln opening on Saturday!")).to_be_visible()
    await page.screenshot(path="/tmp/live-public.png")


# ---- a session -------------------------------------------------------------------------------


async def test_a_session_chat_counter_session_cart_and_order_now(
    browser: Browser, shop: Shop, seller: Seller
) -> None:
    page = await open_live(browser, shop)
    await start_session(page, "Ana")
    assert "#session=csv." in page.url
    link = await page.evaluate(f"localStorage.getItem('cartstart.live.{shop.store_id}')")
    assert link and link.startswith("csv.")
    session_id = await seller.newest_session()
    chat = page.locator("#chat-log")
    await expect(page.locator("#presence")).to_have_text("The seller is away")
    async with seller.in_session(session_id) as store:
        await expect(page.locator("#presence")).to_have_text("The seller is here")
        # The visitor writes (Enter sends); the store reads it and answers.
        box = page.get_by_label("Your message")
        await box.fill("Hello, do you have mugs?")
        await box.press("Enter")
        await expect(box).to_have_value("")
        # The store heard the visitor typing first (ephemeral), then the message.
        assert (await until(store, "typing"))["side"] == "visitor"
        said = await until(store, "said")
        assert said["message"] == {
            **said["message"],
            "author": "visitor",
            "text": "Hello, do you have mugs?",
        }
        await expect(chat.locator(".message.from-visitor .text")).to_have_text(
            ["Hello, do you have mugs?"]
        )
        # The store is typing, then answers: the page shows both, then "Seen" once it read it.
        await store.send({"type": "typing"})
        await expect(page.locator("#typing")).to_have_text(f"{TEST_CATALOGUE.name} is typing…")
        await seller.command(store, {"type": "say", "text": "Yes! Let me show you."})
        line = chat.locator(".message.from-store")
        await expect(line.locator(".text")).to_have_text("Yes! Let me show you.")
        await expect(line.locator(".author")).to_have_text(TEST_CATALOGUE.name)
        await expect(page.locator("#typing")).to_have_text("")
        await expect(chat.locator(".message.from-visitor .author")).to_have_text("You")
        # The page tells the store it read the answer; the store marks the visitor's message read.
        read = await until(store, "read_marked", side="visitor")
        assert read["up_to"] >= said["seq"]
        await seller.command(store, {"type": "mark_read", "up_to": said["seq"]})
        await expect(chat.locator(".message.from-visitor .receipt")).to_have_text(" · Seen")

        # The store presents the mug: it appears at the counter; the visitor takes it.
        await seller.command(store, {"type": "present", "product": "MG-1"})
        counter = page.locator("#counter")
        await expect(card(counter, "Mug")).to_be_visible()
        await card(counter, "Mug").get_by_role("button", name="Add to session cart").click()
        cart = page.locator("#cart")
        await expect(cart.locator(".cart-item .name")).to_have_text(["Mug"])
        await expect(cart.locator(".cart-item .state")).to_have_text(
            re.compile(r"^Held for you \d+:\d\d left$")
        )
        await expect(card(counter, "Mug").locator(".availability")).to_have_text(
            "In your session cart (1)"
        )
        (level,) = await shop.hub.hub.carts.availability([(shop.store_id, "mug")])
        assert level.available == 4  # a real hold in the ledger
        event = await until(store, "session_cart")
        assert event["ticket"]["product_id"] == "mug" and event["ticket"]["state"] == "held"
        await page.screenshot(path="/tmp/live-session.png")

        # Order now: the styled dialog asks who orders, then says the order's number.
        await cart.get_by_role("button", name="Order now").click()
        dialog = page.get_by_role("dialog", name="Order now")
        await expect(dialog).to_be_visible()
        await expect(dialog.get_by_label("Email address")).to_be_focused()
        await dialog.get_by_label("Email address").fill("ana@example")
        await dialog.get_by_label("Your name").fill("Ana Lima")
        await dialog.get_by_role("button", name="Place the order").click()
        await expect(dialog.locator(".order-dialog-error")).to_have_text(
            "That does not look like an email address."
        )
        await dialog.get_by_label("Email address").fill("ana@example.org")
        await page.screenshot(path="/tmp/live-order.png")
        await dialog.get_by_role("button", name="Place the order").click()
        done = page.get_by_role("dialog", name="Thank you: your order is placed")
        await expect(done).to_be_visible()
        orders = await seller.orders()
        assert len(orders) == 1
        order = orders[0]
        assert order["customer"]["email"] == "ana@example.org"
        assert [(line["name"], line["qty"]) for line in order["lines"]] == [("Mug", 1)]
        await expect(done.locator(".order-number")).to_have_text(order["order_id"])
        await done.get_by_role("button", name="Done").click()
        await expect(cart.locator("#cart-empty")).to_be_visible()
        await expect(cart.locator(".ordered")).to_contain_text(order["order_id"])
    # The store left the page.
    await expect(page.locator("#presence")).to_have_text("The seller is away")


async def test_the_gallery_follows_the_seller_until_the_visitor_stops(
    browser: Browser, shop: Shop, seller: Seller
) -> None:
    page = await open_live(browser, shop)
    await start_session(page)
    bar = page.locator("#follow-bar")
    await expect(bar).to_contain_text("When the seller shows you a product or a search")
    async with seller.in_session(await seller.newest_session()) as store:
        await store.send({"type": "show", "query": "vase"})
        await expect(gallery(page).locator(".card h3")).to_have_text(["The last vase"])
        await expect(page.get_by_label("Search the shop's catalogue")).to_have_value("vase")
        await expect(bar).to_have_text("Following the seller — Stop following")
        await bar.get_by_role("button", name="Stop following").click()
        assert (await until(store, "gallery", following=False))["lead"] == "store"
        await expect(bar).to_have_text("Browsing on your own — Follow the seller")
        # The seller shows something else: the visitor, browsing alone, is not moved.
        await store.send({"type": "show", "product_id": "mug"})
        await until(store, "gallery", product_id="mug")
        await expect(gallery(page).locator(".card h3")).to_have_text(["The last vase"])
        await bar.get_by_role("button", name="Follow the seller").click()
        await expect(gallery(page).locator(".card h3")).to_have_text(["Mug"])
        # The visitor's own search means browsing alone again.
        await page.get_by_label("Search the shop's catalogue").fill("mu")
        await expect(bar).to_contain_text("Browsing on your own")
        assert (await until(store, "gallery", following=False))["following"] is False
        # A product from the gallery, shared on the session's board: the store sees it.
        await card(gallery(page), "Mug").get_by_role("button", name="Share on the board").click()
        shared = card(page.locator("#board"), "Mug")
        await expect(shared.locator(".badge")).to_have_text("Only you and the shop")
        posted = await until(store, "widget_posted")
        assert posted["widget"]["product"]["product_id"] == "mug"
        assert posted["widget"]["public"] is False


async def test_come_back_later_with_the_link_and_a_message_sent_while_away_arrives_once(
    browser: Browser, shop: Shop, seller: Seller
) -> None:
    page = await open_live(browser, shop)
    await start_session(page)
    link = await page.evaluate(f"localStorage.getItem('cartstart.live.{shop.store_id}')")
    session_id = await seller.newest_session()
    async with seller.in_session(session_id) as store:
        await page.get_by_label("Your message").fill("I will be back tomorrow")
        await page.get_by_label("Your message").press("Enter")
        await until(store, "said")
        await seller.command(store, {"type": "present", "product": "last-vase"})
        await (
            card(page.locator("#counter"), "The last vase")
            .get_by_role("button", name="Add to session cart")
            .click()
        )
        await expect(page.locator("#cart .cart-item")).to_have_count(1)
        await page.get_by_label("Note", exact=True).fill("Gift wrap, please")
        await page.get_by_role("button", name="Post", exact=True).click()
        await expect(page.locator("#board").get_by_text("Gift wrap, please")).to_be_visible()
        await page.context.close()  # the visitor leaves
        await seller.command(store, {"type": "say", "text": "See you tomorrow!"})

    # Another device: only the link, in the address.
    again = await open_live(browser, shop, f"#session={link}")
    chat = again.locator("#chat-log .text")
    await expect(chat).to_have_text(["I will be back tomorrow", "See you tomorrow!"])
    await expect(card(again.locator("#counter"), "The last vase")).to_be_visible()
    await expect(again.locator("#cart .cart-item .name")).to_have_text(["The last vase"])
    await expect(again.locator("#board").get_by_text("Gift wrap, please")).to_be_visible()
    assert await again.evaluate(f"localStorage.getItem('cartstart.live.{shop.store_id}')") == link

    # The connection drops; a message sent meanwhile arrives once, by resuming from the last seq.
    sockets: list[WebSocketRoute] = []
    hellos: list[str] = []

    def relay(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def upstream(message: str | bytes) -> None:
            if isinstance(message, str) and '"hello"' in message:
                hellos.append(message)
            server.send(message)

        ws.on_message(upstream)
        sockets.append(ws)

    page = await open_live(browser, shop, f"#session={link}")
    await page.route_web_socket(re.compile(r".*/ws/live$"), relay)
    await page.reload()
    await expect(page.locator("#chat-log .text")).to_have_count(2)
    await expect(page.locator("#connection")).to_have_text("Live")
    await sockets[-1].close(code=4000)
    async with seller.in_session(session_id) as store:
        await seller.command(store, {"type": "say", "text": "Still there?"})
    await expect(page.locator("#chat-log .text")).to_have_text(
        ["I will be back tomorrow", "See you tomorrow!", "Still there?"]
    )
    await expect(page.locator("#connection")).to_have_text("Live")
    assert '"resume_from"' in hellos[-1]
    await page.wait_for_timeout(300)
    assert await page.locator("#chat-log .message").count() == 3  # once, not twice


async def test_with_websockets_blocked_the_session_works_by_polling(
    browser: Browser, shop: Shop, seller: Seller
) -> None:
    async def refuse(ws: WebSocketRoute) -> None:
        await ws.close()

    context = await browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    page = await context.new_page()
    page.set_default_timeout(5000)
    await page.route_web_socket(re.compile(r".*/ws/live$"), refuse)
    await page.goto(f"{shop.hub.http_url}/live/{shop.store_id}")
    await start_session(page)
    await expect(page.locator("#connection")).to_have_text("Live (updates every few seconds)")
    session_id = await seller.newest_session()
    await page.get_by_label("Your message").fill("Polling here")
    await page.get_by_label("Your message").press("Enter")
    async with seller.in_session(session_id) as store:
        # The store's connection replays the session's stream: the visitor's line is in it.
        await seller.command(store, {"type": "say", "text": "Heard you"})
        await seller.command(store, {"type": "present", "product": "mug"})
    await expect(page.locator("#chat-log .text")).to_have_text(["Polling here", "Heard you"])
    await (
        card(page.locator("#counter"), "Mug")
        .get_by_role("button", name="Add to session cart")
        .click()
    )
    await expect(page.locator("#cart .cart-item .name")).to_have_text(["Mug"])
    await expect(page.locator("#chat-log .message")).to_have_count(2)


async def test_a_hold_put_back_and_a_hold_that_ran_out_taken_again(
    browser: Browser, shop: Shop, seller: Seller
) -> None:
    page = await open_live(browser, shop)
    await start_session(page)
    cart = page.locator("#cart")
    async with seller.in_session(await seller.newest_session()) as store:
        await seller.command(store, {"type": "present", "product": "mug"})
        await seller.command(store, {"type": "present", "product": "last-vase"})
    counter = page.locator("#counter")
    await expect(counter.locator(".card h3")).to_have_text(["The last vase", "Mug"])  # newest first
    await card(counter, "Mug").get_by_role("button", name="Add to session cart").click()
    await expect(cart.get_by_role("button", name="Order now")).to_be_enabled()
    await cart.get_by_role("button", name="Put back").click()
    await expect(cart.locator("#cart-empty")).to_be_visible()
    await expect(cart.get_by_role("button", name="Order now")).to_be_disabled()
    (level,) = await shop.hub.hub.carts.availability([(shop.store_id, "mug")])
    assert level.available == 5

    await card(counter, "The last vase").get_by_role("button", name="Add to session cart").click()
    await expect(cart.locator(".cart-item .held")).to_be_visible()
    shop.clock.advance(TTL + 1)  # the hold runs out
    item = cart.locator(".cart-item")
    await expect(item.locator(".lost")).to_have_text("Your hold ran out")
    await expect(cart.get_by_role("button", name="Order now")).to_be_disabled()
    await item.get_by_role("button", name="Take again").focus()
    await page.keyboard.press("Enter")
    await expect(item.locator(".held")).to_contain_text("Held for you")
    # The keyboard's place is kept across the redraw.
    await expect(item.get_by_role("button", name="Put back")).to_be_focused()
    (level,) = await shop.hub.hub.carts.availability([(shop.store_id, "last-vase")])
    assert level.available == 0


# ---- deleting ----------------------------------------------------------------------------------


async def test_the_visitor_deletes_the_session_and_can_start_a_new_one(
    browser: Browser, shop: Shop, seller: Seller
) -> None:
    page = await open_live(browser, shop)
    await start_session(page)
    link = await page.evaluate(f"localStorage.getItem('cartstart.live.{shop.store_id}')")
    session_id = await seller.newest_session()
    async with seller.in_session(session_id) as store:
        await seller.command(store, {"type": "present", "product": "last-vase"})
        take = card(page.locator("#counter"), "The last vase").get_by_role(
            "button", name="Add to session cart"
        )
        await take.click()
        await expect(page.locator("#cart .cart-item")).to_have_count(1)
        # Keyboard only: the confirmation is a styled dialog; Escape keeps the session.
        delete = page.get_by_role("button", name="Delete session")
        await delete.focus()
        await page.keyboard.press("Enter")
        dialog = page.get_by_role("dialog", name="Delete this session?")
        await expect(dialog).to_be_visible()
        await expect(dialog.get_by_role("button", name="Keep it")).to_be_focused()
        await page.keyboard.press("Escape")
        await expect(dialog).to_be_hidden()
        await expect(delete).to_be_focused()
        await page.keyboard.press("Enter")
        await dialog.get_by_role("button", name="Delete session").click()
        await expect(page.get_by_role("heading", name="This session has ended")).to_be_focused()
        await expect(page.locator("#ended-text")).to_have_text(
            "You deleted this session. Its chat, board and cart are gone, and the items it held "
            "are back on sale."
        )
        gone = await until(store, "session_deleted")
        assert gone["by"] == "visitor"
    (level,) = await shop.hub.hub.carts.availability([(shop.store_id, "last-vase")])
    assert level.available == 1
    assert await page.evaluate(f"localStorage.getItem('cartstart.live.{shop.store_id}')") is None
    assert "#session" not in page.url
    async with httpx.AsyncClient(base_url=shop.hub.http_url) as http:
        r = await http.get("/api/live/session", headers={"Authorization": f"Bearer {link}"})
        assert r.status_code == 410
    # The old link, opened again, says so in words.
    old = await open_live(browser, shop, f"#session={link}")
    await expect(old.locator("#ended-text")).to_have_text(
        "You deleted this session. Its chat, board and cart are gone, and the items it held are "
        "back on sale."
    )
    # A new session, from the same page.
    await expect(page.get_by_role("heading", name="Start a new session")).to_be_visible()
    await start_session(page, "Ana again")
    assert await page.evaluate(f"localStorage.getItem('cartstart.live.{shop.store_id}')") != link


async def test_the_store_deletes_the_session_and_the_visitor_is_told(
    browser: Browser, shop: Shop, seller: Seller
) -> None:
    page = await open_live(browser, shop)
    await start_session(page)
    session_id = await seller.newest_session()
    r = await seller.http.delete(f"{seller.base}/sessions/{session_id}", headers=seller.auth)
    assert r.status_code == 204
    await expect(page.get_by_role("heading", name="This session has ended")).to_be_visible()
    await expect(page.locator("#ended-text")).to_have_text(
        "The shop ended this session. Its chat, board and cart are gone."
    )
    await expect(page.get_by_role("button", name="Start a session")).to_be_visible()
    await expect(page.get_by_role("button", name="Delete session")).to_be_hidden()


# ---- hostile text, uploads -------------------------------------------------------------------

SCRIPT = "<script>window.pwned = 1</script>"
IMG = '<img src=x onerror="window.pwned = 2">'


async def test_hostile_text_is_shown_as_text_and_no_javascript_link_is_made(
    browser: Browser, shop: Shop, seller: Seller
) -> None:
    await seller.post_public({"kind": "link", "url": "https://example.org/a", "title": IMG})
    page = await open_live(browser, shop)
    await expect(page.locator("#board").get_by_role("link", name=IMG)).to_be_visible()
    await start_session(page, SCRIPT)
    async with seller.in_session(await seller.newest_session()) as store:
        await seller.command(store, {"type": "say", "text": SCRIPT})
        await seller.command(store, {"type": "say", "text": IMG})
        await seller.command(
            store,
            {"type": "post", "widget": {"kind": "note", "title": SCRIPT, "text": IMG}},
        )
        await seller.command(
            store,
            {
                "type": "post",
                "widget": {"kind": "link", "url": "https://example.org/b", "title": SCRIPT},
            },
        )
        # A product whose name is markup, presented at the counter.
        await seller.command(store, {"type": "present", "product": "XSS-1"})
        tricky = TEST_CATALOGUE.item("tricky").name  # type: ignore[union-attr]
        await expect(page.locator("#counter .card h3")).to_have_text([tricky])
        await expect(page.locator("#chat-log .text")).to_have_text([SCRIPT, IMG])
        board = page.locator("#board")
        await expect(board.get_by_role("heading", name=SCRIPT, exact=True)).to_have_count(2)
        await expect(board.get_by_text(IMG)).to_be_visible()
        # The visitor's own hostile words go out and come back as text too.
        box = page.get_by_label("Your message")
        await box.fill(IMG)
        await box.press("Enter")
        await expect(page.locator("#chat-log .from-visitor .text")).to_have_text([IMG])
        # A javascript: address is refused in words, and posts nothing.
        await page.get_by_role("radio", name="A link").check()
        await page.get_by_label("Address", exact=True).fill("javascript:window.pwned=3")
        await page.get_by_label("Title").fill("Click me")
        await page.get_by_role("button", name="Post", exact=True).click()
        await expect(page.locator("#post-error")).to_have_text(
            "That is not a web address. It must start with https:// or http://."
        )
        await expect(page.get_by_label("Address", exact=True)).to_be_focused()
    assert await page.evaluate("window.pwned") is None
    hrefs = await page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    assert hrefs and not [h for h in hrefs if not h.startswith(("http:", "https:"))]
    assert await page.locator("main img[src='x'], main script").count() == 0
    assert await page.locator("#board").get_by_text("Click me").count() == 0


async def test_a_picture_is_uploaded_and_shown_and_other_files_are_refused_in_words(
    browser: Browser, shop: Shop, seller: Seller
) -> None:
    page = await open_live(browser, shop)
    await start_session(page)
    await page.get_by_role("radio", name="A picture").check()
    picture = page.get_by_label("Picture (PNG, JPEG or WebP)")
    post = page.get_by_role("button", name="Post", exact=True)
    # A text file: refused before anything is sent.
    await picture.set_input_files(
        files=FilePayload(name="notes.txt", mimeType="text/plain", buffer=b"hello")
    )
    await post.click()
    refusal = "That file is not a picture. Choose a PNG, JPEG or WebP image."
    await expect(page.locator("#post-error")).to_have_text(refusal)
    # A file that says it is a PNG and is not: the hub decodes it and refuses it.
    await picture.set_input_files(
        files=FilePayload(name="fake.png", mimeType="image/png", buffer=b"<svg onload=alert(1)>")
    )
    await post.click()
    await expect(page.locator("#post-error")).to_have_text(refusal)
    # A real picture, with a caption, shared publicly: waiting for approval, said so.
    await picture.set_input_files(
        files=FilePayload(name="glaze.png", mimeType="image/png", buffer=png((40, 120, 90)))
    )
    await page.get_by_label("Caption").fill("This glaze, on a bigger bowl?")
    await page.get_by_label("Also show it on the shop's public page").check()
    await post.click()
    mine = page.locator("#board .card.image")
    await expect(mine.locator(".caption")).to_have_text("This glaze, on a bigger bowl?")
    await expect(mine.locator(".badge")).to_have_text("Waiting for the shop's approval")
    await eventually(
        lambda: mine.locator("img").evaluate("img => img.complete && img.naturalWidth === 64"),
        what="the uploaded picture loads",
    )
    await expect(page.locator("#post-error")).to_have_text("")
    # Another visitor's public page does not show it until the store approves it.
    other = await open_live(browser, shop)
    await expect(other.locator("#board-empty")).to_be_visible()
    waiting = (await seller.lobby())["waiting"]
    assert [w["title"] for w in waiting] == ["This glaze, on a bigger bowl?"]
    r = await seller.http.post(
        f"{seller.base}/board/{waiting[0]['widget_id']}/approval", headers=seller.auth
    )
    assert r.status_code == 200, r.text
    await expect(other.locator("#board .card.image .caption")).to_have_text(
        "This glaze, on a bigger bowl?"
    )
    # The visitor removes it: gone from both.
    await mine.get_by_role("button", name="Remove this picture").click()
    await expect(mine).to_have_count(0)
    await expect(other.locator("#board .card.image")).to_have_count(0)


# ---- the storefront widget's entry -------------------------------------------------------------


async def test_the_widget_offers_shop_live_only_when_the_page_is_on(
    browser: Browser, shop: Shop, seller: Seller
) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    page.set_default_timeout(5000)
    await page.goto(shop.page_url("/"))
    entry = page.get_by_role("link", name="Shop live with us")
    await expect(entry).to_be_visible()
    await expect(entry).to_have_attribute("href", f"{shop.hub.http_url}/live/{shop.store_id}")
    await expect(entry).to_have_attribute("target", "_blank")
    async with context.expect_page() as opened:
        await entry.click()
    live = await opened.value
    await expect(live.get_by_role("heading", level=1)).to_have_text(TEST_CATALOGUE.name)
    assert "/static/live.html?store=" in live.url

    # A shop that places the entry itself: its own element, its own words, nothing floating.
    placed = await context.new_page()
    await placed.add_init_script(
        """document.addEventListener('DOMContentLoaded', () => {
            const a = document.createElement('a');
            a.setAttribute('data-cartstart-live', '');
            a.hidden = true;
            a.textContent = 'Talk to us live';
            document.querySelector('header').append(a);
        });"""
    )
    await placed.goto(shop.page_url("/"))
    own = placed.locator("header").get_by_role("link", name="Talk to us live (opens in a new tab)")
    await expect(own).to_be_visible()
    await expect(own).to_have_attribute("href", f"{shop.hub.http_url}/live/{shop.store_id}")
    assert await placed.locator(".cartstart-live-floating").count() == 0

    await seller.settings(enabled=False)
    async with page.expect_response(re.compile(r"/api/live/stores/[^/]+$")) as answer:
        await page.reload()
    assert (await answer.value).status == 404
    await expect(page.locator(".cartstart-availability").first).not_to_have_text(
        "Checking availability…"
    )
    assert await page.locator(".cartstart-live").count() == 0
    # The page itself, opened anyway, says it is not open.
    await live.reload()
    await expect(live.get_by_role("heading", name="This live page is not open")).to_be_visible()


# ---- the page's modules, as written --------------------------------------------------------------


@pytest.fixture
def sources() -> Iterator[str]:
    """storefront_templates/src/ served as it is: the modules run without a build."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(STATIC_DIR.parent / "src"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_addresses_are_links_only_when_http_and_events_apply_once(
    browser: Browser, sources: str
) -> None:
    """Whatever a hub or a store sends, a card never links to javascript: (or data:), and a
    replayed event changes nothing twice."""
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(sources + "/")
    result = await page.evaluate(
        """async () => {
            const { safeUrl } = await import('/live/dom.js');
            const { productCard } = await import('/live/cards.js');
            const { SessionState } = await import('/live/session.js');
            const hub = new URL('https://hub.example/');
            const product = (page_url, image_url) => ({ product_id: 'p', name: '<b>x</b>', code: 'P',
                price: { amount: 100, currency: 'EUR' }, image_url, page_url, available: 2 });
            const cards = [
                productCard(product('javascript:window.pwned=1', 'javascript:alert(1)'), hub),
                productCard(product(' JavaScript:alert(1)', 'data:image/svg+xml,<svg onload=alert(1)>'), hub),
                productCard(product('https://shop.example/p', '/api/live/uploads/u1'), hub),
            ];
            const snap = { head_seq: 3, session: { store_name: 'S' }, style: {}, messages: [],
                counter: [], board: [], cart: [], read: { visitor: 0, store: 0 },
                here: { visitor: true, store: false }, lead: 'store' };
            const state = new SessionState(snap);
            const line = (seq) => ({ type: 'said', seq, message: { message_id: 'm' + seq, seq,
                author: 'store', text: 't', at: 1 } });
            const applied = [line(2), line(4), line(4), line(5)].map((e) => state.apply(e));
            return {
                urls: ['javascript:alert(1)', 'JAVASCRIPT:x', 'data:text/html,x', 'vbscript:x',
                       'https://a.example/x', '/api/live/uploads/u1', 'not a url at all'
                      ].map((u) => safeUrl(u, hub)),
                links: cards.map((c) => c.querySelector('a')?.getAttribute('href') ?? null),
                images: cards.map((c) => c.querySelector('img')?.getAttribute('src') ?? null),
                names: cards.map((c) => c.querySelector('h3').textContent),
                applied,
                chat: state.chat().map((m) => m.seq),
            };
        }"""
    )
    assert result["urls"] == [
        None,
        None,
        None,
        None,
        "https://a.example/x",
        "https://hub.example/api/live/uploads/u1",
        "https://hub.example/not%20a%20url%20at%20all",
    ]
    assert result["links"] == [None, None, "https://shop.example/p"]
    assert result["images"] == [None, None, "https://hub.example/api/live/uploads/u1"]
    assert result["names"] == ["<b>x</b>"] * 3
    assert result["applied"] == [None, "chat", None, "chat"]
    assert result["chat"] == [4, 5]


async def test_a_product_presented_while_the_pointer_is_on_the_counter_moves_nothing_under_it(
    browser: Browser, shop: Shop, seller: Seller
) -> None:
    page = await open_live(browser, shop)
    await start_session(page)
    counter = page.locator("#counter")
    async with seller.in_session(await seller.newest_session()) as store:
        await seller.command(store, {"type": "present", "product": "mug"})
        take = card(counter, "Mug").get_by_role("button", name="Add to session cart")
        await take.hover()
        before = await take.bounding_box()
        await seller.command(store, {"type": "present", "product": "last-vase"})
        # The page says it came; the card waits for the pointer to leave the list.
        await expect(page.locator("#notice")).to_have_text(
            f"{TEST_CATALOGUE.name} shows you: The last vase"
        )
        assert await take.bounding_box() == before
        await expect(counter.locator(".card")).to_have_count(1)
        # The click lands on the mug, where it was aimed.
        await page.mouse.click(before["x"] + 5, before["y"] + 5)  # type: ignore[index]
        await expect(page.locator("#cart .cart-item .name")).to_have_text(["Mug"])
        await page.mouse.move(1, 1)
        await expect(counter.locator(".card h3")).to_have_text(["The last vase", "Mug"])


async def test_copy_the_link_to_come_back_later_and_a_link_that_does_not_work(
    browser: Browser, shop: Shop
) -> None:
    page = await open_live(browser, shop)
    await start_session(page)
    link = await page.evaluate(f"localStorage.getItem('cartstart.live.{shop.store_id}')")
    expected = f"{shop.hub.http_url}/static/live.html?store={shop.store_id}#session={link}"
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    await page.get_by_role("button", name="Copy link to come back later").click()
    await expect(page.locator("#notice")).to_have_text(
        "Link copied. Open it on any device to come back to this session."
    )
    assert await page.evaluate("navigator.clipboard.readText()") == expected
    # A browser that refuses the clipboard: the link shows in a dialog, selected, to copy by hand.
    await page.evaluate(
        """() => {
            const refuse = () => Promise.reject(new DOMException('no', 'NotAllowedError'));
            navigator.clipboard.writeText = refuse;
        }"""
    )
    await page.get_by_role("button", name="Copy link to come back later").click()
    dialog = page.get_by_role("dialog", name="Your session's link")
    field = dialog.get_by_label("Link to come back later")
    await expect(field).to_have_value(expected)
    await expect(field).to_be_focused()
    assert await field.evaluate("f => f.selectionEnd - f.selectionStart") == len(expected)
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await expect(page.get_by_role("button", name="Copy link to come back later")).to_be_focused()
    # A link that was mistyped: said in words, and the page offers a new session.
    broken = await open_live(browser, shop, "#session=csv.lsnothing.notasecret")
    await expect(broken.locator("#ended-text")).to_have_text(
        "This session link does not work: it may be incomplete, or the session was deleted."
    )
    await expect(broken.get_by_role("button", name="Start a session")).to_be_visible()

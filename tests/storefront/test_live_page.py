"""The visitor's Direct Selling Page (/live/<store_id>) in real Chromium against a real hub:
public mode, a session (chat, presence, typing, the counter, the gallery, the session cart,
ordering), coming back by the link, polling. The store's side is driven over /ws/live with the
store's key and over HTTP (tests/storefront/live_helpers.py). Deleting, hostile text, uploads
and the widget's entry: test_live_page_trust.py."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Browser, WebSocketRoute, expect

from tests.storefront.conftest import TEST_CATALOGUE, TTL, Shop
from tests.storefront.live_helpers import (
    VIEWPORT,
    Seller,
    card,
    gallery,
    open_live,
    png,
    start_session,
    until,
)


@pytest.fixture
async def seller(shop: Shop) -> AsyncIterator[Seller]:
    async with httpx.AsyncClient(base_url=shop.hub.http_url, timeout=10) as http:
        yield Seller(shop, http)


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
    # Calls are signalled on the WebSocket only: asking is disabled, and the page says why.
    call = page.locator("#live-call")
    await expect(call.locator(".call-status")).to_have_text(
        "Video calls need a live connection to the shop. Waiting for it…"
    )
    await expect(call.get_by_role("button", name="Ask for a video call")).to_be_disabled()
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


async def test_counts_on_the_page_follow_the_ledger_without_a_reload(
    browser: Browser, shop: Shop, seller: Seller
) -> None:
    """The gallery and the board show how many are left, and follow every hold (here a shopper
    elsewhere takes two mugs): the page watches what it shows."""
    await seller.post_public({"kind": "product", "product_id": "mug"})
    page = await open_live(browser, shop)
    mug_in_gallery = card(gallery(page), "Mug").locator(".availability")
    mug_on_board = card(page.locator("#board"), "Mug").locator(".availability")
    await expect(mug_in_gallery).to_have_text("5 available")
    await expect(mug_on_board).to_have_text("5 available")
    async with httpx.AsyncClient(base_url=shop.hub.http_url) as http:
        r = await http.post(f"/api/live/stores/{shop.store_id}/sessions", json={"label": "Bo"})
        other = {"Authorization": f"Bearer {r.json()['link']}"}
        r = await http.post(
            "/api/live/session/commands",
            json={"type": "take", "id": "elsewhere-0001", "product_id": "mug", "qty": 2},
            headers=other,
        )
        assert r.status_code == 200, r.text
    await expect(mug_in_gallery).to_have_text("3 available")
    await expect(mug_on_board).to_have_text("3 available")


async def test_views_the_store_turned_off_leave_no_empty_column(
    browser: Browser, shop: Shop, seller: Seller
) -> None:
    await seller.settings(counter=False, board=False)
    page = await open_live(browser, shop)
    await start_session(page)
    await expect(page.locator("#counter")).to_be_hidden()
    await expect(page.locator("#board")).to_be_hidden()
    cart = await page.locator("#cart").bounding_box()
    gallery_box = await page.locator("#gallery").bounding_box()
    assert cart is not None and gallery_box is not None
    # The remaining panels take the page's whole width, not one column of three.
    assert cart["width"] > VIEWPORT["width"] * 0.8, cart
    assert gallery_box["width"] > VIEWPORT["width"] * 0.8, gallery_box

"""The visitor's Direct Selling Page, what makes it one a shopper can trust: deleting a session
(either side), hostile text shown as text and no javascript: link, pictures uploaded (and other
files refused in words), the session's link kept and copied, a link that does not work, and the
storefront widget's "Shop live with us" only while the page is on."""

from __future__ import annotations

import re
import threading
from collections.abc import AsyncIterator, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from playwright.async_api import Browser, FilePayload, expect

from storefront_templates import STATIC_DIR
from tests.helpers.waiting import eventually
from tests.storefront.conftest import TEST_CATALOGUE, Shop
from tests.storefront.live_helpers import Seller, card, open_live, png, start_session, until


@pytest.fixture
async def seller(shop: Shop) -> AsyncIterator[Seller]:
    async with httpx.AsyncClient(base_url=shop.hub.http_url, timeout=10) as http:
        yield Seller(shop, http)


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

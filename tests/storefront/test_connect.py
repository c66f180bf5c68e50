"""Connecting a browser once, on the hub's own connect window, then each shop with one click: real
Chromium, a real hub and two real demo shops on two origins (the hub side:
tests/integration/test_connect.py)."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, Page, expect

from cartstart_desktop.core.session import CartSession
from shared_protocol.store import AdjustStock, UpdateSettings
from tests.helpers.hubs import command_id, seed_store
from tests.helpers.waiting import eventually
from tests.storefront.conftest import Shop
from tests.storefront.test_widget import add_button, availability, product

CONNECTED = "This page is now connected to your cart."
CODE = "Code from your cart"


async def new_browser(browser: Browser) -> BrowserContext:
    """One person's browser: its pages share localStorage per origin (the hub's included)."""
    context = await browser.new_context()
    context.set_default_timeout(5000)
    return context


async def open_shop(context: BrowserContext, url: str, product_id: str, count: str) -> Page:
    page = await context.new_page()
    await page.goto(url)
    await expect(availability(page, product_id)).to_have_text(count)
    return page


async def press_for_window(page: Page, product_id: str) -> Page:
    """Add to cart on a page not connected yet: the hub's connect window opens."""
    async with page.expect_popup() as opened:
        await add_button(page, product_id).click()
    window = await opened.value
    window.set_default_timeout(5000)
    return window


def question(shop: Shop, name: str) -> str:
    return f"Connect {name} ({shop.url}) to your cart?"


async def links(cart: CartSession) -> list[dict[str, object]]:
    return await cart.pairing.browsers()


async def test_a_browser_connected_on_one_shop_connects_the_next_with_one_click(
    browser: Browser, shop: Shop, second_shop: Shop, cart: CartSession
) -> None:
    person = await new_browser(browser)
    first = await open_shop(person, shop.page_url("/products/mug"), "mug", "5 available")
    window = await press_for_window(first, "mug")
    # The window names the shop (its name from the hub) and the page's real origin.
    await expect(window.get_by_role("heading", name=question(shop, "Test Pottery"))).to_be_visible()
    # The first time, this browser is connected with the code the cart shows.
    code, _ = await cart.pairing.new_code()
    await window.get_by_label(CODE).fill(code)
    async with window.expect_event("close"):
        await window.get_by_role("button", name="Connect").click()
    # The pick that asked goes through, and the page says so once.
    await expect(availability(first, "mug")).to_have_text("In your cart (1) · 4 more available")
    await expect(first.locator(".cartstart-notice")).to_have_text(CONNECTED)
    assert await first.evaluate("localStorage.getItem('cartstart.link')") is not None
    # The browser's own credential stays with the hub's origin: the shop's page never holds it.
    assert await first.evaluate("localStorage.getItem('cartstart.browser')") is None

    # Another shop, another origin: Add to cart, one click, no code.
    second = await open_shop(
        person, second_shop.page_url("/products/atlas"), "atlas", "2 available"
    )
    window = await press_for_window(second, "atlas")
    await expect(
        window.get_by_role("heading", name=question(second_shop, "Second Books"))
    ).to_be_visible()
    await expect(window.get_by_label(CODE)).to_be_hidden()
    async with window.expect_event("close"):
        await window.get_by_role("button", name="Connect").click()
    await expect(availability(second, "atlas")).to_have_text("In your cart (1) · 1 more available")
    # Both holds are in the one cart.
    await eventually(lambda: len(cart.local.state.items) == 2, what="both picks in the cart")
    stores = {i.ticket.store_id for i in cart.local.state.items.values()}
    assert stores == {shop.store_id, second_shop.store_id}
    # The cart lists the browser and, under it, the two shops, each scoped to its store.
    listed = await links(cart)
    (connected_browser,) = [t for t in listed if t["kind"] == "browser"]
    assert str(connected_browser["label"]).startswith("Connected browser (")
    shops = sorted((t["label"], t["store_id"]) for t in listed if t["kind"] == "link")
    assert shops == [
        (f"Second Books ({second_shop.url})", second_shop.store_id),
        (f"Test Pottery ({shop.url})", shop.store_id),
    ]
    assert all(
        t["browser_id"] == connected_browser["token_id"] for t in listed if t["kind"] == "link"
    )


OPENER = """<!doctype html><html><body>
<button id="open">Open</button>
<script>
  window.received = [];
  let win = null;
  addEventListener("message", (e) => {
    window.received.push({ origin: e.origin, data: e.data });
    if (e.source === win && e.data.type === "cartstart:connect-ready") {
      // The page CLAIMS another origin; the window must go by the event's own origin.
      win.postMessage({ type: "cartstart:connect", store_id: STORE, origin: CLAIM }, HUB);
    }
  });
  document.getElementById("open").onclick = () => {
    win = window.open(HUB + "/static/connect.html", "cartstart-connect", "popup");
  };
</script></body></html>"""

LISTENER = """<!doctype html><html><body><script>
  window.received = [];
  addEventListener("message", (e) => window.received.push({ origin: e.origin, data: e.data }));
</script></body></html>"""


async def test_the_token_goes_only_to_the_origin_of_the_page_that_asked(
    browser: Browser, shop: Shop, cart: CartSession, other_site: tuple[Path, int]
) -> None:
    root, port = other_site
    site = f"http://localhost:{port}"  # the shop's page, on a site the store registered
    elsewhere = f"http://127.0.0.1:{port}"  # the same server by another name: another origin
    script = OPENER.replace("STORE", json.dumps(shop.store_id))
    script = script.replace("CLAIM", json.dumps(shop.url)).replace(
        "HUB", json.dumps(shop.hub.http_url)
    )
    (root / "opener.html").write_text(script)
    (root / "listener.html").write_text(LISTENER)
    await shop.hub.hub.stores.command(
        shop.store_id, UpdateSettings(id=command_id(), origins=[shop.url, site, elsewhere])
    )
    person = await new_browser(browser)
    # Connect this browser once (on the hub's own page, opened on its own).
    hub_page = await person.new_page()
    await hub_page.goto(f"{shop.hub.http_url}/connect")
    code, _ = await cart.pairing.new_code()
    await hub_page.get_by_label(CODE).fill(code)
    await hub_page.get_by_role("button", name="Connect").click()
    await expect(hub_page.get_by_role("status")).to_contain_text("This browser is connected")

    async def ask_from(page: Page) -> Page:
        async with page.expect_popup() as opened:
            await page.locator("#open").click()
        window = await opened.value
        # The origin shown (and sent to the hub) is the opener's, not the one it claimed.
        await expect(window.get_by_role("heading")).to_have_text(
            f"Connect Test Pottery ({site}) to your cart?"
        )
        return window

    # The page that asked sends its tab elsewhere before the shopper agrees (the window still
    # holds it as its opener): the new page, on another origin, gets nothing, although the hub
    # made the token. (A navigation the page starts itself: one the browser starts, like
    # page.goto, may cut the window off from the tab altogether, which would prove nothing.)
    page = await person.new_page()
    await page.goto(f"{site}/opener.html")
    window = await ask_from(page)
    async with page.expect_navigation():
        await page.evaluate("url => { location.href = url; }", f"{elsewhere}/listener.html")
    assert await window.evaluate("!!window.opener && !window.opener.closed")
    async with window.expect_event("close"):
        await window.get_by_role("button", name="Connect").click()
    listed = await links(cart)
    assert [t["label"] for t in listed if t["kind"] == "link"] == [f"Test Pottery ({site})"]
    await page.wait_for_timeout(300)
    assert await page.evaluate("window.received") == []

    # Asked and still there: the token arrives, from the hub's origin, once.
    page = await person.new_page()
    await page.goto(f"{site}/opener.html")
    window = await ask_from(page)
    async with window.expect_event("close"):
        await window.get_by_role("button", name="Connect").click()

    async def both_arrived() -> bool:
        return bool(await page.evaluate("window.received.length === 2"))

    await eventually(both_arrived, what="the ready message and the token")
    ready, connected = await page.evaluate("window.received")
    assert ready == {"origin": shop.hub.http_url, "data": {"type": "cartstart:connect-ready"}}
    assert connected["origin"] == shop.hub.http_url
    assert connected["data"]["type"] == "cartstart:connected"
    assert connected["data"]["token"].startswith("csl.")


async def test_a_page_on_a_site_the_store_did_not_register_is_refused_in_the_window(
    browser: Browser, shop: Shop, cart: CartSession, other_site: tuple[Path, int]
) -> None:
    root, port = other_site
    other = f"http://localhost:{port}"
    (root / "mug.html").write_text(
        f'<!doctype html><html><head><script type="module" '
        f'src="{shop.hub.http_url}/static/cartstart.js"></script></head><body>'
        f'<div data-cartstart-store="{shop.store_id}" data-cartstart-product="mug">Mug</div>'
        "</body></html>"
    )
    # Another store registered that site (so the page shows stock), the mug's store did not.
    await seed_store(shop.hub.hub, "Other", {"x": 1}, origins=[other])
    person = await new_browser(browser)
    page = await open_shop(person, f"{other}/mug.html", "mug", "5 available")
    window = await press_for_window(page, "mug")
    await expect(window.get_by_role("heading")).to_have_text(
        "This shop cannot connect to your cart"
    )
    await expect(window.get_by_role("alert")).to_have_text(
        f"Test Pottery did not register {other} as one of its sites, so a page there cannot "
        "connect to your cart"
    )
    async with window.expect_event("close"):
        await window.get_by_role("button", name="Close").click()
    assert await page.evaluate("localStorage.getItem('cartstart.link')") is None
    assert await links(cart) == []
    assert cart.local.state.items == {}


async def test_revoking_the_browser_in_the_cart_ends_one_click_connects(
    browser: Browser, shop: Shop, second_shop: Shop, cart: CartSession
) -> None:
    person = await new_browser(browser)
    first = await open_shop(person, shop.page_url("/products/mug"), "mug", "5 available")
    window = await press_for_window(first, "mug")
    code, _ = await cart.pairing.new_code()
    await window.get_by_label(CODE).fill(code)
    async with window.expect_event("close"):
        await window.get_by_role("button", name="Connect").click()
    await expect(availability(first, "mug")).to_have_text("In your cart (1) · 4 more available")

    (connected_browser,) = [t for t in await links(cart) if t["kind"] == "browser"]
    await cart.pairing.revoke(str(connected_browser["token_id"]))
    # The shop it connected loses its link at once, and says so.
    await expect(first.locator("html")).not_to_have_attribute("data-cartstart-linked", "")
    await expect(first.locator(".cartstart-notice")).to_have_text(
        "This page is no longer connected to your cart."
    )
    # The next shop is not connected with one click: the window asks for a code again (here
    # from the page's own "Connect to my cart" button).
    second = await open_shop(
        person, second_shop.page_url("/products/atlas"), "atlas", "2 available"
    )
    async with second.expect_popup() as opened:
        await second.get_by_role("button", name="Connect to my cart").click()
    window = await opened.value
    await expect(window.get_by_label(CODE)).to_be_visible()
    await expect(window.get_by_text("First, connect this browser")).to_be_visible()
    assert [t for t in await links(cart) if t["kind"] == "link"] == []


async def test_one_notice_per_page_and_notes_that_follow_the_items_state(
    browser: Browser, shop: Shop, cart: CartSession
) -> None:
    person = await new_browser(browser)
    page = await open_shop(person, shop.page_url("/"), "mug", "5 available")
    window = await press_for_window(page, "mug")
    code, _ = await cart.pairing.new_code()
    await window.get_by_label(CODE).fill(code)
    async with window.expect_event("close"):
        await window.get_by_role("button", name="Connect").click()
    mug_note = product(page, "mug").locator(".cartstart-note")
    await expect(mug_note).to_have_text("Added to your CartStart cart")
    # One notice for the page, in one polite live region; no product card repeats it.
    notice = page.locator(".cartstart-notice")
    await expect(notice).to_have_count(1)
    await expect(notice).to_have_text(CONNECTED)
    await expect(notice).to_have_attribute("aria-live", "polite")
    await expect(page.locator(".cartstart-note", has_text="connected")).to_have_count(0)
    await expect(page.locator(".cartstart-note", has_text="Added")).to_have_count(1)

    # Removed in the desktop cart: the note goes with it.
    await eventually(lambda: len(cart.local.state.items) == 1, what="the pick in the cart")
    await cart.cart.remove(next(iter(cart.local.state.items)))
    await expect(availability(page, "mug")).to_have_text("5 available")
    await expect(mug_note).to_have_text("")

    # Sold over the counter while in the cart: the hold gives way, and the note goes too.
    await add_button(page, "last-vase").click()
    vase_note = product(page, "last-vase").locator(".cartstart-note")
    await expect(vase_note).to_have_text("Added to your CartStart cart")
    await shop.hub.hub.stores.command(
        shop.store_id, AdjustStock(id=command_id(), product_id="last-vase", delta=-1)
    )
    await expect(availability(page, "last-vase")).to_have_text("Sold")
    await expect(vase_note).to_have_text("")
    await expect(page.locator(".cartstart-note", has_text="Added")).to_have_count(0)

"""The storefront widget in real Chromium, on a real demo shop's pages, against a real hub."""

from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.async_api import Browser, Locator, Page, WebSocketRoute, expect

from cartstart_desktop.core.session import CartSession
from shared_protocol.store import AdjustStock, UpdateSettings
from storefront_templates import STATIC_DIR
from tests.helpers.hubs import add_products, command_id, seed_store
from tests.helpers.waiting import eventually
from tests.storefront.conftest import TEST_CATALOGUE, TTL, Shop, new_page


async def link_token(cart: CartSession, store_id: str) -> str:
    assert cart.api is not None
    return (await cart.api.mint_link_token(store_id, "test page")).token


def product(page: Page, product_id: str) -> Locator:
    return page.locator(
        f'[data-cartstart-product="{product_id}"], cartstart-product[product="{product_id}"]'
    )


def availability(page: Page, product_id: str) -> Locator:
    return product(page, product_id).locator(".cartstart-availability")


def add_button(page: Page, product_id: str) -> Locator:
    return product(page, product_id).locator(".cartstart-add")


async def test_the_last_unit_is_sold_elsewhere_at_once_and_back_when_the_hold_expires(
    browser: Browser, shop: Shop, cart: CartSession
) -> None:
    token = await link_token(cart, shop.store_id)
    alice = await new_page(browser)
    await alice.goto(shop.page_url(f"/products/last-vase#cartstart={token}"))
    await expect(availability(alice, "last-vase")).to_have_text("Only 1 left")
    # The token left the address bar and was kept for this site.
    assert "cartstart=" not in alice.url
    assert await alice.evaluate("localStorage.getItem('cartstart.link')") == token
    bob = await new_page(browser)
    await bob.goto(shop.page_url("/products/last-vase"))
    await expect(availability(bob, "last-vase")).to_have_text("Only 1 left")

    await add_button(alice, "last-vase").click()
    await expect(availability(alice, "last-vase")).to_have_text("In your cart (1)")
    added_at = time.monotonic()
    # Bob sees it go without reloading, within a second.
    await expect(availability(bob, "last-vase")).to_have_text("Sold", timeout=1000)
    assert time.monotonic() - added_at < 1.0
    await expect(add_button(bob, "last-vase")).to_be_disabled()
    await expect(product(bob, "last-vase")).to_have_attribute("data-cartstart-state", "sold")
    # The desktop cart has it, with the page as its bookmark.
    await eventually(lambda: len(cart.local.state.items) == 1, what="the cart receives the pick")
    (item,) = cart.local.state.items.values()
    assert item.ticket.product_id == "last-vase" and item.held
    bookmarked = [shop.page_url("/products/last-vase")]
    await eventually(lambda: [b.url for b in cart.bookmarks.pages] == bookmarked, what="bookmark")

    # Alice's hold runs out: both pages show it available again, and the cart says why.
    shop.clock.advance(TTL + 1)
    await expect(availability(bob, "last-vase")).to_have_text("Only 1 left")
    await expect(availability(alice, "last-vase")).to_have_text("Only 1 left")
    await expect(add_button(bob, "last-vase")).to_be_enabled()
    await eventually(lambda: not next(iter(cart.local.state.items.values())).held, what="expired")


async def test_with_popups_blocked_the_page_connects_with_the_code_from_the_cart(
    browser: Browser, shop: Shop, cart: CartSession
) -> None:
    """The hub's connect window is the first choice (tests/storefront/test_connect.py); when the
    browser will not open it, the page's own dialog takes the code from the cart."""
    page = await new_page(browser)
    await page.add_init_script("window.open = () => null")  # a popup blocker
    await page.goto(shop.page_url("/products/mug"))
    await expect(availability(page, "mug")).to_have_text("5 available")
    add = add_button(page, "mug")
    await add.click()
    dialog = page.get_by_role("dialog", name="Connect this page to your CartStart cart")
    await expect(dialog).to_be_visible()
    # Focus moves into the dialog; Escape closes it and gives focus back.
    await expect(dialog.get_by_label("Code from your cart")).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await expect(add).to_be_focused()
    await page.keyboard.press("Enter")  # the focused Add to cart asks again
    await expect(dialog).to_be_visible()
    # A wrong code is refused with the hub's reason, and nothing is connected.
    await dialog.get_by_label("Code from your cart").fill("AAAA-AAAA")
    await dialog.get_by_role("button", name="Connect").click()
    await expect(dialog.get_by_role("alert")).to_have_text(
        "Unknown, used or expired code: your cart shows a new one under “Connect a browser…”"
    )
    code, _ = await cart.pairing.new_code()
    await dialog.get_by_label("Code from your cart").fill(code.lower())  # case does not matter
    await dialog.get_by_role("button", name="Connect").click()
    await expect(dialog).to_be_hidden()
    # The pick that asked to connect goes through once the page is connected.
    await expect(availability(page, "mug")).to_have_text("In your cart (1) · 4 more available")
    await eventually(lambda: len(cart.local.state.items) == 1, what="the cart receives the pick")
    stored = await page.evaluate("localStorage.getItem('cartstart.link')")
    assert stored.startswith("csl.") and "cartstart" not in page.url
    # The connected page is listed in the cart, and revoking it disconnects the page.
    (browser_entry,) = [b for b in await cart.pairing.browsers() if b["token_id"] in stored]
    await cart.pairing.revoke(browser_entry["token_id"])
    await add_button(page, "mug").click()
    await expect(dialog).to_be_visible()
    assert await page.evaluate("localStorage.getItem('cartstart.link')") is None


async def test_with_websockets_blocked_the_page_keeps_up_by_polling(
    browser: Browser, shop: Shop, cart: CartSession
) -> None:
    attempts: list[str] = []

    async def refuse(ws: WebSocketRoute) -> None:
        attempts.append(ws.url)
        await ws.close()  # the upgrade "succeeds" and dies at once, as behind a blocking proxy

    token = await link_token(cart, shop.store_id)
    page = await new_page(browser)
    await page.route_web_socket(re.compile(r".*/ws/page"), refuse)
    await page.goto(shop.page_url(f"/products/mug#cartstart={token}"))
    await expect(availability(page, "mug")).to_have_text("5 available")
    assert len(attempts) >= 2
    # A sale at the shop counter reaches the page through a long poll.
    await shop.hub.hub.stores.command(
        shop.store_id, AdjustStock(id=command_id(), product_id="mug", delta=-1)
    )
    await expect(availability(page, "mug")).to_have_text("4 available")
    # Adding works over HTTP too (CORS with the link token), and the cart hears of it.
    await add_button(page, "mug").click()
    await expect(availability(page, "mug")).to_have_text("In your cart (1) · 3 more available")
    await eventually(lambda: len(cart.local.state.items) == 1, what="the cart receives the pick")
    # The shopper removes it in the desktop cart: the polling page follows.
    await cart.cart.remove(next(iter(cart.local.state.items)))
    await expect(availability(page, "mug")).to_have_text("4 available")


async def test_product_names_with_markup_are_text_everywhere(
    browser: Browser, shop: Shop, cart: CartSession
) -> None:
    name = TEST_CATALOGUE.item("tricky").name  # type: ignore[union-attr]
    page = await new_page(browser)
    for path, selector in [
        ("/", '[data-cartstart-product="tricky"] .cartstart-name a'),
        ("/products/tricky", "h1.cartstart-name"),
    ]:
        await page.goto(shop.page_url(path))
        await expect(page.locator(selector)).to_have_text(name)
        assert await page.locator(".cartstart-name b").count() == 0
    await expect(page.locator(".cartstart-description")).to_have_text(
        TEST_CATALOGUE.item("tricky").description  # type: ignore[union-attr]
    )
    await page.goto(shop.page_url("/counter"))
    await expect(page.get_by_role("cell", name=name)).to_have_count(1)
    assert await page.evaluate("window.pwned") is None
    # The desktop cart shows it as text too (tested in tests/desktop/ui); here: the hub's
    # messages and the shop's own words reach the page as text, not markup.
    await shop.hub.hub.stores.command(
        shop.store_id, AdjustStock(id=command_id(), product_id="tricky", delta=-3)
    )
    await page.goto(shop.page_url("/products/tricky"))
    await expect(availability(page, "tricky")).to_have_text("Sold")
    assert await page.evaluate("window.pwned") is None


async def test_when_the_hub_goes_away_the_page_says_so(browser: Browser, shop: Shop) -> None:
    page = await new_page(browser)
    await page.goto(shop.page_url("/products/mug"))
    await expect(availability(page, "mug")).to_have_text("5 available")
    await expect(add_button(page, "mug")).to_be_enabled()
    await shop.hub.stop()
    await expect(availability(page, "mug")).to_have_text(
        "Live stock unavailable: the cart service cannot be reached", timeout=15000
    )
    await expect(add_button(page, "mug")).to_be_disabled()
    await expect(product(page, "mug")).to_have_attribute("data-cartstart-state", "offline")


async def test_a_page_on_another_site_cannot_add_to_a_cart(
    browser: Browser, shop: Shop, cart: CartSession, other_site: tuple[Path, int]
) -> None:
    root, port = other_site
    (root / "mug.html").write_text(
        f'<!doctype html><html><head><script type="module" '
        f'src="{shop.hub.http_url}/static/cartstart.js"></script></head><body>'
        f'<div data-cartstart-store="{shop.store_id}" data-cartstart-product="mug">Mug</div>'
        "</body></html>"
    )
    # Another store on the hub registered that site: its pages may show stock, but not add
    # this shop's products to a cart, even holding the shopper's link token.
    other = f"http://localhost:{port}"
    await seed_store(shop.hub.hub, "Other", {"x": 1}, origins=[other])
    assert cart.api is not None
    token = (await cart.api.mint_link_token(None, "test page")).token
    page = await new_page(browser)
    await page.goto(f"{other}/mug.html#cartstart={token}")
    await expect(availability(page, "mug")).to_have_text("5 available")
    await add_button(page, "mug").click()
    note = product(page, "mug").locator(".cartstart-note")
    await expect(note).to_contain_text("not on a site the store registered")
    (level,) = await shop.hub.hub.carts.availability([(shop.store_id, "mug")])
    assert level.available == 5 and cart.local.state.items == {}

    # A site no store registered (the same server by another name) is refused outright, and
    # the page says why.
    page = await new_page(browser)
    await page.goto(f"http://127.0.0.1:{port}/mug.html")
    await expect(availability(page, "mug")).to_contain_text("no store on this hub registered")
    await expect(add_button(page, "mug")).to_be_disabled()


async def test_templates_render_the_markup_the_widget_builds(browser: Browser, shop: Shop) -> None:
    shape = """el => Array.from(el.querySelectorAll('.cartstart-controls, .cartstart-controls *'),
        n => [n.tagName, n.className, n.getAttribute('role'), n.getAttribute('aria-live'),
              n.getAttribute('type')].join('|'))"""
    page = await new_page(browser)
    await page.goto(shop.page_url("/"))
    await expect(availability(page, "mug")).to_have_text("5 available")
    # A bare element added later (as a single-page app would) gets controls from the widget.
    await page.evaluate(
        """store => {
            const el = document.createElement('div');
            el.id = 'bare';
            el.dataset.cartstartStore = store;
            el.dataset.cartstartProduct = 'mug';
            document.body.append(el);
        }""",
        shop.store_id,
    )
    bare = page.locator("#bare")
    await expect(bare.locator(".cartstart-availability")).to_have_text("5 available")
    rendered = await product(page, "mug").first.evaluate(shape)
    built = await bare.evaluate(shape)
    assert rendered == built and len(built) == 4
    # The custom-element spelling gets the same.
    await page.evaluate(
        """store => document.body.insertAdjacentHTML('beforeend',
            `<cartstart-product id="element" store="${store}" product="mug"></cartstart-product>`)""",
        shop.store_id,
    )
    element = page.locator("#element")
    await expect(element.locator(".cartstart-availability")).to_have_text("5 available")
    assert await element.evaluate(shape) == rendered


async def test_the_examples_work_as_shipped_including_a_translation(
    browser: Browser, shop: Shop, other_site: tuple[Path, int]
) -> None:
    root, port = other_site
    site = f"http://localhost:{port}"
    hub_address = shop.hub.http_url.removeprefix("http://")
    for name in ("plain.html", "translated.html"):
        text = (STATIC_DIR.parent / "examples" / name).read_text(encoding="utf-8")
        text = text.replace("https://HUB", f"http://{hub_address}").replace(
            "STORE_ID", shop.store_id
        )
        (root / name).write_text(text, encoding="utf-8")
    # The shop registers the site, as the guide says.
    await shop.hub.hub.stores.command(
        shop.store_id, UpdateSettings(id=command_id(), origins=[shop.url, site])
    )
    await add_products(shop.hub.hub, shop.store_id, {"harbour-mug": 2, "plate-set": 1})
    page = await new_page(browser)
    await page.goto(f"{site}/plain.html")
    await expect(availability(page, "harbour-mug")).to_have_text("2 available")
    await expect(availability(page, "plate-set")).to_have_text("Only 1 left")
    await page.goto(f"{site}/translated.html")
    await expect(availability(page, "harbour-mug")).to_have_text("2 verfügbar")
    await expect(add_button(page, "harbour-mug")).to_have_text("In den Warenkorb")


async def test_a_sale_at_the_shop_counter_is_one_stock_with_the_web(
    browser: Browser, shop: Shop, cart: CartSession
) -> None:
    visitor = await new_page(browser)
    await visitor.goto(shop.page_url("/products/last-vase"))
    await expect(availability(visitor, "last-vase")).to_have_text("Only 1 left")
    await cart.cart.reserve(shop.store_id, "last-vase")  # the shopper holds the only one
    await expect(availability(visitor, "last-vase")).to_have_text("Sold")
    counter = await new_page(browser)
    await counter.goto(shop.page_url("/counter"))
    row = counter.get_by_role("row").filter(has_text="The last vase")
    await row.get_by_role("button", name="Sell one").click()
    # The shop sold it over the counter: the online hold gave way, and the cart says why.
    await expect(counter.get_by_role("status").first).to_contain_text(
        "1 online hold(s) had to give way"
    )
    await eventually(
        lambda: not next(iter(cart.local.state.items.values())).held, what="the hold is revoked"
    )
    await expect(availability(visitor, "last-vase")).to_have_text("Sold")
    await row.get_by_role("button", name="Restock one").click()
    await expect(availability(visitor, "last-vase")).to_have_text("Only 1 left")


async def test_the_counter_page_keeps_its_numbers_live(
    browser: Browser, shop: Shop, cart: CartSession
) -> None:
    counter = await new_page(browser)
    await counter.goto(shop.page_url("/counter"))
    row = counter.get_by_role("row").filter(has_text="Mug")
    on_hand, held = row.locator(".on-hand"), row.locator(".held")
    await expect(on_hand).to_have_text("5")
    await expect(held).to_have_text("0")
    await expect(availability(counter, "mug")).to_have_text("5 available")
    await counter.evaluate("window.notReloaded = true")
    # A shopper holds one: no reload, the counter shows it.
    await cart.cart.reserve(shop.store_id, "mug")
    await expect(held).to_have_text("1")
    await expect(availability(counter, "mug")).to_have_text("4 available")
    # Another till (here another tab) sells one: this one follows.
    other = await new_page(browser)
    await other.goto(shop.page_url("/counter"))
    await (
        other.get_by_role("row")
        .filter(has_text="Mug")
        .get_by_role("button", name="Sell one")
        .click()
    )
    await expect(on_hand).to_have_text("4")
    # A checkout leaves the online count as it was; the counter still hears of it.
    await cart.cart.checkout()
    await expect(held).to_have_text("0", timeout=8000)
    await expect(row.locator(".sold")).to_have_text("1")
    assert await counter.evaluate("window.notReloaded") is True

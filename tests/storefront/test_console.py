"""The store console in real Chromium: live feed, carts, discount codes, orders, customers."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, WebSocketRoute, expect

from cartstart_desktop.core.session import CartSession
from tests.helpers.hubs import seed_store
from tests.helpers.waiting import eventually
from tests.storefront.conftest import Shop, new_page


async def open_console(browser: Browser, shop: Shop, key: str) -> Page:
    page = await new_page(browser)
    await page.goto(f"{shop.hub.http_url}/console")
    await page.get_by_label("API key").fill(key)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("#connection")).to_have_text("Live")
    return page


async def test_an_add_from_a_store_page_appears_in_the_live_feed(
    browser: Browser, shop: Shop, cart: CartSession
) -> None:
    # A wrong key is refused, with the reason, and shows nothing.
    console = await new_page(browser)
    await console.goto(f"{shop.hub.http_url}/console")
    await console.get_by_label("API key").fill(f"csk.{shop.store_id}.not-the-secret")
    await console.get_by_role("button", name="Sign in").click()
    await expect(console.get_by_role("alert").first).to_have_text("Not a valid store API key")
    await expect(console.locator("#console")).to_be_hidden()

    console = await open_console(browser, shop, shop.key)
    assert cart.api is not None
    token = (await cart.api.mint_link_token(shop.store_id, "test page")).token
    visitor = await new_page(browser)
    await visitor.goto(shop.page_url(f"/products/mug#cartstart={token}"))
    await visitor.locator('[data-cartstart-product="mug"] .cartstart-add').click()
    # No reload: the feed and a notification show it as it happens.
    await expect(console.locator("#feed li").first).to_contain_text("carted 1 × Mug")
    await expect(console.locator("#toast")).to_contain_text("A shopper carted 1 × Mug")
    await expect(console.locator("#carts tr")).to_have_count(1)

    # A live discount code for that cart: it appears in the shopper's desktop cart.
    await console.locator("#carts").get_by_role("button", name="Send discount").click()
    await console.get_by_label("Percent off").fill("15")
    await console.get_by_role("button", name="Send code").click()
    await expect(console.locator("#discount-result")).to_contain_text("Sent CS-")
    await eventually(lambda: len(cart.purchases.book.discounts) == 1, what="code in the cart")

    # The shopper checks out: the order shows up; the store moves it along with the buttons.
    result = await cart.cart.checkout()
    (order,) = result.orders or []
    assert order.discount is not None and order.discount.amount == 225  # 15% of 15.00
    row = console.locator("#orders tr").filter(has_text=order.order_id)
    await expect(row).to_contain_text("Placed")
    await expect(row).to_contain_text("alice@example.org")
    await row.get_by_role("button", name="Confirm").click()
    await expect(row).to_contain_text("Confirmed")
    await eventually(
        lambda: cart.purchases.book.deliveries[order.order_id].status == "confirmed",
        what="cart follows",
    )
    # The customer database: Alice, with what she bought and its tags.
    customers = console.locator("#customers tr")
    await expect(customers).to_have_count(1)
    await expect(customers.first).to_contain_text("alice@example.org")
    await expect(customers.first).to_contain_text("Mug (1)")


async def test_a_console_sees_only_its_own_store(
    browser: Browser, shop: Shop, cart: CartSession
) -> None:
    await cart.cart.reserve(shop.store_id, "mug")
    await cart.cart.checkout()
    other_id, other_key = await seed_store(shop.hub.hub, "Other", {"x": 1})
    console = await open_console(browser, shop, other_key)
    await expect(console.locator("#store-name")).to_have_text("· Other")
    await expect(console.locator("#orders tr")).to_have_count(0)
    await expect(console.locator("#customers tr")).to_have_count(0)
    await expect(console.locator("#carts tr")).to_have_count(0)
    mine = await open_console(browser, shop, shop.key)
    await expect(mine.locator("#orders tr")).to_have_count(1)
    assert other_id != shop.store_id


async def test_the_demo_shop_receives_its_orders_by_signed_webhook(
    browser: Browser, shop: Shop, cart: CartSession
) -> None:
    await cart.cart.reserve(shop.store_id, "mug", 2)
    (order,) = (await cart.cart.checkout()).orders or []
    counter = await new_page(browser)

    async def listed() -> bool:
        await counter.goto(shop.page_url("/counter"))
        return order.order_id in await counter.locator("main").inner_text()

    await eventually(listed, what="the order reached the shop's webhook")
    row = counter.get_by_role("row").filter(has_text=order.order_id)
    await expect(row).to_contain_text("2 × Mug")
    await expect(row).to_contain_text("alice@example.org")


async def test_order_steps_ask_in_a_dialog_for_what_the_shopper_reads(
    browser: Browser, shop: Shop, cart: CartSession
) -> None:
    await cart.cart.reserve(shop.store_id, "mug")
    (shipped,) = (await cart.cart.checkout()).orders or []
    await cart.cart.reserve(shop.store_id, "last-vase")
    (refused,) = (await cart.cart.checkout()).orders or []
    console = await open_console(browser, shop, shop.key)
    blocking: list[str] = []  # prompt(), alert() or confirm(): never
    console.on("dialog", lambda d: blocking.append(d.message))

    row = console.locator("#orders tr").filter(has_text=shipped.order_id)
    await row.get_by_role("button", name="Confirm").click()
    await expect(row).to_contain_text("Confirmed")
    await row.get_by_role("button", name="Dispatch").click()
    dialog = console.get_by_role("dialog", name=f"Dispatch order {shipped.order_id}")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_label("Carrier")).to_be_focused()
    await dialog.get_by_label("Carrier").fill("Harbour Post")
    await dialog.get_by_label("Tracking link").fill("https://track.example/123")
    await dialog.get_by_role("button", name="Dispatch").click()
    await expect(dialog).to_be_hidden()
    await expect(row).to_contain_text("Dispatched")
    await eventually(
        lambda: cart.purchases.book.deliveries[shipped.order_id].order.carrier == "Harbour Post",
        what="the cart hears of the dispatch",
    )
    assert (
        cart.purchases.book.deliveries[shipped.order_id].order.tracking_url
        == "https://track.example/123"
    )

    # Rejecting needs a reason; going back (or Escape) leaves the order as it was.
    row = console.locator("#orders tr").filter(has_text=refused.order_id)
    await row.get_by_role("button", name="Reject").click()
    dialog = console.get_by_role("dialog", name=f"Reject order {refused.order_id}")
    await expect(dialog).to_be_visible()
    await dialog.get_by_role("button", name="Back").click()
    await expect(dialog).to_be_hidden()
    await row.get_by_role("button", name="Reject").click()
    await console.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await row.get_by_role("button", name="Reject").click()
    await dialog.get_by_role("button", name="Reject order").click()  # no reason: not sent
    await expect(dialog).to_be_visible()
    await expect(row).to_contain_text("Placed")
    await dialog.get_by_label("Reason").fill("Cracked in the kiln <b>sorry</b>")
    await dialog.get_by_role("button", name="Reject order").click()
    await expect(dialog).to_be_hidden()
    await expect(row).to_contain_text("Rejected")
    await eventually(
        lambda: (
            cart.purchases.book.deliveries[refused.order_id].order.reason
            == "Cracked in the kiln <b>sorry</b>"
        ),
        what="the shopper reads the reason",
    )
    assert blocking == []


async def test_closing_the_dispatch_form_leaves_the_order_as_it_was(
    browser: Browser, shop: Shop, cart: CartSession
) -> None:
    await cart.cart.reserve(shop.store_id, "mug")
    (order,) = (await cart.cart.checkout()).orders or []
    console = await open_console(browser, shop, shop.key)
    sent: list[str] = []
    console.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    row = console.locator("#orders tr").filter(has_text=order.order_id)
    await row.get_by_role("button", name="Confirm").click()
    await expect(row).to_contain_text("Confirmed")
    sent.clear()
    dispatch = row.get_by_role("button", name="Dispatch")
    await dispatch.click()
    dialog = console.get_by_role("dialog", name=f"Dispatch order {order.order_id}")
    await dialog.get_by_label("Carrier").fill("Harbour Post")
    await dialog.get_by_role("button", name="Cancel").click()
    await expect(dialog).to_be_hidden()
    await expect(dispatch).to_be_focused()  # focus is given back to the step's button
    # Nothing was sent, the order is still confirmed, here and at the hub.
    await expect(row).to_contain_text("Confirmed")
    assert sent == []
    (listed,) = await shop.hub.hub.orders.of_store(shop.store_id)
    assert listed.status == "confirmed"
    # Opened again, the form starts empty.
    await dispatch.click()
    await expect(dialog.get_by_label("Carrier")).to_have_value("")


async def test_a_replaced_key_brings_the_sign_in_back_with_the_reason(
    browser: Browser, shop: Shop
) -> None:
    console = await open_console(browser, shop, shop.key)
    new_key = await shop.hub.hub.identity.rotate_store_key(shop.store_id)
    # The hub ends the feed (unauthorized, 1008): the console does not wait forever.
    await expect(console.locator("#signin")).to_be_visible()
    await expect(console.get_by_role("alert").first).to_have_text(
        "This key is no longer valid; sign in again"
    )
    await expect(console.locator("#console")).to_be_hidden()
    assert await console.evaluate("sessionStorage.getItem('cartstart.console.key')") is None
    # With the new key, it works again.
    await console.get_by_label("API key").fill(new_key)
    await console.get_by_role("button", name="Sign in").click()
    await expect(console.locator("#connection")).to_have_text("Live")

    # A REST answer of 401 does the same. Here the feed cannot reach the hub (a proxy drops
    # WebSockets), so only the next REST call can tell.
    async def drop(ws: WebSocketRoute) -> None:
        await ws.close()

    await console.route_web_socket(re.compile(r".*/ws/(store|live)"), drop)  # every socket
    await console.reload()  # signed in again with this tab's key, the feed away
    await expect(console.locator("#connection")).to_have_text("Reconnecting…")
    await shop.hub.hub.identity.rotate_store_key(shop.store_id)
    await console.get_by_role("button", name="Search").click()
    await expect(console.get_by_role("alert").first).to_have_text(
        "This key is no longer valid; sign in again"
    )
    await expect(console.locator("#signin")).to_be_visible()


async def test_an_empty_console_says_what_to_do(browser: Browser, shop: Shop) -> None:
    console = await open_console(browser, shop, shop.key)
    for empty, words in [
        ("#feed-empty", "Nothing carted yet"),
        ("#carts-empty", "No cart holds your products right now"),
        ("#orders-empty", "No orders yet"),
        ("#customers-empty", "No customers yet"),
    ]:
        await expect(console.locator(empty)).to_be_visible()
        await expect(console.locator(empty)).to_contain_text(words)
    await console.get_by_label("Search").fill("nobody")
    await console.get_by_role("button", name="Search").click()
    await expect(console.locator("#customers-empty")).to_contain_text("No customer matches")

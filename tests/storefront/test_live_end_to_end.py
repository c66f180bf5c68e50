"""Live selling end to end (issue 14): both sides as real UIs against one real hub. A visitor on
the Direct Selling Page (/live/<store_id>) and the seller in the store console's Live selling tab,
each in its own browser context, plus a third visitor in public mode. Nothing is played by a
protocol peer: every step is done by clicking and typing, and checked by what people see."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect

from tests.storefront import console_live_helpers as console_ui
from tests.storefront import live_helpers as page_ui
from tests.storefront.conftest import TEST_CATALOGUE, Shop
from tests.storefront.live_helpers import card, gallery

PRIVATE_NOTE = "Ask me about glazes"
PUBLIC_NOTE = "Lovely shop, see you on Saturday"


def watch(page: Page, seen: list[str]) -> None:
    """A prompt(), alert() or confirm(), or an uncaught error, is recorded (and fails the test)."""
    page.on("dialog", lambda d: seen.append(f"dialog: {d.message}"))
    page.on("pageerror", lambda e: seen.append(f"error: {e}"))


async def test_a_visitor_and_the_seller_each_in_their_own_browser(
    browser: Browser, shop: Shop
) -> None:
    trouble: list[str] = []
    console = await console_ui.open_live(browser, shop)
    watch(console, trouble)
    await expect(console.locator("#lobby-empty")).to_contain_text("No sessions yet")

    # 1. The visitor opens the store's live page and starts a session; the seller sees it in the
    # lobby and opens it.
    visitor = await page_ui.open_live(browser, shop)
    watch(visitor, trouble)
    await expect(visitor.get_by_role("heading", level=1)).to_have_text(TEST_CATALOGUE.name)
    await page_ui.start_session(visitor, "Ana")
    await expect(visitor.locator("#presence")).to_have_text("The seller is away")
    row = console_ui.lobby_row(console, "Ana")
    await expect(row).to_be_visible()
    await expect(console.locator("#lobby-empty")).to_be_hidden()
    await row.click()
    await expect(console.locator("#session-title")).to_have_text("Ana")
    await expect(console.locator("#session-presence")).to_have_text("Ana is here")
    await expect(visitor.locator("#presence")).to_have_text("The seller is here")

    # 2. The seller presents a product at the counter: the visitor's counter shows it.
    find = console.get_by_label("Find a product to show")
    await find.fill("mug")
    await console.locator("#find-results").get_by_role("button", name="Present Mug").click()
    await expect(console.locator("#presented li").filter(has_text="Mug")).to_be_visible()
    counter = visitor.locator("#counter")
    await expect(counter.locator(".card h3")).to_have_text(["Mug"])
    await expect(card(counter, "Mug").locator(".price")).to_contain_text("15.00")

    # Chat both ways; each side sees the other's words, and that they were read.
    box = visitor.get_by_label("Your message")
    await box.fill("Hello, is the mug dishwasher safe?")
    await box.press("Enter")
    await expect(box).to_have_value("")
    console_log = console.locator("#chat-log")
    await expect(console_log.locator("li.theirs")).to_contain_text(
        "Hello, is the mug dishwasher safe?"
    )
    # The console, open on the session, read it: the visitor sees "Seen".
    mine = visitor.locator("#chat-log .message.from-visitor")
    await expect(mine.locator(".text")).to_have_text(["Hello, is the mug dishwasher safe?"])
    await expect(mine.locator(".receipt")).to_have_text(" · Seen")
    answer = console.get_by_label("Message to the visitor")
    await answer.fill("Yes, and oven safe too.")
    await answer.press("Enter")
    await expect(answer).to_have_value("")
    theirs = visitor.locator("#chat-log .message.from-store")
    await expect(theirs.locator(".text")).to_have_text(["Yes, and oven safe too."])
    await expect(theirs.locator(".author")).to_have_text(TEST_CATALOGUE.name)
    # The visitor's page, showing it, read it: the seller sees "Seen".
    await expect(console_log.locator("li.mine")).to_contain_text("Yes, and oven safe too.")
    await expect(console_log.locator("li.mine .meta")).to_contain_text("Seen")

    # 3. The seller shows a product in the gallery: the visitor's gallery follows; the visitor
    # stops following, and the console says so.
    await expect(console.locator("#gallery-state")).to_contain_text("Ana follows what you show")
    await find.fill("vase")
    await (
        console.locator("#find-results")
        .get_by_role("button", name="Show The last vase to the visitor")
        .click()
    )
    await expect(console.locator("#gallery-state")).to_contain_text(
        "You lead and show The last vase. Ana follows what you show."
    )
    await expect(gallery(visitor).locator(".card h3")).to_have_text(["The last vase"])
    bar = visitor.locator("#follow-bar")
    await expect(bar).to_have_text("Following the seller — Stop following")
    await bar.get_by_role("button", name="Stop following").click()
    await expect(bar).to_have_text("Browsing on your own — Follow the seller")
    await expect(console.locator("#gallery-state")).to_contain_text(
        "Ana stopped following and browses on their own."
    )

    # 4. The seller pins a private note for this visitor; the visitor posts a public note. A
    # third visitor, in public mode, sees neither until the seller approves the public one.
    pin = console.locator("#session-post")
    await pin.get_by_label("What the note says").fill(PRIVATE_NOTE)
    await pin.get_by_role("button", name="Pin for this visitor").click()
    board = visitor.locator("#board")
    private = board.locator(".card").filter(has_text=PRIVATE_NOTE)
    await expect(private.locator(".badge")).to_have_text("Only you and the shop")
    await visitor.get_by_label("Note", exact=True).fill(PUBLIC_NOTE)
    await visitor.get_by_label("Also show it on the shop's public page").check()
    await visitor.get_by_role("button", name="Post", exact=True).click()
    public = board.locator(".card").filter(has_text=PUBLIC_NOTE)
    await expect(public.locator(".badge")).to_have_text("Waiting for the shop's approval")
    await expect(console.locator("#session-board")).to_contain_text(PUBLIC_NOTE)
    await expect(console.locator("#approvals-waiting")).to_have_text("1")

    # Opened now (both posts are at the hub): the public page shows an empty board.
    third = await page_ui.open_live(browser, shop)
    watch(third, trouble)
    await expect(third.get_by_role("button", name="Start a session")).to_be_visible()
    third_board = third.locator("#board")
    await expect(third_board.locator("#board-empty")).to_contain_text(
        "The shop has not shared anything here yet"
    )
    await expect(third_board.locator(".card")).to_have_count(0)

    await console.get_by_role("tab", name="Public board").click()
    waiting = console.locator("#waiting li")
    await expect(waiting).to_have_count(1)
    await expect(waiting).to_contain_text(PUBLIC_NOTE)
    await waiting.get_by_role("button", name="Approve this note").click()
    await expect(waiting).to_have_count(0)
    await expect(console.locator("#approvals-waiting")).to_be_hidden()
    await expect(console.locator("#public-board li")).to_contain_text(PUBLIC_NOTE)
    # The third visitor's page, open all along, shows the approved note, and only it.
    await expect(third_board.locator(".card .note-text")).to_have_text([PUBLIC_NOTE])
    await expect(third_board.get_by_text(PRIVATE_NOTE)).to_have_count(0)
    await expect(third_board.locator("#board-empty")).to_be_hidden()
    # The author's page says it is on the shop's page now.
    await expect(public.locator(".badge")).to_have_text("On the shop's public page")
    await console.get_by_role("tab", name="Sessions").click()

    # 5. The visitor puts the presented mug in the session cart; the console sees it held.
    await card(counter, "Mug").get_by_role("button", name="Add to session cart").click()
    cart = visitor.locator("#cart")
    await expect(cart.locator(".cart-item .name")).to_have_text(["Mug"])
    await expect(cart.locator(".cart-item .state")).to_have_text(
        re.compile(r"^Held for you \d+:\d\d left$")
    )
    line = console.locator("#session-cart li").filter(has_text="Mug")
    await expect(line).to_contain_text("Held")
    await expect(line.locator(".countdown")).to_contain_text("left")
    await expect(console.locator("#cart-total")).to_have_text("· 1 held, 15.00 EUR")
    await expect(console.locator("#presented li").filter(has_text="Mug")).to_contain_text(
        "1 in the visitor's cart"
    )

    # The visitor orders now, in the page's styled dialog.
    await cart.get_by_role("button", name="Order now").click()
    dialog = visitor.get_by_role("dialog", name="Order now")
    await expect(dialog).to_be_visible()
    await dialog.get_by_label("Email address").fill("ana@example.org")
    await dialog.get_by_label("Your name").fill("Ana Lima")
    await dialog.get_by_role("button", name="Place the order").click()
    done = visitor.get_by_role("dialog", name="Thank you: your order is placed")
    number = done.locator(".order-number")
    await expect(number).to_have_text(re.compile(r"\S"))
    order_id = (await number.inner_text()).strip()
    await done.get_by_role("button", name="Done").click()
    await expect(cart.locator("#cart-empty")).to_be_visible()
    await expect(cart.locator(".ordered")).to_contain_text(order_id)

    # The seller's session view: the mug bought, the order named.
    await expect(line).to_contain_text("Bought")
    await expect(line.get_by_role("button")).to_have_count(0)  # nothing to put back
    await expect(console.locator("#session-cart .ordered")).to_contain_text(
        f"The visitor ordered: order {order_id}, 15.00 EUR"
    )
    await expect(console.locator("#cart-total")).to_have_text("")
    # And the console's orders, like any other order.
    await console.get_by_role("tab", name="Carts and orders").click()
    order = console.locator("#orders tr").filter(has_text=order_id)
    await expect(order).to_contain_text("ana@example.org")
    await expect(order).to_contain_text("1 × Mug")

    assert trouble == []

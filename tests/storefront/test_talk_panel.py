"""The talk panel on the store's own pages, in real Chromium (docs/storefront.md "Talk to us",
docs/agents.md "Talking with visitors from the page"): the visitor opens Talk to us on a demo shop
product page and writes; an agent signed in to the console answers; the agent sends the visitor
to another product page, the visitor's page goes there and the conversation goes on; a foreign
address is refused in words; a reload does not navigate again; a call from the panel; hostile
names and text stay text."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Locator, Page, expect

from cartstart_server.storage.sql import Plan, Stmt
from tests.storefront.conftest import Shop, new_page
from tests.storefront.console_live_helpers import lobby_row
from tests.storefront.test_live_calls import playing, watch
from tests.storefront.test_talk_entry import agent_console, workspace_on

STORE = "Test Pottery"
HOSTILE = '<img src=x onerror="window.pwned=1">Bo'


async def available_agent(browser: Browser, shop: Shop, name: str = "Ana") -> Page:
    """The workspace on, an agent signed in and Available, on the Live selling tab."""
    await workspace_on(shop)
    agent = await agent_console(browser, shop, name, "ana@example.org")
    await agent.get_by_role("tab", name="Workspace").click()
    await agent.get_by_role("radio", name="Available").check()
    await agent.get_by_role("tab", name="Live selling").click()
    return agent


def renamed(store_id: str, name: str) -> Plan[None]:
    """The store's name as its registration gave it (no command renames a store)."""
    yield Stmt("UPDATE stores SET name = ? WHERE id = ?", (name, store_id))


def panel(page: Page) -> Locator:
    return page.get_by_role("dialog", name=f"Talk to {STORE}")


async def write(page: Page, text: str) -> None:
    box = panel(page).get_by_label("Your message")
    await box.fill(text)
    await box.press("Enter")
    await expect(panel(page).get_by_role("log")).to_contain_text(text)


async def answer(agent: Page, text: str) -> None:
    await agent.locator("#chat-text").fill(text)
    await agent.locator("#chat-text").press("Enter")
    await expect(agent.locator("#chat-log")).to_contain_text(text)


async def talking(browser: Browser, shop: Shop, trouble: list[str]) -> tuple[Page, Page]:
    """An available agent, and a visitor who wrote from the mug's page; the agent has the
    session open."""
    agent = await available_agent(browser, shop)
    watch(agent, trouble)
    visitor = await new_page(browser)
    watch(visitor, trouble)
    await visitor.goto(shop.page_url("/products/mug"))
    entry = visitor.get_by_role("link", name="Talk to us")
    await entry.click()
    await expect(panel(visitor)).to_be_visible()
    await expect(panel(visitor).get_by_label("Your message")).to_be_focused()
    await write(visitor, "Is the mug dishwasher safe?")
    row = lobby_row(agent, "Visitor")
    await expect(row).to_contain_text(f"From your site: {shop.page_url('/products/mug')}")
    await row.click()
    await expect(agent.locator("#chat-log")).to_contain_text("Is the mug dishwasher safe?")
    return agent, visitor


async def test_a_visitor_writes_from_a_product_page_and_the_agent_answers(
    browser: Browser, shop: Shop
) -> None:
    trouble: list[str] = []
    agent, visitor = await talking(browser, shop, trouble)
    mug = shop.page_url("/products/mug")
    source = agent.locator("#session-page")
    await expect(source).to_have_text(f"From your site: {mug}")
    await expect(source.get_by_role("link", name=mug)).to_have_attribute("href", mug)
    await expect(agent.locator("#session-presence")).to_have_text("Visitor is here")

    await answer(agent, "Yes, <b>it is</b>.")
    log = panel(visitor).get_by_role("log")
    await expect(log.locator("li.from-store")).to_have_text(re.compile(r"Yes, <b>it is</b>\.$"))
    await expect(log).to_have_attribute("aria-live", "polite")

    # Escape minimises: focus goes back to the entry; what the store writes then is counted.
    entry = visitor.get_by_role("link", name=re.compile("^Talk to us"))
    await visitor.keyboard.press("Escape")
    await expect(panel(visitor)).to_be_hidden()
    await expect(entry).to_be_focused()
    await expect(entry).to_have_attribute("aria-expanded", "false")
    await answer(agent, "Anything else?")
    await expect(entry.locator(".cartstart-talk-unread")).to_contain_text("1")
    await expect(entry).to_have_accessible_name(re.compile(r"1 unread message"))
    await entry.click()
    await expect(panel(visitor)).to_be_visible()
    await expect(entry.locator(".cartstart-talk-unread")).to_be_hidden()
    await expect(agent.locator("#chat-log li").last).to_contain_text("Seen")

    # The conversation is kept on the site: another page of it reopens the panel with it.
    await visitor.goto(shop.page_url("/"))
    await expect(panel(visitor)).to_be_visible()
    await expect(panel(visitor).get_by_role("log")).to_contain_text("Anything else?")
    assert await visitor.evaluate("window.pwned") is None
    assert trouble == []


async def test_the_agent_sends_the_visitor_to_another_product_page(
    browser: Browser, shop: Shop
) -> None:
    trouble: list[str] = []
    agent, visitor = await talking(browser, shop, trouble)
    mug, vase = shop.page_url("/products/mug"), shop.page_url("/products/last-vase")

    # A foreign address: refused in the console's dialog, in words; the visitor's page stays.
    send = agent.get_by_role("button", name="Send to page…")
    await send.click()
    dialog = agent.get_by_role("dialog", name="Send Visitor to a page")
    await dialog.get_by_label("Page address").fill("https://evil.example/products/mug")
    await dialog.get_by_role("button", name="Send to page").click()
    await expect(dialog.get_by_role("alert")).to_have_text(
        "That address is not on this store's site."
    )
    await dialog.get_by_role("button", name="Cancel").click()
    await expect(send).to_be_focused()
    assert visitor.url == mug

    # A product's own page, picked from the counter's search.
    await agent.get_by_label("Find a product to show").fill("vase")
    found = agent.locator("#find-results")
    await found.get_by_role("button", name="Send the visitor to the page of The last vase").click()
    await expect(agent.locator("#find-status")).to_have_text(
        f"Sent Visitor to {vase}. Their page opens it now."
    )
    await visitor.wait_for_url(vase)
    await expect(panel(visitor)).to_be_visible()  # reopened on the new page
    log = panel(visitor).get_by_role("log")
    await expect(log).to_contain_text("Is the mug dishwasher safe?")  # the history is there

    # The conversation goes on on the new page.
    await answer(agent, "This one is the last.")
    await expect(log.locator("li.from-store").last).to_contain_text("This one is the last.")
    await write(visitor, "Lovely, thanks")
    await expect(agent.locator("#chat-log")).to_contain_text("Lovely, thanks")

    # A reload does not navigate again; neither does a new tab of the site.
    await visitor.reload()
    await expect(panel(visitor).get_by_role("log")).to_contain_text("Lovely, thanks")
    await answer(agent, "Still here")
    await expect(panel(visitor).get_by_role("log")).to_contain_text("Still here")
    assert visitor.url == vase
    second = await visitor.context.new_page()
    await second.goto(shop.page_url("/"))
    await expect(second.get_by_role("link", name=re.compile("^Talk to us"))).to_be_visible()
    await expect(panel(second)).to_be_hidden()  # this tab never had it open
    assert second.url == shop.page_url("/")

    # A pasted address of the site, through the dialog.
    await send.click()
    await dialog.get_by_label("Page address").fill(mug)
    await dialog.get_by_role("button", name="Send to page").click()
    await expect(dialog).to_be_hidden()
    await visitor.wait_for_url(mug)
    await expect(panel(visitor).get_by_role("log")).to_contain_text("Still here")
    await visitor.wait_for_timeout(300)
    assert second.url == shop.page_url("/")  # the other tab was not driven
    assert trouble == []


async def test_a_call_from_the_panel_answered_by_the_console(
    call_browser: Browser, shop: Shop
) -> None:
    trouble: list[str] = []
    agent, visitor = await talking(call_browser, shop, trouble)
    place = panel(visitor).locator(".cartstart-talk-call")
    desk = agent.locator("#live-call")
    await place.get_by_role("button", name="Ask for a video call").click()
    await expect(place.locator(".call-status")).to_have_text(f"Calling {STORE}…")
    await expect(desk.locator(".call-status")).to_have_text("Visitor asks for a video call")
    await desk.get_by_role("button", name="Accept").click()
    await expect(place.locator(".call-status")).to_have_text(f"In a call with {STORE}")
    await playing(place.locator("video.call-remote"))
    await expect(desk.locator(".call-placeholder")).to_contain_text("Visitor's camera is off")
    await expect(place.get_by_role("button", name="Turn camera on")).to_be_visible()
    shop.clock.advance(30)
    await place.get_by_role("button", name="Hang up").click()
    await expect(place.locator(".call-ended")).to_have_text(
        re.compile(r"^You hung up\. The call lasted 0:3[01]\.$")
    )
    rating = panel(visitor).locator("form.rating")
    await expect(rating).to_contain_text(f"How was your call with {STORE}?")
    await rating.get_by_role("radio", name="4 stars of 5").check()
    await rating.get_by_role("button", name="Send rating").click()
    await expect(panel(visitor).get_by_role("status").filter(has_text="Thank you")).to_be_visible()
    assert trouble == []


async def test_hostile_names_and_text_stay_text(browser: Browser, shop: Shop) -> None:
    trouble: list[str] = []
    await shop.hub.hub.db.write(renamed(shop.store_id, HOSTILE))
    agent = await available_agent(browser, shop, name=HOSTILE)
    watch(agent, trouble)
    visitor = await new_page(browser)
    watch(visitor, trouble)
    await visitor.goto(shop.page_url("/products/mug"))
    await visitor.get_by_role("link", name="Talk to us").click()
    talk = visitor.get_by_role("dialog", name=f"Talk to {HOSTILE}")
    await expect(talk).to_be_visible()
    box = talk.get_by_label("Your message")
    await box.fill('<script>window.pwned=2</script>"hi"')
    await box.press("Enter")
    await lobby_row(agent, "Visitor").click()
    await expect(agent.locator("#chat-log")).to_contain_text('<script>window.pwned=2</script>"hi"')
    await answer(agent, '<img src=x onerror="window.pwned=3">')
    await expect(talk.locator("li.from-store")).to_contain_text(
        '<img src=x onerror="window.pwned=3">'
    )
    await expect(talk.locator("li.from-store .meta")).to_contain_text(HOSTILE)
    for page in (visitor, agent):
        assert await page.evaluate("window.pwned") is None
    assert trouble == []

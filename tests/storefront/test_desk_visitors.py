"""The live visitor list in real Chromium (docs/agents.md, docs/storefront.md): shoppers in their
own browser contexts browse the demo shop; the agent's Workspace lists them longest on the site
first with their pages and times; a returning visitor is recognised; idle (no input for 60 s,
`page.clock`; a hidden tab) and offline (the page closed) show; details list earlier visits;
hostile titles are text; the notice's Forget me empties the list."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Locator, Page, expect

from tests.storefront.conftest import Shop, new_page
from tests.storefront.test_talk_entry import agent_console, workspace_on

TRICKY = '<script>window.pwned = 1</script><b>Bold</b> & "quoted"'


async def browse(browser: Browser, shop: Shop, path: str) -> Page:
    """A shopper's page on its own clock (`page.clock`): its beats come when the test says."""
    page = await new_page(browser)
    await page.clock.install()
    await page.goto(shop.page_url(path))
    return page


def seconds(text: str) -> int:
    """ "3 min 05 s" -> 185."""
    found = re.fullmatch(r"(?:(\d+) min )?(\d+) s", text.strip())
    assert found, text
    return int(found.group(1) or 0) * 60 + int(found.group(2))


def row_of(agent: Page, n: int) -> Locator:
    return agent.locator("#desk-visitors tr").nth(n)


async def test_the_agent_sees_visitors_sorted_with_pages_times_states_and_details(
    browser: Browser, shop: Shop
) -> None:
    await workspace_on(shop)
    agent = await agent_console(browser, shop, "Ana", "ana@example.org")
    await agent.get_by_role("tab", name="Workspace").click()
    await expect(agent.locator("#desk-visitors-empty")).to_contain_text(
        "No one is on your store's pages"
    )

    first = await browse(browser, shop, "/products/mug")
    notice = first.locator(".cartstart-notice")
    await expect(notice).to_contain_text("This shop's staff can see which of its pages you are on")
    await expect(notice.get_by_role("button", name="Forget me")).to_be_visible()
    await expect(agent.locator("#desk-visitors tr")).to_have_count(1)
    shop.clock.advance(20)
    second = await browse(browser, shop, "/products/tricky")
    await expect(agent.locator("#desk-visitors tr")).to_have_count(2)
    shop.clock.advance(20)
    third = await browse(browser, shop, "/")
    await expect(agent.locator("#desk-visitors tr")).to_have_count(3)

    # Longest on the site first, each with their page (a link; the hostile title as text).
    await expect(row_of(agent, 0).locator("td.page a")).to_have_text("Mug · Test Pottery")
    await expect(row_of(agent, 0).locator("td.page a")).to_have_attribute(
        "href", shop.page_url("/products/mug")
    )
    await expect(row_of(agent, 1).locator("td.page a")).to_have_text(f"{TRICKY} · Test Pottery")
    await expect(row_of(agent, 2).locator("td.page small")).to_have_text(shop.page_url("/"))
    on_site = [seconds(await row_of(agent, n).locator("td").nth(3).inner_text()) for n in range(3)]
    assert on_site[0] - on_site[1] == 20 and on_site[1] - on_site[2] == 20, on_site
    assert 0 <= on_site[2] < 10, on_site  # the hub's clock, ticking here since its last word
    for n in range(3):
        await expect(row_of(agent, n).locator("td").nth(4)).to_have_text("1 (first visit)")
        await expect(row_of(agent, n)).to_contain_text("Active")
    timezone = await first.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    await expect(row_of(agent, 0).locator("td").first).to_contain_text(timezone)
    assert await agent.evaluate("window.pwned") is None

    # The first visitor moves on: the same row shows the new page, nothing reorders.
    await first.goto(shop.page_url("/products/last-vase"))
    await expect(row_of(agent, 0).locator("td.page a")).to_have_text("The last vase · Test Pottery")
    await expect(row_of(agent, 0).locator("td").nth(1)).to_contain_text("/products/last-vase")

    # Idle: a hidden tab, and 60 s without input (the page's own clock).
    await second.evaluate(
        "Object.defineProperty(document, 'hidden', {value: true, configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    await expect(row_of(agent, 1)).to_contain_text("Idle")
    await third.clock.install()
    await third.clock.fast_forward(61_000)
    await expect(row_of(agent, 2)).to_contain_text("Idle")
    await third.mouse.move(10, 10)
    await expect(row_of(agent, 2)).to_contain_text("Active")

    # Offline: the page closed.
    await second.context.close()
    await expect(row_of(agent, 1)).to_contain_text("Left")

    # A returning visitor: the first context opened again after an hour away.
    state = await first.context.storage_state()
    await first.context.close()
    await expect(row_of(agent, 0)).to_contain_text("Left")
    shop.clock.advance(3600)
    again_context = await browser.new_context(storage_state=state)
    again = await again_context.new_page()
    await again.goto(shop.page_url("/products/mug"))
    returning = agent.locator("#desk-visitors tr").filter(has_text="returning")
    await expect(returning).to_have_count(1)
    await expect(returning.locator("td").nth(4)).to_have_text("2 (returning)")
    await expect(again.locator(".cartstart-notice")).to_have_count(0)  # the notice came once

    # Details: this visit and the earlier one, with their pages.
    await returning.get_by_role("button", name="Details").click()
    pane = agent.locator("#desk-details")
    await expect(pane).to_be_visible()
    await expect(pane).to_contain_text("2 visits · 3 page views")
    await expect(pane.locator("h5").filter(has_text="This visit")).to_have_count(1)
    await expect(pane.locator("h5").filter(has_text="Visit 1")).to_have_count(1)
    await expect(pane.locator("ol").nth(1).locator("li")).to_have_count(2)  # mug, then last vase
    await expect(pane.locator("ol").nth(1)).to_contain_text("The last vase")
    await expect(pane).to_contain_text("Not connected to a CartStart cart")
    await expect(returning).to_have_attribute("aria-selected", "true")
    await agent.get_by_role("button", name="Close details").click()
    await expect(pane).to_be_hidden()


async def test_forget_me_from_the_notice_removes_the_visitor(browser: Browser, shop: Shop) -> None:
    await workspace_on(shop)
    agent = await agent_console(browser, shop, "Ana", "ana@example.org")
    await agent.get_by_role("tab", name="Workspace").click()
    visitor = await browse(browser, shop, "/products/mug")
    await expect(agent.locator("#desk-visitors tr")).to_have_count(1)
    notice = visitor.locator(".cartstart-notice")
    await notice.get_by_role("button", name="Forget me").click()
    await expect(notice).to_contain_text("Forget your visits?")
    await notice.get_by_role("button", name="Forget me").click()
    await expect(notice).to_contain_text("this shop no longer keeps your visits")
    await expect(agent.locator("#desk-visitors tr")).to_have_count(0)
    await expect(agent.locator("#desk-visitors-empty")).to_be_visible()
    await visitor.reload()  # this browser reports nothing more to the store
    await expect(visitor.locator('[data-cartstart-product="mug"]')).to_have_attribute(
        "data-cartstart-state", "available"
    )
    shop.clock.advance(16)
    await agent.wait_for_timeout(500)
    await expect(agent.locator("#desk-visitors tr")).to_have_count(0)

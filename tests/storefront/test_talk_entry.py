"""The agents' workspace and the pages' "Talk to us", in real Chromium (docs/agents.md,
docs/storefront.md): an agent's Available/Away switch in the console shows and hides the demo
shop page's entry without a reload; with the workspace off there is no entry; a page's own
`[data-cartstart-talk]` element is used when it has one; hostile names are shown as text."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, Page, expect

from shared_protocol.live import LiveSettingsIn
from shared_protocol.store import UpdateSettings
from tests.helpers.hubs import command_id
from tests.storefront.conftest import Shop, new_page

HOSTILE = '<img src=x onerror="window.pwned=1">Ana'
PASSWORD = "correct horse battery"


async def workspace_on(shop: Shop, on: bool = True) -> None:
    """What the owner's Page settings save (the same REST route)."""
    settings = await shop.hub.hub.selling.settings(shop.store_id, shop.hub.http_url)
    body = settings.style.model_dump() | {"enabled": settings.enabled, "workspace": on}
    await shop.hub.hub.selling.save_settings(shop.store_id, LiveSettingsIn(**body))
    await shop.hub.hub.availability.refresh(shop.store_id)


async def agent_console(
    browser: Browser, shop: Shop, name: str, email: str, role: str = "agent"
) -> Page:
    """An agent (or owner) of the shop, signed in to the console with their own password."""
    added = await shop.hub.hub.agents.add(shop.store_id, email, name, role)
    await shop.hub.hub.agents.accept_invite(added.invite_code, PASSWORD)
    page = await new_page(browser)
    await page.goto(f"{shop.hub.http_url}/console?store={shop.store_id}")
    await page.locator("#agent-email").fill(email)
    await page.locator("#agent-password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in as agent").click()
    await expect(page.locator("#connection")).to_have_text("Live")
    return page


async def test_the_agents_switch_shows_and_hides_the_shop_pages_entry_live(
    browser: Browser, shop: Shop
) -> None:
    await workspace_on(shop)
    colleague = await shop.hub.hub.agents.add(shop.store_id, "bo@example.org", "Bo", "agent")
    assert colleague.agent.name == "Bo"
    agent = await agent_console(browser, shop, HOSTILE, "ana@example.org")
    visitor = await new_page(browser)
    await visitor.goto(shop.page_url("/products/mug"))
    await expect(visitor.locator('[data-cartstart-product="mug"]')).to_have_attribute(
        "data-cartstart-state", "available"
    )
    entry = visitor.get_by_role("link", name="Talk to us")
    await expect(entry).to_have_count(0)  # nobody available: no entry at all

    await agent.get_by_role("tab", name="Workspace").click()
    team = agent.locator("#desk-agents")
    await expect(team.locator("tr")).to_have_count(2)
    await expect(team).to_contain_text(HOSTILE)  # as text, not markup
    await expect(team.locator("tr").filter(has_text="Bo")).to_contain_text("Offline")
    await expect(agent.locator("#desk-talk")).to_contain_text("do not show")

    away = agent.get_by_role("radio", name="Away")
    available = agent.get_by_role("radio", name="Available")
    await expect(away).to_be_checked()
    await available.check()
    await expect(available).to_be_checked()
    await expect(agent.locator("#desk-status-said")).to_contain_text("You are Available")
    await expect(entry).to_be_visible()  # no reload
    await expect(entry).to_have_attribute("href", f"{shop.hub.http_url}/live/{shop.store_id}")
    await expect(agent.locator("#desk-talk")).to_contain_text("Shoppers see")
    await expect(team.locator("tr").first).to_contain_text("Available")

    # By keyboard: the arrow key chooses Away, and the focus stays on the switch meanwhile.
    await available.focus()
    await agent.keyboard.press("ArrowRight")
    await expect(entry).to_be_hidden()
    await expect(away).to_be_checked()
    await expect(agent.locator("#desk-status-said")).to_contain_text("You are Away")
    await expect(away).to_be_focused()
    await available.check()
    await expect(entry).to_be_visible()

    # The choice is kept across a reload of the console.
    await agent.reload()
    await expect(agent.get_by_role("radio", name="Available")).to_be_checked()
    await expect(entry).to_be_visible()
    # Closing the agent's console: nobody can be reached any more.
    await agent.context.close()
    await expect(entry).to_be_hidden()
    assert await visitor.evaluate("window.pwned") is None


async def test_with_the_workspace_off_there_is_no_entry_and_the_agent_is_told(
    browser: Browser, shop: Shop
) -> None:
    agent = await agent_console(browser, shop, "Ana", "ana@example.org")
    visitor = await new_page(browser)
    await visitor.goto(shop.page_url("/products/mug"))
    await agent.get_by_role("tab", name="Workspace").click()
    off = agent.locator("#desk-off")
    await expect(off).to_be_visible()
    await expect(off).to_contain_text("Ask the store's owner to turn on the workspace")
    await expect(agent.locator("#desk-status")).to_be_hidden()
    await shop.hub.hub.availability.set_status(
        shop.store_id, (await shop.hub.hub.agents.listed(shop.store_id))[0].agent_id, "available"
    )
    await expect(visitor.locator('[data-cartstart-product="mug"]')).to_have_attribute(
        "data-cartstart-state", "available"
    )
    await expect(visitor.get_by_role("link", name="Talk to us")).to_have_count(0)
    # The owner turns it on: the agent's workspace opens and the page gets its entry, live.
    await workspace_on(shop)
    await expect(off).to_be_hidden()
    await expect(agent.locator("#desk-status")).to_be_visible()
    await expect(visitor.get_by_role("link", name="Talk to us")).to_be_visible()


async def test_a_page_marks_where_its_entry_goes(
    browser: Browser, shop: Shop, other_site: tuple[Path, int]
) -> None:
    root, port = other_site
    origin = f"http://127.0.0.1:{port}"
    await shop.hub.hub.stores.command(
        shop.store_id, UpdateSettings(id=command_id(), origins=[shop.url, origin])
    )
    (root / "index.html").write_text(
        f"""<!doctype html><html><body>
        <header><a data-cartstart-talk data-cartstart-store="{shop.store_id}" hidden
           href="#">Chat with a person</a></header>
        <script type="module" src="{shop.hub.http_url}/static/cartstart.js"></script>
        </body></html>"""
    )
    await workspace_on(shop)
    agent = await agent_console(browser, shop, "Ana", "ana@example.org")
    visitor = await new_page(browser)
    await visitor.goto(f"{origin}/index.html")
    marked = visitor.locator("[data-cartstart-talk]")
    await expect(marked).to_be_hidden()
    await agent.get_by_role("tab", name="Workspace").click()
    await agent.get_by_role("radio", name="Available").check()
    await expect(marked).to_be_visible()
    await expect(marked).to_contain_text("Chat with a person")  # the page's own words
    await expect(visitor.locator(".cartstart-talk-floating")).to_have_count(0)

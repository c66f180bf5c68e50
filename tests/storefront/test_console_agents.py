"""Agents in the store console, in real Chromium (docs/agents.md): the owner adds an agent, the
agent accepts the invitation and works with their own password, sees what their role allows,
and is sent back to sign-in, told why, when removed. Hostile names are shown as text."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Browser, Page, expect

from tests.storefront.conftest import Shop, new_page
from tests.storefront.test_console import open_console

HOSTILE = '<img src=x onerror="window.pwned=1">Ana'


async def test_an_owner_adds_an_agent_who_signs_in_and_is_signed_out_on_removal(
    browser: Browser, shop: Shop
) -> None:
    owner = await open_console(browser, shop, shop.key)
    await expect(owner.locator("#team")).to_be_visible()
    await owner.locator("#new-agent-name").fill(HOSTILE)
    await owner.locator("#new-agent-email").fill("ana@example.org")
    await owner.get_by_role("button", name="Add agent").click()
    invite = owner.locator("#agent-invite")
    await expect(invite).to_contain_text("#invite=")
    link = re.search(r"https?://\S+#invite=\S+", await invite.inner_text())
    assert link is not None
    row = owner.locator("#agents tr").filter(has_text="ana@example.org")
    await expect(row).to_contain_text(HOSTILE)  # as text, not markup
    await expect(row).to_contain_text("invited")

    agent = await new_page(browser)
    await agent.goto(link.group(0))
    await agent.get_by_label("New password").fill("correct horse battery")
    await agent.get_by_role("button", name="Accept and sign in").click()
    await expect(agent.locator("#connection")).to_have_text("Live")
    await expect(agent.locator("#store-name")).to_contain_text("(agent)")
    await expect(agent.locator("#team")).to_be_hidden()
    await expect(agent.locator("#customers-section")).to_be_hidden()
    await expect(agent.locator("#tab-live")).to_be_visible()
    await expect(agent.locator("#tab-settings")).to_be_hidden()
    assert await agent.evaluate("window.pwned") is None
    assert await owner.evaluate("window.pwned") is None

    # Signing out and in again with the password.
    await agent.get_by_role("button", name="Sign out").click()
    await expect(agent.locator("#signin")).to_be_visible()
    await agent.locator("#agent-store").fill(shop.store_id)
    await agent.locator("#agent-email").fill("ana@example.org")
    await agent.locator("#agent-password").fill("correct horse battery")
    await agent.get_by_role("button", name="Log in as agent").click()
    await expect(agent.locator("#connection")).to_have_text("Live")

    await owner.reload()
    await expect(owner.locator("#connection")).to_have_text("Live")
    await expect(row).to_contain_text("active")
    await row.get_by_role("button", name=re.compile("Remove")).click()
    await owner.get_by_role("button", name="Remove", exact=True).click()
    await expect(owner.locator("#agents tr")).to_have_count(0)
    await expect(agent.locator("#signin")).to_be_visible()
    await expect(agent.locator("#signin-error")).to_contain_text("removed from this store")


async def test_a_wrong_password_is_said_and_another_stores_agent_sees_nothing_here(
    browser: Browser, shop: Shop, second_shop: Shop
) -> None:
    added = await shop.hub.hub.agents.add(second_shop.store_id, "bo@example.org", "Bo", "agent")
    await shop.hub.hub.agents.accept_invite(added.invite_code, "correct horse battery")
    page = await new_page(browser)
    await page.goto(f"{shop.hub.http_url}/console?store={shop.store_id}")
    await expect(page.locator("#agent-store")).to_have_value(shop.store_id)
    await page.locator("#agent-email").fill("bo@example.org")
    await page.locator("#agent-password").fill("correct horse battery")
    await page.get_by_role("button", name="Log in as agent").click()
    await expect(page.locator("#signin-error")).to_contain_text("Wrong email or password")
    await expect(page.locator("#console")).to_be_hidden()
    # Four more tries (elsewhere), then the sixth is told to wait, in words.
    async with httpx.AsyncClient(base_url=shop.hub.http_url) as http:
        body = {"store_id": shop.store_id, "email": "bo@example.org", "password": "nope nope"}
        for _ in range(4):
            assert (await http.post("/api/agent-sessions", json=body)).status_code == 401
    await page.get_by_role("button", name="Log in as agent").click()
    await expect(page.locator("#signin-error")).to_have_text(
        "Too many attempts: try again in 15 minutes"
    )


async def agent_console(browser: Browser, shop: Shop, email: str) -> Page:
    page = await new_page(browser)
    await page.goto(f"{shop.hub.http_url}/console?store={shop.store_id}")
    await page.locator("#agent-email").fill(email)
    await page.locator("#agent-password").fill("correct horse battery")
    await page.get_by_role("button", name="Log in as agent").click()
    await expect(page.locator("#connection")).to_have_text("Live")
    return page


async def test_an_owner_changes_roles_with_a_select_and_the_hub_keeps_an_owner(
    browser: Browser, shop: Shop
) -> None:
    agents = shop.hub.hub.agents
    for email, name, role in (
        ("olga@example.org", "Olga", "owner"),
        ("ana@example.org", HOSTILE, "agent"),
    ):
        added = await agents.add(shop.store_id, email, name, role)
        await agents.accept_invite(added.invite_code, "correct horse battery")
    olga = await agent_console(browser, shop, "olga@example.org")
    ana = await agent_console(browser, shop, "ana@example.org")
    await expect(olga.locator("#team")).to_be_visible()
    mine = olga.get_by_label("Role of Olga")
    await expect(olga.locator("#agents tr").filter(has=mine)).to_contain_text("Olga (you)")

    # Her own role is not hers to change (the hub refuses it too): the select says so.
    await expect(mine).to_be_disabled()
    await expect(mine).to_have_value("owner")
    await expect(olga.locator("#agents tr").filter(has=mine)).to_contain_text(
        "Another owner changes your role"
    )
    await expect(olga.locator("#store-name")).to_contain_text("(owner)")

    # Ana becomes an owner: her console is signed out at once, saying why.
    theirs = olga.get_by_label(f"Role of {HOSTILE}")
    await theirs.select_option("owner")
    await expect(olga.locator("#agent-role-result")).to_contain_text("is now an owner")
    await expect(olga.locator("#agents-error")).to_have_text("")
    await expect(theirs).to_have_value("owner")
    await expect(ana.locator("#signin")).to_be_visible()
    await expect(ana.locator("#signin-error")).to_contain_text("sign in again")
    ana_again = await agent_console(browser, shop, "ana@example.org")
    await expect(ana_again.locator("#store-name")).to_contain_text("(owner)")
    await expect(ana_again.locator("#team")).to_be_visible()

    # Back to agent; then the store's key may not demote the last owner.
    await theirs.select_option("agent")
    await expect(theirs).to_have_value("agent")
    await expect(ana_again.locator("#signin")).to_be_visible()
    keyed = await open_console(browser, shop, shop.key)
    last = keyed.get_by_label("Role of Olga")
    await last.focus()  # as with the keyboard: the focus stays on the select
    await last.select_option("agent")
    await expect(keyed.locator("#agents-error")).to_have_text("A store keeps at least one owner")
    await expect(last).to_have_value("owner")
    await expect(last).to_be_focused()
    await expect(olga.locator("#connection")).to_have_text("Live")  # nothing happened to her
    assert await keyed.evaluate("window.pwned") is None

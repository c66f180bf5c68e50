"""Taking conversations in real Chromium (docs/agents.md "Taking a visitor", "Writing first"):
a visitor writes from the talk panel, the agent's Workspace row shows it unread, the agent takes
it and answers in Live selling, the visitor reads the answer, and a colleague sees "with Ana";
the chat cap refuses in words; an agent writes first from a visitor's details and the visitor's
panel opens with the message; hostile text stays text; the owner sets a cap in Agents. With
CARTSTART_SHOTS=docs/img (`make web-screenshots`) the first test writes desk-conversations.png
there, and the owner's take-over dialog as desk-take-over.png (otherwise into the test's
temporary directory)."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.async_api import Browser, Locator, Page, expect

from cartstart_server.domain.selling import Speaker
from shared_protocol.calls import AnswerCall, HangUp, StartCall
from tests.storefront.conftest import Shop, new_page
from tests.storefront.test_console import open_console
from tests.storefront.test_talk_entry import agent_console, workspace_on
from tests.storefront.test_talk_panel import STORE, panel, write

HOSTILE = '<img src=x onerror="window.pwned=1"><b>Hello</b> & welcome'
SHOT_NAME = "desk-conversations.png"


async def at_workspace(
    browser: Browser, shop: Shop, name: str, email: str, role: str = "agent"
) -> Page:
    agent = await agent_console(browser, shop, name, email, role)
    await agent.get_by_role("tab", name="Workspace").click()
    await agent.get_by_role("radio", name="Available").check()
    return agent


async def visitor_writes(browser: Browser, shop: Shop, path: str, text: str) -> Page:
    visitor = await new_page(browser)
    await visitor.goto(shop.page_url(path))
    await visitor.get_by_role("link", name="Talk to us").click()
    await expect(panel(visitor)).to_be_visible()
    await write(visitor, text)
    return visitor


def row_on(agent: Page, path: str) -> Locator:
    return agent.locator("#desk-visitors tr").filter(has_text=path)


async def test_a_visitor_writes_first_an_agent_takes_it_and_a_colleague_sees_with_ana(
    browser: Browser, shop: Shop, tmp_path: Path
) -> None:
    await workspace_on(shop)
    ana = await at_workspace(browser, shop, "Ana", "ana@example.org")
    bo = await at_workspace(browser, shop, "Bo", "bo@example.org")
    visitor = await visitor_writes(browser, shop, "/products/mug", "Is the mug dishwasher safe?")
    row = row_on(ana, "/products/mug")
    await expect(row.locator(".talk-unread")).to_have_text("1 unread")
    await expect(row_on(bo, "/products/mug").locator(".talk-unread")).to_have_text("1 unread")

    # Ana takes it: the console opens it in Live selling; she answers, the visitor reads it.
    await row.get_by_role("button", name="Take this visitor's conversation").click()
    await expect(ana.locator("#chat-log")).to_contain_text("Is the mug dishwasher safe?")
    await ana.locator("#chat-text").fill("Yes, it is.")
    await ana.locator("#chat-text").press("Enter")
    await expect(panel(visitor).get_by_role("log")).to_contain_text("Yes, it is.")

    # Bo sees it taken, and cannot take it.
    bo_row = row_on(bo, "/products/mug")
    await expect(bo_row.locator(".talk-taken")).to_have_text("with Ana")
    await expect(
        bo_row.get_by_role("button", name="Take this visitor's conversation")
    ).to_be_hidden()
    await expect(bo_row.locator(".talk-unread")).to_have_count(0)
    # Bo's Live selling lobby says so too.
    await bo.get_by_role("tab", name="Live selling").click()
    await expect(bo.locator(".lobby-row .taken")).to_have_text("with Ana")
    await bo.get_by_role("tab", name="Workspace").click()
    # Back in Ana's Workspace, the row says it is hers.
    await ana.get_by_role("tab", name="Workspace").click()
    await expect(row.locator(".talk-mine")).to_have_text("Yours")

    # A second visitor writes: Bo's list shows one taken, one unread (the screenshot).
    await visitor_writes(browser, shop, "/products/tricky", "Do you ship to Porto?")
    await expect(row_on(bo, "/products/tricky").locator(".talk-unread")).to_have_text("1 unread")
    await bo.set_viewport_size({"width": 1280, "height": 640})
    shots = Path(os.environ.get("CARTSTART_SHOTS") or tmp_path)
    await bo.locator("section.desk").screenshot(path=str(shots / SHOT_NAME))

    # Ana's cap is 1: taking the second is refused in words, and it stays free for Bo.
    agent = await shop.hub.hub.agents.listed(shop.store_id)
    ana_id = next(a.agent_id for a in agent if a.name == "Ana")
    assert await shop.hub.hub.claims.set_cap_of(shop.store_id, ana_id, 1)
    second = row_on(ana, "/products/tricky")
    await second.get_by_role("button", name="Take this visitor's conversation").click()
    await expect(ana.locator("#desk-take-error")).to_have_text(
        "You have 1 chat open: close or hand one over first."
    )
    await (
        row_on(bo, "/products/tricky")
        .get_by_role("button", name="Take this visitor's conversation")
        .click()
    )
    await expect(bo.locator("#chat-log")).to_contain_text("Do you ship to Porto?")
    await expect(second.locator(".talk-taken")).to_have_text("with Bo")


async def test_an_owner_takes_over_a_colleagues_conversation_after_saying_so(
    browser: Browser, shop: Shop, tmp_path: Path
) -> None:
    await workspace_on(shop)
    ana = await at_workspace(browser, shop, "Ana", "ana@example.org")
    olga = await at_workspace(browser, shop, "Olga", "olga@example.org", role="owner")
    visitor = await visitor_writes(browser, shop, "/products/mug", "Can I pay by card?")
    await (
        row_on(ana, "/products/mug")
        .get_by_role("button", name="Take this visitor's conversation")
        .click()
    )
    await expect(ana.locator("#chat-log")).to_contain_text("Can I pay by card?")

    # Olga, an owner, sees it with Ana and may take it over, after a dialog that says so.
    olga_row = row_on(olga, "/products/mug")
    await expect(olga_row.locator(".talk-taken")).to_have_text("with Ana")
    over = olga_row.get_by_role("button", name="Take over this visitor's conversation from Ana")
    await over.click()
    dialog = olga.get_by_role("dialog", name="Take over from Ana?")
    await expect(dialog).to_contain_text("Ana can still read it but can no longer write")
    shots = Path(os.environ.get("CARTSTART_SHOTS") or tmp_path)
    await olga.screenshot(path=str(shots / "desk-take-over.png"))
    await dialog.get_by_role("button", name="Cancel").click()
    await expect(dialog).to_be_hidden()
    await expect(olga_row.locator(".talk-taken")).to_have_text("with Ana")  # nothing changed
    await over.click()
    await dialog.get_by_role("button", name="Take over").click()
    await expect(dialog).to_be_hidden()
    await expect(olga.locator("#chat-log")).to_contain_text("Can I pay by card?")
    await olga.locator("#chat-text").fill("Yes, any card.")
    await olga.locator("#chat-text").press("Enter")
    await expect(panel(visitor).get_by_role("log")).to_contain_text("Yes, any card.")
    # Ana's Workspace shows it with Olga now, with no button (Ana is no owner).
    await ana.get_by_role("tab", name="Workspace").click()
    ana_row = row_on(ana, "/products/mug")
    await expect(ana_row.locator(".talk-taken")).to_have_text("with Olga")
    await expect(ana_row.get_by_role("button")).to_have_count(1)  # Details only


async def test_an_agent_writes_first_from_the_details_and_the_visitors_panel_opens(
    browser: Browser, shop: Shop
) -> None:
    await workspace_on(shop)
    ana = await at_workspace(browser, shop, "Ana", "ana@example.org")
    visitor = await new_page(browser)
    await visitor.goto(shop.page_url("/products/mug"))
    row = row_on(ana, "/products/mug")
    await row.get_by_role("button", name="Details").click()
    form = ana.locator("#desk-approach")
    await expect(form).to_be_visible()
    await form.get_by_label("Write to this visitor").fill(HOSTILE)
    await form.get_by_label("Ask them to a video call too").check()
    await form.get_by_role("button", name="Send").click()
    # The console opens the conversation, with the message sent.
    await expect(ana.locator("#chat-log")).to_contain_text(HOSTILE)
    # The visitor's panel opens by itself, saying who writes, the message as text.
    offered = visitor.get_by_role("dialog", name=f"Talk to Ana at {STORE}")
    await expect(offered).to_be_visible()
    await expect(offered.get_by_role("log")).to_contain_text(HOSTILE)
    assert await visitor.evaluate("window.pwned") is None
    assert await ana.evaluate("window.pwned") is None
    # Ana asked for a call too: the panel rings, and the visitor may decline.
    ringing = offered.locator(".cartstart-talk-call .call-status")
    await expect(ringing).to_have_text(f"{STORE} is calling")
    await offered.get_by_role("button", name="Decline").click()
    await expect(ana.locator("#live-call")).to_contain_text("declined")
    # The visitor answers; Ana reads it.
    box = offered.get_by_label("Your message")
    await box.fill("Just looking, thanks")
    await box.press("Enter")
    await expect(ana.locator("#chat-log")).to_contain_text("Just looking, thanks")


async def test_the_owner_sets_an_agents_chat_cap_in_the_agents_panel(
    browser: Browser, shop: Shop
) -> None:
    added = await shop.hub.hub.agents.add(shop.store_id, "ana@example.org", "Ana", "agent")
    owner = await open_console(browser, shop, shop.key)
    cap = owner.get_by_label("Chats Ana holds at once")
    await expect(cap).to_have_value("3")
    await cap.fill("5")
    await cap.press("Enter")
    await expect(owner.locator("#agent-role-result")).to_have_text(
        "Ana now holds at most 5 chats at once."
    )
    listed = await shop.hub.hub.agents.listed(shop.store_id)
    assert [a.chat_cap for a in listed if a.agent_id == added.agent.agent_id] == [5]
    await cap.fill("25")
    await cap.press("Enter")
    await expect(owner.locator("#agents-error")).to_contain_text("from 1 to 20")
    await expect(cap).to_have_value("5")


async def test_a_visitor_in_a_call_leaves_the_list_and_comes_back_after_it(
    browser: Browser, shop: Shop
) -> None:
    await workspace_on(shop)
    ana = await at_workspace(browser, shop, "Ana", "ana@example.org")
    await visitor_writes(browser, shop, "/products/mug", "Can we talk on video?")
    row = row_on(ana, "/products/mug")
    await row.get_by_role("button", name="Take this visitor's conversation").click()
    await expect(ana.locator("#chat-log")).to_contain_text("Can we talk on video?")
    await ana.get_by_role("tab", name="Workspace").click()
    await expect(ana.locator("#desk-visitor-count")).to_have_text("(1)")
    # A call runs (rung and answered through the hub: the media are not what is tested here).
    hub = shop.hub.hub
    talk = (await hub.claims.conversations(shop.store_id))[0]
    ana_id = talk.agent_id
    store_side = Speaker("store", shop.store_id, talk.session_id, ana_id)
    rang = await hub.calls.command(store_side, StartCall(id="ring-0001"))
    assert rang.call is not None
    visitor_side = Speaker("visitor", shop.store_id, talk.session_id)
    await hub.calls.command(
        visitor_side, AnswerCall(id="join-0001", call_id=rang.call.call_id, accept=True)
    )
    await expect(row).to_be_hidden()
    await expect(ana.locator("#desk-visitor-count")).to_have_text("")
    await hub.calls.command(store_side, HangUp(id="hang-0001", call_id=rang.call.call_id))
    await expect(row).to_be_visible()
    await expect(row.locator(".talk-mine")).to_have_text("Yours")

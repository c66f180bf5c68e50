"""Busy status on the shop's pages (docs/agents.md "Busy status"): while Ana is in a call, a
visitor on a product she handles reads "Ana is on another call" on the Talk to us entry and in
the talk panel before asking; a product another agent handles stays as it was; the call's end
takes it back, live. Names are text."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Locator, Page, WebSocketRoute, expect

from cartstart_server.domain.selling import Speaker
from shared_protocol.calls import AnswerCall, HangUp, StartCall
from tests.storefront.conftest import Shop, new_page
from tests.storefront.test_console import open_console
from tests.storefront.test_desk_conversations import at_workspace, row_on, visitor_writes
from tests.storefront.test_live_calls import watch
from tests.storefront.test_talk_entry import workspace_on
from tests.storefront.test_talk_panel import panel, write

HOSTILE = '<img src=x onerror="window.pwned=1"><b>Ana</b>'


def busy_line(page: Page) -> Locator:
    return page.locator("a.cartstart-talk .cartstart-talk-busy")


async def agent_id(shop: Shop, name: str) -> str:
    agents = await shop.hub.hub.agents.listed(shop.store_id)
    return next(a.agent_id for a in agents if a.name == name)


async def in_call_with(browser: Browser, shop: Shop, name: str) -> tuple[Page, Speaker, str]:
    """`name` Available at her Workspace, a visitor who wrote from the mug's page, taken by her,
    and a call between them (rung and answered through the hub: the media are not tested)."""
    agent = await at_workspace(browser, shop, name, "ana@example.org")
    await visitor_writes(browser, shop, "/products/mug", "Can we talk on video?")
    await (
        row_on(agent, "/products/mug")
        .get_by_role("button", name="Take this visitor's conversation")
        .click()
    )
    await expect(agent.locator("#chat-log")).to_contain_text("Can we talk on video?")
    hub = shop.hub.hub
    talk = (await hub.claims.conversations(shop.store_id))[0]
    store_side = Speaker("store", shop.store_id, talk.session_id, talk.agent_id)
    rang = await hub.calls.command(store_side, StartCall(id="ring-0001"))
    assert rang.call is not None
    visitor_side = Speaker("visitor", shop.store_id, talk.session_id)
    await hub.calls.command(
        visitor_side, AnswerCall(id="join-0001", call_id=rang.call.call_id, accept=True)
    )
    return agent, store_side, rang.call.call_id


async def test_a_visitor_on_a_product_ana_handles_sees_her_busy_until_her_call_ends(
    browser: Browser, shop: Shop
) -> None:
    trouble: list[str] = []
    await workspace_on(shop)
    hub = shop.hub.hub
    bo = await hub.agents.add(shop.store_id, "bo@example.org", "Bo", "agent")
    await hub.busy.set_products(shop.store_id, bo.agent.agent_id, ["last-vase"])
    agent, store_side, call_id = await in_call_with(browser, shop, "Ana")
    watch(agent, trouble)
    # Ana handles the mug (set while she is in the call: heard live too).
    await hub.busy.set_products(shop.store_id, await agent_id(shop, "Ana"), ["mug"])
    second = await new_page(browser)
    watch(second, trouble)
    await second.goto(shop.page_url("/products/mug"))
    entry = second.get_by_role("link", name="Talk to us")
    await expect(entry).to_be_visible()
    await expect(busy_line(second)).to_have_text("Ana is on another call")
    await expect(entry).to_have_accessible_name("Talk to us Ana is on another call")
    # Bo's product: nothing said.
    third = await new_page(browser)
    watch(third, trouble)
    await third.goto(shop.page_url("/products/last-vase"))
    await expect(third.get_by_role("link", name="Talk to us")).to_be_visible()
    await expect(busy_line(third)).to_be_hidden()
    # A page of a product nobody handles says nothing, until the mug is added to it later:
    # the widget asks about the mug too.
    fourth = await new_page(browser)
    watch(fourth, trouble)
    await fourth.goto(shop.page_url("/products/tricky"))
    await expect(fourth.get_by_role("link", name="Talk to us")).to_be_visible()
    await expect(busy_line(fourth)).to_be_hidden()
    await fourth.evaluate(
        """(store) => { const el = document.createElement('div');
          el.dataset.cartstartStore = store; el.dataset.cartstartProduct = 'mug';
          el.id = 'later'; document.body.append(el); }""",
        shop.store_id,
    )
    await expect(fourth.locator("#later")).to_have_attribute("data-cartstart-state", "available")
    await expect(busy_line(fourth)).to_have_text("Ana is on another call")
    # The panel says it too before asking; asking still works (any agent answers).
    await entry.click()
    status = panel(second).get_by_role("status").filter(has_text="on another call")
    await expect(status).to_have_text("Ana is on another call")
    # The call ends: the entry and the panel go back, live.
    await hub.calls.command(store_side, HangUp(id="hang-0001", call_id=call_id))
    await expect(status).to_be_hidden()
    await expect(busy_line(second)).to_be_hidden()
    await write(second, "Is the mug dishwasher safe?")
    assert trouble == []


async def test_a_hostile_agent_name_is_shown_as_text(browser: Browser, shop: Shop) -> None:
    await workspace_on(shop)
    await in_call_with(browser, shop, HOSTILE)
    await shop.hub.hub.busy.set_products(shop.store_id, await agent_id(shop, HOSTILE), ["mug"])
    second = await new_page(browser)
    await second.goto(shop.page_url("/products/mug"))
    await expect(busy_line(second)).to_have_text(f"{HOSTILE} is on another call")
    await second.get_by_role("link", name="Talk to us").click()
    await expect(panel(second).get_by_role("status").filter(has_text="another call")).to_have_text(
        f"{HOSTILE} is on another call"
    )
    assert await second.evaluate("window.pwned") is None
    assert await second.locator("a.cartstart-talk img, .cartstart-talk-panel img").count() == 0


async def test_the_owner_picks_the_products_an_agent_handles(browser: Browser, shop: Shop) -> None:
    hub = shop.hub.hub
    added = await hub.agents.add(shop.store_id, "ana@example.org", HOSTILE, "agent")
    await hub.busy.set_products(shop.store_id, added.agent.agent_id, ["last-vase"])
    owner = await open_console(browser, shop, shop.key)
    await owner.get_by_role("button", name=f"Products {HOSTILE} handles").click()
    dialog = owner.get_by_role("dialog", name=f"Products {HOSTILE} handles")
    await expect(dialog).to_be_visible()
    group = dialog.get_by_role("group", name=f"Products {HOSTILE} handles")
    vase, mug = group.get_by_label("The last vase"), group.get_by_label("Mug", exact=True)
    await expect(vase).to_be_checked()
    await expect(vase).to_be_focused()
    await expect(mug).not_to_be_checked()
    await owner.keyboard.press("Space")  # the vase off, from the keyboard
    await mug.check()
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_be_hidden()
    await expect(owner.locator("#agent-role-result")).to_have_text(
        f"{HOSTILE} handles 1 product now."
    )
    mine = await hub.busy.products_of(shop.store_id, added.agent.agent_id)
    assert mine.product_ids == ["mug"]
    assert await owner.evaluate("window.pwned") is None


async def test_a_page_without_websockets_hears_the_busy_status_by_long_polling(
    browser: Browser, shop: Shop
) -> None:
    await workspace_on(shop)
    hub = shop.hub.hub
    agent, store_side, call_id = await in_call_with(browser, shop, "Ana")
    await hub.busy.set_products(shop.store_id, await agent_id(shop, "Ana"), ["mug"])
    page = await new_page(browser)
    attempts: list[str] = []

    async def refuse(ws: WebSocketRoute) -> None:
        attempts.append(ws.url)
        await ws.close()  # as behind a proxy that drops WebSockets

    await page.route_web_socket(re.compile(r".*/ws/page"), refuse)
    await page.goto(shop.page_url("/products/mug"))
    await expect(busy_line(page)).to_have_text("Ana is on another call")
    assert len(attempts) >= 2
    # The call ends: the long-poll waiting for the change answers, and the words go.
    await hub.calls.command(store_side, HangUp(id="hang-0002", call_id=call_id))
    await expect(busy_line(page)).to_be_hidden()
    assert await agent.evaluate("window.pwned") is None

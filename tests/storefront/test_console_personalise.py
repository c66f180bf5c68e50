"""Personalised items in the store console, in real Chromium against a real hub
(docs/personalise.md "For shops: watching and helping"): the list of carted personalised items
with each buyer's progress, updated as the buyer types; following a draft live; comments; asking
to edit, editing after the buyer's consent (last writer wins), stopping. Buyers' words and
hostile names are shown as text."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.helpers.hubs import seed_store
from tests.helpers.peers import Account, sign_up
from tests.storefront.conftest import Shop, new_page
from tests.storefront.test_console import open_console

HOSTILE = '<img src=x onerror="window.pwned=1">Ana & <b>Ivan</b>'

FORM: dict[str, Any] = {
    "intro": "Tell us what to print.",
    "fields": [
        {"key": "wording", "label": "Wording", "kind": "long_text", "required": True},
        {"key": "paper", "label": "Paper", "kind": "choice", "options": ["Cotton", HOSTILE]},
        {
            "key": "guests",
            "label": "Guest list",
            "kind": "rows",
            "required": True,
            "columns": [
                {"key": "name", "label": "Name", "kind": "text", "required": True},
                {"key": "table", "label": "Table", "kind": "number", "integer": True, "min": 1},
            ],
        },
    ],
    "price_rules": [{"kind": "per_row", "field": "guests", "amount": 50}],
}


@pytest.fixture
async def http(shop: Shop) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=shop.hub.http_url, timeout=10) as client:
        yield client


async def put_form(http: httpx.AsyncClient, shop: Shop, product_id: str = "mug") -> None:
    r = await http.put(
        f"/api/stores/{shop.store_id}/products/{product_id}/form",
        json=FORM,
        headers={"Authorization": f"Bearer {shop.key}"},
    )
    assert r.status_code == 200, r.text


async def holding_buyer(http: httpx.AsyncClient, shop: Shop, email: str) -> tuple[Account, str]:
    """A signed-up buyer holding one mug; the ticket's id."""
    who = await sign_up(http, email)
    body = {
        "type": "reserve",
        "id": f"hold-{email.split('@')[0]}-0001",
        "store_id": shop.store_id,
        "product_id": "mug",
    }
    r = await http.post("/api/cart/commands", json=body, headers=who.auth)
    assert r.status_code == 200, r.text
    return who, str(r.json()["ticket"]["ticket_id"])


async def buyer_edit(http: httpx.AsyncClient, shop: Shop, who: Account, **values: Any) -> None:
    r = await http.post(
        f"/api/cart/drafts/{shop.store_id}/mug", json={"values": values}, headers=who.auth
    )
    assert r.status_code == 200, r.text


async def buyer_view(http: httpx.AsyncClient, shop: Shop, who: Account) -> dict[str, Any]:
    r = await http.get(f"/api/cart/drafts/{shop.store_id}/mug", headers=who.auth)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def no_blocking_dialogs(page: Page) -> list[str]:
    seen: list[str] = []  # prompt(), alert() or confirm(): never
    page.on("dialog", lambda d: seen.append(d.message))
    return seen


async def test_the_console_follows_a_draft_live_comments_and_edits_only_after_consent(
    browser: Browser, shop: Shop, http: httpx.AsyncClient
) -> None:
    await put_form(http, shop)
    ana, ticket_id = await holding_buyer(http, shop, "ana@example.org")
    console = await open_console(browser, shop, shop.key)
    blocking = await no_blocking_dialogs(console)
    section = console.locator("#drafts-section")
    await expect(section).to_be_visible()
    row = section.locator("#drafts tr")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("1 × Mug")
    await expect(row).to_contain_text("0 of 2 done")
    await expect(row).to_contain_text("Not started")

    # The buyer types: the row moves at once, without a reload.
    await buyer_edit(http, shop, ana, wording=HOSTILE)
    await expect(row).to_contain_text("1 of 2 done")
    await expect(row).to_contain_text("by the buyer")
    await expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "1")

    # Following it: the values read-only, updating live; hostile text shown as text.
    await row.get_by_role("button", name=re.compile("^Follow Mug")).click()
    panel = console.locator("#draft-panel")
    await expect(panel.get_by_role("heading", name="Mug")).to_be_focused()  # the keyboard follows
    wording = panel.locator('[data-field="wording"]')
    await expect(wording.locator(".draft-value")).to_have_text(HOSTILE)
    await expect(panel.locator('[data-field="guests"] .draft-value')).to_have_text(
        "Not filled in yet"
    )
    await expect(panel.get_by_role("button", name="Save Wording")).to_have_count(0)
    await buyer_edit(
        http, shop, ana, paper=HOSTILE, guests=[{"name": "Ana", "table": 1}, {"name": HOSTILE}]
    )
    guests = panel.locator('[data-field="guests"]')
    await expect(guests.locator("tbody tr")).to_have_count(2)
    await expect(guests.locator("tbody tr").nth(1).locator("td").first).to_have_text(HOSTILE)
    await expect(panel.locator('[data-field="paper"] .draft-value')).to_have_text(HOSTILE)
    await expect(panel.locator(".draft-status")).to_have_text("The buyer changed Paper, Guest list")
    await expect(panel.locator(".draft-meta")).to_contain_text("Complete (2 of 2)")
    await expect(panel.locator(".draft-meta")).to_contain_text("16.00 EUR each")  # 15 + 2 x 0.50

    # A comment on a field, in a styled dialog: the buyer gets it.
    await wording.get_by_role("button", name="Comment on Wording").click()
    dialog = console.get_by_role("dialog", name="Comment on “Wording”")
    await expect(dialog.get_by_label("Comment")).to_be_focused()
    await dialog.get_by_label("Comment").fill("Shall we use the <i>italic</i> script?")
    await dialog.get_by_role("button", name="Send comment").click()
    await expect(dialog).to_be_hidden()
    await expect(wording.locator(".draft-comments li")).to_contain_text(
        "Shall we use the <i>italic</i> script?"
    )
    (comment,) = (await buyer_view(http, shop, ana))["comments"]
    assert comment["field"] == "wording"
    assert comment["by_name"] == "Test Pottery"

    # Asking to edit: nothing editable until the buyer allows it.
    await panel.get_by_role("button", name="Ask to edit").click()
    await expect(panel.locator(".draft-takeover")).to_contain_text("Waiting for the buyer")
    await expect(panel.get_by_role("button", name="Cancel the request")).to_be_visible()
    assert (await buyer_view(http, shop, ana))["shop_editing"] == "asked"
    await expect(panel.get_by_role("button", name="Save Wording")).to_have_count(0)
    r = await http.post(
        f"/api/cart/drafts/{shop.store_id}/mug/consent", json={"allow": True}, headers=ana.auth
    )
    assert r.status_code == 200, r.text
    await expect(panel.locator(".draft-takeover")).to_contain_text("The buyer lets you edit")
    await expect(row).to_contain_text("You may edit")

    # The shop edits the guest list: a row added, saved; the buyer sees it, by the shop.
    editor = guests.locator(".rows-editor")
    await expect(editor.locator("tbody tr")).to_have_count(2)
    await editor.get_by_role("button", name="Add row").click()
    await expect(editor.get_by_label("Guest list, row 3, Name")).to_be_focused()
    await console.keyboard.type("Mira")
    await editor.get_by_label("Guest list, row 3, Table").fill("2")
    await guests.get_by_role("button", name="Save Guest list").click()
    await expect(panel.locator(".draft-status")).to_have_text(
        "Saved Guest list: the buyer sees it now."
    )
    await expect(guests.locator(".draft-by")).to_contain_text("Changed by Test Pottery (shop)")
    state = (await buyer_view(http, shop, ana))["values"]["guests"]
    assert state["by"] == "shop" and state["by_name"] == "Test Pottery"
    assert state["value"][2] == {"name": "Mira", "table": 2}

    # A refused value is said by the field, and changes nothing.
    await editor.get_by_label("Guest list, row 1, Table").fill("2.5")
    await guests.get_by_role("button", name="Save Guest list").click()
    await expect(guests.get_by_role("alert")).to_contain_text("Guest list, row 1, Table")
    assert (await buyer_view(http, shop, ana))["values"]["guests"]["value"][0]["table"] == 1

    # Two editors on one field: the later write stays, shown to both (last writer wins).
    await wording.get_by_label("Wording (your edit)").fill("From the shop")
    await wording.get_by_role("button", name="Save Wording").click()
    await expect(wording.locator(".draft-value")).to_have_text("From the shop")
    await buyer_edit(http, shop, ana, wording="From the buyer, later")
    await expect(wording.locator(".draft-value")).to_have_text("From the buyer, later")
    await expect(wording.locator(".draft-by")).to_contain_text("Written by the buyer")
    await expect(wording.get_by_label("Wording (your edit)")).to_have_value("From the buyer, later")
    # The buyer writes while the shop types: the shop's typing stays, with a note.
    await wording.get_by_label("Wording (your edit)").fill("Shop typing")
    await buyer_edit(http, shop, ana, wording="Buyer again")
    await expect(wording.locator(".draft-value")).to_have_text("Buyer again")
    await expect(wording.get_by_label("Wording (your edit)")).to_have_value("Shop typing")
    await expect(wording.locator(".draft-note")).to_contain_text("changed this field while")

    # Stop editing: read-only again, for both.
    await panel.get_by_role("button", name="Stop editing").click()
    await expect(panel.locator(".draft-takeover")).to_contain_text("Read-only")
    await expect(panel.get_by_role("button", name="Save Wording")).to_have_count(0)
    assert (await buyer_view(http, shop, ana))["shop_editing"] == "off"

    # The hold ends: the row goes, and the draft is private again.
    body = {"type": "release", "id": "release-1", "ticket_id": ticket_id}
    r = await http.post("/api/cart/commands", json=body, headers=ana.auth)
    assert r.status_code == 200, r.text
    await expect(row).to_have_count(0)
    await expect(panel).to_contain_text("no longer held in the buyer's cart")
    await expect(section.locator("#drafts-empty")).to_be_visible()
    assert await console.evaluate("window.pwned") is None
    assert blocking == []


async def test_an_agent_sees_personalised_items_but_not_the_form_editor(
    browser: Browser, shop: Shop, http: httpx.AsyncClient
) -> None:
    await put_form(http, shop)
    bo, _ = await holding_buyer(http, shop, "bo@example.org")
    await buyer_edit(http, shop, bo, wording="Hello")
    added = await shop.hub.hub.agents.add(shop.store_id, "ana@example.org", HOSTILE, "agent")
    await shop.hub.hub.agents.accept_invite(added.invite_code, "correct horse battery")
    agent = await new_page(browser)
    await agent.goto(f"{shop.hub.http_url}/console?store={shop.store_id}")
    await agent.locator("#agent-email").fill("ana@example.org")
    await agent.locator("#agent-password").fill("correct horse battery")
    await agent.get_by_role("button", name="Log in as agent").click()
    await expect(agent.locator("#connection")).to_have_text("Live")
    await expect(agent.locator("#drafts-section")).to_be_visible()
    await expect(agent.locator("#forms-section")).to_be_hidden()
    row = agent.locator("#drafts tr")
    await expect(row).to_contain_text("1 of 2 done")

    # The agent comments; the buyer reads the agent's name, as text.
    await row.get_by_role("button", name=re.compile("^Follow Mug")).click()
    panel = agent.locator("#draft-panel")
    await panel.get_by_role("button", name="Comment on the whole form").click()
    dialog = agent.get_by_role("dialog", name="Comment on the whole form")
    await dialog.get_by_label("Comment").fill("We print on Monday.")
    await dialog.get_by_role("button", name="Send comment").click()
    await expect(dialog).to_be_hidden()
    comments = panel.locator('.draft-comments[aria-label="Comments on the whole form"] li')
    await expect(comments).to_contain_text(f"We print on Monday. — {HOSTILE}")
    (comment,) = (await buyer_view(http, shop, bo))["comments"]
    assert comment["field"] is None and comment["by_name"] == HOSTILE

    # The agent asks to edit; the buyer says no: read-only, said in words.
    await panel.get_by_role("button", name="Ask to edit").click()
    await expect(panel.locator(".draft-takeover")).to_contain_text("Waiting for the buyer")
    r = await http.post(
        f"/api/cart/drafts/{shop.store_id}/mug/consent", json={"allow": False}, headers=bo.auth
    )
    assert r.status_code == 200, r.text
    await expect(panel.locator(".draft-status")).to_have_text(
        "Editing is off: the draft is read-only again."
    )
    await expect(panel.get_by_role("button", name="Ask to edit")).to_be_visible()
    await expect(panel.get_by_role("button", name="Save Wording")).to_have_count(0)
    assert await agent.evaluate("window.pwned") is None


async def test_an_order_shows_the_buyers_customisation_as_text(
    browser: Browser, shop: Shop, http: httpx.AsyncClient
) -> None:
    await put_form(http, shop)
    ana, _ = await holding_buyer(http, shop, "ana@example.org")
    await buyer_edit(http, shop, ana, wording=HOSTILE, guests=[{"name": "<b>Ivo</b>", "table": 3}])
    console = await open_console(browser, shop, shop.key)
    await expect(console.locator("#drafts tr")).to_contain_text("Complete (2 of 2)")
    body = {"type": "checkout", "id": "checkout-0001"}
    r = await http.post("/api/cart/commands", json=body, headers=ana.auth)
    assert r.status_code == 200, r.text
    (order,) = r.json()["orders"]
    # The order arrives live with what the buyer wrote, and the item leaves the list.
    row = console.locator("#orders tr").filter(has_text=order["order_id"])
    await expect(row.locator(".customisation dd").first).to_have_text(HOSTILE)
    await expect(row.locator(".customisation")).to_contain_text("Name: <b>Ivo</b>, Table: 3")
    await expect(row).to_contain_text("15.50 EUR")  # 15.00 + one guest at 0.50
    await expect(console.locator("#drafts tr")).to_have_count(0)
    assert await console.evaluate("window.pwned") is None


@pytest.mark.backends("postgres")
async def test_a_console_on_one_node_follows_a_buyer_on_another(
    browser: Browser, nodes: tuple[HubServer, HubServer]
) -> None:
    a, b = nodes
    store_id, key = await seed_store(a.hub, "Paper Moon", {"mug": 5})
    shop = Shop(a, FakeClock(), store_id, "", key)
    async with httpx.AsyncClient(base_url=b.http_url, timeout=10) as on_b:
        await put_form(on_b, shop)
        ana, _ = await holding_buyer(on_b, shop, "ana@example.org")
        console = await open_console(browser, shop, key)  # the console's page and feed: node a
        row = console.locator("#drafts tr")
        await expect(row).to_contain_text("0 of 2 done")
        await row.get_by_role("button", name=re.compile("^Follow")).click()
        panel = console.locator("#draft-panel")
        await buyer_edit(on_b, shop, ana, wording="Written through node b")
        await expect(row).to_contain_text("1 of 2 done")
        await expect(panel.locator('[data-field="wording"] .draft-value')).to_have_text(
            "Written through node b"
        )
        await panel.get_by_role("button", name="Ask to edit").click()
        await expect(panel.locator(".draft-takeover")).to_contain_text("Waiting for the buyer")
        r = await on_b.post(
            f"/api/cart/drafts/{store_id}/mug/consent", json={"allow": True}, headers=ana.auth
        )
        assert r.status_code == 200, r.text
        wording = panel.locator('[data-field="wording"]')
        await wording.get_by_label("Wording (your edit)").fill("Saved through node a")
        await wording.get_by_role("button", name="Save Wording").click()
        await expect(wording.locator(".draft-by")).to_contain_text("Changed by Paper Moon (shop)")
        state = (await buyer_view(on_b, shop, ana))["values"]["wording"]
        assert (state["value"], state["by"]) == ("Saved through node a", "shop")

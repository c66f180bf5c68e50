"""The console's personalised items while the shop works on them, in real Chromium against a real
hub (docs/personalise.md "For shops: watching and helping"): rows stay where they are while buyers
type; the shop's typing survives a save in flight and editing being switched off; a number the
browser cannot read is refused by the field; rows renumber; a failed load is said in words."""

from __future__ import annotations

import asyncio
import json
import re

import httpx
from playwright.async_api import Browser, Page, Route, expect

from tests.helpers.peers import Account
from tests.storefront.conftest import Shop, new_page
from tests.storefront.test_console import open_console
from tests.storefront.test_console_personalise import (
    buyer_edit,
    buyer_view,
    holding_buyer,
    http,  # noqa: F401  (the fixture)
    put_form,
)


async def follow_and_edit(page: Page, shop: Shop, client: httpx.AsyncClient, who: Account) -> None:
    """Follow the only row, ask to edit, and the buyer allows it."""
    await page.locator("#drafts tr").get_by_role("button", name=re.compile("^Follow")).click()
    panel = page.locator("#draft-panel")
    await panel.get_by_role("button", name="Ask to edit").click()
    await expect(panel.locator(".draft-takeover")).to_contain_text("Waiting for the buyer")
    await consent(client, shop, who, allow=True)
    await expect(panel.locator(".draft-takeover")).to_contain_text("The buyer lets you edit")


async def consent(client: httpx.AsyncClient, shop: Shop, who: Account, *, allow: bool) -> None:
    r = await client.post(
        f"/api/cart/drafts/{shop.store_id}/mug/consent", json={"allow": allow}, headers=who.auth
    )
    assert r.status_code == 200, r.text


async def test_rows_keep_their_place_while_buyers_type(
    browser: Browser,
    shop: Shop,
    http: httpx.AsyncClient,  # noqa: F811
) -> None:
    await put_form(http, shop)
    ana, _ = await holding_buyer(http, shop, "ana@example.org")
    bo, _ = await holding_buyer(http, shop, "bo@example.org")
    console = await open_console(browser, shop, shop.key)
    rows = console.locator("#drafts tr")
    await expect(rows).to_have_count(2)
    order = [await rows.nth(i).get_attribute("data-draft") for i in range(2)]
    lower = bo if order[1] == f"{(await buyer_view(http, shop, bo))['cart_ref']}/mug" else ana
    # The buyer of the lower row types: the row updates where it is.
    await buyer_edit(http, shop, lower, wording="Hello")
    await expect(rows.nth(1)).to_contain_text("1 of 2 done")
    await expect(rows.nth(1)).to_contain_text("by the buyer")
    assert [await rows.nth(i).get_attribute("data-draft") for i in range(2)] == order
    # A third item comes in: last.
    cy, _ = await holding_buyer(http, shop, "cy@example.org")
    await expect(rows).to_have_count(3)
    cy_key = f"{(await buyer_view(http, shop, cy))['cart_ref']}/mug"
    assert [await rows.nth(i).get_attribute("data-draft") for i in range(3)] == [*order, cy_key]


async def test_typing_during_a_save_and_when_editing_stops_is_kept(
    browser: Browser,
    shop: Shop,
    http: httpx.AsyncClient,  # noqa: F811
) -> None:
    await put_form(http, shop)
    ana, _ = await holding_buyer(http, shop, "ana@example.org")
    console = await open_console(browser, shop, shop.key)
    await follow_and_edit(console, shop, http, ana)
    panel = console.locator("#draft-panel")
    wording = panel.locator('[data-field="wording"]')
    box = wording.get_by_label("Wording (your edit)")

    # The save is held on its way; the shop goes on typing meanwhile.
    release = asyncio.Event()

    async def slow(route: Route) -> None:
        if route.request.method == "POST":
            await release.wait()
        await route.continue_()

    await console.route(re.compile(r"/drafts/[^/]+/mug$"), slow)
    await box.fill("First")
    await wording.get_by_role("button", name="Save Wording").click()
    await box.press("End")
    await console.keyboard.type(" and more")
    release.set()
    await expect(wording.locator(".draft-value")).to_have_text("First")
    await expect(panel.locator(".draft-status")).to_have_text(
        "Saved Wording: the buyer sees it now."
    )
    await expect(box).to_have_value("First and more")  # not overwritten by the saved value
    await console.unroute(re.compile(r"/drafts/[^/]+/mug$"))

    # Editing goes off (the buyer takes it back) with typing unsaved: said, with the text.
    await consent(http, shop, ana, allow=False)
    await expect(panel.locator(".draft-takeover")).to_contain_text("Read-only")
    await expect(wording.locator(".draft-note")).to_have_text(
        "Your unsaved edit of Wording was not sent: First and more"
    )
    # The keyboard keeps its place across a rebuild (editing on again).
    await wording.get_by_role("button", name="Comment on Wording").focus()
    await panel.get_by_role("button", name="Ask to edit").click()
    await wording.get_by_role("button", name="Comment on Wording").focus()
    await consent(http, shop, ana, allow=True)
    await expect(wording.get_by_label("Wording (your edit)")).to_be_visible()
    await expect(wording.get_by_role("button", name="Comment on Wording")).to_be_focused()


async def test_a_number_the_browser_cannot_read_is_refused_and_rows_renumber(
    browser: Browser,
    shop: Shop,
    http: httpx.AsyncClient,  # noqa: F811
) -> None:
    await put_form(http, shop)
    ana, _ = await holding_buyer(http, shop, "ana@example.org")
    guests = [{"name": "Ana", "table": 1}, {"name": "Bo", "table": 2}, {"name": "Cy", "table": 3}]
    await buyer_edit(http, shop, ana, guests=guests)
    console = await open_console(browser, shop, shop.key)
    await follow_and_edit(console, shop, http, ana)
    field = console.locator('#draft-panel [data-field="guests"]')
    editor = field.locator(".rows-editor")

    # "1e" reads as "" in the browser: refused by the field, nothing sent.
    await editor.get_by_label("Guest list, row 1, Table").fill("")
    await editor.get_by_label("Guest list, row 1, Table").press_sequentially("1e")
    await field.get_by_role("button", name="Save Guest list").click()
    await expect(field.get_by_role("alert")).to_have_text(
        "Guest list, row 1, Table: not a number. Write a number, or clear it."
    )
    await expect(editor.get_by_label("Guest list, row 1, Table")).to_be_focused()
    await expect(editor.get_by_label("Guest list, row 1, Table")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert (await buyer_view(http, shop, ana))["values"]["guests"]["value"] == guests

    # Row 1 removed: the rows below are renumbered, labels and buttons alike.
    await editor.get_by_role("button", name="Remove row 1 of Guest list").click()
    await expect(editor.get_by_label("Guest list, row 1, Name")).to_have_value("Bo")
    await expect(editor.get_by_label("Guest list, row 2, Name")).to_have_value("Cy")
    await expect(editor.get_by_role("button", name="Remove row 3 of Guest list")).to_have_count(0)
    await expect(editor.get_by_role("button", name="Remove row 2 of Guest list")).to_have_count(1)
    await editor.get_by_role("button", name="Add row").click()
    await expect(editor.get_by_label("Guest list, row 3, Name")).to_be_focused()


async def test_a_failed_load_is_said_as_a_sentence(
    browser: Browser,
    shop: Shop,
    http: httpx.AsyncClient,  # noqa: F811
) -> None:
    await put_form(http, shop)
    await holding_buyer(http, shop, "ana@example.org")

    async def down(route: Route) -> None:
        body = {"error": {"code": "unavailable", "message": "the hub is restarting"}}
        await route.fulfill(status=503, content_type="application/json", body=json.dumps(body))

    console = await new_page(browser)
    await console.route(re.compile(r"/stores/[^/]+/drafts$"), down)
    await console.goto(f"{shop.hub.http_url}/console")
    await console.get_by_label("API key").fill(shop.key)
    await console.get_by_role("button", name="Sign in").click()
    await expect(console.locator("#drafts-error")).to_have_text(
        "Could not load the personalised items: the hub is restarting."
    )

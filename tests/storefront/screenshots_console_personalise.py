"""Screenshots of the console's Personalised items with a draft followed
(docs/img/console-personalise.png) and of the owners' form editor (console-form-editor.png),
for docs/personalise.md "For shops: watching and helping": a hub
on loopback, a stationer selling wedding invitations with a form, three buyers at different
points, one of whom let the shop edit; the console follows that draft.

    python -m tests.storefront.screenshots_console_personalise docs/img

Not a test: pytest does not collect it.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import async_playwright, expect

from cartstart_server.server import HubServer
from shared_protocol.common import Price
from shared_protocol.store import ProductIn, SetStock, UpsertProducts
from tests.helpers.hubs import command_id, hub_config
from tests.helpers.peers import Account, sign_up
from tests.storefront.conftest import CHROMIUM, CHROMIUM_ARGS

FORM: dict[str, Any] = {
    "intro": "Tell us what to print; we send a proof before printing.",
    "fields": [
        {"key": "wording", "label": "Wording", "kind": "long_text", "required": True,
         "help": "As it should read, line by line", "max_length": 600},
        {"key": "names", "label": "Names of the couple", "kind": "text", "required": True},
        {"key": "date", "label": "Wedding date", "kind": "date", "required": True},
        {"key": "paper", "label": "Paper", "kind": "choice", "options": ["Cotton", "Linen"]},
        {"key": "guests", "label": "Guest list", "kind": "rows", "required": True,
         "columns": [{"key": "name", "label": "Name", "kind": "text", "required": True},
                     {"key": "table", "label": "Table", "kind": "number", "integer": True}]},
    ],
    "price_rules": [
        {"kind": "per_row", "field": "guests", "amount": 50},
        {"kind": "per_option", "field": "paper", "amounts": {"Linen": 200}},
    ],
}  # fmt: skip


async def buyer(http: httpx.AsyncClient, store_id: str, email: str, **values: Any) -> Account:
    who = await sign_up(http, email)
    body = {"type": "reserve", "id": command_id(), "store_id": store_id, "product_id": "invites"}
    (await http.post("/api/cart/commands", json=body, headers=who.auth)).raise_for_status()
    if values:
        r = await http.post(
            f"/api/cart/drafts/{store_id}/invites", json={"values": values}, headers=who.auth
        )
        r.raise_for_status()
    return who


async def shoot(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with HubServer(hub_config(Path(tmp) / "hub")) as server:
            hub = server.hub
            store_id, key = await hub.stores.create("Paper Moon", default_ttl=3600)
            invites = ProductIn(id="invites", name="Wedding invitations", code="WI-1",
                                price=Price(amount=250, currency="EUR"))  # fmt: skip
            await hub.stores.command(store_id, UpsertProducts(id=command_id(), products=[invites]))
            await hub.stores.command(
                store_id, SetStock(id=command_id(), product_id="invites", on_hand=500)
            )
            shop = {"Authorization": f"Bearer {key}"}
            async with httpx.AsyncClient(base_url=server.http_url, timeout=10) as http:
                url = f"/api/stores/{store_id}/products/invites/form"
                (await http.put(url, json=FORM, headers=shop)).raise_for_status()
                await buyer(http, store_id, "new@example.org")
                await buyer(http, store_id, "half@example.org", names="Ana & Marko")
                mira = await buyer(
                    http, store_id, "mira@example.org",
                    wording="Together with their families\nMira Petrović and Luka Horvat\n"
                            "invite you to celebrate their wedding",
                    names="Mira & Luka", paper="Linen",
                    guests=[{"name": "Jana Novak", "table": 1}, {"name": "Ivo Kralj", "table": 1},
                            {"name": "Sara Babić", "table": 2}],
                )  # fmt: skip
                async with async_playwright() as pw:
                    browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                    page = await browser.new_page(viewport={"width": 1280, "height": 1000})
                    await page.goto(server.http_url + "/console")
                    await page.get_by_label("API key").fill(key)
                    await page.get_by_role("button", name="Sign in").click()
                    await expect(page.locator("#connection")).to_have_text("Live")
                    section = page.locator("#drafts-section")
                    rows = section.locator("#drafts tr")
                    await expect(rows).to_have_count(3)
                    await rows.filter(has_text="3 of 4").get_by_role("button").click()
                    panel = page.locator("#draft-panel")
                    await expect(panel.locator(".draft-meta")).to_contain_text("3 of 4")
                    wording = panel.locator('[data-field="wording"]')
                    await wording.get_by_role("button", name="Comment on Wording").click()
                    dialog = page.get_by_role("dialog", name="Comment on “Wording”")
                    await dialog.get_by_label("Comment").fill(
                        "Shall we set your names in the script type, as on our sample card?"
                    )
                    await dialog.get_by_role("button", name="Send comment").click()
                    await panel.get_by_role("button", name="Ask to edit").click()
                    consent = f"/api/cart/drafts/{store_id}/invites/consent"
                    r = await http.post(consent, json={"allow": True}, headers=mira.auth)
                    r.raise_for_status()
                    await expect(panel.get_by_role("button", name="Stop editing")).to_be_visible()
                    r = await http.post(
                        f"/api/cart/drafts/{store_id}/invites",
                        json={"values": {"date": "2027-06-12"}},
                        headers=mira.auth,
                    )
                    r.raise_for_status()
                    await expect(panel.locator(".draft-status")).to_contain_text("Wedding date")
                    await page.wait_for_timeout(5500)  # the notification fades
                    await section.screenshot(path=out / "console-personalise.png")
                    # The owners' form editor, at the guest list and its columns.
                    await page.get_by_role("button", name="Close").click()
                    editing = "Edit the form of Wedding invitations"
                    await page.get_by_role("button", name=editing).click()
                    editor = page.get_by_role("dialog", name="Edit the form: Wedding invitations")
                    guests = editor.locator(".fe-card").filter(has_text="Field 5: Guest list")
                    await guests.evaluate("card => card.scrollIntoView({block: 'start'})")
                    await page.screenshot(path=out / "console-form-editor.png")
                    await browser.close()


if __name__ == "__main__":
    asyncio.run(shoot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img")))

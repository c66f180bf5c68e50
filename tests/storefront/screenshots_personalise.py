"""A screenshot of the personalise dialog on a store's page (docs/personalise.md, "For shoppers:
on a store's page"): the demo bookshop's wedding invitations, carted from the page, the form
half filled with a guest list, a comment from the shop under the wording and the shop's request
to edit the form with the buyer (docs/img/personalise-page.png).

    python -m tests.storefront.screenshots_personalise docs/img
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from playwright.async_api import async_playwright, expect

from cartstart_demo_store.app import ShopConfig
from cartstart_demo_store.catalogue import BOOKSHOP
from cartstart_demo_store.shop import start
from cartstart_desktop.core.credentials import MemoryCredentials
from cartstart_desktop.core.session import CartSession
from cartstart_server.server import HubServer
from tests.helpers.hubs import hub_config
from tests.helpers.waiting import free_port
from tests.storefront.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD
from tests.storefront.personalise_helpers import ShopSide, form_dialog
from tests.storefront.test_widget import add_button

PRODUCT = "wedding-invitations"
VIEWPORT = {"width": 1180, "height": 1480}


async def shoot(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with HubServer(hub_config(Path(tmp) / "hub")) as hub:
            store_id, key = await hub.hub.stores.create(BOOKSHOP.name, default_ttl=3600)
            config = ShopConfig(hub.http_url, store_id, key, BOOKSHOP, port=free_port())
            server, task = await start(config)
            cart = CartSession(Path(tmp) / "home", MemoryCredentials(), open_url=lambda _: None)
            await cart.open()
            side = ShopSide(hub.http_url, store_id, key)
            try:
                await cart.account.log_in(
                    hub.http_url, "alice@example.org", PASSWORD, create_account=True
                )
                assert cart.api is not None
                token = (await cart.api.mint_link_token(store_id, "screenshot")).token
                async with async_playwright() as pw:
                    browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                    page = await browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
                    await page.goto(f"{config.url}/products/{PRODUCT}#cartstart={token}")
                    await expect(add_button(page, PRODUCT)).to_be_enabled()
                    await add_button(page, PRODUCT).click()
                    await page.get_by_role("button", name="Personalise").click()
                    dialog = form_dialog(page)
                    await dialog.get_by_label("Wording").fill(
                        "Together with their families\nAna Petrović & Ivo Marić\n"
                        "invite you to celebrate their wedding"
                    )
                    await dialog.get_by_label("Names of the couple").fill("Ana & Ivo")
                    await dialog.get_by_label("Paper").select_option("Linen")
                    for n, (name, table) in enumerate(
                        [("Mira Kovač", "1"), ("Luka Horvat", "1"), ("Sara Novak", "2")], 1
                    ):
                        await dialog.get_by_role("button", name="Add row").click()
                        await dialog.get_by_label(f"Name, row {n}").fill(name)
                        await dialog.get_by_label(f"Table, row {n}").fill(table)
                    await expect(dialog.get_by_role("status")).to_have_text("Saved")
                    ref = await side.cart_ref(PRODUCT)
                    await side.comment(
                        ref, PRODUCT, "wording", "Lovely! Shall we set the names in italics?"
                    )
                    await side.ask_to_edit(ref, PRODUCT)
                    await expect(dialog.get_by_role("button", name="Allow")).to_be_visible()
                    await expect(dialog.locator(".cp-comment")).to_be_visible()
                    await dialog.get_by_label("Wording").focus()
                    await page.screenshot(path=str(out / "personalise-page.png"))
                    await browser.close()
            finally:
                await side.close()
                await cart.close()
                server.should_exit = True
                await task


if __name__ == "__main__":
    asyncio.run(shoot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img")))

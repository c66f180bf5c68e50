"""Screenshots of talking with a visitor on the store's own page (`make web-screenshots`): the
talk panel open on the ceramics demo shop's tide vase page, with a few lines of chat
(docs/img/talk-panel.png), and the console of the agent answering, with "Send to page…" open
on a product page's address (docs/img/console-send-to-page.png).

    python -m tests.storefront.screenshots_talk docs/img
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from playwright.async_api import Page, async_playwright, expect

from cartstart_demo_store.app import ShopConfig
from cartstart_demo_store.catalogue import CERAMICS
from cartstart_demo_store.shop import start
from cartstart_server.server import HubServer
from shared_protocol.live import LiveSettingsIn
from tests.helpers.hubs import hub_config
from tests.helpers.waiting import free_port
from tests.storefront.conftest import CHROMIUM, CHROMIUM_ARGS

PASSWORD = "correct horse battery"
VIEWPORT = {"width": 1280, "height": 760}


async def say(console: Page, text: str) -> None:
    await console.locator("#chat-text").fill(text)
    await console.locator("#chat-text").press("Enter")
    await expect(console.locator("#chat-log")).to_contain_text(text)


async def shoot(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with HubServer(hub_config(Path(tmp))) as hub:
            h = hub.hub
            store_id, key = await h.stores.create(CERAMICS.name, default_ttl=600)
            config = ShopConfig(hub.http_url, store_id, key, CERAMICS, port=free_port())
            server, task = await start(config)
            try:
                await h.selling.save_settings(store_id, LiveSettingsIn(workspace=True))
                added = await h.agents.add(store_id, "ana@harbour.example", "Ana", "agent")
                await h.agents.accept_invite(added.invite_code, PASSWORD)
                async with async_playwright() as pw:
                    browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                    console = await browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
                    await console.goto(f"{hub.http_url}/console?store={store_id}")
                    await console.locator("#agent-email").fill("ana@harbour.example")
                    await console.locator("#agent-password").fill(PASSWORD)
                    await console.get_by_role("button", name="Log in as agent").click()
                    await expect(console.locator("#connection")).to_have_text("Live")
                    await console.get_by_role("tab", name="Workspace").click()
                    await console.get_by_role("radio", name="Available").check()
                    await console.get_by_role("tab", name="Live selling").click()

                    shopper = await browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
                    await shopper.goto(f"{config.url}/products/kelp-bowl")
                    await shopper.get_by_role("link", name="Talk to us").click()
                    talk = shopper.get_by_role("dialog", name=f"Talk to {CERAMICS.name}")
                    box = talk.get_by_label("Your message")
                    await box.fill("Hello! Does the kelp bowl come in a bigger size?")
                    await box.press("Enter")
                    await console.locator("#lobby-list .lobby-row").first.click()
                    await say(console, "Hi! It doesn't, but the tide vase has the same glaze.")
                    await expect(talk.locator("li.from-store")).to_have_count(1)
                    await console.get_by_role("button", name="Send to page…").click()
                    dialog = console.get_by_role("dialog", name="Send Visitor to a page")
                    await dialog.get_by_label("Page address").fill(
                        f"{config.url}/products/tide-vase"
                    )
                    await console.mouse.move(0, 0)
                    await console.screenshot(path=str(out / "console-send-to-page.png"))
                    await dialog.get_by_role("button", name="Send to page").click()
                    await shopper.wait_for_url(f"{config.url}/products/tide-vase")
                    await expect(talk.get_by_role("log")).to_contain_text("same glaze")
                    await say(console, "Here it is: the same sea-green glaze, a little taller.")
                    await expect(talk.locator("li.from-store")).to_have_count(2)
                    await talk.get_by_label("Your message").fill("Oh, that's lovely")
                    await shopper.mouse.move(0, 0)
                    await shopper.screenshot(path=str(out / "talk-panel.png"))
                    await browser.close()
            finally:
                server.should_exit = True
                await task


if __name__ == "__main__":
    asyncio.run(shoot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img")))

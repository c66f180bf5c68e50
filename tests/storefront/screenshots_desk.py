"""Screenshots of the agents' workspace (docs/img/desk-*.png, `make web-screenshots`): a hub and
the ceramics demo shop in this process, three agents (Ana in the console, Bo with a workspace
open and Away, Chen offline), a shopper's page showing "Talk to us" and the presence notice,
and the live visitor list with three shoppers and one's details.

    python -m tests.storefront.screenshots_desk docs/img
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

from playwright.async_api import async_playwright, expect
from websockets.asyncio.client import connect

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


async def shoot(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with HubServer(hub_config(Path(tmp))) as hub:
            h = hub.hub
            store_id, key = await h.stores.create(CERAMICS.name, default_ttl=600)
            config = ShopConfig(hub.http_url, store_id, key, CERAMICS, port=free_port())
            server, task = await start(config)
            try:
                await h.selling.save_settings(store_id, LiveSettingsIn(workspace=True))
                agents = {}
                for name, role in (("Ana", "agent"), ("Bo", "agent"), ("Chen", "owner")):
                    email = f"{name.lower()}@harbour.example"
                    added = await h.agents.add(store_id, email, name, role)
                    agents[name] = await h.agents.accept_invite(added.invite_code, PASSWORD)
                await h.availability.set_status(
                    store_id, agents["Chen"].agent.agent_id, "available"
                )
                desk_url = f"{hub.ws_url}/ws/desk"
                async with connect(desk_url) as bo, async_playwright() as pw:
                    hello = {"type": "hello", "versions": [1], "token": agents["Bo"].token}
                    await bo.send(json.dumps(hello))
                    browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                    console = await browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
                    await console.goto(f"{hub.http_url}/console?store={store_id}")
                    await console.locator("#agent-email").fill("ana@harbour.example")
                    await console.locator("#agent-password").fill(PASSWORD)
                    await console.get_by_role("button", name="Log in as agent").click()
                    await expect(console.locator("#connection")).to_have_text("Live")
                    await console.get_by_role("tab", name="Workspace").click()
                    await console.get_by_role("radio", name="Available").check()
                    await expect(console.locator("#desk-talk")).to_contain_text("Shoppers see")
                    await console.mouse.move(0, 0)
                    await console.screenshot(path=str(out / "desk-workspace.png"))

                    shopper = await browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
                    await shopper.goto(f"{config.url}/products/tide-vase")
                    await expect(shopper.get_by_role("link", name="Talk to us")).to_be_visible()
                    await expect(
                        shopper.get_by_role("link", name="Shop live with us")
                    ).to_be_visible()
                    notice = shopper.locator(".cartstart-notice")
                    await expect(notice).to_contain_text("This shop's staff can see")
                    await shopper.screenshot(path=str(out / "desk-presence-notice.png"))
                    await notice.get_by_role("button", name="OK").click()
                    await shopper.screenshot(path=str(out / "desk-talk-entry.png"))

                    # Two more shoppers, each in their own browser, then the agent's list.
                    for path in ("/products/kelp-bowl", "/"):
                        context = await browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
                        await (await context.new_page()).goto(f"{config.url}{path}")
                        await asyncio.sleep(1.5)  # a little apart on the site
                    await shopper.goto(f"{config.url}/products/harbour-mug")
                    rows = console.locator("#desk-visitors tr")
                    await expect(rows).to_have_count(3)
                    await rows.first.get_by_role("button", name="Details").click()
                    await expect(console.locator("#desk-details ol li")).to_have_count(2)
                    await console.mouse.move(0, 0)
                    await console.screenshot(path=str(out / "desk-visitors.png"), full_page=True)
                    await browser.close()
            finally:
                server.should_exit = True
                await task


if __name__ == "__main__":
    asyncio.run(shoot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img")))

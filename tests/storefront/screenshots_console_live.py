"""Screenshots of the console's live selling area (docs/img/console-live-*.png), taken by
tests/storefront/screenshots.py (`make web-screenshots`) on the demo hub: visitors start sessions
and talk over the hub's public API (HTTP and /ws/live), the shop owner uses the console."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, Page, expect
from websockets.asyncio.client import ClientConnection, connect

LIVE_VIEWPORT = {"width": 1280, "height": 800}


class LiveVisitor:
    """A visitor of the demo shop's live page, over HTTP (commands) and /ws/live (presence)."""

    def __init__(self, hub: str, store_id: str) -> None:
        self.http = httpx.AsyncClient(base_url=hub)
        self.store_id = store_id
        self.link = ""
        self.ws: ClientConnection | None = None

    async def start(self, label: str) -> None:
        r = await self.http.post(
            f"/api/live/stores/{self.store_id}/sessions", json={"label": label}
        )
        self.link = str(r.raise_for_status().json()["link"])

    async def command(self, **fields: Any) -> dict[str, Any]:
        body = {"id": f"shot-{uuid.uuid4().hex}", **fields}
        auth = {"Authorization": f"Bearer {self.link}"}
        r = await self.http.post("/api/live/session/commands", json=body, headers=auth)
        return dict(r.raise_for_status().json())

    async def say(self, text: str) -> None:
        await self.command(type="say", text=text)

    async def read_all(self) -> None:
        auth = {"Authorization": f"Bearer {self.link}"}
        snap = (await self.http.get("/api/live/session", headers=auth)).raise_for_status().json()
        await self.command(type="mark_read", up_to=snap["head_seq"])

    async def here(self) -> None:
        """On the page now (the console shows "… is here")."""
        ws_url = (await self.http.get("/.well-known/cartstart.json")).json()["channels"]["live"]
        self.ws = await connect(ws_url)
        await self.ws.send(json.dumps({"type": "hello", "versions": [1], "token": self.link}))

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        await self.http.aclose()


async def signed_in(browser: Browser, hub: str, key: str) -> Page:
    context = await browser.new_context(viewport=LIVE_VIEWPORT)  # type: ignore[arg-type]
    console = await context.new_page()
    await console.goto(hub + "/console#live")
    await console.get_by_label("API key").fill(key)
    await console.get_by_role("button", name="Sign in").click()
    await expect(console.locator("#connection")).to_have_text("Live")
    await expect(console.get_by_role("tab", name="Live selling")).to_have_attribute(
        "aria-selected", "true"
    )
    return console


async def console_live_pages(browser: Browser, hub: str, shop: dict[str, str], out: Path) -> None:
    store_id, key = shop["store_id"], shop["key"]
    console = await signed_in(browser, hub, key)
    await expect(console.locator("#lobby-empty")).to_be_visible()
    await console.screenshot(path=out / "console-live-empty.png")

    visitors: list[LiveVisitor] = []

    async def new_visitor(label: str) -> LiveVisitor:
        v = LiveVisitor(hub, store_id)
        await v.start(label)
        visitors.append(v)
        return v

    try:
        tom = await new_visitor("Tom")
        await tom.say("Do you ship to Denmark?")
        anon = await new_visitor("")
        await anon.say("Hello! Just looking around.")
        maria = await new_visitor("Maria")
        await maria.here()
        await maria.say("Hi! I'm looking for a wedding present, something green.")
        await maria.say("Is the kelp bowl still available?")
        await expect(console.locator("#lobby-list li")).to_have_count(3)
        await console.wait_for_timeout(5500)  # the notifications fade
        await console.screenshot(path=out / "console-live-lobby.png")

        # Maria's session: the counter, the chat, the session cart.
        await console.locator(".lobby-row").filter(has_text="Maria").click()
        await expect(console.locator("#chat-log li")).to_have_count(2)
        message = console.get_by_label("Message to the visitor")
        await message.fill("Hello Maria! Yes, it is here. Let me show it to you.")
        await message.press("Enter")
        find = console.get_by_label("Find a product to show")
        await find.fill("kelp bowl")
        await (
            console.locator("#find-results li").first.get_by_role("button", name="Present").click()
        )
        await expect(console.locator("#presented li")).to_have_count(1)
        await find.fill("HC-M10")
        await find.press("Enter")
        await expect(console.locator("#presented li")).to_have_count(2)
        await maria.say("It's beautiful. Could you keep it for me until tonight?")
        bowl = console.locator("#presented li").filter(has_text="Kelp bowl")
        await bowl.locator("button", has_text="Put in cart").click()
        await expect(console.locator("#session-cart li")).to_have_count(1)
        await message.fill("Done: it is in your cart, held for you.")
        await message.press("Enter")
        await expect(console.locator("#chat-log li")).to_have_count(5)
        await maria.read_all()
        await maria.command(
            type="post", widget={"kind": "note", "text": "Gift wrap, please: it's for a wedding."}
        )
        await find.fill("mug")
        await expect(console.locator("#find-results li")).to_have_count(1)
        await expect(console.locator("#session-board li")).to_have_count(1)
        await expect(console.locator("#chat-log .meta").last).to_contain_text("Seen")
        await console.wait_for_timeout(5500)
        await console.screenshot(path=out / "console-live-session.png", full_page=True)

        # The public board: a visitor's post waits for approval; the store's own post.
        await tom.command(
            type="post",
            public=True,
            widget={"kind": "note", "text": "Bought two mugs here last week: lovely!"},
        )
        await anon.command(
            type="post",
            public=True,
            widget={
                "kind": "link",
                "url": "https://example.org/tea-table",
                "title": "Our tea table, with your mugs",
            },
        )
        await console.get_by_role("tab", name="Public board").click()
        await expect(console.locator("#waiting li")).to_have_count(2)
        await (
            console.locator("#public-post")
            .get_by_label("What the note says")
            .fill("New this week: kelp bowls with a green ash glaze.")
        )
        await console.get_by_role("button", name="Post on your page").click()
        await expect(console.locator("#public-board li")).to_have_count(1)
        await console.wait_for_timeout(5500)
        await console.screenshot(path=out / "console-live-approvals.png", full_page=True)

        # Settings, with a colour that is not one.
        await console.get_by_role("tab", name="Page settings").click()
        await console.get_by_label("Greeting (optional)").fill(
            "Welcome to Harbour Ceramics! Ask us anything: we are at the wheel until 6 pm."
        )
        await console.get_by_label("Accent colour").fill("dark green")
        await console.get_by_role("button", name="Save settings").click()
        await expect(console.locator("#set-accent-error")).not_to_be_empty()
        await console.screenshot(path=out / "console-live-settings.png", full_page=True)
    finally:
        for v in visitors:
            await v.close()
        await console.context.close()

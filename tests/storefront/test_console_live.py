"""The console's live selling area in real Chromium against a real hub: the lobby, one session
(chat both ways, the counter, the session cart, deleting), the public board's approvals, the
page's settings; visitors are driven over `/ws/live` and HTTP as a page would."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from playwright.async_api import Browser, Page, expect
from websockets.exceptions import ConnectionClosed

from tests.helpers.hubs import seed_store
from tests.helpers.peers import Peer, peer
from tests.storefront.conftest import Shop
from tests.storefront.test_console import open_console

Frame = dict[str, Any]
_ids = itertools.count(1)
HOSTILE = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'


def cid() -> str:
    return f"visitor-{next(_ids):08d}"


async def start_session(shop: Shop, label: str) -> str:
    """A visitor starts a session from the page (over HTTP, as a polling page does)."""
    async with httpx.AsyncClient(base_url=shop.hub.http_url) as http:
        r = await http.post(f"/api/live/stores/{shop.store_id}/sessions", json={"label": label})
        assert r.status_code == 201, r.text
        return str(r.json()["link"])


class Visitor:
    """A visitor's page in a session, over `/ws/live` (the session link as its token)."""

    def __init__(self, p: Peer, link: str, snapshot: Frame) -> None:
        self.peer = p
        self.link = link
        self.snapshot = snapshot
        self.session_id: str = snapshot["session"]["session_id"]

    async def command(self, **fields: Any) -> Frame:
        reply = await self.peer.command({"id": cid(), **fields})
        assert reply["type"] in ("result", "search_results"), reply
        return reply

    async def until(self, kind: str, within: float = 5.0, **match: Any) -> Frame:
        """The next frame of this type (and these fields), skipping others."""
        while True:
            frame = await self.peer.recv(within)
            if frame["type"] == kind and all(frame.get(k) == v for k, v in match.items()):
                return frame


@asynccontextmanager
async def visitor(shop: Shop, label: str = "Ana") -> AsyncIterator[Visitor]:
    link = await start_session(shop, label)
    async with peer(shop.hub, "live") as p:
        await p.send({"type": "hello", "versions": [1], "token": link})
        await p.expect("welcome")
        yield Visitor(p, link, await p.expect("live_snapshot"))


async def open_live(browser: Browser, shop: Shop, key: str | None = None) -> Page:
    console = await open_console(browser, shop, key or shop.key)
    console.on("dialog", lambda d: (_ for _ in ()).throw(AssertionError(d.message)))
    await console.get_by_role("tab", name="Live selling").click()
    return console


def lobby_row(console: Page, name: str) -> Any:
    return console.locator("#lobby-list .lobby-row").filter(has_text=name)


async def test_a_visitors_session_from_the_lobby_to_the_cart(browser: Browser, shop: Shop) -> None:
    console = await open_live(browser, shop)
    await expect(console.locator("#lobby-empty")).to_contain_text("No sessions yet")
    await expect(console.locator("#lobby-page-url")).to_have_value(
        f"{shop.hub.http_url}/live/{shop.store_id}"
    )
    async with visitor(shop, "Ana") as ana:
        # The lobby lists the new session live; a message makes it unread.
        row = lobby_row(console, "Ana")
        await expect(row).to_be_visible()
        await expect(console.locator("#lobby-empty")).to_be_hidden()
        await ana.command(type="say", text="Is the vase still there?")
        await expect(row.locator(".badge")).to_have_text("1")
        await expect(row.locator(".preview")).to_have_text("Is the vase still there?")
        await expect(console.locator("#live-unread")).to_have_text("1")

        # Open it: the chat shows the message, marks it read (the visitor sees the mark).
        await row.click()
        await expect(console.locator("#session-title")).to_have_text("Ana")
        log = console.locator("#chat-log")
        await expect(log.locator("li")).to_have_count(1)
        await expect(log).to_contain_text("Is the vase still there?")
        read = await ana.until("read_marked", side="store")
        assert read["up_to"] >= 1
        await expect(row.locator(".badge")).to_have_count(0)
        await expect(console.locator("#live-unread")).to_be_hidden()
        await expect(console.locator("#session-presence")).to_have_text("Ana is here")

        # The store types (the visitor sees it), then answers with Enter.
        await console.get_by_label("Message to the visitor").press_sequentially("Y")
        await ana.until("typing", side="store")
        await console.get_by_label("Message to the visitor").fill("Yes, one left.")
        await console.get_by_label("Message to the visitor").press("Enter")
        said = await ana.until("said")
        assert said["message"] == {**said["message"], "author": "store", "text": "Yes, one left."}
        await expect(console.get_by_label("Message to the visitor")).to_have_value("")
        # The visitor types and reads it: "is typing…", then "Seen".
        await ana.peer.send({"type": "typing"})
        await expect(console.locator("#chat-typing")).to_have_text("Ana is typing…")
        await ana.command(type="mark_read", up_to=said["seq"])
        await expect(log.locator("li.mine .meta")).to_contain_text("Seen")

        # Present a product by searching; the visitor's page receives it.
        await console.get_by_label("Find a product to show").fill("vase")
        found = console.locator("#find-results li")
        await expect(found).to_have_count(1)
        await found.get_by_role("button", name="Present").click()
        presented = await ana.until("presented")
        assert presented["item"]["product"]["product_id"] == "last-vase"
        item = console.locator("#presented li").filter(has_text="The last vase")
        await expect(item).to_be_visible()
        # And by code, pasted.
        await console.get_by_label("Find a product to show").fill("MG-1")
        await console.get_by_label("Find a product to show").press("Enter")
        assert (await ana.until("presented"))["item"]["product"]["code"] == "MG-1"
        await expect(console.locator("#presented li")).to_have_count(2)

        # Put it in the visitor's cart: a real hold, which the visitor's page receives.
        await item.get_by_role("button", name="Put The last vase in the visitor's cart").click()
        event = await ana.until("session_cart")
        assert (event["ticket"]["product_id"], event["ticket"]["state"]) == ("last-vase", "held")
        line = console.locator("#session-cart li").filter(has_text="The last vase")
        await expect(line).to_contain_text("Held")
        await expect(line.locator(".countdown")).to_contain_text("left")
        (level,) = await shop.hub.hub.carts.availability([(shop.store_id, "last-vase")])
        assert level.available == 0
        # Put back: released for everyone.
        await line.get_by_role("button", name="Put back The last vase").click()
        assert (await ana.until("session_cart"))["ticket"]["state"] == "released"
        await expect(line).to_contain_text("Put back")

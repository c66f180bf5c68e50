"""The console's live tests' visitors and helpers: a visitor's page in a session over
`/ws/live` (its session link as the token), a public-mode page, the console signed in on its Live
selling tab."""

from __future__ import annotations

import io
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from PIL import Image
from playwright.async_api import Browser, Locator, Page

from tests.helpers.peers import Peer, peer
from tests.storefront.conftest import Shop
from tests.storefront.test_console import open_console

Frame = dict[str, Any]
_ids = itertools.count(1)
HOSTILE = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(out, "PNG")
    return out.getvalue()


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


BLOCKING: list[str] = []  # prompt(), alert() or confirm() seen by any console: never


async def open_live(browser: Browser, shop: Shop, key: str | None = None) -> Page:
    console = await open_console(browser, shop, key or shop.key)
    console.on("dialog", lambda d: BLOCKING.append(d.message))
    await console.get_by_role("tab", name="Live selling").click()
    return console


@asynccontextmanager
async def public_page(shop: Shop) -> AsyncIterator[Peer]:
    """A third visitor in public mode (no session): sees the public board only."""
    async with peer(shop.hub, "live") as p:
        await p.send({"type": "hello", "versions": [1], "store_id": shop.store_id})
        assert (await p.expect("welcome"))["role"] == "public"
        await p.expect("public_snapshot")
        yield p


async def public_board(shop: Shop) -> list[Frame]:
    async with httpx.AsyncClient(base_url=shop.hub.http_url) as http:
        r = await http.get(f"/api/live/stores/{shop.store_id}")
        board: list[Frame] = r.raise_for_status().json()["board"]
        return board


def lobby_row(console: Page, name: str) -> Locator:
    return console.locator("#lobby-list .lobby-row").filter(has_text=name)

"""The store's side of live selling for the page's tests (tests/storefront/test_live_page*.py):
its REST API with its key and its side of a session over /ws/live (tests/helpers/peers.py), as
the store console would; and the visitor's page, opened in its own browser context."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from PIL import Image
from playwright.async_api import Browser, Locator, Page, expect

from tests.helpers.peers import Peer, peer
from tests.helpers.waiting import eventually
from tests.storefront.conftest import Shop

Frame = dict[str, Any]
VIEWPORT = {"width": 1280, "height": 800}
_ids = iter(range(10_000_000))


def cid() -> str:
    return f"seller-{next(_ids):08d}"


def png(colour: tuple[int, int, int] = (200, 80, 60), size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


class Seller:
    """The store: its REST API with its key, and its side of sessions over /ws/live."""

    def __init__(self, shop: Shop, http: httpx.AsyncClient) -> None:
        self.shop = shop
        self.http = http
        self.auth = {"Authorization": f"Bearer {shop.key}"}
        self.base = f"/api/stores/{shop.store_id}/live"

    async def settings(self, **body: Any) -> None:
        r = await self.http.put(self.base, json=body, headers=self.auth)
        assert r.status_code == 200, r.text

    async def post_public(self, widget: Frame) -> Frame:
        r = await self.http.post(f"{self.base}/board", json={"widget": widget}, headers=self.auth)
        assert r.status_code == 201, r.text
        return dict(r.json()["widget"])

    async def upload(self, data: bytes, session_id: str | None = None) -> Frame:
        query = f"?session_id={session_id}" if session_id else ""
        r = await self.http.post(
            f"/api/live/uploads{query}",
            content=data,
            headers={**self.auth, "Content-Type": "image/png"},
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def lobby(self) -> Frame:
        r = await self.http.get(f"{self.base}/sessions", headers=self.auth)
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def newest_session(self) -> str:
        async def started() -> bool:
            return bool((await self.lobby())["sessions"])

        await eventually(started, what="a session in the lobby")
        return str((await self.lobby())["sessions"][0]["session_id"])

    async def orders(self) -> list[Frame]:
        r = await self.http.get(f"/api/stores/{self.shop.store_id}/orders", headers=self.auth)
        assert r.status_code == 200, r.text
        return list(r.json())

    @asynccontextmanager
    async def in_session(self, session_id: str) -> AsyncIterator[Peer]:
        async with peer(self.shop.hub, "live") as store:
            await store.send(
                {"type": "hello", "versions": [1], "token": self.shop.key, "session_id": session_id}
            )
            await store.expect("welcome")
            await until(store, "live_snapshot")
            yield store

    async def command(self, store: Peer, frame: Frame) -> Frame:
        reply = await store.command({"id": cid(), **frame})
        assert reply["type"] == "result", reply
        return reply


async def until(store: Peer, kind: str, within: float = 5.0, **fields: Any) -> Frame:
    """The next frame of this type (and these fields); frames of other types pass by."""
    while True:
        frame = await store.recv(within)
        if frame["type"] == kind and all(frame.get(k) == v for k, v in fields.items()):
            return frame


async def open_live(browser: Browser, shop: Shop, fragment: str = "") -> Page:
    context = await browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    page = await context.new_page()
    page.set_default_timeout(5000)
    await page.goto(f"{shop.hub.http_url}/live/{shop.store_id}{fragment}")
    return page


async def start_session(page: Page, name: str = "Ana") -> None:
    await page.get_by_role("textbox", name=re.compile("^Your name")).fill(name)
    await page.get_by_role("button", name="Start a session").click()
    await expect(page.get_by_role("heading", name="Your session cart")).to_be_visible()
    await expect(page.locator("#connection")).to_have_text(re.compile("^Live"))


def gallery(page: Page) -> Locator:
    return page.locator("#gallery")


def card(scope: Locator, name: str) -> Locator:
    """The product card (or board widget) whose heading is `name`."""
    heading = scope.page.get_by_role("heading", name=name, exact=True)
    return scope.locator(".card").filter(has=heading)

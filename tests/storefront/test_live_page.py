"""The visitor's Direct Selling Page (/live/<store_id>) in real Chromium against a real hub: the
store's side is driven over /ws/live with the store's key (tests/helpers/peers.py) and over
HTTP, as the store console would."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from PIL import Image
from playwright.async_api import Browser, Locator, Page, WebSocketRoute, expect

from tests.helpers.peers import Peer, peer
from tests.helpers.waiting import eventually
from tests.storefront.conftest import TEST_CATALOGUE, Shop

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


@pytest.fixture
async def seller(shop: Shop) -> AsyncIterator[Seller]:
    async with httpx.AsyncClient(base_url=shop.hub.http_url, timeout=10) as http:
        yield Seller(shop, http)


async def open_live(browser: Browser, shop: Shop, fragment: str = "") -> Page:
    context = await browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    page = await context.new_page()
    page.set_default_timeout(5000)
    await page.goto(f"{shop.hub.http_url}/live/{shop.store_id}{fragment}")
    return page


async def start_session(page: Page, name: str = "Ana") -> None:
    await page.get_by_label("Your name").fill(name)
    await page.get_by_role("button", name="Start a session").click()
    await expect(page.get_by_role("heading", name="Your session cart")).to_be_visible()
    await expect(page.locator("#connection")).to_have_text(re.compile("^Live"))


def gallery(page: Page) -> Locator:
    return page.locator("#gallery")


def card(scope: Locator, name: str) -> Locator:
    """The product card (or board widget) whose heading is `name`."""
    heading = scope.page.get_by_role("heading", name=name, exact=True)
    return scope.locator(".card").filter(has=heading)


# ---- public mode -----------------------------------------------------------------------------


async def test_public_mode_shows_the_store_its_board_and_searches_the_catalogue(
    browser: Browser, shop: Shop, seller: Seller
) -> None:
    logo = await seller.upload(png((30, 90, 160)))
    await seller.settings(
        accent="#7a2e8c",
        greeting="Hello! Ask us anything about our pots.",
        logo_url=f"{shop.hub.http_url}{logo['url']}",
    )
    await seller.post_public({"kind": "note", "title": "Opening hours", "text": "Mon–Sat, 10–18"})
    await seller.post_public({"kind": "product", "product_id": "mug"})
    await seller.post_public({"kind": "link", "url": "https://example.org/kiln", "title": "Our kiln"})
    picture = await seller.upload(png())
    await seller.post_public({"kind": "image", "upload_id": picture["upload_id"], "title": "New glaze"})

    page = await open_live(browser, shop)
    await expect(page.get_by_role("heading", level=1)).to_have_text(TEST_CATALOGUE.name)
    await expect(page.locator("#greeting")).to_have_text("Hello! Ask us anything about our pots.")
    await expect(page.locator("#logo")).to_be_visible()
    accent = await page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--cartstart-accent')"
    )
    assert accent.strip() == "#7a2e8c"
    board = page.locator("#board")
    await expect(board.locator(".card")).to_have_count(4)
    await expect(board.get_by_text("Mon–Sat, 10–18")).to_be_visible()
    await expect(board.get_by_role("link", name="Our kiln")).to_have_attribute(
        "href", "https://example.org/kiln"
    )
    await expect(board.locator(".card.image img")).to_be_visible()
    await expect(card(board, "Mug").locator(".price")).to_contain_text("15.00")
    await expect(page.get_by_role("button", name="Start a session")).to_be_visible()

    # The gallery lists the catalogue, then searches: parts of words, several words.
    await expect(gallery(page).locator(".card")).to_have_count(3)
    search = page.get_by_label("Search the shop's catalogue")
    await search.fill("mu")
    await expect(gallery(page).locator(".card h3")).to_have_text(["Mug"])
    await search.fill("vas LAS")
    await search.press("Enter")
    await expect(gallery(page).locator(".card h3")).to_have_text(["The last vase"])
    await expect(card(gallery(page), "The last vase").locator(".availability")).to_have_text(
        "Only 1 left"
    )
    await search.fill("teapot")
    await expect(gallery(page).locator("#results-empty")).to_have_text(
        "Nothing matches “teapot”. Try fewer words, or part of a word."
    )

    # The store posts while the page is open: it appears without a reload (board_changed).
    await seller.post_public({"kind": "note", "text": "Kiln opening on Saturday!"})
    await expect(board.get_by_text("Kiln opening on Saturday!")).to_be_visible()
    await page.screenshot(path="/tmp/live-public.png")

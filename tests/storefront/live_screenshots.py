"""Screenshots of the visitor's Direct Selling Page (docs/img/live-visitor-*.png) at 1280x800:
public mode, a session with its chat, counter and session cart, and the order dialog.

    python -m tests.storefront.live_screenshots docs/img      (make web-screenshots runs it)

Runs `cartstart-demo` on free ports (tests/storefront/screenshots.py), gives the ceramics
shop's products pictures (simple drawings, served from 127.0.0.1 as a shop's site would serve
its photos) and a live page look, then plays the store's side
over its REST API and /ws/live with its key, as the store console would. Not a test: pytest
does not collect it.
"""

from __future__ import annotations

import asyncio
import io
import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from PIL import Image, ImageDraw
from playwright.async_api import Page, async_playwright, expect
from websockets.asyncio.client import connect

from shared_protocol.common import Price
from shared_protocol.store import ProductIn
from storefront_templates.store_api import StoreClient
from tests.helpers.receivers import picture_site
from tests.storefront.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.storefront.screenshots import Demo, start_demo

VIEWPORT = {"width": 1280, "height": 800}
ACCENT = "#1f5f7a"


def _drawn(draw: Any) -> bytes:
    image = Image.new("RGB", (160, 160), (244, 240, 232))
    draw(ImageDraw.Draw(image))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _mug(d: ImageDraw.ImageDraw) -> None:
    d.ellipse((98, 60, 140, 108), outline=(44, 90, 130), width=11)
    d.rounded_rectangle((34, 44, 112, 130), 10, fill=(52, 104, 150))
    d.rectangle((34, 58, 112, 64), fill=(92, 150, 200))


def _vase(d: ImageDraw.ImageDraw) -> None:
    d.rectangle((68, 22, 92, 50), fill=(104, 124, 138))
    d.ellipse((40, 48, 120, 136), fill=(104, 124, 138))
    d.rectangle((44, 92, 116, 99), fill=(176, 186, 170))


def _bowl(d: ImageDraw.ImageDraw) -> None:
    d.chord((22, 40, 138, 140), 0, 180, fill=(62, 110, 74))
    d.ellipse((22, 74, 138, 104), fill=(120, 160, 110))
    d.ellipse((34, 80, 126, 98), fill=(84, 128, 84))


def _plates(d: ImageDraw.ImageDraw) -> None:
    for i, y in enumerate((96, 84, 72, 60)):
        d.ellipse((24, y - 12, 136, y + 30), fill=(250, 250, 246), outline=(190, 186, 176), width=2)
        d.ellipse((52, y - 2, 108, y + 20), outline=(214, 210, 200), width=2)
        for x in (60 + 9 * i, 92 - 5 * i):
            d.ellipse((x, y + 6, x + 3, y + 9), fill=(120, 120, 120))


def _logo(d: ImageDraw.ImageDraw) -> None:
    d.ellipse((8, 8, 152, 152), fill=(31, 95, 122))
    for y in (70, 92, 114):
        d.arc((24, y - 18, 80, y + 18), 200, 340, fill=(240, 236, 226), width=7)
        d.arc((80, y - 18, 136, y + 18), 200, 340, fill=(240, 236, 226), width=7)
    d.rectangle((66, 34, 94, 60), fill=(240, 236, 226))


def _glaze_test(d: ImageDraw.ImageDraw) -> None:
    colours = [(62, 110, 74), (96, 130, 150), (160, 150, 120), (70, 90, 110), (120, 160, 110)]
    for i, colour in enumerate(colours):
        x = 14 + (i % 3) * 46
        y = 26 + (i // 3) * 62
        d.rounded_rectangle((x, y, x + 40, y + 52), 8, fill=colour)


@contextmanager
def pictures_site() -> Iterator[str]:
    """/<name>.png for the products, the shop's logo and a photo to post on the board."""
    files = {
        "/tide-vase.png": _drawn(_vase),
        "/harbour-mug.png": _drawn(_mug),
        "/kelp-bowl.png": _drawn(_bowl),
        "/plate-set.png": _drawn(_plates),
        "/logo.png": _drawn(_logo),
        "/glaze-tests.png": _drawn(_glaze_test),
    }
    with picture_site(files) as site:
        yield site


class Store:
    """The ceramics shop, as its console would speak for it."""

    def __init__(self, demo: Demo, site: str) -> None:
        self.site = site
        self.hub = demo.hub
        self.http = httpx.AsyncClient(base_url=demo.hub, timeout=10)
        self.store_id = ""
        self.key = ""
        self.auth: dict[str, str] = {}

    async def find(self, demo: Demo, name: str) -> None:
        for shop in demo.shops:
            r = await self.http.get(f"/api/live/stores/{shop['store_id']}")
            if r.json()["store_name"] == name:
                self.store_id, self.key = shop["store_id"], shop["key"]
                self.auth = {"Authorization": f"Bearer {self.key}"}
                return
        raise RuntimeError(f"no demo shop named {name}")

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**self.auth, **kwargs.pop("headers", {})}
        r = await self.http.request(method, path, headers=headers, **kwargs)
        r.raise_for_status()
        return r.json() if r.content else None

    async def dress(self) -> None:
        """Product pictures, the page's look, and a public board."""
        async with StoreClient(self.hub, self.store_id, self.key) as client:
            pictured = [
                ProductIn(id=p.id, name=p.name, code=p.code, price=Price(**p.price.model_dump()), page_url=p.page_url,
                          tags=p.tags, image_url=f"{self.site}/{p.id}.png")
                for p in await client.products()
            ]  # fmt: skip
            await client.upsert_products(pictured)
        await self.call(
            "PUT",
            f"/api/stores/{self.store_id}/live",
            json={
                "accent": ACCENT,
                "logo_url": f"{self.site}/logo.png",
                "greeting": "Welcome to the studio by the harbour. We are at the wheel today: "
                "ask us anything.",
            },
        )
        board = f"/api/stores/{self.store_id}/live/board"
        photo = _drawn(_glaze_test)
        upload = await self.call(
            "POST", "/api/live/uploads", content=photo, headers={"Content-Type": "image/png"}
        )
        for widget in (
            {"kind": "link", "url": "https://example.org/ash-glaze", "title": "How we glaze with ash"},
            {"kind": "image", "upload_id": upload["upload_id"], "title": "Glaze tests from Monday's firing"},
            {"kind": "product", "product_id": "tide-vase"},
            {"kind": "note", "title": "Kiln opening", "text": "Saturday 10:00–16:00. Come and see the new pieces come out of the kiln."},
        ):  # fmt: skip
            await self.call("POST", board, json={"widget": widget})

    async def newest_session(self) -> str:
        lobby = await self.call("GET", f"/api/stores/{self.store_id}/live/sessions")
        return str(lobby["sessions"][0]["session_id"])


async def command(ws: Any, frame: dict[str, Any]) -> dict[str, Any]:
    frame = {"id": f"shot-{id(frame)}-{asyncio.get_running_loop().time()}", **frame}
    await ws.send(json.dumps(frame))
    while True:
        reply = json.loads(await asyncio.wait_for(ws.recv(), 5))
        if reply.get("id") == frame["id"]:
            assert reply["type"] == "result", reply
            return dict(reply)


async def shoot(demo: Demo, site: str, out: Path) -> None:
    store = Store(demo, site)
    await store.find(demo, "Harbour Ceramics")
    await store.dress()
    ws_url = (await store.http.get("/.well-known/cartstart.json")).json()["ws_url"]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
        page = await context.new_page()
        await page.goto(f"{demo.hub}/live/{store.store_id}")
        await expect(page.locator("#board .card")).to_have_count(4)
        await expect(page.locator("#results .card img").first).to_be_visible()
        await expect(page.locator("#connection")).to_have_text("Live")
        await page.wait_for_timeout(300)  # pictures decode
        await page.screenshot(path=out / "live-visitor-public.png")

        await page.get_by_role(
            "textbox", name="Your name (optional, so the seller can greet you)"
        ).fill("Ana")
        await page.get_by_role("button", name="Start a session").click()
        await expect(page.locator("#connection")).to_have_text("Live")
        session_id = await store.newest_session()
        async with connect(f"{ws_url}/ws/live") as ws:
            hello = {"type": "hello", "versions": [1], "token": store.key, "session_id": session_id}
            await ws.send(json.dumps(hello))
            await session(page, ws)
            await page.screenshot(path=out / "live-visitor-session.png")
            await order_dialog(page)
            await page.screenshot(path=out / "live-visitor-order.png")
        await browser.close()
    await store.http.aclose()


async def say(page: Page, text: str) -> None:
    box = page.get_by_label("Your message")
    await box.fill(text)
    await box.press("Enter")
    await expect(page.locator("#chat-log .message:not([data-pending])").last).to_contain_text(text)


async def session(page: Page, ws: Any) -> None:
    await expect(page.locator("#presence")).to_have_text("The seller is here")
    await command(ws, {"type": "say", "text": "Hello Ana, welcome! Looking for anything in particular?"})  # fmt: skip
    await say(page, "Hi! A vase for my mother's birthday. Something blue, not too big.")
    head = json.loads(await asyncio.wait_for(ws.recv(), 5))
    while head.get("type") != "said":
        head = json.loads(await asyncio.wait_for(ws.recv(), 5))
    await command(ws, {"type": "mark_read", "up_to": head["seq"]})
    for product in ("kelp-bowl", "tide-vase"):
        await command(ws, {"type": "present", "product": product})
    await command(ws, {"type": "say", "text": "The tide vase is one of a kind: blue-grey with an ash tide line. The bowl goes well with it."})  # fmt: skip
    counter = page.locator("#counter")
    await expect(counter.locator(".card")).to_have_count(2)
    await counter.locator(".card").first.get_by_role("button", name="Add to session cart").click()
    await expect(page.locator("#cart .cart-item")).to_have_count(1)
    await page.locator("#results .card").filter(has_text="Harbour mug").get_by_role("button", name="Add to session cart").click()  # fmt: skip
    await expect(page.locator("#cart .cart-item")).to_have_count(2)
    await say(page, "Lovely, I'll take the vase. And a mug for me!")
    await command(ws, {"type": "mark_read", "up_to": 100000})
    await expect(page.locator("#chat-log .receipt").last).to_have_text(" · Seen")
    await ws.send(json.dumps({"type": "typing"}))
    await expect(page.locator("#typing")).not_to_be_empty()
    await page.wait_for_timeout(7500)  # the notice fades (the typing line is sent again below)
    await ws.send(json.dumps({"type": "typing"}))
    await expect(page.locator("#typing")).not_to_be_empty()
    await page.mouse.move(0, 0)
    await page.evaluate("window.scrollTo(0, 0)")


async def order_dialog(page: Page) -> None:
    await page.locator("#cart").get_by_role("button", name="Order now").click()
    dialog = page.get_by_role("dialog", name="Order now")
    await dialog.get_by_label("Email address").fill("ana@example.org")
    await dialog.get_by_label("Your name").fill("Ana Lima")
    await dialog.get_by_label("Your name").blur()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, pictures_site() as site:
        process, demo = start_demo(Path(tmp))
        try:
            asyncio.run(shoot(demo, site, out))
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img"))

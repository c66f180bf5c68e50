"""Screenshots of what people see in a browser: a demo shop's pages, connecting (the hub's window,
the page's own dialog), the store console (with and without anything in it) and the counter.

    python -m tests.storefront.screenshots docs/img      (or: make web-screenshots)

Runs `cartstart-demo` on free ports in a temporary directory (as a person would, through
its command line and HTTP only), then Debian's Chromium through Playwright. Not a test: pytest
does not collect it.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.helpers.waiting import free_port
from tests.storefront.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.storefront.screenshots_console_live import console_live_pages

VIEWPORT = {"width": 1100, "height": 720}
WINDOW = {"width": 480, "height": 600}  # the size the widget asks for the connect window
BIN = Path(sys.executable).parent


@dataclass
class Demo:
    hub: str = ""
    data_dir: Path = Path()
    email: str = ""
    password: str = ""
    shops: list[dict[str, str]] = field(default_factory=list)  # url, store_id, key


def start_demo(data_dir: Path) -> tuple[subprocess.Popen[str], Demo]:
    """The demo hub and shops; returns the process and what it printed (urls, keys, ...)."""
    port, shops_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    process = subprocess.Popen(
        [
            str(BIN / "cartstart-demo"),  # no display: it leaves the desktop cart closed
            "--data-dir",
            str(data_dir),
            "--port",
            str(port),
            "--ws-port",
            str(free_port()),
            "--shops-port",
            str(shops_port),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    demo = Demo(data_dir=data_dir)
    for line in process.stdout:
        if m := re.match(r"\s+Hub\s+(\S+)", line):
            demo.hub = m.group(1)
        elif m := re.match(r"\s+shop\s+(\S+)/", line):
            demo.shops.append({"url": m.group(1)})
        elif m := re.match(r"\s+store id\s+(\S+)", line):
            demo.shops[-1]["store_id"] = m.group(1)
        elif m := re.match(r"\s+api key\s+(\S+)", line):
            demo.shops[-1]["key"] = m.group(1)
        elif m := re.match(r"\s+Shopper\s+(\S+) / (\S+)", line):
            demo.email, demo.password = m.group(1), m.group(2)
        elif line.startswith("Try it"):
            return process, demo
    raise RuntimeError("the demo stopped before it was ready")


class Shopper:
    """The demo shopper's desktop cart, as far as the hub sees it (its HTTP API)."""

    def __init__(self, demo: Demo) -> None:
        self.http = httpx.AsyncClient(base_url=demo.hub)
        self.demo = demo
        self.auth: dict[str, str] = {}

    async def log_in(self) -> None:
        body = {"email": self.demo.email, "password": self.demo.password}
        session = (await self.http.post("/api/sessions", json=body)).raise_for_status()
        self.auth = {"Authorization": f"Bearer {session.json()['token']}"}

    async def code(self) -> str:
        """What "Connect a browser…" shows."""
        answer = await self.http.post("/api/cart/pairing-codes", json={}, headers=self.auth)
        return str(answer.raise_for_status().json()["code"])

    async def checkout(self) -> None:
        body = {"type": "checkout", "id": f"shot-{uuid.uuid4().hex}"}
        answer = await self.http.post("/api/cart/commands", json=body, headers=self.auth)
        answer.raise_for_status()


async def connect_window(page: Page, product: str) -> Page:
    async with page.expect_popup() as opened:
        await page.locator(f'[data-cartstart-product="{product}"] .cartstart-add').first.click()
    window = await opened.value
    await window.set_viewport_size(WINDOW)  # type: ignore[arg-type]
    await expect(window.get_by_role("heading")).to_contain_text("to your cart?")
    await expect(window.get_by_role("button", name="Connect")).to_be_enabled()
    return window


async def shop_pages(browser: Browser, demo: Demo, shopper: Shopper, out: Path) -> None:
    first, second = demo.shops[0]["url"], demo.shops[1]["url"]
    context = await browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    page = await context.new_page()
    # A product page with the last unit, not connected yet ("Connect to my cart" in the header).
    await page.goto(first + "/products/first-edition")
    await expect(page.locator(".cartstart-availability").first).to_have_text("Only 1 left")
    await page.screenshot(path=out / "storefront-page.png")
    # Add to cart: the hub's window asks, the first time with the code from the cart.
    window = await connect_window(page, "first-edition")
    await window.get_by_label("Code from your cart").fill(await shopper.code())
    await window.screenshot(path=out / "connect-window-first.png")
    async with window.expect_event("close"):
        await window.get_by_role("button", name="Connect").click()
    await expect(page.locator(".cartstart-availability").first).to_have_text("In your cart (1)")
    await expect(page.locator(".cartstart-notice")).not_to_be_empty()
    await expect(page.get_by_role("button", name="Connect to my cart")).to_be_hidden()
    await page.screenshot(path=out / "storefront-connected.png")
    # The other shop: one click.
    other = await context.new_page()
    await other.goto(second + "/")
    await expect(other.locator(".cartstart-availability").first).not_to_have_text(
        "Checking availability…"
    )
    product = await other.locator(".cartstart-add:enabled").first.evaluate(
        "b => b.closest('[data-cartstart-product]').dataset.cartstartProduct"
    )
    window = await connect_window(other, product)
    await window.screenshot(path=out / "connect-window-one-click.png")
    async with window.expect_event("close"):
        await window.get_by_role("button", name="Connect").click()
    # The page's own dialog, where no window can open (a popup blocker).
    blocked = await browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    await blocked.add_init_script("window.open = () => null")
    page = await blocked.new_page()
    await page.goto(first + "/products/dot-notebook")
    await page.locator(".cartstart-add").first.click()
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_be_visible()
    await dialog.get_by_label("Code from your cart").fill("K7QM-2XHD")
    await page.screenshot(path=out / "storefront-connect-dialog.png")
    await blocked.close()
    await context.close()


async def console_pages(browser: Browser, demo: Demo, shopper: Shopper, out: Path) -> None:
    shop = demo.shops[0]
    context = await browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    console = await context.new_page()
    await console.goto(demo.hub + "/console")
    await console.get_by_label("API key").fill(shop["key"])
    await console.get_by_role("button", name="Sign in").click()
    await expect(console.locator("#connection")).to_have_text("Live")
    await console.screenshot(path=out / "console-empty.png", full_page=True)

    # A linked page adds something, the cart checks out, then adds one more.
    shopping = await browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    token = (
        (
            await shopper.http.post(
                "/api/cart/link-tokens", json={"label": "screenshots"}, headers=shopper.auth
            )
        )
        .raise_for_status()
        .json()["token"]
    )
    page = await shopping.new_page()
    await page.goto(f"{shop['url']}/products/dot-notebook#cartstart={token}")
    await page.locator(".cartstart-add").first.click()
    await expect(page.locator(".cartstart-availability").first).to_contain_text("In your cart")
    await shopper.checkout()
    await page.goto(f"{shop['url']}/products/letterpress-print")
    await page.locator(".cartstart-add").first.click()
    await expect(console.locator("#orders tr")).to_have_count(1)
    await expect(console.locator("#carts tr")).to_have_count(1)
    await console.wait_for_timeout(5500)  # the notification fades
    await console.screenshot(path=out / "console.png", full_page=True)
    # A discount code for a cart, and an order step the shopper reads about: the one dialog.
    await console.locator("#carts").get_by_role("button", name="Send discount").click()
    dialog = console.get_by_role("dialog")
    await dialog.get_by_label("Message to the shopper (optional)").fill(
        "Thank you for coming back: 10% off the print."
    )
    await console.screenshot(path=out / "console-discount.png")
    await dialog.get_by_role("button", name="Cancel").click()
    await console.locator("#orders").get_by_role("button", name="Reject").first.click()
    dialog = console.get_by_role("dialog").filter(has_text="Reject order")
    await dialog.get_by_label("Reason").fill("Sold at the counter this morning, sorry")
    await console.screenshot(path=out / "console-order-step.png")
    await dialog.get_by_role("button", name="Back").click()

    # The counter, live (the shop's own browser).
    counter = await context.new_page()
    await counter.goto(f"{shop['url']}/counter")
    await expect(counter.locator(".cartstart-availability").first).not_to_have_text(
        "Checking availability…"
    )
    await counter.screenshot(path=out / "counter.png", full_page=True)

    # The admin replaces the key: the console says so instead of reconnecting forever.
    rotate = await asyncio.create_subprocess_exec(
        str(BIN / "cartstart-server"), "store", "rotate-key", shop["store_id"],
        "--data-dir", str(demo.data_dir), stdout=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    assert await rotate.wait() == 0
    # The hub ends the console's connections at once (its feed is refused): no reload needed,
    # and a reload here would race the console's own return to the sign-in form.
    await expect(console.get_by_role("alert").first).to_have_text(
        "This key is no longer valid; sign in again"
    )
    await console.screenshot(path=out / "console-key-replaced.png")
    await shopping.close()
    await context.close()


async def shoot(demo: Demo, out: Path) -> None:
    shopper = Shopper(demo)
    await shopper.log_in()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        await console_pages(browser, demo, shopper, out)
        await shop_pages(browser, demo, shopper, out)
        await console_live_pages(browser, demo.hub, demo.shops[1], out)  # last: holds a one-off
        await browser.close()
    await shopper.http.aclose()


def shoot_with_demo(shoot: Callable[[Demo, Path], Coroutine[Any, Any, None]], out: Path) -> None:
    """Run a screenshot script's `shoot` against a fresh demo, stopped however it ends."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        process, demo = start_demo(Path(tmp))
        try:
            asyncio.run(shoot(demo, out))
        finally:
            process.terminate()
            process.wait(timeout=30)


def main(out: Path) -> None:
    shoot_with_demo(shoot, out)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img"))

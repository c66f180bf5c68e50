"""Screenshots of what people see in a browser: a demo shop page, its pairing dialog, the console.

    python -m tests.storefront.screenshots docs/img      (or: make web-screenshots)

Runs `cartstart-server demo` on free ports in a temporary directory (as a person would, through
its command line and HTTP only), then Debian's Chromium through Playwright. Not a test: pytest
does not collect it.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import httpx
from playwright.async_api import Page, async_playwright, expect

from tests.helpers.waiting import free_port
from tests.storefront.conftest import CHROMIUM, CHROMIUM_ARGS

VIEWPORT = {"width": 1100, "height": 720}


def start_demo(data_dir: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """The demo hub and shops; returns the process and what it printed (urls, a key, ...)."""
    port, shops_port = free_port(), free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "cartstart-server"),
            "demo",
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
    )
    assert process.stdout is not None
    found: dict[str, str] = {}
    for line in process.stdout:
        if m := re.match(r"\s+Hub\s+(\S+)", line):
            found["hub"] = m.group(1)
        elif (m := re.match(r"\s+shop\s+(\S+)/", line)) and "shop" not in found:
            found["shop"] = m.group(1)
        elif (m := re.match(r"\s+api key\s+(\S+)", line)) and "key" not in found:
            found["key"] = m.group(1)
        elif m := re.match(r"\s+Shopper\s+(\S+) / (\S+)", line):
            found["email"], found["password"] = m.group(1), m.group(2)
        elif line.startswith("Try it"):
            return process, found
    raise RuntimeError("the demo stopped before it was ready")


async def link_token(hub: str, email: str, password: str) -> tuple[str, str]:
    """A session token and a link token for the demo shopper (as the desktop cart gets them)."""
    async with httpx.AsyncClient(base_url=hub) as http:
        session = await http.post("/api/sessions", json={"email": email, "password": password})
        token = session.raise_for_status().json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        link = await http.post("/api/cart/link-tokens", json={"label": "screenshots"}, headers=auth)
        return token, link.raise_for_status().json()["token"]


async def checkout(hub: str, session_token: str) -> None:
    async with httpx.AsyncClient(base_url=hub) as http:
        answer = await http.post(
            "/api/cart/commands",
            json={"type": "checkout", "id": f"shot-{uuid.uuid4().hex}"},
            headers={"Authorization": f"Bearer {session_token}"},
        )
        answer.raise_for_status()


async def shoot(demo: dict[str, str], out: Path) -> None:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
        page: Page = await context.new_page()
        # A product page with the last unit, unlinked: then Add to cart asks to pair.
        await page.goto(demo["shop"] + "/products/first-edition")
        await expect(page.locator(".cartstart-availability").first).to_have_text("Only 1 left")
        await page.screenshot(path=out / "storefront-page.png")
        await page.locator(".cartstart-add").first.click()
        await expect(page.get_by_role("dialog")).to_be_visible()
        await page.get_by_label("Pairing code").fill("K7QM")
        await page.screenshot(path=out / "storefront-pairing.png")

        # The console, signed in, after a linked page added something and an order.
        session, token = await link_token(demo["hub"], demo["email"], demo["password"])
        console = await context.new_page()
        await console.goto(demo["hub"] + "/console")
        await console.get_by_label("API key").fill(demo["key"])
        await console.get_by_role("button", name="Sign in").click()
        await expect(console.locator("#connection")).to_have_text("live")
        shopper = await (await browser.new_context()).new_page()
        await shopper.goto(f"{demo['shop']}/products/dot-notebook#cartstart={token}")
        await shopper.locator(".cartstart-add").first.click()
        await expect(shopper.locator(".cartstart-availability").first).to_contain_text(
            "In your cart (1)"
        )
        await checkout(demo["hub"], session)
        await shopper.goto(f"{demo['shop']}/products/letterpress-print")
        await shopper.locator(".cartstart-add").first.click()
        await expect(console.locator("#orders tr")).to_have_count(1)
        await expect(console.locator("#carts tr")).to_have_count(1)
        await console.screenshot(path=out / "console.png")
        # An order step that the shopper reads about asks in the one dialog (never prompt()).
        await console.locator("#orders").get_by_role("button", name="Reject").click()
        dialog = console.get_by_role("dialog")
        await dialog.get_by_label("Reason").fill("Sold at the counter this morning, sorry")
        await console.screenshot(path=out / "console-order-step.png")
        await browser.close()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        process, demo = start_demo(Path(tmp))
        try:
            asyncio.run(shoot(demo, out))
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img"))

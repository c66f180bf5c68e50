"""Screenshots of rating a call (docs/img/live-call-rating.png, console-ratings.png): the demo
hub, an agent (Rosa) in the console and a visitor on the live page, two short calls; the
visitor's rating form after the second, and the owner's Ratings section afterwards.

    python -m tests.storefront.rating_screenshots docs/img      (part of make web-screenshots)

Not a test: pytest does not collect it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import httpx
from playwright.async_api import Page, async_playwright, expect

from tests.storefront.call_screenshots import playing
from tests.storefront.conftest import CALL_ARGS, CHROMIUM
from tests.storefront.screenshots import Demo, shoot_with_demo
from tests.storefront.screenshots_console_live import LIVE_VIEWPORT, signed_in


async def agent(hub: str, store_id: str, key: str) -> str:
    async with httpx.AsyncClient(base_url=hub) as http:
        body = {"email": "rosa@harbour.example", "name": "Rosa Marin", "role": "agent"}
        r = await http.post(
            f"/api/stores/{store_id}/agents", json=body, headers={"Authorization": f"Bearer {key}"}
        )
        code = r.raise_for_status().json()["invite_code"]
        r = await http.post(
            "/api/agent-invites", json={"code": code, "password": "correct horse battery"}
        )
        return str(r.raise_for_status().json()["token"])


async def call(page: Page, console: Page, seconds: float) -> None:
    await page.locator("#live-call").get_by_role("button", name="Ask for a video call").click()
    await console.locator("#live-call").get_by_role("button", name="Accept").click()
    await playing(page.locator("#live-call video.call-remote"))
    await page.wait_for_timeout(seconds * 1000)
    await page.locator("#live-call").get_by_role("button", name="Hang up").click()


async def rate(page: Page, stars: int, comment: str, send: bool = True) -> None:
    form = page.get_by_role("form", name=re.compile("^How was your call"))
    await form.get_by_role("radio", name=re.compile(f"^{stars} stars? of 5")).check()
    await form.get_by_label("Comment (optional)").fill(comment)
    if send:
        await form.get_by_role("button", name="Send rating").click()
        await expect(page.locator(".rating-thanks")).to_be_visible()


async def shoot(demo: Demo, out: Path) -> None:
    shop = demo.shops[1]  # Harbour Ceramics
    token = await agent(demo.hub, shop["store_id"], shop["key"])
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CALL_ARGS)
        console = await signed_in(browser, demo.hub, token)
        context = await browser.new_context(viewport=LIVE_VIEWPORT)  # type: ignore[arg-type]
        page = await context.new_page()
        for p in (page, console):
            p.set_default_timeout(15000)
        await page.goto(f"{demo.hub}/live/{shop['store_id']}")
        await page.get_by_role("textbox", name=re.compile("^Your name")).fill("Maria")
        await page.get_by_role("button", name="Start a session").click()
        await expect(page.locator("#connection")).to_have_text(re.compile("^Live"))
        box = page.get_by_label("Your message")
        await box.fill("Could you show me the kelp bowl's glaze up close?")
        await box.press("Enter")
        await console.locator(".lobby-row").filter(has_text="Maria").click()
        await expect(console.locator("#session-presence")).to_have_text("Maria is here")

        await call(page, console, 2)
        await rate(page, 5, "Rosa turned the bowl in the light so I could see the glaze. Lovely!")
        await call(page, console, 3)
        await rate(page, 4, "Helpful. The sound cut out once.", send=False)
        await page.mouse.move(0, 0)
        await page.evaluate("window.scrollTo(0, 0)")
        await page.wait_for_timeout(7500)  # the notices fade
        await page.screenshot(path=out / "live-call-rating.png")
        await page.get_by_role("button", name="Send rating").click()
        await expect(page.locator(".rating-thanks")).to_be_visible()

        owner = await signed_in(browser, demo.hub, shop["key"])
        await owner.get_by_role("tab", name="Carts and orders").click()
        section = owner.locator("#ratings-section")
        await expect(section.locator(".rating-list li")).to_have_count(2)
        await section.scroll_into_view_if_needed()
        await section.screenshot(path=out / "console-ratings.png")
        await browser.close()


def main(out: Path) -> None:
    shoot_with_demo(shoot, out)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img"))

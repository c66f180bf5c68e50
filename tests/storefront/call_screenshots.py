"""Screenshots of a video call (docs/img/console-live-call.png, live-visitor-call.png) and of the
store's ring seen by the visitor with the seller's camera (live-visitor-ring.png,
console-ringing.png): the demo hub, the seller in the console and a visitor on the live page,
each in its own Chromium context with Chromium's fake camera and microphone (so the "video" is
Chromium's test pattern).

    python -m tests.storefront.call_screenshots docs/img      (part of make web-screenshots)

Not a test: pytest does not collect it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playwright.async_api import Locator, async_playwright, expect

from tests.storefront.conftest import CALL_ARGS, CHROMIUM
from tests.storefront.screenshots import Demo, shoot_with_demo
from tests.storefront.screenshots_console_live import LIVE_VIEWPORT, signed_in


async def playing(video: Locator) -> None:
    await video.page.wait_for_function(
        "v => v.videoWidth > 0 && v.currentTime > 1",
        arg=await video.element_handle(),
        timeout=20000,
    )


async def shoot(demo: Demo, out: Path) -> None:
    shop = demo.shops[1]  # Harbour Ceramics
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CALL_ARGS)
        console = await signed_in(browser, demo.hub, shop["key"])
        context = await browser.new_context(viewport=LIVE_VIEWPORT)  # type: ignore[arg-type]
        page = await context.new_page()
        page.set_default_timeout(10000)
        console.set_default_timeout(10000)
        await page.goto(f"{demo.hub}/live/{shop['store_id']}")
        await page.get_by_role("textbox", name=re.compile("^Your name")).fill("Maria")
        await page.get_by_role("button", name="Start a session").click()
        await expect(page.locator("#connection")).to_have_text(re.compile("^Live"))
        box = page.get_by_label("Your message")
        await box.fill("Hi! Could you show me the kelp bowl on camera?")
        await box.press("Enter")

        await console.locator(".lobby-row").filter(has_text="Maria").click()
        await expect(console.locator("#session-presence")).to_have_text("Maria is here")
        message = console.get_by_label("Message to the visitor")
        await message.fill("Of course! Ask for a call and I'll hold it up for you.")
        await message.press("Enter")

        await page.locator("#live-call").get_by_role("button", name="Ask for a video call").click()
        await console.locator("#live-call").get_by_role("button", name="Accept").click()
        await page.locator("#live-call").get_by_role("button", name="Turn camera on").click()
        await playing(page.locator("#live-call video.call-remote"))
        await playing(console.locator("#live-call video.call-remote"))

        find = console.get_by_label("Find a product to show")
        await find.fill("kelp bowl")
        present = console.locator("#find-results li").first.get_by_role("button", name="Present")
        await present.click()
        await expect(page.locator("#counter .card")).to_have_count(1)
        await find.fill("")
        await page.wait_for_timeout(7500)  # the notices fade; the call runs a few seconds
        await page.mouse.move(0, 0)
        await console.mouse.move(0, 0)
        await console.locator("#session-title").focus()
        await console.evaluate("window.scrollTo(0, 0)")
        await page.evaluate("window.scrollTo(0, 0)")
        await console.screenshot(path=out / "console-live-call.png")
        await page.screenshot(path=out / "live-visitor-call.png")
        await page.locator("#live-call").get_by_role("button", name="Hang up").click()
        await expect(console.locator("#live-call .call-ended")).to_contain_text("Maria hung up")

        # The store rings: the visitor sees the seller's camera before joining (live-visitor-ring).
        await console.locator("#live-call").get_by_role("button", name="Call the visitor").click()
        await playing(page.locator("#live-call video.call-remote"))
        await expect(console.locator("#live-call .call-status")).to_contain_text(
            "can see your camera"
        )
        await page.locator("#live-call").screenshot(path=out / "live-visitor-ring.png")
        await console.locator("#live-call").screenshot(path=out / "console-ringing.png")
        await page.locator("#live-call").get_by_role("button", name="Decline").click()
        await browser.close()


def main(out: Path) -> None:
    shoot_with_demo(shoot, out)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img"))

"""Screenshots of the marketplace's requests in the console (docs/img/console-requests.png,
console-request-answer.png): the demo hub, a buyer's solution with products of two demo shops sent
as a request for quotes, and the first shop's Requests panel with its answer dialog.

    python -m tests.storefront.screenshots_requests docs/img      (part of make web-screenshots)

Not a test: pytest does not collect it.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import httpx
from playwright.async_api import async_playwright, expect

from tests.storefront.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.storefront.screenshots import Demo, shoot_with_demo
from tests.storefront.screenshots_console_live import signed_in


async def send_quote(demo: Demo) -> None:
    async with httpx.AsyncClient(base_url=demo.hub, timeout=10) as http:
        lines = []
        for n, shop in enumerate(demo.shops[:2]):
            headers = {"Authorization": f"Bearer {shop['key']}"}
            products = await http.get(f"/api/stores/{shop['store_id']}/products", headers=headers)
            for qty, product in zip((6, 2), products.raise_for_status().json()[:2], strict=False):
                note = "For the terrace, please pack them separately" if n == 0 and qty == 6 else ""
                lines.append({"store_id": shop["store_id"], "product_id": product["id"],
                              "qty": qty, "note": note})  # fmt: skip
        r = await http.post("/api/market/solutions", json={"name": "Café fit-out", "lines": lines})
        created = r.raise_for_status().json()
        contact = {"name": "Mira Jovanović", "email": "mira@kafe.example", "company": "Kafe Mira",
                   "phone": "+381 11 555 0101", "note": "Delivery to Belgrade before March"}  # fmt: skip
        r = await http.post(
            f"/api/market/solutions/{created['id']}/send",
            json={"kind": "quote", "contact": contact, "lang": "en"},
            headers={"X-Solution-Secret": created["secret"], "Idempotency-Key": "shots-quote-1"},
        )
        r.raise_for_status()


async def shoot(demo: Demo, out: Path) -> None:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        console = await signed_in(browser, demo.hub, demo.shops[0]["key"])
        await console.get_by_role("tab", name="Carts and orders").click()
        section = console.locator("#requests-section")
        await send_quote(demo)
        await expect(section.locator("#requests tr")).to_have_count(1)
        await console.wait_for_timeout(5500)  # the notification fades
        await section.scroll_into_view_if_needed()
        await section.screenshot(path=out / "console-requests.png")
        await section.get_by_role("button", name="Answer").click()
        dialog = console.get_by_role("dialog")
        await dialog.get_by_label("Price for all these lines").fill("540.00")
        until = dt.date.today() + dt.timedelta(days=14)
        await dialog.get_by_label("Valid until").fill(until.isoformat())
        await dialog.get_by_label("Note for the buyer (optional)").fill("Delivery within a week")
        await console.screenshot(path=out / "console-request-answer.png")
        await browser.close()


def main(out: Path) -> None:
    shoot_with_demo(shoot, out)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img"))

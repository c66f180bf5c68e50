"""Screenshots of the marketplace (docs/img/market-*.png) in English and Serbian at 1360x860:
a search with facets and a solution being built, and the solution's page with the contact
dialog and a firm's answer.

    python -m tests.storefront.market_screenshots docs/img      (make web-screenshots runs it)

A real hub (SQLite, a temporary folder) with the marketplace of tests/storefront/market_helpers.py,
its products' pictures drawn here and served from 127.0.0.1 as a firm's site would serve them.
Not a test: pytest does not collect it.
"""

from __future__ import annotations

import asyncio
import io
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from PIL import Image, ImageDraw
from playwright.async_api import Browser, Page, async_playwright, expect

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.helpers.hubs import hub_config
from tests.helpers.receivers import picture_site
from tests.storefront.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.storefront.market_helpers import Market, open_market

VIEWPORT = {"width": 1360, "height": 860}


def _drawn(draw: Any) -> bytes:
    image = Image.new("RGB", (240, 180), (244, 242, 236))
    draw(ImageDraw.Draw(image))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _panel(d: ImageDraw.ImageDraw) -> None:
    d.rounded_rectangle(
        (50, 30, 190, 150), 8, fill=(235, 238, 242), outline=(120, 128, 140), width=5
    )
    for x in (96, 144):
        d.line((x, 34, x, 146), fill=(200, 205, 212), width=3)
    d.line((54, 90, 186, 90), fill=(200, 205, 212), width=3)


def _tube(d: ImageDraw.ImageDraw) -> None:
    d.rounded_rectangle(
        (20, 78, 220, 102), 12, fill=(250, 250, 244), outline=(150, 150, 150), width=3
    )
    d.rectangle((12, 82, 24, 98), fill=(120, 120, 120))
    d.rectangle((216, 82, 228, 98), fill=(120, 120, 120))


def _cable(d: ImageDraw.ImageDraw) -> None:
    for r, colour in ((62, (230, 230, 230)), (46, (120, 120, 120)), (30, (230, 230, 230))):
        d.ellipse((120 - r, 90 - r, 120 + r, 90 + r), outline=colour, width=12)


def _valve(d: ImageDraw.ImageDraw) -> None:
    d.rectangle((30, 78, 210, 112), fill=(196, 156, 72))
    d.ellipse((86, 56, 154, 134), fill=(214, 172, 84))
    d.rectangle((112, 22, 128, 60), fill=(60, 60, 60))
    d.rounded_rectangle((82, 14, 180, 32), 6, fill=(196, 40, 40))


PICTURES = {
    f"/{name}.png": _drawn(draw)
    for name, draw in (("panel", _panel), ("tube", _tube), ("cable", _cable), ("valve", _valve))
}


async def _page(browser: Browser, locale: str) -> Page:
    context = await browser.new_context(locale=locale, viewport=VIEWPORT)  # type: ignore[arg-type]
    page = await context.new_page()
    page.set_default_timeout(10000)
    return page


async def _search(page: Page, market: Market, lang: str, out: Path) -> str:
    """The search with facets, two lines in the solution, saved: returns its link."""
    await page.goto(market.url)
    await page.fill("#q", "panel")
    await page.press("#q", "Enter")
    cards = page.locator("#results .card")
    await expect(cards).to_have_count(3)
    await page.select_option("#currency", "RSD" if lang == "sr" else "EUR")
    for name in ("LED panel 60x60 40W", "LED panel ugradni"):
        await cards.filter(has_text=name).locator(".card-actions button").first.click()
    await page.fill(
        "#solution-name", "Kancelarija, 3. sprat" if lang == "sr" else "Office, 3rd floor"
    )
    await page.locator("#builder .line").first.locator("input[type=number]").fill("24")
    await (
        page.locator("#builder .line")
        .first.locator("input[type=text]")
        .fill("Isporuka do petka" if lang == "sr" else "Delivery by Friday")
    )
    await page.locator("#save-solution").click()
    link = page.locator("#solution-link")
    await expect(link).to_be_visible()
    await page.locator("#q").focus()
    await page.evaluate("document.getElementById('notice').textContent = ''")
    await page.screenshot(path=str(out / f"market-search-{lang}.png"))
    return await link.input_value()


async def _solution(page: Page, market: Market, url: str, lang: str, out: Path) -> None:
    await page.goto(url)
    await expect(page.locator(".firm")).to_have_count(2)
    await page.locator("#send-quote").click()
    dialog = page.locator("dialog.market-send")
    await dialog.locator("input[name=name]").fill("Mira Petrović")
    await dialog.locator("input[name=email]").fill("mira@kupac.example")
    await dialog.locator("input[name=company]").fill("Mira d.o.o.")
    await page.screenshot(path=str(out / f"market-send-{lang}.png"))
    await dialog.locator("button[type=submit]").click()
    await expect(page.locator(".request")).to_have_count(2)
    # The first firm answers with a price; the buyer sees it with the button to accept.
    solution_id = url.split("#solution=")[1].split(".")[0]
    firm = market.firms["volt"]
    async with httpx.AsyncClient(base_url=market.server.http_url, timeout=10) as http:
        auth = {"Authorization": f"Bearer {firm.key}"}
        listed = (await http.get(f"/api/stores/{firm.store_id}/requests", headers=auth)).json()
        (request,) = [r for r in listed if r["solution_id"] == solution_id]
        note = "Besplatna isporuka u Beogradu" if lang == "sr" else "Free delivery in Belgrade"
        r = await http.post(
            f"/api/stores/{firm.store_id}/requests/{request['id']}/answer",
            json={
                "price": {"amount": 79900, "currency": "EUR"},
                "valid_until": "2026-12-31",
                "note": note,
            },
            headers=auth,
        )
        r.raise_for_status()
    await page.reload()
    await expect(page.locator(".request[data-status=answered]")).to_have_count(1)
    await page.screenshot(path=str(out / f"market-solution-{lang}.png"), full_page=True)


async def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp, picture_site(PICTURES) as pictures:
        async with HubServer(hub_config(Path(tmp)), clock=FakeClock(start=time.time())) as hub:
            market = await open_market(hub, pictures)
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    for lang, locale in (("en", "en-US"), ("sr", "sr-RS")):
                        page = await _page(browser, locale)
                        url = await _search(page, market, lang, out)
                        await _solution(page, market, url, lang, out)
                        await page.context.close()
                finally:
                    await browser.close()


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img")
    folder.mkdir(parents=True, exist_ok=True)
    asyncio.run(main(folder))
    for path in sorted(folder.glob("market-*.png")):
        print(path)

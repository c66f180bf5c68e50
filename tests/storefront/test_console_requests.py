"""The console's Requests panel in real Chromium (docs/marketplace.md "Solutions, quotes and
orders"): an empty state that says what to do; a buyer's request for a quote appears live with
only this store's lines (hostile names and notes as text); the firm answers in a styled dialog
(a wrong price is refused in words, the dialog stays open), and the buyer sees the answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from playwright.async_api import Browser, expect

from tests.helpers.hubs import seed_store
from tests.storefront.conftest import Shop
from tests.storefront.test_console import open_console

HOSTILE_NOTE = '<img src=x onerror="window.pwned = 3">'


async def test_a_request_for_a_quote_arrives_live_and_is_answered_in_a_dialog(
    browser: Browser, shop: Shop
) -> None:
    other_id, _ = await seed_store(shop.hub.hub, "Other Firm", {"bolt": 10})
    console = await open_console(browser, shop, shop.key)
    section = console.locator("#requests-section")
    await expect(section).to_be_visible()
    await expect(console.locator("#requests-empty")).to_contain_text("No requests yet")
    async with httpx.AsyncClient(base_url=shop.hub.http_url, timeout=10) as http:
        body = {
            "name": "Café <b>fit-out</b>",
            "lines": [
                {"store_id": shop.store_id, "product_id": "mug", "qty": 12, "note": HOSTILE_NOTE},
                {"store_id": shop.store_id, "product_id": "tricky", "qty": 1},
                {"store_id": other_id, "product_id": "bolt", "qty": 3},
            ],
        }
        r = await http.post("/api/market/solutions", json=body)
        assert r.status_code == 201, r.text
        created: dict[str, Any] = r.json()
        secret = {"X-Solution-Secret": created["secret"]}
        contact = {"name": "Mira <i>J</i>", "email": "mira@buyer.example", "phone": "+381 11"}
        r = await http.post(
            f"/api/market/solutions/{created['id']}/send",
            json={"kind": "quote", "contact": contact},
            headers={**secret, "Idempotency-Key": "console-quote-1"},
        )
        assert r.status_code == 201, r.text
        # Live: no reload. Only this store's lines; the buyer's words as text.
        rows = console.locator("#requests tr")
        await expect(rows).to_have_count(1)
        row = rows.first
        await expect(row).to_contain_text("12 × Mug [MG-1]")
        await expect(row).to_contain_text("<script>window.pwned = 1</script><b>Bold</b>")
        await expect(row).to_contain_text(HOSTILE_NOTE)
        await expect(row).to_contain_text("Mira <i>J</i>")
        await expect(row).to_contain_text("Solution: Café <b>fit-out</b>")
        await expect(row).not_to_contain_text("bolt")
        await expect(row).to_contain_text("Waiting for your answer")
        await expect(console.locator("#toast")).to_contain_text("New request for a quote from")
        await expect(console.locator("#requests-waiting")).to_have_text("1 waiting")
        assert await console.evaluate("window.pwned") is None
        # Answer in the dialog: a price that is not a number is refused in words.
        await row.get_by_role("button", name="Answer").click()
        dialog = console.get_by_role("dialog")
        await expect(dialog).to_be_visible()
        await expect(dialog.get_by_label("Price for all these lines")).to_be_focused()
        await dialog.get_by_label("Price for all these lines").fill("about twenty")
        until = (dt.date.today() + dt.timedelta(days=14)).isoformat()
        await dialog.get_by_label("Valid until").fill(until)
        await dialog.get_by_label("Note for the buyer (optional)").fill("Delivery in a week")
        await dialog.get_by_role("button", name="Send answer").click()
        await expect(dialog.get_by_role("alert")).to_contain_text("Write the price as a number")
        await dialog.get_by_label("Price for all these lines").fill("180.50")
        await dialog.get_by_role("button", name="Send answer").click()
        await expect(dialog).to_be_hidden()
        await expect(row).to_contain_text("Answered")
        await expect(row).to_contain_text(f"€180.50, valid until {until}")
        await expect(console.locator("#requests-waiting")).to_be_hidden()
        # The buyer sees it on the solution's page.
        page = (await http.get(f"/api/market/solutions/{created['id']}", headers=secret)).json()
        answered = next(q for q in page["requests"] if q["store_id"] == shop.store_id)
        assert answered["answer"]["price"] == {
            "amount": 18050,
            "currency": "EUR",
            "text": "€180.50",
        }
        assert answered["answer"]["note"] == "Delivery in a week"

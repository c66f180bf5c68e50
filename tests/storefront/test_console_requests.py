"""The console's Requests panel in real Chromium (docs/marketplace.md "Solutions, quotes and
orders"): an empty state that says what to do; a buyer's request for a quote appears live with
only this store's lines (hostile names and notes as text); the firm answers in a styled dialog
(a wrong price is refused in words, the dialog stays open), and the buyer sees the answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from playwright.async_api import Browser, expect

from shared_protocol.common import Price
from shared_protocol.store import ProductIn, UpsertProducts
from tests.helpers.hubs import command_id, seed_store
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


async def test_the_answer_dialog_knows_three_decimal_currencies_and_the_hubs_date(
    browser: Browser, shop: Shop
) -> None:
    """A firm pricing in Bahraini dinars (3 decimals, as the hub reads amounts), in New York late
    in the evening: the first date it may choose is the UTC date the hub checks against."""
    store_id, key = await shop.hub.hub.stores.create("Gulf Tools")
    product = ProductIn(id="drill", name="Drill", code="DR-1",
                        price=Price(amount=12_500, currency="BHD"))  # fmt: skip
    await shop.hub.hub.stores.command(store_id, UpsertProducts(id=command_id(), products=[product]))
    context = await browser.new_context(timezone_id="America/New_York")
    console = await context.new_page()
    console.set_default_timeout(5000)
    await console.clock.set_fixed_time(dt.datetime(2027, 1, 15, 2, 0, tzinfo=dt.UTC))  # 21:00 NY
    await console.goto(f"{shop.hub.http_url}/console")
    await console.get_by_label("API key").fill(key)
    await console.get_by_role("button", name="Sign in").click()
    await expect(console.locator("#connection")).to_have_text("Live")
    async with httpx.AsyncClient(base_url=shop.hub.http_url, timeout=10) as http:
        body = {"name": "Tools", "lines": [{"store_id": store_id, "product_id": "drill", "qty": 1}]}
        created = (await http.post("/api/market/solutions", json=body)).json()
        secret = {"X-Solution-Secret": created["secret"]}
        r = await http.post(
            f"/api/market/solutions/{created['id']}/send",
            json={"kind": "quote", "contact": {"name": "Omar", "email": "omar@buyer.example"}},
            headers={**secret, "Idempotency-Key": "console-quote-bhd"},
        )
        assert r.status_code == 201, r.text
        row = console.locator("#requests tr").first
        await row.get_by_role("button", name="Answer").click()
        dialog = console.get_by_role("dialog")
        until = dialog.get_by_label("Valid until")
        assert await until.get_attribute("min") == "2027-01-15"
        await dialog.get_by_label("Price for all these lines").fill("12.3456")
        await until.fill("2027-02-01")
        await dialog.get_by_role("button", name="Send answer").click()
        await expect(dialog.get_by_role("alert")).to_contain_text("e.g. 350.000 (BHD)")
        await dialog.get_by_label("Price for all these lines").fill("12.345")
        await dialog.get_by_role("button", name="Send answer").click()
        await expect(dialog).to_be_hidden()
        page = (await http.get(f"/api/market/solutions/{created['id']}", headers=secret)).json()
        (answered,) = page["requests"]
        assert answered["answer"]["price"]["amount"] == 12_345
        assert answered["answer"]["price"]["currency"] == "BHD"
    await context.close()

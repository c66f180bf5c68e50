"""Support credit shows live on the shopper's open page (docs/agents.md "Support calls"): an
owner gives credit in the console's Support calls section, and the shopper's open live page
says the new credit without a reload (the hub's `credit` event); another shopper's open page
of the same store never shows it. No prompt(), alert() or confirm(); no uncaught error."""

from __future__ import annotations

import httpx
from playwright.async_api import Browser, Page, expect

from cartstart_server.domain.tickets import cart_ref
from tests.helpers.peers import Account, sign_up
from tests.storefront import console_live_helpers as console_ui
from tests.storefront import live_helpers as page_ui
from tests.storefront.conftest import TEST_CATALOGUE, Shop
from tests.storefront.test_live_calls import watch

STORE = TEST_CATALOGUE.name
# Every text the page's support offer ever showed, in order (a reload would empty the list).
RECORD_OFFERS = """() => {
  window.offers = [];
  const offer = document.querySelector(".support-offer");
  const keep = () => window.offers.push(offer.textContent);
  keep();
  new MutationObserver(keep).observe(offer, { childList: true, characterData: true, subtree: true });
}"""


async def attached_page(
    browser: Browser, shop: Shop, http: httpx.AsyncClient, name: str
) -> tuple[Page, Account]:
    """A live page whose session is attached to a newly signed-up shopper's cart."""
    page = await page_ui.open_live(browser, shop)
    await page_ui.start_session(page, name)
    link = await page.evaluate("() => new URLSearchParams(location.hash.slice(1)).get('session')")
    who = await sign_up(http, f"{name.lower()}@example.org")
    r = await http.post("/api/cart/live-sessions", json={"link": link}, headers=who.auth)
    assert r.status_code == 201, r.text
    support = page.get_by_role("region", name="Support calls")
    await expect(support).to_contain_text("Your credit: €0.00.")
    await page.evaluate(RECORD_OFFERS)
    return page, who


async def test_credit_an_owner_gives_in_the_console_shows_on_the_open_page_without_reload(
    browser: Browser, shop: Shop
) -> None:
    trouble: list[str] = []
    key = {"Authorization": f"Bearer {shop.key}"}
    async with httpx.AsyncClient(base_url=shop.hub.http_url, timeout=10) as http:
        body = {"price_per_minute": 60, "currency": "EUR", "minutes_per_unit": 10}
        r = await http.put(f"/api/stores/{shop.store_id}/support", json=body, headers=key)
        assert r.status_code == 200, r.text
        ana_page, ana = await attached_page(browser, shop, http, "Ana")
        bo_page, bo = await attached_page(browser, shop, http, "Bo")
        for page in (ana_page, bo_page):
            watch(page, trouble)
        ana_support = ana_page.get_by_role("region", name="Support calls")
        bo_support = bo_page.get_by_role("region", name="Support calls")
        offer = ana_support.locator(".support-offer")
        await expect(offer).to_have_attribute("aria-live", "polite")  # screen readers hear it

        # The owner gives Ana credit in the console (the shopper reference the store knows).
        owner = await console_ui.open_live(browser, shop)
        watch(owner, trouble)
        await owner.get_by_role("tab", name="Carts and orders").click()
        form = owner.locator("#support-grant")
        await form.get_by_label("Shopper reference").fill(cart_ref(shop.store_id, ana.cart_id))
        await form.get_by_label("Amount").fill("5.00")
        await form.get_by_label("Reason (the shopper reads it)").fill("Sorry for the wait")
        await form.get_by_role("button", name="Give credit").click()
        await expect(owner.locator("#support-grant-result")).to_have_text(
            "Done: the shopper now has 5.00 EUR (8 min)."
        )
        await expect(ana_support).to_contain_text(
            f"Support from {STORE}: €0.60 a minute. Your credit: €5.00, about 8 minutes."
        )

        # Taken back in part over the API: the page follows again.
        ref = cart_ref(shop.store_id, ana.cart_id)
        r = await http.post(
            f"/api/stores/{shop.store_id}/support/credit",
            json={"cart_ref": ref, "amount": -380, "reason": "Corrected"},
            headers=key,
        )
        assert r.status_code == 200, r.text
        await expect(ana_support).to_contain_text("Your credit: €1.20, about 2 minutes.")

        # Bo's page hears only Bo's credit (given after Ana's): it never showed Ana's.
        r = await http.post(
            f"/api/stores/{shop.store_id}/support/credit",
            json={"cart_ref": cart_ref(shop.store_id, bo.cart_id), "amount": 60, "reason": "x"},
            headers=key,
        )
        assert r.status_code == 200, r.text
        await expect(bo_support).to_contain_text("Your credit: €0.60, about 1 minute.")
        bo_saw = await bo_page.evaluate("() => window.offers")
        assert not any("€5.00" in text or "€1.20" in text for text in bo_saw), bo_saw

        # Neither page was reloaded: the record kept since the session was attached is whole.
        ana_saw = await ana_page.evaluate("() => window.offers")
        assert ana_saw is not None and any("€5.00" in text for text in ana_saw), ana_saw
        assert "€0.00" in ana_saw[0] and "€1.20" in ana_saw[-1], ana_saw
    assert trouble == []

"""Personalised products in the browser tests: a wedding-invitation form, and the shop's side
of a draft over the hub's real HTTP routes (the store's key as the bearer)."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.async_api import Browser, Locator, Page, expect

from tests.storefront.conftest import Shop, new_page
from tests.storefront.test_widget import add_button, availability

WEDDING_FORM: dict[str, Any] = {
    "intro": "Tell us what to print. We send you a proof before anything is printed.",
    "fields": [
        {
            "key": "wording",
            "label": "Wording",
            "kind": "long_text",
            "required": True,
            "help": "As it should read on the card.",
            "max_length": 500,
        },
        {"key": "names", "label": "Names", "kind": "text", "required": True, "max_length": 80},
        {
            "key": "date",
            "label": "Wedding date",
            "kind": "date",
            "min_date": "2027-01-01",
            "max_date": "2028-12-31",
        },
        {
            "key": "paper",
            "label": "Paper",
            "kind": "choice",
            "required": True,
            "options": ["Cream", "White", "Kraft"],
        },
        {
            "key": "copies",
            "label": "Spare copies",
            "kind": "number",
            "integer": True,
            "min": 0,
            "max": 10,
        },
        {
            "key": "guests",
            "label": "Guest list",
            "kind": "rows",
            "required": True,
            "min_rows": 1,
            "max_rows": 50,
            "columns": [
                {"key": "name", "label": "Name", "kind": "text", "required": True},
                {
                    "key": "table",
                    "label": "Table",
                    "kind": "number",
                    "integer": True,
                    "min": 1,
                    "max": 30,
                },
            ],
        },
    ],
    "price_rules": [
        {"kind": "per_option", "field": "paper", "amounts": {"Kraft": 200}},
        {"kind": "per_row", "field": "guests", "amount": 50},
    ],
}


class ShopSide:
    """The store's key on the hub's form and draft routes."""

    def __init__(self, hub_url: str, store_id: str, key: str) -> None:
        self.store_id = store_id
        self.http = httpx.AsyncClient(base_url=hub_url, headers={"Authorization": f"Bearer {key}"})

    async def close(self) -> None:
        await self.http.aclose()

    def _draft(self, cart_ref: str, product_id: str, tail: str = "") -> str:
        return f"/api/stores/{self.store_id}/drafts/{cart_ref}/{product_id}{tail}"

    async def set_form(self, product_id: str, form: dict[str, Any]) -> None:
        r = await self.http.put(
            f"/api/stores/{self.store_id}/products/{product_id}/form", json=form
        )
        assert r.status_code == 200, r.text

    async def drafts(self) -> list[dict[str, Any]]:
        r = await self.http.get(f"/api/stores/{self.store_id}/drafts")
        assert r.status_code == 200, r.text
        drafts: list[dict[str, Any]] = r.json()
        return drafts

    async def cart_ref(self, product_id: str) -> str:
        (summary,) = [d for d in await self.drafts() if d["product_id"] == product_id]
        return str(summary["cart_ref"])

    async def draft(self, cart_ref: str, product_id: str) -> dict[str, Any]:
        r = await self.http.get(self._draft(cart_ref, product_id))
        assert r.status_code == 200, r.text
        view: dict[str, Any] = r.json()
        return view

    async def comment(self, cart_ref: str, product_id: str, field: str | None, text: str) -> None:
        r = await self.http.post(
            self._draft(cart_ref, product_id, "/comments"), json={"field": field, "text": text}
        )
        assert r.status_code == 200, r.text

    async def ask_to_edit(self, cart_ref: str, product_id: str) -> None:
        r = await self.http.post(self._draft(cart_ref, product_id, "/takeover"))
        assert r.status_code == 200, r.text

    async def edit(self, cart_ref: str, product_id: str, values: dict[str, Any]) -> int:
        """The shop's edit; the HTTP status (200, or 403 while the buyer has not allowed it)."""
        r = await self.http.post(self._draft(cart_ref, product_id), json={"values": values})
        return r.status_code


def personalise_button(page: Page, product_id: str) -> Locator:
    return page.locator(f'[data-cartstart-product="{product_id}"] .cartstart-personalise-open')


def personalise_progress(page: Page, product_id: str) -> Locator:
    return page.locator(f'[data-cartstart-product="{product_id}"] .cartstart-personalise-progress')


def form_dialog(page: Page) -> Locator:
    return page.locator("dialog.cartstart-personalise")


def field(page: Page, key: str) -> Locator:
    return form_dialog(page).locator(f'.cp-field[data-key="{key}"]')


async def carted(browser: Browser, shop: Shop, token: str, product_id: str = "mug") -> Page:
    """A page of the product, connected to the cart, with the product added."""
    page = await new_page(browser)
    await page.goto(shop.page_url(f"/products/{product_id}#cartstart={token}"))
    await expect(add_button(page, product_id)).to_be_enabled()
    await add_button(page, product_id).click()
    await expect(availability(page, product_id)).to_contain_text("In your cart (1)")
    return page

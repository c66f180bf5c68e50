"""The owners' form editor in the store console, in real Chromium against a real hub
(docs/personalise.md "For shops: defining a form"): fields added, reordered with the keyboard and
removed, kind-specific limits, a list of rows with its columns, price rules in the product's
currency; the hub's refusal shown in words by the field it names; removing a form."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Locator, Page, expect

from tests.storefront.conftest import Shop
from tests.storefront.test_console import open_console

LABEL = "Label (what the buyer reads)"


@pytest.fixture
async def http(shop: Shop) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=shop.hub.http_url, timeout=10) as client:
        yield client


async def saved_form(http: httpx.AsyncClient, shop: Shop, product_id: str) -> httpx.Response:
    return await http.get(
        f"/api/stores/{shop.store_id}/products/{product_id}/form",
        headers={"Authorization": f"Bearer {shop.key}"},
    )


def cards(dialog: Locator) -> Locator:
    """The form's own field cards (not the columns inside a list of rows)."""
    return dialog.locator('[aria-labelledby="fe-fields-title"] > .fe-card')


async def new_field(page: Page, dialog: Locator, label: str, kind: str) -> Locator:
    await dialog.get_by_role("button", name="Add field").click()
    card = dialog.locator(f"#{await cards(dialog).last.get_attribute('id')}")  # stays when moved
    await expect(card.get_by_label(LABEL).first).to_be_focused()
    await page.keyboard.type(label)
    await card.get_by_label("Kind").first.select_option(kind)
    return card


async def test_an_owner_builds_a_form_field_by_field_with_price_rules(
    browser: Browser, shop: Shop, http: httpx.AsyncClient
) -> None:
    console = await open_console(browser, shop, shop.key)
    blocking: list[str] = []
    console.on("dialog", lambda d: blocking.append(d.message))
    section = console.locator("#forms-section")
    await expect(section).to_be_visible()
    # Every product, a hostile name as text.
    await expect(section.locator("#product-forms tr")).to_have_count(3)
    await expect(section.locator("#product-forms")).to_contain_text("<script>window.pwned = 1")
    mug = section.locator("#product-forms tr").filter(has_text="Mug")
    await expect(mug).to_contain_text("No form")
    await mug.get_by_role("button", name="Add a form to Mug").click()
    dialog = console.get_by_role("dialog", name="Add a form: Mug")
    await expect(dialog).to_be_visible()
    await dialog.get_by_label("Introduction above the form (optional)").fill("What to print")

    # The first field is there to fill; its key follows the label.
    wording = cards(dialog).first
    await wording.get_by_label(LABEL).first.fill("Wording ÄÖ!")
    await expect(wording.get_by_label("Key").first).to_have_value("wording_ao")
    await wording.get_by_label("Key").first.fill("wording")
    await wording.get_by_label("Label (what the buyer reads)").first.fill("Wording")
    await expect(wording.get_by_label("Key").first).to_have_value("wording")  # typed: kept
    await wording.get_by_label("Kind").first.select_option("long_text")
    await expect(wording.get_by_label("Smallest").first).to_be_hidden()
    await wording.get_by_label("Most characters").first.fill("500")
    await wording.get_by_label("Required", exact=False).first.check()

    guests = await new_field(console, dialog, "Guest list", "rows")
    await expect(guests.get_by_label("Key").first).to_have_value("guest_list")
    await guests.get_by_label("Required", exact=False).first.check()
    columns = guests.locator(".fe-columns > .fe-card")
    await columns.first.get_by_label(LABEL).fill("Name")
    await columns.first.get_by_label("Required", exact=False).check()
    await guests.get_by_role("button", name="Add column").click()
    await columns.nth(1).get_by_label(LABEL).fill("Table")
    await columns.nth(1).get_by_label("Kind").select_option("number")
    await columns.nth(1).get_by_label("Whole numbers only").check()
    await columns.nth(1).get_by_label("Smallest").fill("1")
    await guests.get_by_label("Most rows").first.fill("120")

    paper = await new_field(console, dialog, "Paper", "choice")
    await paper.get_by_label("Options, one per line").first.fill("Cotton\nLinen\n")
    scratch = await new_field(console, dialog, "Scratch", "date")
    await scratch.get_by_role("button", name="Remove field 4 (Scratch)").click()
    await expect(cards(dialog)).to_have_count(3)

    # Reordered with the keyboard: Paper moves above the guest list, the focus stays on it.
    up = paper.get_by_role("button", name="Move up field 3 (Paper)")
    await up.focus()
    await console.keyboard.press("Enter")
    await expect(cards(dialog).nth(1).locator("legend").first).to_have_text("Field 2: Paper")
    await expect(paper.get_by_role("button", name="Move up field 2 (Paper)")).to_be_focused()

    # Price rules in the product's currency.
    await dialog.get_by_role("button", name="Add price rule").click()
    rule = dialog.locator(".fe-rule").first
    await rule.get_by_label("Adds").select_option("per_row")
    await expect(rule.get_by_label("Reads the field")).to_have_value("guest_list")
    await rule.get_by_label("Amount (EUR)").fill("0.50")
    await dialog.get_by_role("button", name="Add price rule").click()
    rule = dialog.locator(".fe-rule").nth(1)
    await rule.get_by_label("Adds").select_option("per_option")
    await expect(rule.get_by_label("Reads the field")).to_have_value("paper")
    await rule.get_by_label("Linen (EUR)").fill("2")
    await dialog.get_by_role("button", name="Save form").click()
    await expect(dialog).to_be_hidden()
    await expect(mug).to_contain_text("3 fields (2 required), 2 price rules")
    await expect(console.locator("#forms-result")).to_contain_text("Saved the form of Mug")

    r = await saved_form(http, shop, "mug")
    assert r.status_code == 200, r.text
    form: dict[str, Any] = r.json()["form"]
    assert form["intro"] == "What to print"
    assert [f["key"] for f in form["fields"]] == ["wording", "paper", "guest_list"]
    assert form["fields"][0]["kind"] == "long_text" and form["fields"][0]["max_length"] == 500
    assert form["fields"][1]["options"] == ["Cotton", "Linen"]
    table = form["fields"][2]["columns"][1]
    assert (table["key"], table["kind"], table["integer"], table["min"]) == (
        "table",
        "number",
        True,
        1,
    )
    assert form["fields"][2]["max_rows"] == 120
    assert form["price_rules"] == [
        {"kind": "per_row", "field": "guest_list", "amount": 50, "amounts": None},
        {"kind": "per_option", "field": "paper", "amount": None, "amounts": {"Linen": 200}},
    ]
    assert await console.evaluate("window.pwned") is None
    assert blocking == []


async def test_the_hubs_refusal_is_shown_by_the_field_and_a_form_can_be_removed(
    browser: Browser, shop: Shop, http: httpx.AsyncClient
) -> None:
    form = {"fields": [{"key": "engraving", "label": "Engraving", "kind": "text"},
                       {"key": "size", "label": "Size", "kind": "choice", "options": ["S", "M"]}]}  # fmt: skip
    r = await http.put(
        f"/api/stores/{shop.store_id}/products/mug/form",
        json=form,
        headers={"Authorization": f"Bearer {shop.key}"},
    )
    assert r.status_code == 200, r.text
    console = await open_console(browser, shop, shop.key)
    mug = console.locator("#product-forms tr").filter(has_text="Mug")
    await expect(mug).to_contain_text("2 fields (0 required)")
    await mug.get_by_role("button", name="Edit the form of Mug").click()
    dialog = console.get_by_role("dialog", name="Edit the form: Mug")
    size = cards(dialog).nth(1)
    await expect(size.get_by_label("Options, one per line").first).to_have_value("S\nM")
    await size.get_by_label("Options, one per line").first.fill("S\nS")
    await dialog.get_by_role("button", name="Save form").click()
    # In words, by the field it names, with the focus there; nothing saved.
    await expect(size.locator(":scope > .fe-error")).to_contain_text("the options must differ")
    await expect(dialog.get_by_role("alert").last).to_contain_text("Field 'size'")
    await expect(size.get_by_label(LABEL).first).to_be_focused()
    await expect(size.get_by_label(LABEL).first).to_have_attribute("aria-invalid", "true")
    engraving = cards(dialog).first
    await dialog.get_by_role("button", name="Add price rule").click()
    rule = dialog.locator(".fe-rule").first
    await rule.get_by_label("Adds").select_option("per_character")
    await rule.get_by_label("Amount (EUR)").fill("ten")
    await size.get_by_label("Options, one per line").first.fill("S\nM\nL")
    await dialog.get_by_role("button", name="Save form").click()
    await expect(rule.locator(":scope > .fe-error")).to_contain_text("write the amount as a number")
    await rule.get_by_label("Amount (EUR)").fill("0.20")
    await engraving.get_by_label("Most characters").first.fill("20")
    await dialog.get_by_role("button", name="Save form").click()
    await expect(dialog).to_be_hidden()
    saved = (await saved_form(http, shop, "mug")).json()["form"]
    assert saved["fields"][1]["options"] == ["S", "M", "L"]
    assert saved["price_rules"][0]["amount"] == 20

    # Leaving with changes asks first (Escape too); without changes it just closes.
    await mug.get_by_role("button", name="Edit the form of Mug").click()
    await console.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await mug.get_by_role("button", name="Edit the form of Mug").click()
    await engraving.get_by_label(LABEL).first.fill("Engraving on the lid")
    await console.keyboard.press("Escape")
    leave = console.get_by_role("dialog", name="Discard your changes?")
    await leave.get_by_role("button", name="Keep editing").click()
    await expect(leave).to_be_hidden()
    await expect(engraving.get_by_label(LABEL).first).to_have_value("Engraving on the lid")
    await dialog.get_by_role("button", name="Cancel").click()
    await leave.get_by_role("button", name="Discard changes").click()
    await expect(dialog).to_be_hidden()
    await expect(mug.get_by_role("button", name="Edit the form of Mug")).to_be_focused()
    assert (await saved_form(http, shop, "mug")).json()["form"]["fields"][0]["label"] == "Engraving"

    # Removing asks first, in a styled dialog; the product has no form afterwards.
    await mug.get_by_role("button", name="Edit the form of Mug").click()
    await dialog.get_by_role("button", name="Remove form…").click()
    confirm = console.get_by_role("dialog", name="Remove the form of Mug?")
    await confirm.get_by_role("button", name="Keep it").click()
    await expect(confirm).to_be_hidden()
    assert (await saved_form(http, shop, "mug")).status_code == 200
    await dialog.get_by_role("button", name="Remove form…").click()
    await confirm.get_by_role("button", name="Remove form").click()
    await expect(dialog).to_be_hidden()
    await expect(mug).to_contain_text("No form")
    assert (await saved_form(http, shop, "mug")).status_code == 404

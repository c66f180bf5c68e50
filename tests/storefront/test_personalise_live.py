"""A personalised product's draft lives on after the page (docs/personalise.md): the shop's
comments and edits arrive live and only with the buyer's consent, the draft stays the buyer's when
the hold ends, and a form begun on the page goes on in the desktop cart and is bought finished.
Real Chromium, a real hub and demo shop, the desktop cart's core."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Browser, Route, expect

from cartstart_desktop.core.api import HubError
from cartstart_desktop.core.session import CartSession
from tests.storefront.conftest import TTL, Shop, new_page
from tests.storefront.personalise_helpers import (
    WEDDING_FORM,
    ShopSide,
    carted,
    field,
    form_dialog,
    personalise_button,
    personalise_progress,
)
from tests.storefront.test_widget import add_button, link_token


@pytest.fixture
async def shop_side(shop: Shop) -> AsyncIterator[ShopSide]:
    side = ShopSide(shop.hub.http_url, shop.store_id, shop.key)
    await side.set_form("mug", WEDDING_FORM)
    yield side
    await side.close()


async def test_the_shop_comments_and_edits_live_only_with_the_buyers_consent(
    browser: Browser, shop: Shop, cart: CartSession, shop_side: ShopSide
) -> None:
    page = await carted(browser, shop, await link_token(cart, shop.store_id))
    cart_ref = await shop_side.cart_ref("mug")
    await personalise_button(page, "mug").click()
    dialog = form_dialog(page)
    await expect(dialog.locator(".cp-progress")).to_have_text("0 of 4 done")

    # A comment on a field shows under it at once; one on the whole form above the fields.
    await shop_side.comment(cart_ref, "mug", "wording", "Keep it under 6 lines, please.")
    comment = field(page, "wording").locator(".cp-comment")
    await expect(comment.locator(".cp-text")).to_have_text("Keep it under 6 lines, please.")
    await expect(comment.locator(".cp-meta")).to_contain_text("Test Pottery")
    announcer = dialog.locator("[aria-live].cartstart-hidden")  # what a screen reader hears
    await expect(announcer).to_have_text(
        "New comment from Test Pottery: Keep it under 6 lines, please."
    )
    await shop_side.comment(cart_ref, "mug", None, "We print on Mondays.")
    await expect(dialog.locator(".cp-form-comments .cp-text")).to_have_text("We print on Mondays.")

    # The shop asks to edit: the buyer is asked, and may say no.
    await shop_side.ask_to_edit(cart_ref, "mug")
    consent = dialog.get_by_role("group", name="Let the shop edit your form?")
    await expect(consent).to_be_visible()
    await expect(announcer).to_contain_text("Let the shop edit your form?")
    await expect(personalise_progress(page, "mug")).to_contain_text(
        "The shop asks to edit your form with you"
    )
    # The answer is sent once (its buttons wait for the hub), and the focus stays in the dialog.
    held_back: list[Route] = []

    async def hold_back(route: Route) -> None:
        held_back.append(route)

    await page.route("**/consent", hold_back)
    await consent.get_by_role("button", name="No thanks").click()
    await expect(consent.get_by_role("button", name="No thanks")).to_be_disabled()
    await expect(consent.get_by_role("button", name="Allow")).to_be_disabled()
    assert len(held_back) == 1
    await held_back[0].continue_()
    await page.unroute("**/consent")
    await expect(consent).to_be_hidden()
    await expect(dialog.get_by_role("status")).to_be_focused()
    assert await shop_side.edit(cart_ref, "mug", {"names": "From the shop"}) == 403

    # Asked again and allowed: the shop's edit shows live, marked.
    await shop_side.ask_to_edit(cart_ref, "mug")
    await consent.get_by_role("button", name="Allow").click()
    allowed = dialog.get_by_role("group", name="Test Pottery can edit this form with you")
    await expect(allowed).to_be_visible()
    await expect(allowed.get_by_role("button", name="Stop")).to_be_focused()
    assert await shop_side.edit(cart_ref, "mug", {"wording": "Dear friends"}) == 200
    await expect(dialog.get_by_label("Wording")).to_have_value("Dear friends")
    await expect(field(page, "wording").locator(".cp-changed")).to_have_text(
        "Changed by Test Pottery (shop)"
    )

    # Typing not saved yet is never overwritten by what arrives: it is sent, later, and wins.
    await page.clock.install()
    await page.clock.pause_at(await page.evaluate("Date.now() + 1000"))
    await dialog.get_by_label("Names").fill("Ana & Ivo")
    assert await shop_side.edit(cart_ref, "mug", {"names": "Shop's guess"}) == 200
    await expect(field(page, "names").locator(".cp-changed")).to_have_text(
        "Changed by Test Pottery (shop)"
    )
    await expect(dialog.get_by_label("Names")).to_have_value("Ana & Ivo")
    await page.clock.run_for(1000)  # the autosave's pause
    await expect(dialog.get_by_role("status")).to_have_text("Saved")
    await expect(field(page, "names").locator(".cp-changed")).to_have_text("")
    names = (await shop_side.draft(cart_ref, "mug"))["values"]["names"]
    assert names["value"] == "Ana & Ivo" and names["by"] == "buyer"

    # Leaving a field saves it at once, without waiting for the pause (the clock stands still).
    await dialog.get_by_label("Names").fill("Ana & Ivo Marić")
    await expect(dialog.get_by_role("status")).to_have_text("Saving…")
    await dialog.get_by_label("Names").press("Tab")
    await expect(dialog.get_by_role("status")).to_have_text("Saved")
    names = (await shop_side.draft(cart_ref, "mug"))["values"]["names"]
    assert names["value"] == "Ana & Ivo Marić"

    # The buyer stops it: the shop may no longer edit.
    await page.clock.resume()
    await allowed.get_by_role("button", name="Stop").click()
    await expect(allowed).to_be_hidden()
    assert await shop_side.edit(cart_ref, "mug", {"names": "Again"}) == 403


async def test_begun_on_the_page_continued_in_the_desktop_cart_finished_on_the_page_then_bought(
    browser: Browser, shop: Shop, cart: CartSession, shop_side: ShopSide
) -> None:
    token = await link_token(cart, shop.store_id)
    page = await carted(browser, shop, token)
    await personalise_button(page, "mug").click()
    dialog = form_dialog(page)
    await dialog.get_by_label("Wording").fill("Together with their families")
    await dialog.get_by_label("Names").fill("Ana & Ivo")
    await expect(dialog.get_by_role("status")).to_have_text("Saved")
    await page.close()

    # The desktop cart goes on with the same draft: its own drafts (kept on disk, sent to the
    # hub a moment later) show what the page wrote; it chooses the paper, and cannot check out
    # yet: the hub says what is missing.
    draft = await cart.drafts.fetch(shop.store_id, "mug")
    assert draft.values["wording"] == "Together with their families"
    assert draft.values["names"] == "Ana & Ivo"
    await cart.drafts.edit(shop.store_id, "mug", {"paper": "Kraft"})
    await cart.drafts.flush()
    assert cart.drafts.missing(shop.store_id, "mug") == ["Guest list"]
    with pytest.raises(HubError, match="Finish personalising Mug") as refused:
        await cart.cart.checkout()
    assert refused.value.code == "customisation_incomplete"
    (missing,) = refused.value.details["items"]
    assert missing["product_id"] == "mug" and missing["missing"] == ["Guest list"]

    # Back on the page: the desktop's choice is there; the last field is finished here.
    page = await new_page(browser)
    await page.goto(shop.page_url(f"/products/mug#cartstart={token}"))
    await expect(personalise_progress(page, "mug")).to_have_text("3 of 4 done")
    await personalise_button(page, "mug").click()
    dialog = form_dialog(page)
    await expect(dialog.get_by_label("Paper")).to_have_value("Kraft")
    await dialog.get_by_role("button", name="Add row").click()
    await dialog.get_by_label("Name, row 1").fill("Mira")
    await expect(dialog.get_by_role("status")).to_have_text("Saved")
    await expect(dialog.locator(".cp-progress")).to_have_text("All 4 done: ready to check out")
    await dialog.get_by_role("button", name="Done").click()

    # Bought: the order carries the customisation at the price the rules made, and the page's
    # entry goes with the hold.
    result = await cart.cart.checkout()
    (order,) = result.orders or []
    (line,) = order.lines
    assert line.unit_price.amount == 1500 + 200 + 50
    assert line.customisation is not None
    texts = {c.key: c.text for c in line.customisation}
    assert texts["paper"] == "Kraft" and texts["wording"] == "Together with their families"
    assert "Mira" in texts["guests"]
    await expect(personalise_button(page, "mug")).to_be_hidden()


async def test_when_the_hold_ends_the_page_shows_the_answers_read_only(
    browser: Browser, shop: Shop, cart: CartSession, shop_side: ShopSide
) -> None:
    page = await carted(browser, shop, await link_token(cart, shop.store_id))
    await personalise_button(page, "mug").click()
    dialog = form_dialog(page)
    await dialog.get_by_label("Names").fill("Ana & Ivo")
    await expect(dialog.get_by_role("status")).to_have_text("Saved")
    shop.clock.advance(TTL + 1)  # the hold expires while the dialog is open
    # The hub no longer takes the draft from a page (the store's script holds that token): the
    # answers stay in view, read-only, and the buyer's CartStart cart keeps them.
    await expect(dialog.locator(".cp-notice")).to_have_text(
        "This item is no longer held in your cart, so this page can no longer change your "
        "answers. They are kept for you: put the item in your cart again to go on here, or "
        "open it in your CartStart cart."
    )
    await expect(dialog.get_by_label("Names")).to_have_value("Ana & Ivo")
    await expect(dialog.get_by_label("Names")).to_be_disabled()
    await expect(dialog.get_by_label("Wording")).to_be_disabled()
    await expect(dialog.get_by_role("button", name="Add row")).to_be_disabled()
    await page.keyboard.press("Escape")
    await expect(personalise_button(page, "mug")).to_be_hidden()
    await expect(add_button(page, "mug")).to_be_focused()  # where "Personalise" was
    assert await shop_side.drafts() == []  # the shop sees nothing of it any more
    assert cart.api is not None and cart.api.token  # the buyer's, in their CartStart cart:
    desktop = {"Authorization": f"Bearer {cart.api.token}"}
    async with httpx.AsyncClient(base_url=shop.hub.http_url, headers=desktop) as http:
        kept = await http.get(f"/api/cart/drafts/{shop.store_id}/mug")
    assert kept.status_code == 200, kept.text
    assert kept.json()["values"]["names"]["value"] == "Ana & Ivo"

    # Put in the cart again: the same dialog opens editable, and saves again.
    await add_button(page, "mug").click()
    await personalise_button(page, "mug").click()
    await expect(dialog.get_by_label("Names")).to_be_enabled()
    await expect(dialog.get_by_label("Names")).to_have_value("Ana & Ivo")
    await expect(dialog.locator(".cp-notice")).to_have_text("")
    await expect(dialog.get_by_role("button", name="Add row")).to_be_enabled()
    await dialog.get_by_label("Names").fill("Ana & Ivo Marić")
    await expect(dialog.get_by_role("status")).to_have_text("Saved")
    cart_ref = await shop_side.cart_ref("mug")
    names = (await shop_side.draft(cart_ref, "mug"))["values"]["names"]
    assert names["value"] == "Ana & Ivo Marić"

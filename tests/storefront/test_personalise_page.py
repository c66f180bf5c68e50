"""A personalised product on the store's page, in real Chromium against a real hub and demo
shop (docs/personalise.md, "For shoppers: on a store's page"): "Personalise" on the held item,
the form dialog with every field kind, autosave (offline too), refusals in words, and hostile text
shown as text. The shop's side and the draft's life after the page: test_personalise_live.py."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Route, WebSocketRoute, expect

from cartstart_desktop.core.session import CartSession
from tests.helpers.waiting import eventually
from tests.storefront.conftest import Shop, new_page
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


async def test_a_half_filled_form_is_saved_as_typed_and_back_on_the_next_visit(
    browser: Browser, shop: Shop, cart: CartSession, shop_side: ShopSide
) -> None:
    token = await link_token(cart, shop.store_id)
    page = await carted(browser, shop, token)
    # Only a held personalised product offers it, with its progress.
    await expect(personalise_progress(page, "mug")).to_have_text("0 of 4 done")
    await personalise_button(page, "mug").click()
    dialog = page.get_by_role("dialog", name="Personalise Mug")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_label("Wording")).to_be_focused()  # focus moves in
    await expect(dialog.locator(".cp-intro")).to_have_text(WEDDING_FORM["intro"])
    await expect(dialog.locator(".cp-store")).to_contain_text(
        "Test Pottery · held in your cart until"
    )
    # Required marks, help and limits are shown with the field.
    await expect(field(page, "wording").locator(".cp-req")).to_have_text(" *")
    await expect(dialog.get_by_label("Wording")).to_have_attribute("aria-required", "true")
    await expect(field(page, "wording").locator(".cp-help")).to_have_text(
        "As it should read on the card."
    )
    await expect(field(page, "wording").locator(".cp-limits")).to_have_text("Up to 500 characters")
    await expect(field(page, "copies").locator(".cp-limits")).to_have_text(
        "From 0 to 10 (whole number)"
    )
    await expect(field(page, "guests").locator(".cp-limits")).to_contain_text("1 to 50 rows")
    await expect(field(page, "guests").locator(".cp-empty")).to_have_text(
        "No rows yet: add the first with “Add row”."
    )
    await expect(dialog.locator(".cp-price")).to_have_text("Price with your choices: €15.00")

    # Half of it: the wording, and a guest list built from the keyboard only.
    await dialog.get_by_label("Wording").fill("Together with their families\nAna & Ivo")
    add_row = dialog.get_by_role("button", name="Add row")
    await add_row.focus()
    await page.keyboard.press("Enter")
    await expect(dialog.get_by_label("Name, row 1")).to_be_focused()
    await page.keyboard.type("Mira")
    await page.keyboard.press("Tab")
    await expect(dialog.get_by_label("Table, row 1")).to_be_focused()
    await page.keyboard.type("3")
    await page.keyboard.press("Tab")
    await expect(dialog.get_by_role("button", name="Remove row 1")).to_be_focused()
    await page.keyboard.press("Tab")
    await expect(add_row).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(dialog.get_by_label("Name, row 2")).to_be_focused()
    await page.keyboard.type("Someone to remove")
    await dialog.get_by_role("button", name="Remove row 2").focus()
    await page.keyboard.press("Enter")
    await expect(dialog.get_by_label("Name, row 2")).to_have_count(0)
    await expect(dialog.get_by_role("button", name="Remove row 1")).to_be_focused()
    await expect(field(page, "guests").locator(".cp-count-rows")).to_have_text("1 row")

    status = dialog.get_by_role("status")
    await expect(status).to_have_text("Saved")
    await expect(dialog.locator(".cp-progress")).to_have_text("2 of 4 done")
    await expect(dialog.locator(".cp-missing")).to_have_text("Still to fill: Names, Paper")
    await expect(dialog.locator(".cp-price")).to_have_text("Price with your choices: €15.50")
    # Escape closes it and gives the focus back; the progress shows under the button.
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await expect(personalise_button(page, "mug")).to_be_focused()
    await expect(personalise_progress(page, "mug")).to_have_text("2 of 4 done")
    # The hub has it (the shop sees how far the buyer got).
    (summary,) = await shop_side.drafts()
    assert summary["progress"]["done"] == 2 and summary["progress"]["missing"] == [
        "Names",
        "Paper",
    ]
    await page.close()

    # Another day, another page: the values are back, and the buyer finishes.
    page = await new_page(browser)
    await page.goto(shop.page_url(f"/products/mug#cartstart={token}"))
    await expect(personalise_progress(page, "mug")).to_have_text("2 of 4 done")
    await personalise_button(page, "mug").click()
    dialog = page.get_by_role("dialog", name="Personalise Mug")
    await expect(dialog.get_by_label("Wording")).to_have_value(
        "Together with their families\nAna & Ivo"
    )
    await expect(dialog.get_by_label("Name, row 1")).to_have_value("Mira")
    await expect(dialog.get_by_label("Table, row 1")).to_have_value("3")
    await dialog.get_by_label("Names").fill("Ana & Ivo")
    await dialog.get_by_label("Paper").select_option("Kraft")
    await expect(dialog.get_by_label("Paper")).to_contain_text("Kraft (+€2.00)")
    await dialog.get_by_label("Wedding date").fill("2027-06-12")
    await expect(dialog.get_by_role("status")).to_have_text("Saved")
    await expect(dialog.locator(".cp-progress")).to_have_text("All 4 done: ready to check out")
    await expect(dialog.locator(".cp-missing")).to_have_text("")
    await expect(dialog.locator(".cp-price")).to_have_text("Price with your choices: €17.50")
    await dialog.get_by_role("button", name="Done").click()
    await expect(personalise_progress(page, "mug")).to_have_text("All 4 done: ready to check out")
    cart_ref = await shop_side.cart_ref("mug")
    values = (await shop_side.draft(cart_ref, "mug"))["values"]
    assert values["paper"]["value"] == "Kraft" and values["date"]["value"] == "2027-06-12"
    assert values["guests"]["value"] == [{"name": "Mira", "table": 3}]


async def test_a_refused_value_is_said_by_its_field_and_saving_offline_is_retried(
    browser: Browser, shop: Shop, cart: CartSession, shop_side: ShopSide
) -> None:
    page = await carted(browser, shop, await link_token(cart, shop.store_id))
    await personalise_button(page, "mug").click()
    dialog = form_dialog(page)
    status = dialog.get_by_role("status")
    # The hub refuses a value no one could finish from, in words, by its field; the rest is saved.
    await dialog.get_by_label("Names").fill("Ana & Ivo")
    await dialog.get_by_label("Spare copies").fill("12")
    await expect(field(page, "copies").locator(".cp-error")).to_have_text(
        "Spare copies: at most 10"
    )
    await expect(dialog.get_by_label("Spare copies")).to_have_attribute("aria-invalid", "true")
    await expect(status).to_have_text("Not saved: check Spare copies")
    cart_ref = await shop_side.cart_ref("mug")
    assert (await shop_side.draft(cart_ref, "mug"))["values"]["names"]["value"] == "Ana & Ivo"
    await dialog.get_by_label("Spare copies").fill("4")
    await expect(status).to_have_text("Saved")
    await expect(field(page, "copies").locator(".cp-error")).to_have_text("")
    # What the browser cannot read as a number is said at once, and nothing is sent.
    await dialog.get_by_label("Spare copies").fill("")
    await dialog.get_by_label("Spare copies").press_sequentially("-")
    await expect(field(page, "copies").locator(".cp-error")).to_have_text(
        "Type a number, like 12 or 2.5"
    )
    await expect(status).to_have_text("Not saved: check Spare copies")
    await dialog.get_by_label("Spare copies").fill("4")
    await expect(status).to_have_text("Saved")
    # In a list, the words name the row and column, and that cell is marked.
    await dialog.get_by_role("button", name="Add row").click()
    await dialog.get_by_label("Name, row 1").fill("Mira")
    await dialog.get_by_label("Table, row 1").fill("99")
    await expect(field(page, "guests").locator(".cp-error")).to_have_text(
        "Guest list, row 1, Table: at most 30"
    )
    await expect(dialog.get_by_label("Table, row 1")).to_have_attribute("aria-invalid", "true")
    await expect(dialog.get_by_label("Name, row 1")).not_to_have_attribute("aria-invalid", "true")
    await dialog.get_by_label("Table, row 1").fill("9")
    await expect(status).to_have_text("Saved")
    await expect(dialog.get_by_label("Table, row 1")).not_to_have_attribute("aria-invalid", "true")

    # Offline: the save is kept and retried until the hub answers again.
    async def offline(route: Route) -> None:
        if route.request.method == "POST":
            await route.abort("internetdisconnected")
        else:
            await route.continue_()

    await page.route("**/api/page/drafts/**", offline)
    await dialog.get_by_label("Names").fill("Ana and Ivo")
    await expect(status).to_have_text("Not saved: offline, retrying")
    await expect(dialog.get_by_label("Names")).to_have_value("Ana and Ivo")
    await page.unroute("**/api/page/drafts/**")
    await expect(status).to_have_text("Saved", timeout=10000)
    values = (await shop_side.draft(cart_ref, "mug"))["values"]
    assert values["names"]["value"] == "Ana and Ivo" and values["copies"]["value"] == 4

    # Typed and the page left at once, before the autosave's pause: saved as the page goes.
    await page.clock.install()
    await page.clock.pause_at(await page.evaluate("Date.now() + 1000"))
    await dialog.get_by_label("Wording").fill("Written just before leaving")
    await page.goto(shop.page_url("/"))

    async def saved_as_it_left() -> bool:
        values = (await shop_side.draft(cart_ref, "mug"))["values"]
        return bool(values.get("wording", {}).get("value") == "Written just before leaving")

    await eventually(saved_as_it_left, what="the save sent as the page left")


async def test_a_guest_list_keeps_what_is_typed_across_saves_and_an_unreadable_cell(
    browser: Browser, shop: Shop, cart: CartSession, shop_side: ShopSide
) -> None:
    page = await carted(browser, shop, await link_token(cart, shop.store_id))
    await personalise_button(page, "mug").click()
    dialog = form_dialog(page)
    status = dialog.get_by_role("status")
    await dialog.get_by_role("button", name="Add row").click()
    await expect(status).to_have_text("Saved")
    cart_ref = await shop_side.cart_ref("mug")
    # A pause after a trailing space: the hub keeps "Ana" (trimmed), the cell goes on as typed.
    await page.clock.install()
    await page.clock.pause_at(await page.evaluate("Date.now() + 1000"))
    name = dialog.get_by_label("Name, row 1")
    await name.focus()
    await page.keyboard.type("Ana ")
    await page.clock.run_for(1000)  # the autosave's pause
    await expect(status).to_have_text("Saved")
    assert (await shop_side.draft(cart_ref, "mug"))["values"]["guests"]["value"] == [
        {"name": "Ana"}
    ]
    await expect(name).to_be_focused()
    await page.keyboard.type("Bo")
    await expect(name).to_have_value("Ana Bo")
    await page.clock.run_for(1000)
    await expect(status).to_have_text("Saved")
    guests = (await shop_side.draft(cart_ref, "mug"))["values"]["guests"]["value"]
    assert guests == [{"name": "Ana Bo"}]

    # A number the browser cannot read marks only its cell; the list's other cells are sent.
    table = dialog.get_by_label("Table, row 1")
    await table.focus()
    await page.keyboard.type("3")
    await page.clock.run_for(1000)
    await expect(status).to_have_text("Saved")
    await page.keyboard.type("-")  # "3-": no number
    await expect(table).to_have_attribute("aria-invalid", "true")
    await expect(field(page, "guests").locator(".cp-error")).to_have_text(
        "Type a number, like 12 or 2.5"
    )
    await expect(status).to_have_text("Not saved: check Guest list")
    await name.fill("Ana Bobić")
    await expect(table).to_have_attribute("aria-invalid", "true")
    await page.clock.run_for(1000)
    await expect(status).to_have_text("Not saved: check Guest list")
    guests = (await shop_side.draft(cart_ref, "mug"))["values"]["guests"]["value"]
    assert guests == [{"name": "Ana Bobić", "table": 3}]  # the last readable number
    await table.fill("4")
    await expect(table).not_to_have_attribute("aria-invalid", "true")
    await expect(field(page, "guests").locator(".cp-error")).to_have_text("")
    await page.clock.run_for(1000)
    await expect(status).to_have_text("Saved")
    guests = (await shop_side.draft(cart_ref, "mug"))["values"]["guests"]["value"]
    assert guests == [{"name": "Ana Bobić", "table": 4}]
    # Typed, not saved yet, then a cell that cannot be read, then closed: the rest is saved.
    await name.fill("Ana B.")
    await table.focus()
    await page.keyboard.type("-")
    await expect(table).to_have_attribute("aria-invalid", "true")
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()

    async def saved_on_close() -> bool:
        guests = (await shop_side.draft(cart_ref, "mug"))["values"]["guests"]["value"]
        return bool(guests == [{"name": "Ana B.", "table": 4}])

    await eventually(saved_on_close, what="the list's readable cells saved on close")


HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'


async def test_hostile_text_in_the_form_and_comments_is_shown_as_text(
    browser: Browser, shop: Shop, cart: CartSession, shop_side: ShopSide
) -> None:
    hostile_form = {
        "intro": f"Intro {HOSTILE}",
        "fields": [
            {"key": "t", "label": f"Text {HOSTILE}", "kind": "text", "help": HOSTILE},
            {"key": "l", "label": f"Long {HOSTILE}", "kind": "long_text", "required": True},
            {"key": "c", "label": f"Choice {HOSTILE}", "kind": "choice", "options": [HOSTILE]},
            {"key": "n", "label": f"Number {HOSTILE}", "kind": "number"},
            {"key": "d", "label": f"Date {HOSTILE}", "kind": "date"},
            {
                "key": "r",
                "label": f"Rows {HOSTILE}",
                "kind": "rows",
                "columns": [{"key": "x", "label": f"Col {HOSTILE}", "kind": "text"}],
            },
        ],
    }
    await shop_side.set_form("tricky", hostile_form)
    page = await carted(browser, shop, await link_token(cart, shop.store_id), "tricky")
    await personalise_button(page, "tricky").click()
    dialog = form_dialog(page)
    await expect(dialog.locator("h2")).to_have_text(
        'Personalise <script>window.pwned = 1</script><b>Bold</b> & "quoted"'
    )
    await expect(dialog.locator(".cp-intro")).to_have_text(f"Intro {HOSTILE}")
    await expect(field(page, "t").locator(".cp-label")).to_have_text(f"Text {HOSTILE}")
    await expect(field(page, "t").locator(".cp-help")).to_have_text(HOSTILE)
    await dialog.get_by_label(f"Text {HOSTILE}").fill(HOSTILE)
    await dialog.get_by_label(f"Long {HOSTILE}").fill(HOSTILE)
    await dialog.get_by_label(f"Choice {HOSTILE}").select_option(HOSTILE)
    await dialog.get_by_role("button", name="Add row").click()
    await dialog.get_by_label(f"Col {HOSTILE}, row 1").fill(HOSTILE)
    await expect(dialog.get_by_role("status")).to_have_text("Saved")
    cart_ref = await shop_side.cart_ref("tricky")
    await shop_side.comment(cart_ref, "tricky", "t", HOSTILE)
    await expect(field(page, "t").locator(".cp-text")).to_have_text(HOSTILE)
    await expect(dialog.locator(".cp-missing")).to_have_text("")
    # Nothing ran and no markup was made from it.
    assert await page.evaluate("window.pwned") is None
    assert await dialog.locator("img, script, b").count() == 0
    # Back from the hub on another visit, still text.
    await page.close()
    page = await new_page(browser)
    await page.goto(
        shop.page_url(f"/products/tricky#cartstart={await link_token(cart, shop.store_id)}")
    )
    await personalise_button(page, "tricky").click()
    await expect(form_dialog(page).get_by_label(f"Col {HOSTILE}, row 1")).to_have_value(HOSTILE)
    await expect(form_dialog(page).get_by_label(f"Text {HOSTILE}")).to_have_value(HOSTILE)
    assert await page.evaluate("window.pwned") is None
    assert await form_dialog(page).locator("img, script, b").count() == 0


async def test_a_page_that_cannot_use_websockets_personalises_by_polling(
    browser: Browser, shop: Shop, cart: CartSession, shop_side: ShopSide
) -> None:
    async def refuse(ws: WebSocketRoute) -> None:
        await ws.close()  # as behind a proxy that blocks WebSockets

    page = await new_page(browser)
    await page.route_web_socket(re.compile(r".*/ws/page"), refuse)
    await page.goto(
        shop.page_url(f"/products/mug#cartstart={await link_token(cart, shop.store_id)}")
    )
    await add_button(page, "mug").click()
    # The poll's holdings say the product is personalised, as the WebSocket's do.
    await expect(personalise_progress(page, "mug")).to_have_text("0 of 4 done")
    await personalise_button(page, "mug").click()
    await form_dialog(page).get_by_label("Names").fill("Ana & Ivo")
    await expect(form_dialog(page).get_by_role("status")).to_have_text("Saved")
    await expect(form_dialog(page).locator(".cp-progress")).to_have_text("1 of 4 done")

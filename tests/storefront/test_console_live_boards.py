"""The console's live selling area, continued: the gallery's lead and following, the session
board (notes, links, pictures, products), the public board's approvals as a third visitor sees
them, hostile text shown as text, and the page's settings with their words for people."""

from __future__ import annotations

import httpx
from playwright.async_api import Browser, FilePayload, expect

from tests.storefront.conftest import Shop
from tests.storefront.console_live_helpers import (
    HOSTILE,
    lobby_row,
    open_live,
    png,
    public_board,
    public_page,
    visitor,
)


async def test_the_gallery_and_the_session_board(browser: Browser, shop: Shop) -> None:
    console = await open_live(browser, shop)
    async with visitor(shop, "Bo") as bo:
        await lobby_row(console, "Bo").click()
        await expect(console.locator("#gallery-state")).to_contain_text(
            "You lead the gallery. Bo follows what you show."
        )
        # Show a product from the search: the visitor's page is told what to show.
        await console.get_by_label("Find a product to show").fill("mug")
        await console.get_by_role("button", name="Show Mug to the visitor").click()
        shown = await bo.until("gallery")
        assert (shown["lead"], shown["product_id"]) == ("store", "mug")
        await expect(console.locator("#gallery-state")).to_contain_text("You lead and show Mug")
        # The visitor stops following: the console says so.
        await bo.peer.send({"type": "follow", "on": False})
        await expect(console.locator("#gallery-state")).to_contain_text("Bo stopped following")
        # Hand the lead over: "Show" is off, the visitor's search is followed here.
        await console.get_by_role("button", name="Let the visitor lead").click()
        assert (await bo.until("gallery", lead="visitor"))["lead"] == "visitor"
        await expect(console.locator("#gallery-state")).to_contain_text("Bo leads the gallery")
        await expect(console.get_by_role("button", name="Show Mug to the visitor")).to_be_disabled()
        await bo.peer.send({"type": "show", "query": "vase"})
        await expect(console.locator("#gallery-shown")).to_have_text("Bo is searching for “vase”.")
        await expect(console.get_by_label("Find a product to show")).to_have_value("vase")
        await expect(console.locator("#find-results li")).to_have_count(1)

        # The session board: a private note pinned for the visitor, then removed.
        board = console.locator("#session-post")
        await board.get_by_label("What the note says").fill("Ask me about glazes")
        await board.get_by_role("button", name="Pin for this visitor").click()
        posted = await bo.until("widget_posted")
        assert posted["widget"]["text"] == "Ask me about glazes"
        assert not posted["widget"]["public"]
        # A link must be a web address: said in words, nothing sent.
        await board.get_by_role("radio", name="Link").check()
        await board.get_by_label("Address").fill("javascript:alert(1)")
        await board.get_by_role("button", name="Pin for this visitor").click()
        await expect(board.get_by_role("alert")).to_contain_text("starting with https://")
        # A product by its code.
        await board.get_by_role("radio", name="Product").check()
        await board.get_by_label("Product (code or name)").fill("TV-1")
        await board.get_by_role("button", name="Pin for this visitor").click()
        pinned = await bo.until("widget_posted")
        assert pinned["widget"]["product"]["product_id"] == "last-vase"
        # A picture, uploaded for this session (decoded by the hub, served from it).
        await board.get_by_role("radio", name="Picture").check()
        picture = FilePayload(name="glaze.png", mimeType="image/png", buffer=png())
        await board.get_by_label("Picture (PNG, JPEG or WebP, up to 5 MB)").set_input_files(picture)
        await board.get_by_label("Caption (optional)").fill("The ash glaze")
        await board.get_by_role("button", name="Pin for this visitor").click()
        image = (await bo.until("widget_posted"))["widget"]
        assert image["kind"] == "image" and image["image_url"].startswith("/api/live/uploads/")
        drawn = console.locator("#session-board img.picture")
        await expect(drawn).to_have_attribute("alt", "The ash glaze")
        await expect(drawn).to_have_js_property("naturalWidth", 8)
        items = console.locator("#session-board li")
        await expect(items).to_have_count(3)
        await items.filter(has_text="Ask me about glazes").get_by_role("button").click()
        removed = await bo.until("widget_removed")
        assert removed["widget_id"] == posted["widget"]["widget_id"]
        await expect(items).to_have_count(2)
        assert await public_board(shop) == []  # private: never on the public page


async def test_public_posts_wait_for_approval(browser: Browser, shop: Shop) -> None:
    console = await open_live(browser, shop)
    await console.get_by_role("tab", name="Public board").click()
    await expect(console.locator("#waiting-empty")).to_be_visible()
    async with visitor(shop, "Cy") as cy, public_page(shop) as third:
        posted = await cy.command(
            type="post", public=True, widget={"kind": "note", "text": "Lovely <b>shop</b>"}
        )
        waiting = console.locator("#waiting li")
        await expect(waiting).to_have_count(1)
        await expect(waiting).to_contain_text("Lovely <b>shop</b>")
        await expect(console.locator("#approvals-waiting")).to_have_text("1")
        assert await public_board(shop) == []  # nobody else sees it yet
        await waiting.get_by_role("button", name="Approve").click()
        seen = await third.expect("board_changed")
        assert seen["widget"]["widget_id"] == posted["widget"]["widget_id"]
        assert seen["widget"]["approved"]
        await expect(waiting).to_have_count(0)
        await expect(console.locator("#approvals-waiting")).to_be_hidden()
        on_page = console.locator("#public-board li")
        await expect(on_page).to_have_count(1)

        # The store's own post goes up at once; Remove takes anything down.
        form = console.locator("#public-post")
        await form.get_by_label("What the note says").fill("Open on Sunday")
        await form.get_by_role("button", name="Post on your page").click()
        ours = await third.expect("board_changed")
        assert ours["widget"]["text"] == "Open on Sunday" and ours["widget"]["author"] == "store"
        await expect(on_page).to_have_count(2)
        await on_page.filter(has_text="Lovely").get_by_role("button", name="Remove").click()
        assert (await third.expect("board_changed"))["removed"] == posted["widget"]["widget_id"]
        await expect(on_page).to_have_count(1)
        # A post removed by the store before approval never shows.
        other = await cy.command(
            type="post", public=True, widget={"kind": "note", "text": "Spam spam"}
        )
        await expect(waiting).to_have_count(1)
        await waiting.get_by_role("button", name="Remove").click()
        await expect(waiting).to_have_count(0)
        assert [w["text"] for w in await public_board(shop)] == ["Open on Sunday"]
        assert other["widget"]["widget_id"] not in [
            w["widget_id"] for w in await public_board(shop)
        ]


async def test_hostile_text_shows_as_text(browser: Browser, shop: Shop) -> None:
    console = await open_live(browser, shop)
    async with visitor(shop, HOSTILE[:60]) as eve:
        await eve.command(type="say", text=HOSTILE)
        await eve.command(type="post", widget={"kind": "note", "text": HOSTILE})
        await eve.command(
            type="post",
            widget={"kind": "link", "url": "https://example.org/x", "title": HOSTILE},
        )
        row = console.locator("#lobby-list .lobby-row")
        await expect(row.locator(".who")).to_have_text(HOSTILE[:60])
        await expect(row.locator(".preview")).to_contain_text("<script>")
        await row.click()
        await expect(console.locator("#chat-log .bubble")).to_have_text(HOSTILE)
        await expect(console.locator("#session-board li")).to_have_count(2)
        await expect(console.locator("#session-board")).to_contain_text(HOSTILE)
        # A product whose name is markup, presented and put in the cart.
        await console.get_by_label("Find a product to show").fill("XSS-1")
        await console.get_by_label("Find a product to show").press("Enter")
        await expect(console.locator("#presented")).to_contain_text("<script>window.pwned = 1")
        await console.locator("#presented li").get_by_role("button").first.click()
        await expect(console.locator("#session-cart")).to_contain_text('<b>Bold</b> & "quoted"')
        panel = console.locator("#panel-live")
        assert await panel.locator("script, b, img[src='x']").count() == 0
        hrefs = await panel.locator("a[href]").evaluate_all("as => as.map(a => a.href)")
        assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
        assert await console.evaluate("window.pwned") is None


async def test_settings_save_and_bad_input_is_said_in_words(browser: Browser, shop: Shop) -> None:
    console = await open_live(browser, shop)
    # The tabs work with the keyboard (arrow keys move between them).
    await console.get_by_role("tab", name="Live selling").focus()
    await console.keyboard.press("ArrowLeft")
    await expect(console.get_by_role("tab", name="Carts and orders")).to_be_focused()
    await expect(console.locator("#panel-shop")).to_be_visible()
    await console.keyboard.press("End")
    await expect(console.locator("#panel-live")).to_be_visible()
    await console.get_by_role("tab", name="Sessions").focus()
    await console.keyboard.press("End")
    await expect(console.get_by_role("tab", name="Page settings")).to_have_attribute(
        "aria-selected", "true"
    )
    await expect(console.get_by_label("Accent colour")).to_have_value("#1a7f37")
    await expect(console.locator("#settings-page-url")).to_have_value(
        f"{shop.hub.http_url}/live/{shop.store_id}"
    )
    accent = console.get_by_label("Accent colour")
    await accent.fill("dark green")
    await console.get_by_label("Logo address (optional)").fill("javascript:alert(1)")
    await console.get_by_role("button", name="Save settings").click()
    await expect(console.locator("#set-accent-error")).to_have_text(
        "“dark green” is not a colour we can use. Use # and six hex digits, like the example,"
        " or pick one with the colour button."
    )
    await expect(accent).to_have_attribute("aria-invalid", "true")
    await expect(accent).to_be_focused()
    await expect(console.locator("#set-logo-error")).to_contain_text("starting with https://")
    async with httpx.AsyncClient(base_url=shop.hub.http_url) as http:
        snap = (await http.get(f"/api/live/stores/{shop.store_id}")).json()
        assert snap["style"]["accent"] == "#1a7f37"  # nothing was saved

    await accent.fill("#8B2F1C")
    await console.get_by_label("Logo address (optional)").fill("https://shop.example/logo.png")
    await console.get_by_label("Greeting (optional)").fill("Welcome <b>in</b>!")
    await console.get_by_role("checkbox", name="Gallery").uncheck()
    await console.get_by_role("button", name="Save settings").click()
    await expect(console.locator("#settings-status")).to_contain_text("Saved")
    await expect(accent).to_have_value("#8b2f1c")
    await expect(accent).not_to_have_attribute("aria-invalid", "true")
    await expect(console.locator("#preview-greeting")).to_have_text("Welcome <b>in</b>!")
    async with httpx.AsyncClient(base_url=shop.hub.http_url) as http:
        style = (await http.get(f"/api/live/stores/{shop.store_id}")).json()["style"]
    assert style == {
        **style,
        "accent": "#8b2f1c",
        "logo_url": "https://shop.example/logo.png",
        "greeting": "Welcome <b>in</b>!",
        "gallery": False,
        "counter": True,
    }

    # Off: the console says so, and visitors cannot open the page.
    await console.get_by_role("checkbox", name="Page is on").uncheck()
    await console.get_by_role("button", name="Save settings").click()
    await expect(console.locator("#settings-status")).to_contain_text("Your page is off")
    await expect(console.locator("#live-off")).to_be_visible()
    async with httpx.AsyncClient(base_url=shop.hub.http_url) as http:
        assert (await http.get(f"/api/live/stores/{shop.store_id}")).status_code == 404
    # A reload shows what was saved.
    await console.reload()
    await console.get_by_role("tab", name="Page settings").click()
    await expect(console.get_by_role("checkbox", name="Page is on")).not_to_be_checked()
    await expect(console.get_by_role("checkbox", name="Gallery")).not_to_be_checked()

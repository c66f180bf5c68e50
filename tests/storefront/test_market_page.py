"""The marketplace in Chromium (/market/, storefront_templates/src/market/): search with facets,
the tree and the display currency, in English and in Serbian (no English left from the page's
catalogue); a solution built, saved, reopened from its private link in another browser and sent
as a request for quote through the contact dialog; a firm's answer accepted; hostile product
names shown as text. A real hub (SQLite) with the marketplace of tests/storefront/market_helpers.py."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from babel.messages.pofile import read_po
from playwright.async_api import Browser, Page, expect

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from shared_protocol import i18n
from tests.helpers.hubs import hub_config
from tests.integration.test_solutions import a_rated_call
from tests.storefront.market_helpers import HOSTILE_NAME, Market, open_market

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def market(tmp_path: Path) -> AsyncIterator[Market]:
    async with HubServer(hub_config(tmp_path / "hub"), clock=FakeClock(start=time.time())) as hub:
        yield await open_market(hub)


async def buyer(browser: Browser, locale: str = "en-US") -> Page:
    """A buyer's page in a browser context of its own (its own localStorage and language)."""
    context = await browser.new_context(locale=locale, viewport={"width": 1360, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(8000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: pytest.fail(f"a native dialog opened: {d.message}"))
    setattr(page, "errors", errors)  # noqa: B010 (read back by the tests)
    return page


async def search_for(page: Page, q: str) -> None:
    await page.fill("#q", q)
    await page.press("#q", "Enter")


async def test_search_facets_tree_and_currency_in_english(browser: Browser, market: Market) -> None:
    page = await buyer(browser)
    await page.goto(market.url)
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.locator("#results-empty")).to_contain_text("Type what you need above")
    # The tree, with counts, before any search.
    tree = page.locator("#tree")
    await expect(tree.get_by_role("button", name=re.compile(r"^Electrical"))).to_contain_text("27")
    # Browsing a branch of the tree without words lists what is in it.
    count = page.locator("#count")
    await tree.get_by_role("button", name=re.compile("^Plumbing")).click()
    await expect(count).to_have_text("2 products")
    await expect(page.locator("#results .card")).to_have_count(2)
    await page.locator("#chips").get_by_role("button", name="Remove the filter Plumbing").click()
    await expect(page.locator("#results-empty")).to_contain_text("Type what you need above")
    await search_for(page, "panel")
    await expect(count).to_have_text("3 products found for “panel”")
    await expect(count).to_have_attribute("aria-live", "polite")
    cards = page.locator("#results .card")
    await expect(cards).to_have_count(3)
    lumen = cards.filter(has_text="LED panel ugradni 60x60 36W")
    await expect(lumen).to_contain_text("Lumen Svetla d.o.o.")
    await expect(lumen).to_contain_text("Code LS-157B2210")
    await expect(lumen.locator(".approx")).to_have_text("approximate")  # RSD shown in EUR
    await expect(lumen.locator(".own-price")).to_contain_text("RSD")
    await expect(cards.filter(has_text="LED panel 30x120").locator(".stock")).to_have_text(
        "Out of stock"
    )
    # A facet filters, with its count, and becomes a chip that removes it.
    facets = page.locator("#facets")
    await facets.get_by_role("button", name=re.compile("^Volt Electric")).click()
    await expect(count).to_have_text("2 products found for “panel”")
    await expect(facets.get_by_role("button", name=re.compile("^Volt Electric"))).to_have_attribute(
        "aria-pressed", "true"
    )
    await (
        page.locator("#chips").get_by_role("button", name="Remove the filter Volt Electric").click()
    )
    await expect(count).to_have_text("3 products found for “panel”")
    await facets.get_by_role("button", name=re.compile("^In stock")).click()
    await expect(count).to_have_text("2 products found for “panel”")
    await page.locator("#chips button").click()
    # The tree narrows the search down to a subcategory.
    await tree.get_by_role("button", name=re.compile("^Electrical")).click()
    await tree.get_by_role("button", name=re.compile("^Lighting")).click()
    await tree.get_by_role("button", name=re.compile("^Indoor lighting")).click()
    await search_for(page, "60")
    await expect(count).to_have_text("2 products found for “60”")
    await tree.get_by_role("button", name=re.compile("^LED tubes")).click()
    await expect(page.locator("#results-empty")).to_contain_text(
        "Nothing matches “60” with these filters"
    )
    await page.get_by_role("button", name="Clear the filters").click()
    await search_for(page, "panel")
    # The display currency: converted prices are marked approximate; the firm's own stays.
    await page.select_option("#currency", "RSD")
    volt = cards.filter(has_text="LED panel 60x60 40W")
    await expect(volt.locator(".price .amount")).to_contain_text("RSD")
    await expect(volt.locator(".approx")).to_have_text("approximate")
    await expect(volt.locator(".own-price")).to_contain_text("€34.90")
    await expect(lumen.locator(".approx")).to_have_count(0)  # its own currency: exact
    # Pages of 20: 22 cables.
    await search_for(page, "cable")
    await expect(count).to_have_text("22 products found for “cable”")
    await expect(cards).to_have_count(20)
    await page.get_by_role("button", name="Next").click()
    await expect(cards).to_have_count(2)
    await expect(page.locator("#pages")).to_contain_text("Page 2 of 2")
    # The address keeps the words: a reload searches again.
    await page.reload()
    await expect(page.locator("#q")).to_have_value("cable")
    await expect(count).to_have_text("22 products found for “cable”")
    # A query of symbols only: the page's own words, not the hub's.
    await search_for(page, "%%%")
    await expect(page.locator("#results-empty")).to_have_text(
        "Type at least one letter or digit: at most 8 words and 200 characters."
    )
    assert getattr(page, "errors") == []  # noqa: B009


def _english_patterns() -> list[re.Pattern[str]]:
    """Each catalogue message whose Serbian differs, as a pattern for a whole text (its
    placeholders stand for anything)."""
    path = i18n.LOCALES_DIR / "sr" / "LC_MESSAGES" / "market.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale="sr_Latn")
    patterns = []
    for message in catalog:
        if not message.id:
            continue
        english = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = message.string or ""
        serbian = [strings] if isinstance(strings, str) else list(strings)
        for text in english:
            if text in serbian:
                continue  # the same in both languages (none today, but a code or a name could be)
            parts = re.split(r"\{\w+\}", text)
            patterns.append(re.compile("^" + ".+".join(re.escape(p) for p in parts) + "$"))
    return patterns


async def _visible_words(page: Page) -> list[str]:
    """Every text the page shows or says: text nodes, labels, placeholders, titles."""
    words: list[str] = await page.evaluate(
        """() => {
          const out = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const text = walker.currentNode.textContent.trim();
            if (text) out.push(text);
          }
          for (const el of document.querySelectorAll("[aria-label], [placeholder], [title]")) {
            for (const name of ["aria-label", "placeholder", "title"]) {
              const v = el.getAttribute(name);
              if (v) out.push(v.trim());
            }
          }
          for (const el of document.querySelectorAll("*")) {
            if (el.childElementCount === 0 || el.matches("p, h1, h2, h3, li, button, label")) {
              const whole = (el.textContent || "").trim();
              if (whole) out.push(whole);
            }
          }
          out.push(document.title);
          return out;
        }"""
    )
    return words


async def assert_no_english(page: Page) -> None:
    patterns = _english_patterns()
    words = await _visible_words(page)
    left = sorted({w for w in words for p in patterns if p.match(w)})
    assert left == [], f"English on the Serbian page: {left}"


async def test_the_serbian_page_has_no_english_left(browser: Browser, market: Market) -> None:
    page = await buyer(browser, locale="sr-RS")
    await page.goto(market.url)
    await expect(page.locator("html")).to_have_attribute("lang", "sr-Latn")
    await expect(page.locator("#search-submit")).to_have_text("Pretraga")
    await expect(page.locator(".lang button[data-lang=sr]")).to_have_attribute(
        "aria-pressed", "true"
    )
    await expect(page.locator("#tree")).to_contain_text("Elektro")
    await assert_no_english(page)
    await search_for(page, "panel")
    await expect(page.locator("#count")).to_have_text("3 proizvoda pronađena za „panel”")
    await page.select_option("#currency", "RSD")
    card = page.locator("#results .card").filter(has_text="LED panel 60x60 40W")
    await expect(card.locator(".approx")).to_have_text("približno")
    await expect(card.locator(".price .amount")).to_contain_text("RSD")
    await card.get_by_role("button", name="Dodaj LED panel 60x60 40W u rešenje").click()
    await expect(page.locator("#builder-summary")).to_have_text("1 stavka · 1 firma")
    await search_for(page, "ventil")  # nothing: the empty state is Serbian too
    await expect(page.locator("#results-empty")).to_contain_text("Ništa ne odgovara upitu „ventil”")
    await search_for(page, "panel")
    await expect(page.locator("#results .card")).to_have_count(3)
    await assert_no_english(page)
    await page.locator("#save-solution").click()
    await expect(page.locator("#solution-link")).to_have_value(
        re.compile(r"#solution=sol\w+\.[\w-]+$")
    )
    await page.locator("#open-solution").click()
    await expect(page.locator("#send-quote")).to_have_text("Pošalji kao zahtev za ponudu")
    await assert_no_english(page)
    await page.locator("#send-quote").click()
    await expect(page.locator("dialog.market-send")).to_be_visible()
    await assert_no_english(page)
    await page.keyboard.press("Escape")
    # The language switch, remembered: English now, and after a reload.
    await page.locator(".lang button[data-lang=en]").click()
    await expect(page.locator("#send-quote")).to_have_text("Send as request for quote")
    await page.reload()
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.locator("#send-quote")).to_have_text("Send as request for quote")
    assert getattr(page, "errors") == []  # noqa: B009


async def test_build_save_reopen_and_send_as_quote_request(
    browser: Browser, market: Market
) -> None:
    page = await buyer(browser)
    await page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=market.server.http_url
    )
    await page.goto(market.url)
    await expect(page.locator("#builder .empty")).to_contain_text("Add products from the results")
    await search_for(page, "panel")
    cards = page.locator("#results .card")
    await (
        cards.filter(has_text="LED panel 60x60 40W")
        .get_by_role("button", name="Add LED panel 60x60 40W to the solution")
        .click()
    )
    await (
        cards.filter(has_text="LED panel ugradni")
        .get_by_role("button", name=re.compile("^Add LED panel ugradni"))
        .click()
    )
    await search_for(page, "ball valve")
    await (
        cards.filter(has_text="Ball valve brass")
        .get_by_role("button", name=re.compile("^Add Ball valve"))
        .click()
    )
    await expect(page.locator("#builder-summary")).to_have_text("3 lines · 3 firms")
    await page.fill("#solution-name", "Office fit-out")
    lines = page.locator("#builder .line")
    volt = lines.filter(has_text="LED panel 60x60 40W")
    await volt.get_by_label("Quantity").fill("12")
    await volt.get_by_label("Quantity").press("Tab")
    await volt.get_by_label("Note for the firm").fill("Delivery to the 3rd floor")
    bad = lines.filter(has_text="Ball valve")
    await bad.get_by_label("Quantity").fill("0")
    await bad.get_by_label("Quantity").press("Tab")
    await expect(page.locator("#builder-error")).to_have_text(
        "A quantity is a whole number from 1 to 10,000."
    )
    await expect(bad.get_by_label("Quantity")).to_have_attribute("aria-invalid", "true")
    await bad.get_by_label("Quantity").fill("2")
    await bad.get_by_label("Quantity").press("Tab")
    await page.locator("#save-solution").click()
    link = page.locator("#solution-link")
    await expect(link).to_have_value(re.compile(r"/market/#solution=sol\w+\.[\w-]+$"))
    url = await link.input_value()
    await page.locator("#copy-link").click()
    assert await page.evaluate("navigator.clipboard.readText()") == url
    await expect(page.locator("#save-solution")).to_be_disabled()  # nothing new to save
    # Emailed to oneself, from a styled dialog that checks the address first.
    await page.locator("#email-link").click()
    mail = page.locator("dialog.market-email")
    await expect(mail.get_by_label("Your email address")).to_be_focused()
    await mail.get_by_label("Your email address").fill("not an address")
    await mail.get_by_role("button", name="Send the email").click()
    await expect(mail).to_be_visible()  # the browser refused it: nothing was sent
    await mail.get_by_label("Your email address").fill("mira@buyer.example")
    await mail.get_by_role("button", name="Send the email").click()
    await expect(mail).to_be_hidden()
    await expect(page.locator("#notice")).to_have_text("Sent to mira@buyer.example.")

    # Another browser opens the private link: the lines by firm, with subtotals.
    other = await buyer(browser)
    await other.goto(url)
    await expect(other.locator("#solution-title")).to_have_text("Office fit-out")
    firms = other.locator(".firm")
    await expect(firms).to_have_count(3)
    volt_firm = firms.filter(has_text="Volt Electric")
    await expect(volt_firm.locator("tbody tr")).to_contain_text("Delivery to the 3rd floor")
    await expect(volt_firm.locator(".subtotal")).to_have_text("Subtotal: €418.80")  # 12 x 34.90
    await expect(firms.filter(has_text="Lumen Svetla").locator(".subtotal")).to_contain_text("RSD")
    # Sent as a request for quote, through the contact dialog (required fields first).
    await other.locator("#send-quote").click()
    dialog = other.locator("dialog.market-send")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_label("Your name")).to_be_focused()
    await dialog.get_by_label("Your name").fill("Mira Buyer")
    await dialog.get_by_label("Email").fill("mira@buyer.example")
    await dialog.get_by_label("Company (optional)").fill("Mira d.o.o.")
    await dialog.get_by_role("button", name="Send the requests").click()
    await expect(dialog).to_be_hidden()
    requests = other.locator(".request")
    await expect(requests).to_have_count(3)
    await expect(requests.first).to_contain_text(
        "Request for quote · Sent, waiting for the firm's answer"
    )
    await expect(other.locator("#notice")).to_have_text(
        "Sent to 3 firms. Their answers appear here."
    )

    # Volt Electric answers in its console (its API); the buyer sees it and accepts.
    solution_id = url.split("#solution=")[1].split(".")[0]
    firm = market.firms["volt"]
    async with httpx.AsyncClient(base_url=market.server.http_url, timeout=10) as http:
        auth = {"Authorization": f"Bearer {firm.key}"}
        listed = (await http.get(f"/api/stores/{firm.store_id}/requests", headers=auth)).json()
        (request,) = [r for r in listed if r["solution_id"] == solution_id]
        assert [line["product_id"] for line in request["lines"]] == ["panel-60"]  # only its own
        r = await http.post(
            f"/api/stores/{firm.store_id}/requests/{request['id']}/answer",
            json={
                "price": {"amount": 39900, "currency": "EUR"},
                "valid_until": "2027-01-15",
                "note": "<b>Free</b> delivery",
            },
            headers=auth,
        )
        assert r.status_code == 200, r.text
    await other.reload()
    answered = other.locator(f".request[data-request='{request['id']}']")
    await expect(answered).to_contain_text("Quoted price: €399.00, valid until Jan 15, 2027")
    await expect(answered.locator(".meta")).to_have_text("<b>Free</b> delivery")
    # The firm changes its price while the buyer looks at the old one: the buyer's Accept is
    # refused and the page shows the new answer; never an order at a price not shown.
    async with httpx.AsyncClient(base_url=market.server.http_url, timeout=10) as http:
        r = await http.post(
            f"/api/stores/{firm.store_id}/requests/{request['id']}/answer",
            json={"price": {"amount": 45000, "currency": "EUR"}, "valid_until": "2027-01-15"},
            headers=auth,
        )
        assert r.status_code == 200, r.text
    await answered.get_by_role("button", name="Accept this quote").click()
    await expect(other.get_by_text("The firm changed its answer meanwhile")).to_be_visible()
    await expect(answered).to_contain_text("Quoted price: €450.00")
    await answered.get_by_role("button", name="Accept this quote").click()
    await expect(answered).to_contain_text("Accepted")
    await expect(answered).to_contain_text("Order number:")
    await expect(answered).to_contain_text("placed, waiting for the firm to confirm")

    # The first browser, which built it, reopens it from the same link and sees the same.
    await page.goto(url)
    await expect(page.locator(".request")).to_have_count(3)
    assert getattr(page, "errors") == [] and getattr(other, "errors") == []  # noqa: B009


async def test_hostile_product_names_are_shown_as_text(browser: Browser, market: Market) -> None:
    page = await buyer(browser)
    await page.goto(market.url)
    await search_for(page, "valve")
    card = page.locator("#results .card").filter(has_text="PC-EVIL")
    await expect(card.locator(".name")).to_have_text(HOSTILE_NAME)
    assert await card.locator(".name img, .name b").count() == 0
    await card.get_by_role("button", name=re.compile("^Add")).click()
    await expect(page.locator("#builder .line .name")).to_have_text(HOSTILE_NAME)
    await page.locator("#save-solution").click()
    await page.locator("#open-solution").click()
    await expect(page.locator(".firm td strong")).to_have_text(HOSTILE_NAME)
    assert await page.evaluate("window.pwned") is None
    assert await page.locator("img[src='x']").count() == 0


async def test_a_registered_buyer_signs_in_and_finds_saved_solutions(
    browser: Browser, market: Market
) -> None:
    async with httpx.AsyncClient(base_url=market.server.http_url, timeout=10) as http:
        r = await http.post(
            "/api/accounts", json={"email": "ana@buyer.example", "password": "long enough pw"}
        )
        assert r.status_code == 201, r.text
    page = await buyer(browser)
    await page.goto(market.url)
    await page.locator("#account-button").click()
    dialog = page.locator("dialog.market-sign-in")
    await dialog.get_by_label("Email").fill("ana@buyer.example")
    await dialog.get_by_label("Password").fill("wrong password")
    await dialog.get_by_role("button", name="Sign in").click()
    await expect(dialog.get_by_role("alert")).to_have_text(
        "The email or the password is not right."
    )
    await dialog.get_by_label("Password").fill("long enough pw")
    await dialog.get_by_role("button", name="Sign in").click()
    await expect(page.locator("#account-title")).to_have_text("Your account")
    await expect(page.locator("#account-screen")).to_contain_text("No saved solutions yet")
    await page.locator("#home").click()
    await search_for(page, "tube")
    await (
        page.locator("#results .card").first.get_by_role("button", name=re.compile("^Add")).click()
    )
    await page.fill("#solution-name", "Warehouse tubes")
    await page.locator("#save-solution").click()
    await expect(page.locator("#solution-link")).to_be_visible()
    await (
        page.locator("#results .card")
        .first.get_by_role("button", name=re.compile("^Keep .* on your wishlist"))
        .click()
    )
    await expect(page.locator("#notice")).to_contain_text("is on your wishlist")
    await page.locator("#account-button").click()
    await expect(
        page.locator("#account-screen").get_by_role("link", name="Warehouse tubes")
    ).to_be_visible()
    wishlist = page.locator(".account-lists > section", has=page.locator("#account-wishlist"))
    await expect(wishlist.locator("li")).to_have_count(1)
    await expect(wishlist.locator("li")).to_contain_text("LED tube")
    await expect(wishlist.locator("li")).to_contain_text("Volt Electric")
    # Her calls with firms: one answered for 2 min 5 s and rated, its comment shown as text.
    await a_rated_call(market.server, market.firms["volt"].store_id, "ana@buyer.example", 4)
    await page.locator("#home").click()
    await page.locator("#account-button").click()
    calls = page.locator(".account-lists > section", has=page.locator("#account-calls"))
    await expect(calls.locator("li")).to_contain_text("Volt Electric")
    await expect(calls.locator("li")).to_contain_text("2 min 5 s · 4 stars")
    await expect(calls.locator("li .meta")).to_have_text("Helpful <b>Ana</b>")
    # The owner opens it from the account without the secret.
    await page.locator("#account-screen").get_by_role("link", name="Warehouse tubes").click()
    await expect(page.locator("#solution-title")).to_have_text("Warehouse tubes")
    await page.locator("#sign-out").click()
    await expect(page.locator("#account-button")).to_have_text("Sign in")


async def test_opening_a_link_keeps_unsaved_work_until_the_buyer_agrees(
    browser: Browser, market: Market
) -> None:
    volt = market.firms["volt"]
    async with httpx.AsyncClient(base_url=market.server.http_url, timeout=10) as http:
        r = await http.post(
            "/api/market/solutions",
            json={
                "name": "Shared by a colleague",
                "lines": [{"store_id": volt.store_id, "product_id": "tube-120", "qty": 40}],
            },
        )
        assert r.status_code == 201, r.text
        made = r.json()
    page = await buyer(browser)
    await page.goto(market.url)
    await search_for(page, "ball valve")
    await (
        page.locator("#results .card").first.get_by_role("button", name=re.compile("^Add")).click()
    )
    await expect(page.locator("#builder-summary")).to_have_text("1 line · 1 firm")
    await page.goto(f"{market.url}#solution={made['id']}.{made['secret']}")
    await expect(page.locator("#solution-title")).to_have_text("Shared by a colleague")
    await page.get_by_role("button", name="Edit in the builder").click()
    dialog = page.locator("dialog.market-confirm")
    await expect(dialog).to_contain_text("unsaved changes to another solution")
    await dialog.get_by_role("button", name="Cancel").click()
    await expect(page.locator("#solution-title")).to_be_visible()  # still here, nothing lost
    await page.get_by_role("button", name="Edit in the builder").click()
    await dialog.get_by_role("button", name="Put it in the builder").click()
    await expect(page.locator("#search-screen")).to_be_visible()
    await expect(page.locator("#solution-name")).to_have_value("Shared by a colleague")
    await expect(page.locator("#builder .line .name")).to_have_text("LED tube T8 120 cm")
    await expect(page.locator("#builder .line input[type=number]")).to_have_value("40")


async def test_the_keyboard_alone_searches_and_builds(browser: Browser, market: Market) -> None:
    page = await buyer(browser)
    await page.goto(market.url)
    await page.keyboard.press("Tab")  # the skip link comes first
    await expect(page.locator("#skip")).to_be_focused()
    await page.locator("#q").focus()
    await page.keyboard.type("ball valve")
    await page.keyboard.press("Enter")
    await expect(page.locator("#count")).to_have_text("1 product found for “ball valve”")
    add = page.get_by_role("button", name=re.compile("^Add Ball valve"))
    await add.focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#builder-summary")).to_have_text("1 line · 1 firm")
    # The card was drawn again (its button now says so); the keyboard's place stayed on it.
    focused = page.locator(":focus")
    await expect(focused).to_have_text("Add one more")
    await page.keyboard.press("Enter")
    await expect(page.locator("#builder .line input[type=number]")).to_have_value("2")


async def test_a_solution_the_hub_no_longer_has_is_saved_anew(
    browser: Browser, market: Market
) -> None:
    page = await buyer(browser)
    await page.goto(market.url)
    await search_for(page, "ball valve")
    await (
        page.locator("#results .card").first.get_by_role("button", name=re.compile("^Add")).click()
    )
    await page.locator("#save-solution").click()
    first = await page.locator("#solution-link").input_value()
    # This browser remembers a solution under an id the hub does not know (another hub's).
    await page.evaluate(
        """() => {
          const kept = JSON.parse(localStorage.getItem("cartstart.market.solution"));
          kept.id = "sol0000000000000000";
          localStorage.setItem("cartstart.market.solution", JSON.stringify(kept));
        }"""
    )
    await page.reload()
    await page.fill("#solution-name", "Valves again")
    await page.locator("#save-solution").click()
    link = page.locator("#solution-link")
    await expect(link).not_to_have_value(first)
    await expect(link).to_have_value(re.compile(r"#solution=sol\w+\.[\w-]+$"))
    await expect(page.locator("#builder-error")).to_have_text("")
    other = await buyer(browser)
    await other.goto(await link.input_value())
    await expect(other.locator("#solution-title")).to_have_text("Valves again")

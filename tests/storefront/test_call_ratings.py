"""Rating a call in the browser: a call between the visitor's live page and an agent's console
(Chromium's fake camera and microphone, a real hub on loopback), then the visitor rates it
with the keyboard on the star radio group; the agent's console hears it live ("Your rating"),
the owner's console lists it with its comment shown as text, and the store's selling page
shows the average once the owner turns it on in Page settings. No prompt(), alert() or
confirm(); no uncaught error."""

from __future__ import annotations

import httpx
from playwright.async_api import Browser, Page, expect

from tests.storefront import console_live_helpers as console_ui
from tests.storefront import live_helpers as page_ui
from tests.storefront.conftest import TEST_CATALOGUE, Shop
from tests.storefront.test_live_calls import HOSTILE, watch

STORE = TEST_CATALOGUE.name
PASSWORD = "correct horse battery"


async def agent_token(shop: Shop, email: str, name: str) -> str:
    """An agent of the shop, invited by the key and signed in: their console credential."""
    auth = {"Authorization": f"Bearer {shop.key}"}
    async with httpx.AsyncClient(base_url=shop.hub.http_url) as http:
        body = {"email": email, "name": name, "role": "agent"}
        added = await http.post(f"/api/stores/{shop.store_id}/agents", json=body, headers=auth)
        code = added.raise_for_status().json()["invite_code"]
        r = await http.post("/api/agent-invites", json={"code": code, "password": PASSWORD})
        return str(r.raise_for_status().json()["token"])


async def a_call(console: Page, visitor: Page) -> None:
    """The visitor asks, the console accepts, the visitor hangs up."""
    page_call, desk_call = visitor.locator("#live-call"), console.locator("#live-call")
    await page_call.get_by_role("button", name="Ask for a video call").click()
    await desk_call.get_by_role("button", name="Accept").click()
    await expect(page_call.locator(".call-status")).to_have_text(f"In a call with {STORE}")
    await page_call.get_by_role("button", name="Hang up").click()
    await expect(page_call.locator(".call-ended")).to_have_text(
        "You hung up. The call lasted 0:00."
    )


async def test_a_visitor_rates_a_call_and_the_consoles_and_the_page_show_it(
    call_browser: Browser, shop: Shop
) -> None:
    trouble: list[str] = []
    token = await agent_token(shop, "rosa@example.org", "Rosa")
    agent = await console_ui.open_live(call_browser, shop, key=token)
    watch(agent, trouble)
    await expect(agent.locator("#ratings-title")).to_have_text("Your rating")
    await expect(agent.locator("#ratings-empty")).to_contain_text("No ratings yet")
    visitor = await page_ui.open_live(call_browser, shop)
    watch(visitor, trouble)
    await page_ui.start_session(visitor, "Ana")
    await console_ui.lobby_row(agent, "Ana").click()
    await expect(agent.locator("#session-presence")).to_have_text("Ana is here")

    form = visitor.get_by_role("form", name=f"How was your call with {STORE}?")
    await expect(form).to_be_hidden()  # no call yet, nothing to rate
    await a_call(agent, visitor)

    # The form: Send without stars says what to do; the stars are a radio group the keyboard
    # moves through, each named for screen readers.
    await expect(form).to_be_visible()
    await form.get_by_role("button", name="Send rating").click()
    await expect(form.get_by_role("alert")).to_have_text("Choose from 1 to 5 stars first.")
    await expect(form.get_by_role("radio", name="1 star of 5")).to_be_focused()
    for _ in range(3):
        await visitor.keyboard.press("ArrowRight")
    four = form.get_by_role("radio", name="4 stars of 5")
    await expect(four).to_be_checked()
    await expect(form.locator(".rating-stars label.on")).to_have_count(4)
    await form.get_by_label("Comment (optional)").fill(HOSTILE)
    await form.get_by_role("button", name="Send rating").click()
    await expect(form).to_be_hidden()
    await expect(visitor.locator(".rating-thanks")).to_have_text(
        f"Thank you for rating your call. {STORE} will see it."
    )

    # The agent's console hears it live: a notice, and "Your rating" with the comment as text.
    await expect(agent.locator("#toast")).to_have_text("Ana rated the call: 4 stars of 5")
    await agent.get_by_role("tab", name="Carts and orders").click()
    summary = agent.locator("#ratings-summary")
    await expect(summary).to_contain_text("Your calls: ")
    await expect(summary.get_by_role("img", name="Average 4 of 5 from 1 rating")).to_have_count(2)
    comment = agent.locator("#ratings-recent .comment")
    await expect(comment).to_have_text(HOSTILE)
    await expect(comment.locator("img")).to_have_count(0)

    # A reload of the visitor's page does not ask again.
    await visitor.reload()
    await expect(visitor.locator("#connection")).to_have_text("Live")
    await expect(form).to_be_hidden()

    # The owner's console: the store, each agent, the recent comments; then the page setting.
    owner = await console_ui.open_live(call_browser, shop)
    watch(owner, trouble)
    await owner.get_by_role("tab", name="Carts and orders").click()
    ratings = owner.locator("#ratings-section")
    await expect(ratings.get_by_role("heading", name="Ratings", exact=True)).to_be_visible()
    agents = ratings.get_by_role("table", name="Each agent's average")
    await expect(agents.get_by_role("row").nth(1)).to_contain_text("Rosa")
    await expect(agents.get_by_role("row").nth(1)).to_contain_text("4 of 5 from 1 rating")
    await expect(ratings.locator(".rating-list li")).to_contain_text("Rosa")
    await expect(ratings.locator(".rating-list .comment")).to_have_text(HOSTILE)

    public = await page_ui.open_live(call_browser, shop)
    watch(public, trouble)
    await expect(public.get_by_role("heading", name="Shop live with the seller")).to_be_visible()
    await expect(public.locator("#store-rating")).to_be_hidden()  # off until the owner says so
    await owner.get_by_role("tab", name="Live selling").click()
    await owner.get_by_role("tab", name="Page settings").click()
    await owner.get_by_label("Show our rating on the selling page").check()
    await owner.get_by_role("button", name="Save settings").click()
    await expect(owner.locator("#settings-status")).not_to_be_empty()
    await public.reload()
    shown = public.locator("#store-rating")
    await expect(shown).to_be_visible()
    await expect(shown.get_by_role("img")).to_have_accessible_name(
        "Rated 4 of 5 from 1 rating after video calls"
    )

    for page in (agent, owner, visitor, public):
        assert await page.evaluate("() => window.pwned") is None
    assert trouble == [] and console_ui.BLOCKING == []

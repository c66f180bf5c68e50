"""A support call with prepaid credit in the browser (docs/shopper.md "Calling support"): a
signed-in shopper's live page (its session attached to their cart through the REST route), a
support agent Available in the console who answers; the page refuses without credit in the
hub's words, then shows the credit left ticking on the page's own clock (Playwright's
`set_fixed_time`) against the hub's FakeClock, the one-minute warning, the end when the credit
runs out in words, the report, a rating with the connection's stars, a complaint and the
owner's answer arriving live and again after a reload. Hostile text stays text; no prompt(),
alert() or confirm(); no uncaught error."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, Page, expect

from cartstart_server.domain.tickets import cart_ref
from cartstart_server.storage.sql import Plan, Stmt
from tests.helpers.peers import sign_up
from tests.storefront import live_helpers as page_ui
from tests.storefront.conftest import TEST_CATALOGUE, Shop, new_page
from tests.storefront.console_live_helpers import lobby_row
from tests.storefront.test_live_calls import watch
from tests.storefront.test_talk_entry import agent_console, workspace_on

STORE = TEST_CATALOGUE.name
HOSTILE = '<img src=x onerror="window.pwned=1">wrong glaze advice'
PRICE = 60  # 0.60 EUR a minute: one cent a second


async def support_agent(browser: Browser, shop: Shop, http: httpx.AsyncClient) -> Page:
    """Support at 0.60 EUR a minute; Sam, a support agent, signed in and Available."""
    key = {"Authorization": f"Bearer {shop.key}"}
    body: dict[str, Any] = {"price_per_minute": PRICE, "currency": "EUR", "minutes_per_unit": 10}
    r = await http.put(f"/api/stores/{shop.store_id}/support", json=body, headers=key)
    assert r.status_code == 200, r.text
    await workspace_on(shop)
    agent = await agent_console(browser, shop, "Sam", "sam@example.org")
    listed = await http.get(f"/api/stores/{shop.store_id}/agents", headers=key)
    sam = next(a for a in listed.json() if a["email"] == "sam@example.org")
    r = await http.put(
        f"/api/stores/{shop.store_id}/support/agents/{sam['agent_id']}",
        json={"support": True},
        headers=key,
    )
    assert r.status_code == 200, r.text
    await agent.get_by_role("tab", name="Workspace").click()
    await agent.get_by_role("radio", name="Available").check()
    await agent.get_by_role("tab", name="Live selling").click()
    return agent


async def shopper_page(browser: Browser, shop: Shop, at: float) -> Page:
    """The live page on a clock the test sets (timers keep running)."""
    context = await browser.new_context(viewport=page_ui.VIEWPORT)  # type: ignore[arg-type]
    page = await context.new_page()
    page.set_default_timeout(8000)
    await page.clock.set_fixed_time(at)
    await page.goto(f"{shop.hub.http_url}/live/{shop.store_id}")
    return page


async def at(pages: list[Page], shop: Shop, when: float) -> None:
    """The hub's clock and the pages' at `when`."""
    shop.clock.set(when)
    for page in pages:
        await page.clock.set_fixed_time(when)


async def test_a_shopper_calls_support_sees_the_credit_the_report_and_the_answer(
    call_browser: Browser, shop: Shop
) -> None:
    trouble: list[str] = []
    t0 = float(int(time.time()))
    shop.clock.set(t0)  # the hub's clock as the browser's, so no skew is learnt
    async with httpx.AsyncClient(base_url=shop.hub.http_url, timeout=10) as http:
        agent = await support_agent(call_browser, shop, http)
        watch(agent, trouble)
        visitor = await shopper_page(call_browser, shop, t0)
        watch(visitor, trouble)
        await page_ui.start_session(visitor, "Ana")
        support = visitor.get_by_role("region", name="Support calls")
        await expect(support).to_be_hidden()  # a guest's session: nothing to call
        link = await visitor.evaluate(
            "() => new URLSearchParams(location.hash.slice(1)).get('session')"
        )
        ana = await sign_up(http, "ana@example.org")
        r = await http.post("/api/cart/live-sessions", json={"link": link}, headers=ana.auth)
        assert r.status_code == 201, r.text

        # Attached: the offer, and the hub's refusal without credit, in its words.
        await expect(support).to_contain_text(f"Support from {STORE}: €0.60 a minute.")
        await expect(support).to_contain_text("Your credit: €0.00.")
        await support.get_by_role("button", name="Ask for support").click()
        await expect(support.get_by_role("alert").first).to_have_text(
            "You need at least one minute of support credit: buy credit or ask the store."
        )
        ref = cart_ref(shop.store_id, ana.cart_id)  # as the store knows Ana
        r = await http.post(
            f"/api/stores/{shop.store_id}/support/credit",
            json={"cart_ref": ref, "amount": 150, "reason": "Welcome"},
            headers={"Authorization": f"Bearer {shop.key}"},
        )
        assert r.status_code == 200, r.text  # heard live: no reload
        await expect(support).to_contain_text("Your credit: €1.50, about 2 minutes.")

        # The call: asked, answered by Sam; the credit ticks on the page's clock.
        await lobby_row(agent, "Ana").click()
        await agent.clock.set_fixed_time(t0)
        await support.get_by_role("button", name="Ask for support").click()
        await agent.locator("#live-call").get_by_role("button", name="Accept").click()
        await expect(visitor.locator("#live-call .call-status")).to_have_text(
            f"In a call with {STORE}"
        )
        credit = support.get_by_role("group", name="Support credit")
        await expect(credit.locator(".support-left")).to_have_text("€1.50")
        await expect(support.get_by_role("button", name="Ask for support")).to_be_hidden()
        await at([visitor, agent], shop, t0 + 30)
        await expect(credit.locator(".support-left")).to_have_text("€1.20")
        await expect(credit.locator(".support-time")).to_have_text("0:30")
        await expect(support.locator(".support-warning")).to_be_hidden()
        # The support agent's console ticks the same credit.
        desk_credit = agent.get_by_role("group", name="Support credit")
        await expect(desk_credit.locator(".support-left")).to_have_text("1.20 EUR")
        await expect(desk_credit.locator(".support-warning")).to_be_hidden()

        # A minute before the end: the warning, said as an alert.
        await at([visitor, agent], shop, t0 + 90)
        warning = support.locator(".support-warning")
        await expect(warning).to_contain_text("About one minute of credit left")
        await expect(warning).to_have_attribute("role", "alert")
        await expect(credit.locator(".support-left")).to_have_text("€0.60")
        await expect(desk_credit.locator(".support-left")).to_have_text("0.60 EUR")
        await expect(desk_credit.get_by_role("alert")).to_contain_text(
            "About one minute of the shopper's credit left"
        )
        await visitor.locator("#talk").screenshot(path=str(_shot_dir() / "support-call-credit.png"))

        # The credit runs out: the hub ends the call; the page says why and reports.
        await at([visitor, agent], shop, t0 + 150)
        await expect(visitor.locator("#live-call .call-ended")).to_have_text(
            "The call ended after 2:30: your support credit ran out. "
            f"Buy more credit or ask {STORE} to call again."
        )
        report = support.locator(".support-report")
        await expect(report.locator(".report-duration")).to_have_text("2:30")
        await expect(report.locator(".report-used")).to_have_text("€1.50")
        await expect(report.locator(".report-left")).to_have_text("€0.00")
        await expect(report).to_contain_text("The call ended when your credit ran out.")
        await expect(credit).to_be_hidden()
        await expect(desk_credit).to_be_hidden()

        # The rating, with the connection's stars beside the call's.
        form = visitor.get_by_role("form", name=f"How was your call with {STORE}?")
        call_stars = form.get_by_role("radiogroup", name=f"How was your call with {STORE}?")
        await call_stars.get_by_role("radio", name="2 stars of 5").check()
        connection = form.get_by_role("radiogroup", name="The connection (optional)")
        await connection.get_by_role("radio", name="5 stars of 5").check()
        await form.get_by_role("button", name="Send rating").click()
        await expect(visitor.locator(".rating-thanks")).to_contain_text("Thank you")
        rated = await shop.hub.hub.db.read(_ratings(shop.store_id))
        assert [(r["stars"], r["connection"]) for r in rated] == [(2, 5)]

        # A complaint, then the owner's answer arrives live.
        complaint = visitor.get_by_role("form", name="Not happy with this support call?")
        await complaint.get_by_role("button", name="Send complaint").click()
        await expect(complaint.get_by_role("alert")).to_have_text("Write what went wrong first.")
        await complaint.get_by_label("The support itself").check()
        await complaint.get_by_label("What went wrong").fill(HOSTILE)
        await complaint.get_by_role("button", name="Send complaint").click()
        mine = visitor.get_by_role("list", name="Your complaints").get_by_role("listitem")
        await expect(mine).to_have_count(1)
        await expect(mine.locator(".complaint-text")).to_have_text(HOSTILE)
        await expect(mine).to_contain_text("Your complaint about the support")
        await expect(mine).to_contain_text(f"Waiting for {STORE}'s answer.")
        listed = await http.get(
            f"/api/stores/{shop.store_id}/support/complaints",
            headers={"Authorization": f"Bearer {shop.key}"},
        )
        cid = listed.json()["complaints"][0]["complaint_id"]
        answer = "Sorry <b>Ana</b>: use the stoneware glaze."
        r = await http.post(
            f"/api/stores/{shop.store_id}/support/complaints/{cid}/answer",
            json={"answer": answer},
            headers={"Authorization": f"Bearer {shop.key}"},
        )
        assert r.status_code == 200, r.text
        await expect(mine.locator(".complaint-answer")).to_have_text(f"{STORE} answered: {answer}")
        await support.evaluate("box => box.scrollIntoView({ block: 'start' })")
        await visitor.locator("#talk").screenshot(path=str(_shot_dir() / "support-call-report.png"))

        # A reload shows the report and the answer again; the rating is not asked again.
        await visitor.reload()
        await expect(report.locator(".report-left")).to_have_text("€0.00")
        await expect(mine.locator(".complaint-answer")).to_have_text(f"{STORE} answered: {answer}")
        await expect(form).to_be_hidden()
        assert await visitor.evaluate("() => window.pwned") is None
    assert trouble == []


def _ratings(store_id: str) -> Plan[list[dict[str, Any]]]:
    return (yield Stmt("SELECT * FROM call_ratings WHERE store_id = ?", (store_id,)))


def _shot_dir() -> Path:
    """Where the test leaves its pictures (docs/img/ takes them from the screenshot script)."""
    out = Path(__file__).resolve().parents[2] / "build" / "support-shots"
    out.mkdir(parents=True, exist_ok=True)
    return out


async def test_the_talk_panel_calls_support_with_the_same_parts(
    call_browser: Browser, shop: Shop
) -> None:
    """The talk panel on the store's own page reuses the hosted page's support parts: its
    conversation, once attached to a signed-in shopper's cart, offers support; the call shows
    the credit; the report follows the end."""
    trouble: list[str] = []
    async with httpx.AsyncClient(base_url=shop.hub.http_url, timeout=10) as http:
        agent = await support_agent(call_browser, shop, http)
        watch(agent, trouble)
        visitor = await new_page(call_browser)
        watch(visitor, trouble)
        await visitor.goto(shop.page_url("/products/mug"))
        await visitor.get_by_role("link", name="Talk to us").click()
        talk = visitor.get_by_role("dialog", name=f"Talk to {STORE}")
        box = talk.get_by_label("Your message")
        await box.fill("Can you help me glaze it?")
        await box.press("Enter")
        await expect(talk.get_by_role("log")).to_contain_text("Can you help me glaze it?")
        support = talk.get_by_role("region", name="Support calls")
        await expect(support).to_be_hidden()  # a guest's conversation
        # The panel shows a message as it sends it; the session's link is kept once started.
        kept = await visitor.wait_for_function(
            f"() => localStorage.getItem('cartstart.talk.{shop.store_id}')"
        )
        link = await kept.json_value()
        ana = await sign_up(http, "ana@example.org")
        r = await http.post("/api/cart/live-sessions", json={"link": link}, headers=ana.auth)
        assert r.status_code == 201, r.text
        await expect(support).to_contain_text("Your credit: €0.00.")
        r = await http.post(
            f"/api/stores/{shop.store_id}/support/credit",
            json={"cart_ref": cart_ref(shop.store_id, ana.cart_id), "amount": 600, "reason": "x"},
            headers={"Authorization": f"Bearer {shop.key}"},
        )
        assert r.status_code == 200, r.text  # the talk panel hears it live too
        await expect(support).to_contain_text("Your credit: €6.00, about 10 minutes.")
        await lobby_row(agent, "Visitor").click()
        await support.get_by_role("button", name="Ask for support").click()
        await agent.locator("#live-call").get_by_role("button", name="Accept").click()
        credit = support.get_by_role("group", name="Support credit")
        await expect(credit.locator(".support-left")).to_have_text(re.compile(r"^€\d\.\d\d$"))
        shop.clock.advance(20)
        await agent.locator("#live-call").get_by_role("button", name="Hang up").click()
        report = support.locator(".support-report")
        await expect(report.locator(".report-duration")).to_have_text("0:20")
        await expect(report.locator(".report-used")).to_have_text("€0.20")
        await expect(report.locator(".report-left")).to_have_text("€5.80")
        await expect(
            talk.get_by_role("form", name="Not happy with this support call?")
        ).to_be_visible()
    assert trouble == []

"""Calls in the browser (issue 15): the visitor's live page and the store console, each in its
own Chromium context with the browser's own WebRTC and Chromium's fake camera and microphone,
calling each other through a real hub on loopback. Checked by what people see: the other side's
video playing (frames decoded, time running), the placeholder when a camera is off, the
reasons in words, and the session's stream recording the call once."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Browser, Locator, Page, expect

from tests.storefront import console_live_helpers as console_ui
from tests.storefront import live_helpers as page_ui
from tests.storefront.conftest import TEST_CATALOGUE, Shop

STORE = TEST_CATALOGUE.name
# Every track getUserMedia gives the page, kept in window.opened (to check they are stopped).
RECORD_TRACKS = """() => {
  const devices = navigator.mediaDevices;
  const real = devices.getUserMedia.bind(devices);
  window.opened = [];
  devices.getUserMedia = async (c) => {
    const stream = await real(c);
    window.opened.push(...stream.getTracks());
    return stream;
  };
}"""
HOSTILE = "<img src=x onerror=window.pwned=1>"
# getUserMedia answering 1.5 s late, as after a permission prompt.
SLOW_DEVICES = """() => {
  const devices = navigator.mediaDevices;
  const real = devices.getUserMedia.bind(devices);
  devices.getUserMedia = (c) => new Promise((r) => setTimeout(r, 1500)).then(() => real(c));
}"""


def watch(page: Page, seen: list[str]) -> None:
    """A prompt(), alert() or confirm(), or an uncaught error, is recorded (and fails the test)."""
    page.on("dialog", lambda d: seen.append(f"dialog: {d.message}"))
    page.on("pageerror", lambda e: seen.append(f"error: {e}"))


async def playing(video: Locator) -> None:
    """The <video> shows decoded frames (a width) and its time runs."""
    handle = await video.element_handle()
    page = video.page
    await page.wait_for_function(
        "v => v.videoWidth > 0 && v.currentTime > 0", arg=handle, timeout=15000
    )
    start = await video.evaluate("v => v.currentTime")
    await page.wait_for_function(
        "([v, t]) => v.currentTime > t + 0.3", arg=[handle, start], timeout=10000
    )


async def both_sides(
    browser: Browser, shop: Shop, trouble: list[str], name: str = "Ana"
) -> tuple[Page, Page]:
    """The console open on the visitor's session (Ana's by default), and the visitor's page."""
    console = await console_ui.open_live(browser, shop)
    watch(console, trouble)
    visitor = await page_ui.open_live(browser, shop)
    watch(visitor, trouble)
    await page_ui.start_session(visitor, name)
    await console_ui.lobby_row(console, name).click()
    await expect(console.locator("#session-presence")).to_have_text(f"{name} is here")
    await expect(visitor.locator("#presence")).to_have_text("The seller is here")
    return console, visitor


async def call_events(shop: Shop, link: str) -> list[dict[str, object]]:
    async with httpx.AsyncClient(base_url=shop.hub.http_url) as http:
        r = await http.get(
            "/api/live/session/events",
            params={"after": 0},
            headers={"Authorization": f"Bearer {link}"},
        )
        r.raise_for_status()
        return [m["call"] for m in r.json()["messages"] if m["type"] == "call"]


async def session_link(visitor: Page) -> str:
    link = await visitor.evaluate(
        "() => new URLSearchParams(location.hash.slice(1)).get('session')"
        " ?? Object.entries(localStorage).find(([k]) => k.includes('live'))?.[1]"
    )
    assert isinstance(link, str) and link.startswith("csv."), link
    return link


async def test_a_visitor_asks_the_seller_answers_and_they_see_each_other(
    call_browser: Browser, shop: Shop
) -> None:
    trouble: list[str] = []
    console, visitor = await both_sides(call_browser, shop, trouble)
    page_call = visitor.locator("#live-call")
    desk_call = console.locator("#live-call")

    for page in (visitor, console):
        await page.evaluate(RECORD_TRACKS)

    # The visitor asks; the page says it is calling; the console shows the request.
    await page_call.get_by_role("button", name="Ask for a video call").click()
    await expect(page_call.locator(".call-status")).to_have_text("Calling the seller…")
    await expect(desk_call.locator(".call-status")).to_have_text("Ana asks for a video call")
    await desk_call.get_by_role("button", name="Accept").click()

    # In the call: the seller's camera is on, so the visitor sees the seller's video playing;
    # the visitor's camera is off by default, so the console shows the placeholder.
    await expect(page_call.locator(".call-status")).to_have_text(f"In a call with {STORE}")
    await playing(page_call.locator("video.call-remote"))
    placeholder = desk_call.locator(".call-placeholder")
    await expect(placeholder).to_be_visible()
    await expect(placeholder).to_contain_text("Ana's camera is off")
    await expect(page_call.get_by_role("button", name="Turn camera on")).to_be_visible()

    # The visitor turns the camera on: the console sees it playing, the placeholder goes.
    await page_call.get_by_role("button", name="Turn camera on").click()
    await expect(page_call.get_by_role("button", name="Turn camera off")).to_be_visible()
    await expect(placeholder).to_be_hidden()
    await playing(desk_call.locator("video.call-remote"))

    # The seller turns the camera off: the visitor sees the placeholder; and the microphone.
    await desk_call.get_by_role("button", name="Turn camera off").click()
    await expect(page_call.locator(".call-placeholder")).to_contain_text(f"{STORE}'s camera is off")
    await desk_call.get_by_role("button", name="Mute microphone").click()
    await expect(page_call.locator(".call-peer-mic")).to_have_text(f"{STORE}'s microphone is off")

    # The counter stays usable during the call: the seller presents, the visitor sees it.
    await console.get_by_label("Find a product to show").fill("mug")
    await console.locator("#find-results").get_by_role("button", name="Present Mug").click()
    await expect(visitor.locator("#counter .card h3")).to_have_text(["Mug"])

    # Both see the call's duration run.
    await expect(desk_call.locator(".call-time")).to_have_text(re.compile(r"^0:0[1-9]|^0:[1-5]\d"))
    await expect(page_call.locator(".call-time")).to_have_text(re.compile(r"^0:0[1-9]|^0:[1-5]\d"))

    # The visitor hangs up (the hub's clock says 42 s later): both sides say so, in words,
    # with the duration the hub recorded, and the call is gone on both.
    shop.clock.advance(42)
    await page_call.get_by_role("button", name="Hang up").click()
    await expect(page_call.locator(".call-ended")).to_have_text(
        re.compile(r"^You hung up\. The call lasted 0:4[23]\.$")
    )
    await expect(desk_call.locator(".call-ended")).to_have_text(
        re.compile(r"^Ana hung up\. The call lasted 0:4[23]\.$")
    )
    await expect(desk_call.locator(".call-stage")).to_be_hidden()
    await expect(page_call.locator("video.call-remote")).to_be_hidden()
    # Every camera and microphone track the page opened is stopped (the camera light goes off).
    for page in (visitor, console):
        await page.wait_for_function(
            "() => window.opened.length >= 2 && window.opened.every(t => t.readyState === 'ended')"
        )
    await expect(page_call.get_by_role("button", name="Ask for a video call")).to_be_enabled()

    # The session's stream has the call once: rang, answered, ended with its duration.
    calls = await call_events(shop, await session_link(visitor))
    assert [c["state"] for c in calls] == ["ringing", "active", "ended"]
    assert len({c["call_id"] for c in calls}) == 1
    ended = calls[-1]
    assert ended["end_reason"] == "hung_up" and ended["ended_by"] == "visitor"
    assert isinstance(ended["duration"], float) and 42 <= ended["duration"] < 44
    assert trouble == []


async def test_the_seller_rings_and_the_visitor_declines(call_browser: Browser, shop: Shop) -> None:
    """A visitor whose name is markup: the call's words show it as text."""
    trouble: list[str] = []
    console, visitor = await both_sides(call_browser, shop, trouble, HOSTILE)
    page_call = visitor.locator("#live-call")
    desk_call = console.locator("#live-call")
    # A ring the seller cancels before it is answered.
    await desk_call.get_by_role("button", name="Call the visitor").click()
    await expect(page_call.get_by_role("button", name="Accept")).to_be_visible()
    await desk_call.get_by_role("button", name="Cancel").click()
    await expect(desk_call.locator(".call-ended")).to_have_text("You cancelled the call.")
    await expect(page_call.locator(".call-ended")).to_have_text(f"{STORE} cancelled the call.")
    await expect(page_call.get_by_role("button", name="Accept")).to_be_hidden()

    # Rung again, and declined.
    await desk_call.get_by_role("button", name="Call the visitor").click()
    await expect(desk_call.locator(".call-status")).to_have_text(
        re.compile(rf"^Calling {re.escape(HOSTILE)}…")  # then "… can see your camera."
    )
    await expect(page_call.locator(".call-status")).to_have_text(f"{STORE} is calling")
    await expect(page_call.get_by_role("button", name="Accept")).to_be_visible()
    await page_call.get_by_role("button", name="Decline").click()
    await expect(page_call.locator(".call-ended")).to_have_text("You declined the call.")
    await expect(desk_call.locator(".call-ended")).to_have_text(f"{HOSTILE} declined the call.")
    await expect(desk_call.get_by_role("button", name="Call the visitor")).to_be_enabled()
    assert await console.evaluate("window.pwned") is None
    assert await desk_call.locator("img, script").count() == 0
    calls = await call_events(shop, await session_link(visitor))
    assert [c["state"] for c in calls] == ["ringing", "ended", "ringing", "ended"]
    assert [c["end_reason"] for c in calls[1::2]] == ["hung_up", "declined"]
    assert trouble == []


async def test_the_visitor_sees_the_sellers_camera_while_it_rings_and_sends_nothing(
    call_browser: Browser, shop: Shop
) -> None:
    """A call the store starts (issue 16, "proactive call"): the visitor sees the seller's
    camera with the ring, before joining, while the visitor's own camera and microphone stay
    closed; joining connects the call as usual."""
    trouble: list[str] = []
    console, visitor = await both_sides(call_browser, shop, trouble)
    page_call = visitor.locator("#live-call")
    desk_call = console.locator("#live-call")
    for page in (visitor, console):
        await page.evaluate(RECORD_TRACKS)

    await desk_call.get_by_role("button", name="Call the visitor").click()
    await expect(page_call.locator(".call-status")).to_have_text(f"{STORE} is calling")
    # The seller's camera plays on the visitor's page while it rings; the seller sees itself
    # and is told the visitor can see it.
    await playing(page_call.locator("video.call-remote"))
    await expect(page_call.get_by_role("button", name="Accept")).to_be_visible()
    await expect(page_call.locator(".call-bar")).to_be_hidden()
    await expect(desk_call.locator(".call-status")).to_have_text(
        "Calling Ana… Ana can see your camera."
    )
    await expect(desk_call.locator("video.call-self")).to_be_visible()
    # The visitor's page opened no camera and no microphone for it.
    assert await visitor.evaluate("window.opened.length") == 0
    assert await console.evaluate("window.opened.map(t => t.kind)") == ["video"]

    # Joining: the call connects as any call; the visitor opens the microphone only.
    await page_call.get_by_role("button", name="Accept").click()
    await expect(page_call.locator(".call-status")).to_have_text(f"In a call with {STORE}")
    await playing(page_call.locator("video.call-remote"))
    await expect(page_call.locator(".call-bar")).to_be_visible()
    assert await visitor.evaluate("window.opened.map(t => t.kind)") == ["audio"]
    await page_call.get_by_role("button", name="Hang up").click()
    await expect(desk_call.locator(".call-ended")).to_have_text(
        re.compile(r"^Ana hung up\. The call lasted")
    )
    for page in (visitor, console):
        await page.wait_for_function("() => window.opened.every(t => t.readyState === 'ended')")

    # Rung again and declined: the preview goes with the ring, and the seller's camera stops.
    await desk_call.get_by_role("button", name="Call the visitor").click()
    await playing(page_call.locator("video.call-remote"))
    await page_call.get_by_role("button", name="Decline").click()
    await expect(page_call.locator(".call-stage")).to_be_hidden()
    await expect(desk_call.locator(".call-stage")).to_be_hidden()
    await console.wait_for_function("() => window.opened.every(t => t.readyState === 'ended')")
    assert await visitor.evaluate("window.opened.length") == 1  # nothing more opened
    assert trouble == []


async def test_a_second_visitor_sees_the_seller_busy_before_asking(
    call_browser: Browser, shop: Shop
) -> None:
    trouble: list[str] = []
    console, visitor = await both_sides(call_browser, shop, trouble)
    other = await page_ui.open_live(call_browser, shop)
    watch(other, trouble)
    await page_ui.start_session(other, "Ben")
    ask = other.locator("#live-call").get_by_role("button", name="Ask for a video call")
    await expect(ask).to_be_enabled()

    await console.locator("#live-call").get_by_role("button", name="Call the visitor").click()
    await visitor.locator("#live-call").get_by_role("button", name="Accept").click()
    await expect(console.locator("#live-call .call-status")).to_have_text("In a call with Ana")
    await expect(other.locator("#live-call .call-status")).to_have_text(
        "The seller is on another call. You can ask when they are free."
    )
    await expect(ask).to_be_disabled()

    # The seller hangs up: Ben may ask again; Ana's page says the seller hung up.
    await console.locator("#live-call").get_by_role("button", name="Hang up").click()
    await expect(visitor.locator("#live-call .call-ended")).to_have_text(
        re.compile(rf"^{STORE} hung up\. The call lasted 0:\d\d\.$")
    )
    await expect(ask).to_be_enabled()
    assert trouble == []


async def test_a_ring_nobody_answers_and_a_visitor_who_leaves_mid_call(
    call_browser: Browser, shop: Shop
) -> None:
    trouble: list[str] = []
    console, visitor = await both_sides(call_browser, shop, trouble)
    page_call = visitor.locator("#live-call")
    desk_call = console.locator("#live-call")

    # The seller rings; nobody answers within the hub's ring time (30 s on the hub's clock).
    await desk_call.get_by_role("button", name="Call the visitor").click()
    await expect(page_call.locator(".call-status")).to_have_text(f"{STORE} is calling")
    shop.clock.advance(31)
    await expect(desk_call.locator(".call-ended")).to_have_text("Ana did not answer the call.")
    await expect(page_call.locator(".call-ended")).to_have_text(f"You missed a call from {STORE}.")

    # Asked again and answered, with a console slow to open its camera (a permission prompt,
    # a slow driver): the visitor's offer and candidates arrive before the console's peer
    # connection exists, and are queued, not lost. Then the visitor closes the page: the
    # console says they left.
    await console.evaluate(SLOW_DEVICES)
    await page_call.get_by_role("button", name="Ask for a video call").click()
    await desk_call.get_by_role("button", name="Accept").click()
    await playing(page_call.locator("video.call-remote"))
    await visitor.close()
    await expect(desk_call.locator(".call-ended")).to_have_text(
        re.compile(r"^The call ended( after 0:\d\d)?: Ana left the page\.$")
    )
    await expect(desk_call.locator(".call-stage")).to_be_hidden()
    assert trouble == []

"""Calls between the store console (Chromium, the browser's own WebRTC and its fake camera) and
the desktop cart (its core: aiortc, with FFmpeg's test pattern and tone as camera and
microphone), through a real hub on loopback. Frames are decoded on both sides, both sides
hang up, and the session's stream records each call once with its duration."""

from __future__ import annotations

import asyncio
import re

from playwright.async_api import Browser, Page, expect

from cartstart_desktop.core.call_devices import CallDevices, Source
from cartstart_desktop.core.connection import Status
from cartstart_desktop.core.live_desk import OpenSession
from cartstart_desktop.core.session import CartSession
from tests.helpers.waiting import eventually
from tests.storefront import console_live_helpers as console_ui
from tests.storefront import live_helpers as page_ui
from tests.storefront.conftest import TEST_CATALOGUE, Shop
from tests.storefront.test_live_calls import (
    RECORD_TRACKS,
    call_events,
    playing,
    session_link,
    watch,
)

STORE = TEST_CATALOGUE.name
# How loud the call's remote audio is in the page, over half a second (WebAudio on the
# <video>'s stream): the desktop's test tone, or silence when it is muted.
LOUDNESS = """async (video) => {
  const ctx = new AudioContext();
  await ctx.resume();
  const analyser = ctx.createAnalyser();
  ctx.createMediaStreamSource(video.srcObject).connect(analyser);
  const data = new Float32Array(analyser.fftSize);
  let peak = 0;
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 50));
    analyser.getFloatTimeDomainData(data);
    for (const v of data) peak = Math.max(peak, Math.abs(v));
  }
  await ctx.close();
  return peak;
}"""
TEST_CAMERA = Source("lavfi", "testsrc=size=640x480:rate=30")
TEST_MICROPHONE = Source("lavfi", "sine=frequency=440:sample_rate=48000")


async def desktop_in_session(cart: CartSession, shop: Shop, label: str) -> tuple[OpenSession, str]:
    """A session started on the shop's page, attached to the desktop cart and opened there,
    with test sources as its camera and microphone."""
    link = await console_ui.start_session(shop, label)
    entry = await cart.live.attach(link)
    cart.live.call_devices = lambda: CallDevices(TEST_CAMERA, TEST_MICROPHONE, None)
    opened = cart.live.open(entry.session_id)
    await eventually(lambda: opened.model.status is Status.WEBSOCKET, what="connected")
    return opened, link


async def console_on(browser: Browser, shop: Shop, name: str, trouble: list[str]) -> Page:
    console = await console_ui.open_live(browser, shop)
    watch(console, trouble)
    await console_ui.lobby_row(console, name).click()
    await expect(console.locator("#session-presence")).to_have_text(f"{name} is here")
    return console


async def test_the_desktop_asks_the_console_answers_and_both_see_video(
    call_browser: Browser, shop: Shop, cart: CartSession
) -> None:
    trouble: list[str] = []
    opened, link = await desktop_in_session(cart, shop, "Ana")
    console = await console_on(call_browser, shop, "Ana", trouble)
    desk_call = console.locator("#live-call")
    call = opened.call

    # The shopper asks from the desktop; the console shows the request and accepts it.
    await call.ask()
    assert call.watch.status_text(0) == "Calling the seller…"
    await expect(desk_call.locator(".call-status")).to_have_text("Ana asks for a video call")
    await desk_call.get_by_role("button", name="Accept").click()

    # In the call: the seller's fake camera reaches the desktop (frames decoded by aiortc);
    # the shopper's camera is off by default, so the console shows its placeholder.
    await eventually(lambda: call.watch.active, what="active on the desktop")
    await eventually(
        lambda: call.media is not None and call.media.frames_shown >= 10,
        within=20,
        what="the seller's video decoded on the desktop",
    )
    assert call.watch.peer.camera is True
    placeholder = desk_call.locator(".call-placeholder")
    await expect(placeholder).to_contain_text("Ana's camera is off")
    assert call.camera_on is False and call.microphone_on is True

    # The shopper turns the camera on: the console plays the desktop's video.
    await call.set_camera(True)
    assert call.camera_on
    await expect(placeholder).to_be_hidden()
    await playing(desk_call.locator("video.call-remote"))
    remote = desk_call.locator("video.call-remote")
    size = await remote.evaluate("v => [v.videoWidth, v.videoHeight]")
    assert size == [640, 480]

    # The desktop's microphone (a test tone) is heard in the console; muted, it is silence.
    assert await remote.evaluate(LOUDNESS) > 0.05
    await call.set_microphone(False)
    await asyncio.sleep(0.3)
    assert await remote.evaluate(LOUDNESS) < 0.01
    await call.set_microphone(True)
    await expect(desk_call.locator(".call-peer-mic")).to_be_hidden()
    camera = call.media._camera_player if call.media is not None else None
    assert camera is not None and camera.video.readyState == "live"

    # The seller hangs up: the desktop's media closes, and it says so in words.
    shop.clock.advance(30)
    await desk_call.get_by_role("button", name="Hang up").click()
    await eventually(lambda: call.watch.current is None and call.media is None, what="ended")
    await eventually(lambda: camera.video.readyState == "ended", what="the camera closed")
    assert re.fullmatch(
        rf"{re.escape(STORE)} hung up\. The call lasted 0:3[01]\.", call.watch.status_text(0)
    ), call.watch.status_text(0)
    await expect(desk_call.locator(".call-ended")).to_have_text(
        re.compile(r"^You hung up\. The call lasted 0:3[01]\.$")
    )

    # The desktop asks again, the console answers, the desktop hangs up this time.
    await call.ask()
    await desk_call.get_by_role("button", name="Accept").click()
    await eventually(lambda: call.media is not None and call.media.frames_shown >= 3, within=20)
    await call.hang_up()
    assert call.watch.current is None
    await expect(desk_call.locator(".call-ended")).to_have_text(
        re.compile(r"^Ana hung up\. The call lasted 0:\d\d\.$")
    )

    # The stream has each call once: rang, answered, ended with its duration.
    calls = await call_events(shop, link)
    ids = list(dict.fromkeys(c["call_id"] for c in calls))
    assert len(ids) == 2
    for call_id, ended_by in zip(ids, ("store", "visitor"), strict=True):
        states = [c["state"] for c in calls if c["call_id"] == call_id]
        assert states == ["ringing", "active", "ended"]
        ended = [c for c in calls if c["call_id"] == call_id][-1]
        assert ended["started_by"] == "visitor" and ended["ended_by"] == ended_by
        assert isinstance(ended["duration"], float)
    assert trouble == []


async def test_the_console_rings_the_desktop_which_answers_and_closes_the_session(
    call_browser: Browser, shop: Shop, cart: CartSession
) -> None:
    trouble: list[str] = []
    opened, _ = await desktop_in_session(cart, shop, "Bo")
    console = await console_on(call_browser, shop, "Bo", trouble)
    desk_call = console.locator("#live-call")
    call = opened.call

    await desk_call.get_by_role("button", name="Call the visitor").click()
    await eventually(lambda: call.watch.incoming, what="the ring on the desktop")
    assert call.watch.status_text(0) == f"{STORE} is calling"
    await call.answer(True)
    # The console started the call, so it offers; the desktop answers with its placeholder.
    await eventually(
        lambda: call.media is not None and call.media.frames_shown >= 5,
        within=20,
        what="the seller's video on the desktop",
    )
    await expect(desk_call.locator(".call-placeholder")).to_contain_text("Bo's camera is off")
    await call.set_microphone(False)
    assert call.microphone_on is False

    # The shopper closes the session's window during the call: the call is hung up for the
    # store too, and the connection closed.
    media = call.media
    assert media is not None
    await cart.live.close(opened.session_id)
    assert call.media is None
    await expect(desk_call.locator(".call-ended")).to_have_text(re.compile(r"^Bo hung up\."))
    assert media.pc.connectionState == "closed"
    await asyncio.sleep(0)
    assert trouble == []


async def test_the_page_and_the_desktop_in_one_session_each_leave_the_others_call_alone(
    call_browser: Browser, shop: Shop, cart: CartSession
) -> None:
    """The shopper attached the session from the page and left the page open: the call the
    desktop asks for is the desktop's. The page says so and opens no microphone or camera."""
    trouble: list[str] = []
    visitor = await page_ui.open_live(call_browser, shop)
    watch(visitor, trouble)
    await visitor.evaluate(RECORD_TRACKS)
    await page_ui.start_session(visitor, "Ana")
    entry = await cart.live.attach(await session_link(visitor))
    cart.live.call_devices = lambda: CallDevices(TEST_CAMERA, TEST_MICROPHONE, None)
    opened = cart.live.open(entry.session_id)
    await eventually(lambda: opened.model.status is Status.WEBSOCKET, what="connected")
    console = await console_on(call_browser, shop, "Ana", trouble)
    page_call = visitor.locator("#live-call")

    await opened.call.ask()
    await expect(page_call.locator(".call-status")).to_have_text(
        "Asking for a call in another window"
    )
    await console.locator("#live-call").get_by_role("button", name="Accept").click()
    await eventually(
        lambda: opened.call.media is not None and opened.call.media.frames_shown >= 3, within=20
    )
    await expect(page_call.locator(".call-status")).to_have_text(
        f"In a call with {STORE} in another window"
    )
    await expect(page_call.locator(".call-stage")).to_be_hidden()
    await expect(page_call.get_by_role("button", name="Hang up")).to_be_hidden()
    assert await visitor.evaluate("() => window.opened.length") == 0  # no microphone opened
    await opened.call.hang_up()
    await expect(page_call.get_by_role("button", name="Ask for a video call")).to_be_visible()
    assert trouble == []

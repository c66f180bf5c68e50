"""A call from the desktop's session window (offscreen Qt, a real hub) to the store console in
Chromium (its own WebRTC and fake camera): the shopper clicks Ask for a video call, the console
accepts, the store's video is painted in the window, the shopper's camera is off so the console
shows its placeholder, and hanging up in the window ends it on both sides."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, async_playwright, expect
from PySide6.QtCore import Qt

from cartstart_desktop.core.call_devices import CallDevices, Source
from cartstart_server.server import HubServer
from tests.desktop.ui.test_live_tab import attach, fast
from tests.desktop.ui.test_main_window import MakeWindow, signed_in
from tests.helpers.hubs import seed_store
from tests.helpers.waiting import eventually
from tests.storefront import console_live_helpers as console_ui
from tests.storefront.conftest import CALL_ARGS, CHROMIUM, Shop

STORE = "Harbour <b>Ceramics</b>"


@pytest.fixture
async def call_browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CALL_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def test_the_shopper_calls_from_the_session_window_and_the_console_answers(
    make_window: MakeWindow,
    server: HubServer,
    http: httpx.AsyncClient,
    qtbot: Any,
    call_browser: Browser,
    clock: Any,
) -> None:
    store_id, key = await seed_store(server.hub, STORE, {"mug": 3})
    window, _ = await signed_in(make_window, server)
    fast(window)
    r = await http.post(f"/api/live/stores/{store_id}/sessions", json={"label": "Ana"})
    link = r.json()["link"]
    tab = await attach(window, qtbot, link)
    desk = window.session.live
    desk.call_devices = lambda: CallDevices(
        Source("lavfi", "testsrc=size=640x480:rate=30"), None, None
    )
    session_id = desk.sessions.entries[0].session_id
    live = tab.open(session_id)
    assert live is not None
    panel = live.call
    await eventually(lambda: panel.ask.isVisible() and panel.ask.isEnabled(), what="ask button")
    assert not panel.video.isVisible() and not panel.hang_up.isVisible()

    console = await console_ui.open_live(
        call_browser, Shop(server, clock, store_id, server.http_url, key)
    )
    await console_ui.lobby_row(console, "Ana").click()
    desk_call = console.locator("#live-call")

    # The shopper asks; the window says so and offers Cancel; the console accepts.
    qtbot.mouseClick(panel.ask, Qt.MouseButton.LeftButton)
    await eventually(lambda: panel.cancel.isVisible(), what="ringing")
    assert panel.status.text() == "Calling the seller…"
    await expect(desk_call.locator(".call-status")).to_have_text("Ana asks for a video call")
    await desk_call.get_by_role("button", name="Accept").click()

    # In the call: the store's video is painted in the window; the time runs; the shopper's
    # camera is off, so the console shows the placeholder.
    await eventually(lambda: panel.hang_up.isVisible(), what="in the call")
    assert panel.status.text() == f"In a call with {STORE}"  # markup shown as text
    assert panel.video.isVisible() and panel.time.text() == "0:00"
    await eventually(lambda: panel.video.frames >= 10, within=20, what="the store's video")
    assert panel.video.placeholder == ""
    image = panel.video.grab().toImage()
    centre = image.pixelColor(image.width() // 2, image.height() // 2)
    assert centre.name() != "#1f2328"  # a picture, not the empty background
    await expect(desk_call.locator(".call-placeholder")).to_contain_text("Ana's camera is off")
    assert panel.camera.text() == "Turn camera on"

    # The store turns its camera off: the window shows the placeholder in words.
    await desk_call.get_by_role("button", name="Turn camera off").click()
    await eventually(lambda: panel.video.placeholder != "", what="placeholder")
    assert panel.video.placeholder == f"{STORE}'s camera is off"

    # The shopper turns the camera on: the console plays it.
    qtbot.mouseClick(panel.camera, Qt.MouseButton.LeftButton)
    await eventually(lambda: panel.camera.text() == "Turn camera off", what="camera on")
    await expect(desk_call.locator(".call-placeholder")).to_be_hidden()

    # Hanging up in the window ends it on both sides; the video goes, Ask comes back.
    clock.advance(12)
    qtbot.mouseClick(panel.hang_up, Qt.MouseButton.LeftButton)
    await eventually(lambda: panel.ask.isVisible(), what="ended")
    assert not panel.video.isVisible()
    assert re.fullmatch(r"You hung up\. The call lasted 0:1[23]\.", panel.status.text())
    await expect(desk_call.locator(".call-ended")).to_have_text(re.compile(r"^Ana hung up\."))
    assert window.session.live.opened[session_id].call.media is None
    live.close()

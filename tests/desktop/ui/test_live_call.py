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
from playwright.async_api import Browser, expect
from PySide6.QtCore import Qt

from cartstart_desktop.core.call_devices import CallDevices, Source, choose, sound_devices
from cartstart_desktop.core.settings import Settings
from cartstart_desktop.ui.call_settings import CallSettingsDialog, CallStoreDialog
from cartstart_desktop.ui.cart_model import ITEM
from cartstart_server.server import HubServer
from shared_protocol.cart import Reserve
from tests.desktop.ui.test_live_tab import attach, fast
from tests.desktop.ui.test_main_window import MakeWindow, signed_in
from tests.helpers.hubs import command_id, seed_store
from tests.helpers.waiting import eventually
from tests.storefront import console_live_helpers as console_ui
from tests.storefront.conftest import CALL_ARGS, Shop, launched

STORE = "Harbour <b>Ceramics</b>"


@pytest.fixture
async def call_browser() -> AsyncIterator[Browser]:
    async with launched(CALL_ARGS) as browser:
        yield browser


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


async def test_calling_the_store_about_a_cart_item_starts_a_session_and_rings_it(
    make_window: MakeWindow, server: HubServer, http: httpx.AsyncClient, qtbot: Any
) -> None:
    store_id, key = await seed_store(server.hub, STORE, {"mug": 3})
    window, shopper = await signed_in(make_window, server)
    await server.hub.carts.command(
        shopper, Reserve(id=command_id(), store_id=store_id, product_id="mug")
    )
    model = window.cart_tab.model
    await eventually(lambda: model.rowCount() == 1, what="the cart row")
    button = window.cart_tab.call_button
    assert not button.isEnabled()  # nothing selected
    window.cart_tab.view.setCurrentIndex(model.index(0, ITEM, model.index(0, 0)))
    assert button.isEnabled()
    window.session.live.call_devices = lambda: CallDevices(None, None, None)

    # The dialog asks for the name the store will see (none yet), then calls.
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = next(d for d in window.findChildren(CallStoreDialog) if d.isVisible())
    assert dialog.windowTitle() == f"Call {STORE}" and dialog.name.text() == ""
    dialog.name.setText("  Ana  ")
    qtbot.mouseClick(dialog.call_button, Qt.MouseButton.LeftButton)

    # A new live session with that store, attached to the cart, its window open, ringing.
    desk = window.session.live
    await eventually(lambda: len(desk.opened) == 1, what="a session opened")
    opened = next(iter(desk.opened.values()))
    await eventually(lambda: opened.call.watch.ringing, what="asked")
    tab = window.live_tab
    assert tab is not None and opened.session_id in tab.windows
    assert tab.windows[opened.session_id].call.status.text() == "Calling the seller…"
    r = await http.get(
        f"/api/stores/{store_id}/live/sessions/{opened.session_id}",
        headers={"Authorization": f"Bearer {key}"},
    )
    snapshot = r.json()
    assert snapshot["session"]["label"] == "Ana"
    assert snapshot["call"]["state"] == "ringing" and snapshot["call"]["started_by"] == "visitor"
    assert window.session.settings.live_name == "Ana"  # offered next time
    tab.windows[opened.session_id].close()


async def test_call_settings_keep_the_choice_and_a_device_that_is_not_plugged_in(
    make_window: MakeWindow, qtbot: Any
) -> None:
    window = make_window()
    settings = window.session.settings
    settings.camera = "v4l2:/dev/video9"  # chosen once, not plugged in now
    dialog = CallSettingsDialog(settings, window.session.directory, window)
    assert dialog.camera.currentText() == "v4l2:/dev/video9 (not found)"
    assert dialog.microphone.currentText() == "The system's microphone"
    # This machine has no sound card: the dialog says so instead of failing.
    mics, speakers, problem = sound_devices()
    assert dialog.problem.isVisibleTo(dialog) == bool(problem)
    assert (
        dialog.microphone.count() == len(mics) + 2 and dialog.speaker.count() == len(speakers) + 2
    )
    dialog.camera.setCurrentIndex(dialog.camera.findData("none"))
    dialog.speaker.setCurrentIndex(dialog.speaker.findData("none"))
    dialog.accept()
    again = Settings.load(window.session.directory)
    assert (again.camera, again.microphone, again.speaker) == ("none", "", "none")
    devices = choose(again.camera, again.microphone, again.speaker)
    assert devices.camera is None and devices.speaker is None
    test_source = choose("lavfi:testsrc=size=320x240:rate=5", "none", "")
    assert test_source.camera == Source("lavfi", "testsrc=size=320x240:rate=5")
    assert test_source.microphone is None

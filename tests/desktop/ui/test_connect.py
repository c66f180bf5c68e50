"""Connect a browser: the dialog shows a one-time code and, while it is open, notices when a
browser uses it (through the hub's public POST /api/page/pair, as a store page does) and lists
it, with no browser hidden behind a scrollbar."""

from __future__ import annotations

from typing import Any

import httpx
from PySide6.QtCore import Qt

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.desktop.ui.test_main_window import MakeWindow, signed_in
from tests.helpers.waiting import eventually


async def test_the_dialog_says_connected_when_a_browser_uses_the_code(
    make_window: MakeWindow, server: HubServer, clock: FakeClock, qtbot: Any
) -> None:
    window, _ = await signed_in(make_window, server)
    api = window.session.api
    assert api is not None
    for n in range(4):  # pages opened from Bookmarks earlier: linked too
        await api.mint_link_token(None, f"Bookmark: Shop {n}")
        clock.advance(1)  # the hub lists links made in one instant in any order
    assert window.connect_action.text() == "Connect a browser…"
    window.connect_action.trigger()
    dialog = window.connect_dialog
    assert dialog is not None and dialog.windowTitle() == "Connect a browser"
    await eventually(lambda: bool(dialog.connecting.code), what="a code")
    code = dialog.code.text()
    assert code == dialog.connecting.code and len(code) == 9  # K7QM-2XHD
    assert dialog.status.text() == "Waiting for a browser to use the code…"
    assert dialog.browsers.count() == 4

    clock.advance(60)  # the browser comes later (links made in one instant tie)
    async with httpx.AsyncClient(base_url=server.http_url) as page:  # the store page
        answer = await page.post(
            "/api/page/pair", json={"code": code.lower(), "label": "Kitchen tablet"}
        )
    assert answer.status_code == 201, answer.text
    await eventually(
        lambda: dialog.status.text().startswith("Connected: Kitchen tablet."),
        within=5,
        what="the dialog follows",
    )
    shown = [dialog.browsers.item(row).text() for row in range(dialog.browsers.count())]
    assert len(shown) == 5 and shown[0].startswith("Kitchen tablet, since ")
    assert "Page from Bookmarks (Shop 3)" in shown[1]
    assert dialog.expiry.text() == "This code is used."
    # The dialog fits its list: every browser shows, none behind a scrollbar.
    assert not dialog.browsers.verticalScrollBar().isVisible()
    viewport = dialog.browsers.viewport().rect()
    for row in range(5):
        assert viewport.contains(dialog.browsers.visualItemRect(dialog.browsers.item(row)))

    # Disconnecting it: gone from the list, and the dialog says so.
    dialog.browsers.setCurrentRow(0)
    qtbot.mouseClick(dialog.disconnect_button, Qt.MouseButton.LeftButton)
    await eventually(lambda: dialog.browsers.count() == 4, what="disconnected")
    assert dialog.status.text() == "Kitchen tablet is disconnected from this cart."
    labels = [b["label"] for b in await window.session.pairing.browsers()]
    assert "Kitchen tablet" not in labels

    # A new code, for the next browser.
    qtbot.mouseClick(dialog.new_code_button, Qt.MouseButton.LeftButton)
    await eventually(lambda: dialog.code.text() not in ("…", code), what="a new code")
    assert dialog.status.text() == "Waiting for a browser to use the code…"
    dialog.reject()
    await eventually(lambda: window.connect_dialog is None, what="closed")

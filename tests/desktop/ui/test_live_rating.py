"""Rating a call from the desktop's session window (offscreen Qt, a real hub, the hub's FakeClock):
the shopper asks for a call, the store answers on its live channel and hangs up a minute later;
the window asks for the rating under the call (five star buttons, keyboard-reachable and named
"4 stars", an optional comment with its counter), refuses to send without stars in words, sends
`rate_call`, and thanks with the stars given; a second rating the hub refuses as `conflict`
shows the call as rated. The hub stored the stars and the comment (the
store hears `rated`, its ratings list has them); reopened, the window shows the call as rated and
asks nothing. Markup in the store's name and the comment stays text."""

from __future__ import annotations

from typing import Any

import httpx
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from cartstart_desktop.core.call_devices import CallDevices
from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.desktop.ui.test_live_tab import attach, fast
from tests.desktop.ui.test_main_window import MakeWindow, signed_in
from tests.helpers.hubs import seed_store
from tests.helpers.peers import peer
from tests.helpers.waiting import eventually
from tests.integration.test_agents import bearer
from tests.integration.test_calls import until
from tests.integration.test_live import cid, live_hello

STORE = "Harbour <b>Ceramics</b>"
COMMENT = "Patient <i>and</i> kind"


async def test_the_shopper_rates_a_call_once_and_a_reopened_window_shows_it_rated(
    make_window: MakeWindow,
    server: HubServer,
    http: httpx.AsyncClient,
    qtbot: Any,
    clock: FakeClock,
) -> None:
    store_id, key = await seed_store(server.hub, STORE, {"mug": 3})
    window, _ = await signed_in(make_window, server)
    fast(window)
    r = await http.post(f"/api/live/stores/{store_id}/sessions", json={"label": "Ana"})
    tab = await attach(window, qtbot, r.json()["link"])
    live_desk = window.session.live
    live_desk.call_devices = lambda: CallDevices(None, None, None)
    session_id = live_desk.sessions.entries[0].session_id
    live = tab.open(session_id)
    assert live is not None
    rating = live.rating
    await eventually(lambda: live.model.loaded, what="the session")
    assert not rating.isVisible()  # no call yet: nothing to rate

    async with peer(server, "live") as store:
        await live_hello(store, token=key, session_id=session_id)
        await until(store, "live_snapshot")
        await eventually(lambda: live.call.ask.isEnabled(), what="ready to call")
        qtbot.mouseClick(live.call.ask, Qt.MouseButton.LeftButton)
        rung = await until(store, "call")
        call_id = rung["call"]["call_id"]
        answered = await store.command(
            {"type": "answer_call", "id": cid(), "call_id": call_id, "accept": True}
        )
        assert answered["call"]["state"] == "active", answered
        await eventually(lambda: live.model.call.active, what="the call running")
        assert not rating.isVisible()  # not while it runs
        clock.advance(60)
        await store.command({"type": "hang_up", "id": cid(), "call_id": call_id})

        # Ended: the call's line says how long; the rating asks under it.
        await eventually(lambda: rating.isVisible(), what="the rating form")
        assert live.call.status.text() == f"{STORE} hung up. The call lasted 1:00."
        assert rating.legend.text() == f"How was your call with {STORE}?"
        assert not rating.connection.isVisible()  # not a support call
        stars = rating.stars.buttons
        assert [b.accessibleName() for b in stars] == [
            "1 star", "2 stars", "3 stars", "4 stars", "5 stars"
        ]  # fmt: skip
        assert all(b.focusPolicy() & Qt.FocusPolicy.TabFocus for b in stars)

        # Send without stars: said in words, nothing sent.
        qtbot.mouseClick(rating.send, Qt.MouseButton.LeftButton)
        assert rating.error.text() == "Choose from 1 to 5 stars first."
        assert stars[0].hasFocus()
        # The keyboard: Space chooses the focused star, the arrow keys move the choice.
        stars[1].setFocus()
        qtbot.keyClick(stars[1], Qt.Key.Key_Space)
        assert rating.stars.value() == 2 and rating.error.text() == ""
        qtbot.keyClick(stars[1], Qt.Key.Key_Right)
        qtbot.keyClick(stars[2], Qt.Key.Key_Right)
        assert rating.stars.value() == 4 and rating.stars.chosen.text() == "4 stars"

        # The comment: a counter near the limit, a clear message past it.
        rating.comment.setPlainText("x" * 900)
        assert rating.count.text() == "100 characters left"
        rating.comment.setPlainText("x" * 1005)
        assert rating.count.text() == "5 characters too many: a comment can have at most 1,000."
        qtbot.mouseClick(rating.send, Qt.MouseButton.LeftButton)
        await eventually(lambda: rating.error.text() != "", what="the refusal")
        assert rating.error.text() == "Your comment is 1,005 characters: shorten it to 1,000."
        rating.comment.setPlainText(COMMENT)
        assert rating.count.text() == ""

        offered = rating.watch.offered
        qtbot.mouseClick(rating.send, Qt.MouseButton.LeftButton)
        await eventually(lambda: rating.message.isVisible(), what="the thanks")
        assert rating.message.text() == f"Thank you: you gave 4 stars. {STORE} will see it."
        assert not rating.form.isVisible() and rating.error.text() == ""
        heard = await until(store, "rated")
        assert (heard["rating"]["call_id"], heard["rating"]["stars"]) == (call_id, 4)
        assert heard["rating"]["comment"] == COMMENT

        # A window that had not heard of the rating yet sends another: the hub's `conflict`
        # shows the call as rated, with the stars the hub has.
        rating.watch.offered, rating.watch.thanked = offered, False
        rating.show_rating()
        assert rating.form.isVisible()
        rating.stars.buttons[1].click()
        qtbot.mouseClick(rating.send, Qt.MouseButton.LeftButton)
        await eventually(lambda: not rating.form.isVisible(), what="rated after the conflict")
        assert rating.message.text() == "You rated this call 4 stars."
        assert rating.error.text() == ""

    # The hub stored it once: the store's ratings list has the stars and the comment.
    r = await http.get(f"/api/stores/{store_id}/ratings", headers=bearer(key))
    assert r.status_code == 200, r.text
    (stored,) = r.json()["recent"]
    assert (stored["call_id"], stored["stars"], stored["comment"]) == (call_id, 4, COMMENT)
    assert stored["session_id"] == session_id
    for label in rating.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()

    # Closed and opened again: rated, never asked twice.
    live.close()
    await eventually(lambda: session_id not in live_desk.opened, what="closed")
    again = tab.open(session_id)
    assert again is not None and again is not live
    await eventually(lambda: again.model.loaded and again.rating.isVisible(), what="reopened")
    assert again.rating.message.text() == "You rated this call 4 stars."
    assert not again.rating.form.isVisible()
    again.close()

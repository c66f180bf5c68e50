"""A support call from the desktop cart's session window (offscreen Qt, a real hub, the hub's
FakeClock as the window's clock): the session attached to the signed-in shopper's cart shows the
shop's price and the credit (a grant shows at once); without credit the hub's refusal is said in its words; with credit,
Ask for support rings a support agent (Available at their desk) who answers from the store's
side; the window ticks the credit left, shows the one-minute warning, says why the call ended
when the credit ran out, shows the report, takes the support's and the connection's stars,
files a complaint through its dialog, and shows the owner's answer when it comes. Markup in names and answers stays text."""

from __future__ import annotations

from typing import Any

import httpx
from PySide6.QtCore import Qt

from cartstart_desktop.core.call_devices import CallDevices
from cartstart_desktop.ui.live_support import ComplaintDialog
from cartstart_server.clock import FakeClock
from cartstart_server.domain.tickets import cart_ref
from cartstart_server.server import HubServer
from tests.desktop.ui.test_live_tab import attach, fast
from tests.desktop.ui.test_main_window import MakeWindow, signed_in
from tests.helpers.hubs import seed_store
from tests.helpers.peers import peer
from tests.helpers.waiting import eventually
from tests.integration.support_helpers import support_shop
from tests.integration.test_agents import bearer
from tests.integration.test_calls import until
from tests.integration.test_desk import desk, set_status
from tests.integration.test_live import cid, live_hello

STORE = "Harbour <b>Support</b>"


async def test_a_support_call_from_the_session_window_with_credit_report_and_complaint(
    make_window: MakeWindow,
    server: HubServer,
    http: httpx.AsyncClient,
    qtbot: Any,
    clock: FakeClock,
) -> None:
    store_id, key = await seed_store(server.hub, STORE, {"credit": 1})
    shop = await support_shop(http, store_id, key)
    window, shopper = await signed_in(make_window, server)
    fast(window)
    r = await http.post(f"/api/live/stores/{store_id}/sessions", json={"label": "Ana"})
    link = r.json()["link"]
    tab = await attach(window, qtbot, link)
    live_desk = window.session.live
    live_desk.call_devices = lambda: CallDevices(None, None, None)
    session_id = live_desk.sessions.entries[0].session_id
    live = tab.open(session_id)
    assert live is not None
    panel = live.support
    await eventually(lambda: panel.isVisible(), what="the support box")
    assert panel.offer.text().startswith(f"Support from {STORE}: €0.60 a minute.")

    async with desk(server, shop.support) as (d, _snap):
        await set_status(d, "available")
        # No credit: the hub's refusal, in its words.
        qtbot.mouseClick(panel.ask, Qt.MouseButton.LeftButton)
        await eventually(lambda: panel.error.isVisible(), what="the refusal")
        assert panel.error.text() == (
            "You need at least one minute of support credit: buy credit or ask the store."
        )
        r = await http.post(
            f"/api/stores/{store_id}/support/credit",
            json={"cart_ref": cart_ref(store_id, shopper.cart_id), "amount": 150, "reason": "x"},
            headers=bearer(shop.owner),
        )
        assert r.status_code == 200, r.text
        await eventually(  # heard live (the hub's `credit`), no reload
            lambda: panel.offer.text().endswith("Your credit: €1.50, about 2 minutes."),
            what="the credit given",
        )

        async with peer(server, "live") as store:
            await live_hello(store, token=shop.support, session_id=session_id)
            await until(store, "live_snapshot")
            qtbot.mouseClick(panel.ask, Qt.MouseButton.LeftButton)
            rung = await until(store, "call")
            assert rung["call"]["support"] is True
            call_id = rung["call"]["call_id"]
            answered = await store.command(
                {"type": "answer_call", "id": cid(), "call_id": call_id, "accept": True}
            )
            assert answered["call"]["state"] == "active", answered
            await eventually(lambda: panel.credit.isVisible(), what="the credit ticking")
            assert panel.credit.text() == "Credit left €1.50 · 0:00"
            assert not panel.ask.isVisible() and not panel.warning.isVisible()
            clock.advance(30)
            panel.tick()
            assert panel.credit.text() == "Credit left €1.20 · 0:30"
            clock.advance(60)
            await eventually(lambda: panel.warning.isVisible(), what="the warning")
            assert panel.warning.text().startswith("About one minute of credit left")
            clock.advance(60)
            await eventually(lambda: panel.report.isVisible(), what="the report")
            assert panel.report.text().splitlines() == [
                "Your support call",
                "Duration: 2:30",
                "Credit used: €1.50",
                "Credit left: €0.00",
                "The call ended when your credit ran out.",
            ]
            assert not panel.credit.isVisible()
            assert live.call.status.text() == (
                "The call ended after 2:30: your support credit ran out. "
                f"Buy more credit or ask {STORE} to call again."
            )

            # The rating asks for the support's stars and the connection's too.
            rating = live.rating
            await eventually(lambda: rating.isVisible(), what="the rating form")
            assert rating.legend.text() == f"How was the support from {STORE}?"
            assert rating.connection.isVisible()
            assert rating.connection.accessibleName() == "Stars for the connection"
            rating.stars.buttons[4].click()
            rating.connection.buttons[2].click()
            qtbot.mouseClick(rating.send, Qt.MouseButton.LeftButton)
            rated = await until(store, "rated")
            assert (rated["rating"]["stars"], rated["rating"]["connection"]) == (5, 3)
            await eventually(lambda: rating.message.isVisible(), what="the thanks")
            assert rating.message.text() == f"Thank you: you gave 5 stars. {STORE} will see it."

            # A complaint through the dialog; then the owner's answer arrives.
            qtbot.mouseClick(panel.complain, Qt.MouseButton.LeftButton)
            dialog = next(d for d in live.findChildren(ComplaintDialog) if d.isVisible())
            qtbot.mouseClick(dialog.send, Qt.MouseButton.LeftButton)
            assert dialog.isVisible() and dialog.error.text() == "Write what went wrong first."
            dialog.support.setChecked(True)
            dialog.text.setPlainText("<i>Nobody</i> knew the kiln")
            qtbot.mouseClick(dialog.send, Qt.MouseButton.LeftButton)
            await eventually(lambda: panel.complaints.isVisible(), what="the complaint")
            assert panel.complaints.text() == (
                "Your complaint about the support: <i>Nobody</i> knew the kiln\n"
                f"Waiting for {STORE}'s answer."
            )
            filed = await until(store, "complaint")
            cid_ = filed["complaint"]["complaint_id"]
            r = await http.post(
                f"/api/stores/{store_id}/support/complaints/{cid_}/answer",
                json={"answer": "Sorry: <b>cone 6</b>."},
                headers=bearer(shop.owner),
            )
            assert r.status_code == 200, r.text
            await eventually(lambda: "answered" in panel.complaints.text(), what="the answer")
            assert panel.complaints.text().endswith(f"{STORE} answered: Sorry: <b>cone 6</b>.")
    live.close()

"""The Live sessions tab and a session's window, offscreen, against a real hub on 127.0.0.1: a
visitor's session started over HTTP is attached by its link, its item joins the cart, the store
(driven over HTTP and /ws/live) writes, presents, reads and deletes; the desktop reads, answers,
takes and puts back. Hostile text stays text."""

from __future__ import annotations

from typing import Any

import httpx
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from cartstart_desktop.core.connection import Status
from cartstart_desktop.core.live_session import TYPING_SHOWN_FOR
from cartstart_desktop.ui.live_tab import LiveSessionsModel, LiveTab
from cartstart_desktop.ui.live_window import LiveWindow
from cartstart_desktop.ui.main_window import MainWindow
from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.desktop.ui.test_main_window import MakeWindow, signed_in
from tests.helpers.hubs import command_id, seed_store
from tests.helpers.peers import peer
from tests.helpers.waiting import eventually

HOSTILE = '<b>bold</b> <img src=x onerror="alert(1)"> <a href="javascript:alert(1)">x</a>'
STORE_NAME = "<i>Harbour</i> & Co"


class Store:
    """The store's side, over its REST API (its key)."""

    def __init__(self, http: httpx.AsyncClient, store_id: str, key: str) -> None:
        self.http = http
        self.store_id = store_id
        self.auth = {"Authorization": f"Bearer {key}"}
        self.key = key

    def path(self, session_id: str, rest: str = "") -> str:
        return f"/api/stores/{self.store_id}/live/sessions/{session_id}{rest}"

    async def command(self, session_id: str, **body: Any) -> dict[str, Any]:
        r = await self.http.post(
            self.path(session_id, "/commands"),
            json={"id": command_id(), **body},
            headers=self.auth,
        )
        assert r.status_code == 200, r.text
        result: dict[str, Any] = r.json()
        return result

    async def snapshot(self, session_id: str) -> dict[str, Any]:
        r = await self.http.get(self.path(session_id), headers=self.auth)
        assert r.status_code == 200, r.text
        snap: dict[str, Any] = r.json()
        return snap

    async def delete(self, session_id: str) -> None:
        r = await self.http.delete(self.path(session_id), headers=self.auth)
        assert r.status_code == 204, r.text


async def visitor_session(http: httpx.AsyncClient, store_id: str, take: str) -> tuple[str, str]:
    """A visitor starts a session on the live page (over HTTP) and sets `take` aside."""
    r = await http.post(f"/api/live/stores/{store_id}/sessions", json={"label": "Ana"})
    assert r.status_code == 201, r.text
    link = r.json()["link"]
    took = await http.post(
        "/api/live/session/commands",
        json={"type": "take", "id": command_id(), "product_id": take},
        headers={"Authorization": f"Bearer {link}"},
    )
    assert took.status_code == 200, took.text
    return link, took.json()["ticket"]["ticket_id"]


async def attach(window: MainWindow, qtbot: Any, pasted: str) -> LiveTab:
    tab = window.show_live_tab()
    dialog = tab.attach()
    dialog.link.setText(pasted)
    qtbot.mouseClick(dialog.attach_button, Qt.MouseButton.LeftButton)
    await eventually(lambda: tab.attach_dialog is None, what="dialog closed")
    return tab


def cell(tab: LiveTab, row: int, column: int) -> str:
    return str(tab.model.data(tab.model.index(row, column)))


def fast(window: MainWindow) -> None:
    """The list is asked for every 0.3 s instead of 10 (the test waits for it, not for a call)."""
    window.session.live.interval = 0.3
    window.session.live.refresh_soon()


async def test_attach_read_answer_take_and_deletion(
    make_window: MakeWindow, server: HubServer, http: httpx.AsyncClient, qtbot: Any
) -> None:
    store_id, key = await seed_store(server.hub, STORE_NAME, {"mug": 3, "vase": 2})
    store = Store(http, store_id, key)
    window, _ = await signed_in(make_window, server)
    fast(window)
    tab = window.show_live_tab()
    assert tab.swap.showing_empty  # says how to attach one
    assert "Copy link to come back later" in tab.empty.text.text()

    # What is not a link is refused in words, before and by the hub.
    dialog = tab.attach()
    dialog.link.setText("hello")
    qtbot.mouseClick(dialog.attach_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text().startswith("That is not a session link.")
    dialog.link.setText("csv.ls0000000000.not-the-right-secret-at-all")
    qtbot.mouseClick(dialog.attach_button, Qt.MouseButton.LeftButton)
    await eventually(lambda: "does not open a live session" in dialog.error.text(), what="401")
    dialog.reject()

    link, ticket_id = await visitor_session(http, store_id, "mug")
    page = f"{server.http_url}/static/live.html?store={store_id}#session={link}"
    tab = await attach(window, qtbot, page)
    # The session's item is in the cart: the same ticket.
    await eventually(lambda: window.cart_tab.model.rowCount() == 1, what="cart row")
    assert [i.ticket_id for i in window.session.local.state.items.values()] == [ticket_id]
    assert tab.model.rowCount() == 1 and not tab.swap.showing_empty
    assert cell(tab, 0, LiveSessionsModel.STORE) == STORE_NAME
    assert cell(tab, 0, LiveSessionsModel.LABEL) == "Ana"
    session_id = window.session.live.sessions.entries[0].session_id

    # The store writes while the session is not open: unread, bold, a notice.
    said = await store.command(session_id, type="say", text=HOSTILE)
    await eventually(lambda: cell(tab, 0, LiveSessionsModel.STATUS) == "1 unread", what="unread")
    assert window.tabs.tabText(3) == "Live sessions (1)"
    assert cell(tab, 0, LiveSessionsModel.MESSAGE) == HOSTILE
    assert tab.model.data(tab.model.index(0, 0), Qt.ItemDataRole.FontRole).bold()
    assert (f"{STORE_NAME} wrote", HOSTILE) in window.notifier.shown
    # Tooltips too: Qt would read one that starts with a tag as markup.
    tip = tab.model.data(tab.model.index(0, LiveSessionsModel.MESSAGE), Qt.ItemDataRole.ToolTipRole)
    assert "&lt;img src=x" in tip and "<img" not in tip
    assert "&lt;i&gt;Harbour" in window.banner.toolTip()

    # Open it: the chat shows the message as typed, and the store learns it was read.
    tab.view.selectRow(0)
    qtbot.mouseClick(tab.open_button, Qt.MouseButton.LeftButton)
    live: LiveWindow = tab.windows[session_id]
    await eventually(lambda: HOSTILE in live.chat.texts(), what="message shown")
    assert live.store.text() == STORE_NAME
    for label in live.findChildren(QLabel):
        if label.text() and label is not live.status:
            assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
    bubble = live.chat.bubbles[said["message"]["message_id"]]
    assert bubble.text.text() == HOSTILE
    await eventually(
        lambda: _read(store, session_id, "visitor", said["message"]["seq"]), what="read mark"
    )
    await eventually(lambda: cell(tab, 0, LiveSessionsModel.STATUS) == "", what="no unread")
    assert window.tabs.tabText(3) == "Live sessions"

    # Enter sends; the store receives it; the store's read mark shows as Seen.
    qtbot.keyClicks(live.input, "Is the mug <i>blue</i>?")
    qtbot.keyClick(live.input, Qt.Key.Key_Return)

    async def store_has_it() -> bool:
        snap = await store.snapshot(session_id)
        return any(
            m["text"] == "Is the mug <i>blue</i>?" and m["author"] == "visitor"
            for m in snap["messages"]
        )

    await eventually(store_has_it, what="the store got the message")
    assert live.input.text() == ""
    mine = max(live.model.messages.values(), key=lambda m: m.seq)
    assert "Seen" not in live.chat.bubbles[mine.message_id].meta.text()
    await store.command(session_id, type="mark_read", up_to=mine.seq)
    await eventually(lambda: "Seen" in live.chat.bubbles[mine.message_id].meta.text(), what="Seen")

    # The counter: the store presents a product; Add to session cart holds it, in the cart too.
    await store.command(session_id, type="present", product="vase")
    await eventually(lambda: "vase" in live.counter.rows, what="presented")
    row = live.counter.rows["vase"]
    qtbot.mouseClick(row.take_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    await eventually(lambda: len(live.cart.rows) == 2, what="session cart")
    await eventually(lambda: len(window.session.local.state.items) == 2, what="in the cart")
    # Put back gives the mug back.
    put_back = live.cart.rows[ticket_id].put_back_button  # type: ignore[attr-defined]
    qtbot.mouseClick(put_back, Qt.MouseButton.LeftButton)
    await eventually(lambda: ticket_id not in live.cart.rows, what="put back")
    (level,) = await server.hub.carts.availability([(store_id, "mug")])
    assert level.available == 3

    # The store deletes the session: the window says so, the list marks it.
    await store.delete(session_id)
    await eventually(lambda: not live.input.isEnabled(), what="window read-only")
    assert "deleted by the store" in live.presence.text()
    await eventually(
        lambda: cell(tab, 0, LiveSessionsModel.STATUS) == "Deleted by the store", what="marked"
    )
    assert not tab.open_button.isEnabled()


async def test_presence_typing_over_websocket_and_a_deletion_while_closed(
    make_window: MakeWindow,
    server: HubServer,
    http: httpx.AsyncClient,
    qtbot: Any,
    clock: FakeClock,
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 3})
    store = Store(http, store_id, key)
    window, _ = await signed_in(make_window, server)
    fast(window)
    link, _ = await visitor_session(http, store_id, "mug")
    tab = await attach(window, qtbot, f"  {link}\n")
    session_id = window.session.live.sessions.entries[0].session_id
    live = tab.open(session_id)
    assert live is not None
    await eventually(lambda: live.model.status is Status.WEBSOCKET, what="online")
    assert live.status.text() == "● online (WebSocket)"
    async with peer(server, "live") as seller:
        await seller.send(
            {"type": "hello", "versions": [1], "token": key, "session_id": session_id}
        )
        await seller.expect("welcome")
        await eventually(lambda: live.presence.text() == "Shop is here", what="presence")
        await seller.send({"type": "typing"})
        await eventually(lambda: live.presence.text() == "Shop is typing…", what="typing")
        clock.advance(TYPING_SHOWN_FOR + 0.5)  # no more typing signals: it stopped
        await eventually(lambda: live.presence.text() == "Shop is here", what="stopped typing")
        # The shopper's typing reaches the store.
        qtbot.keyClicks(live.input, "h")
        while await seller.recv() != {"type": "typing", "side": "visitor"}:
            pass
    await eventually(lambda: live.presence.text() == "Shop is away", what="away")
    live.close()
    await eventually(lambda: not window.session.live.opened, what="closed")
    await store.delete(session_id)
    await eventually(
        lambda: cell(tab, 0, LiveSessionsModel.STATUS) == "Deleted by the store", what="marked"
    )
    assert tab.model.data(tab.model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is not None
    tab.view.selectRow(0)
    assert tab.remove_button.isVisible() and not tab.open_button.isEnabled()
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    await eventually(lambda: tab.swap.showing_empty, what="removed")


async def test_polling_only_the_session_works_over_http(
    make_window: MakeWindow, server: HubServer, http: httpx.AsyncClient, qtbot: Any
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 3})
    store = Store(http, store_id, key)
    window, _ = await signed_in(make_window, server)
    window.polling_action.setChecked(True)  # Use polling only
    fast(window)
    link, _ = await visitor_session(http, store_id, "mug")
    tab = await attach(window, qtbot, link)
    session_id = window.session.live.sessions.entries[0].session_id
    live = tab.open(session_id)
    assert live is not None
    await eventually(lambda: live.model.status is Status.POLLING, what="polling")
    await store.command(session_id, type="say", text="Over HTTP")
    await eventually(lambda: "Over HTTP" in live.chat.texts(), what="polled")
    assert live.presence.text() == ""  # polling cannot know who is here
    qtbot.keyClicks(live.input, "Fine")
    qtbot.keyClick(live.input, Qt.Key.Key_Return)

    async def store_has_it() -> bool:
        return any(m["text"] == "Fine" for m in (await store.snapshot(session_id))["messages"])

    await eventually(store_has_it, what="sent over HTTP")
    await store.delete(session_id)
    await eventually(lambda: live.model.deleted, within=30, what="gone while polling")
    assert live.model.deleted_by == "store"


async def _read(store: Store, session_id: str, side: str, seq: int) -> bool:
    return bool((await store.snapshot(session_id))["read"][side] >= seq)


async def test_switching_to_polling_and_back_resumes_without_losing_or_repeating(
    make_window: MakeWindow, server: HubServer, http: httpx.AsyncClient, qtbot: Any
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 3})
    store = Store(http, store_id, key)
    window, _ = await signed_in(make_window, server)
    link, _ = await visitor_session(http, store_id, "mug")
    tab = await attach(window, qtbot, link)
    session_id = window.session.live.sessions.entries[0].session_id
    live = tab.open(session_id)
    assert live is not None
    await eventually(lambda: live.model.status is Status.WEBSOCKET, what="WebSocket")
    await store.command(session_id, type="say", text="one")
    await eventually(lambda: "one" in live.chat.texts(), what="one")
    window.polling_action.setChecked(True)  # Use polling only: the session switches at once
    await eventually(lambda: live.model.status is Status.POLLING, what="polling")
    await store.command(session_id, type="say", text="two")
    await eventually(lambda: "two" in live.chat.texts(), what="two, polled")
    window.polling_action.setChecked(False)
    await eventually(lambda: live.model.status is Status.WEBSOCKET, what="WebSocket again")
    await store.command(session_id, type="say", text="three")
    await eventually(lambda: "three" in live.chat.texts(), what="three")
    assert live.chat.texts() == ["one", "two", "three"]  # each once, in order
    assert live.status.text() == "● online (WebSocket)"

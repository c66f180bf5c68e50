"""The Live sessions screenshots (called by screenshots.py, under Xvfb): two visitors' sessions
started on the demo shops' live pages, one attached in the dialog with the page's address,
the other already attached with a message the shopper has not read; then the ceramics
session open, with the shop here and typing, a presented product, the session cart, and the
shopper's message marked Seen; then a call in that session (call_shots.py).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from call_shots import shoot_call, shot_devices
from websockets.asyncio.client import connect

from cartstart_desktop.core.session import CartSession
from cartstart_desktop.ui.main_window import MainWindow
from cartstart_server.server import HubServer

Save = Callable[[object, str], None]
_ids = iter(range(1_000_000))


def cid() -> str:
    return f"shot-live-{next(_ids):06d}"


async def wait_for(check: Callable[[], object], seconds: float = 10.0) -> None:
    for _ in range(int(seconds * 50)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise RuntimeError("the live tab did not catch up")


class Visitor:
    """A visitor on a shop's live page (over HTTP, with the session's link)."""

    def __init__(self, web: httpx.AsyncClient, link: str) -> None:
        self.web = web
        self.link = link

    async def send(self, **command: Any) -> dict[str, Any]:
        r = await self.web.post(
            "/api/live/session/commands",
            json={"id": cid(), **command},
            headers={"Authorization": f"Bearer {self.link}"},
        )
        r.raise_for_status()
        result: dict[str, Any] = r.json()
        return result


class Seller:
    """The shop's side of one session (its key, over HTTP)."""

    def __init__(self, web: httpx.AsyncClient, store_id: str, key: str, session_id: str) -> None:
        self.web = web
        self.path = f"/api/stores/{store_id}/live/sessions/{session_id}/commands"
        self.auth = {"Authorization": f"Bearer {key}"}

    async def send(self, **command: Any) -> dict[str, Any]:
        r = await self.web.post(self.path, json={"id": cid(), **command}, headers=self.auth)
        r.raise_for_status()
        result: dict[str, Any] = r.json()
        return result


async def start(web: httpx.AsyncClient, store_id: str, label: str) -> tuple[Visitor, str]:
    r = await web.post(f"/api/live/stores/{store_id}/sessions", json={"label": label})
    r.raise_for_status()
    body = r.json()
    return Visitor(web, body["link"]), body["session"]["session_id"]


async def shoot_live(
    window: MainWindow,
    session: CartSession,
    server: HubServer,
    stores: list[tuple[str, str]],
    save: Save,
) -> None:
    (books, books_key), (ceramics, ceramics_key) = stores
    desk = session.live
    desk.interval = 0.3
    async with httpx.AsyncClient(base_url=server.http_url) as web:
        # Earlier today, at the bookshop: attached then, and the shop wrote since.
        sam, books_session = await start(web, books, "Sam")
        bookseller = Seller(web, books, books_key, books_session)
        said = await bookseller.send(type="say", text="Hello! Looking for anything in particular?")
        await sam.send(type="mark_read", up_to=said["message"]["seq"])
        await sam.send(type="say", text="Just browsing the paperbacks, thanks.")
        await desk.attach(sam.link)

        # Now, at the ceramics shop: a chat, two products shown, the mug set aside.
        ana, session_id = await start(web, ceramics, "Ana")
        potter = Seller(web, ceramics, ceramics_key, session_id)
        await ana.send(type="say", text="Hi! Do you have the harbour mug in blue?")
        said = await potter.send(
            type="say", text="We do: here it is. And a bowl from the same kiln."
        )
        await ana.send(type="mark_read", up_to=said["message"]["seq"])
        await potter.send(type="present", product="kelp-bowl")
        await potter.send(type="present", product="harbour-mug")
        await ana.send(type="take", product_id="harbour-mug")
        await ana.send(type="say", text="Lovely. I'll come back to it from my desktop cart.")
        await bookseller.send(type="say", text="Sam, the paperback you asked about is back in.")

        # The shopper attaches it by pasting the page's address (the link in its fragment).
        tab = window.show_live_tab()
        dialog = tab.attach()
        dialog.link.setText(
            f"{server.http_url}/static/live.html?store={ceramics}#session={ana.link}"
        )
        dialog.link.setCursorPosition(0)
        await asyncio.sleep(0.3)
        save(dialog, "desktop-live-attach.png")
        dialog.attach_button.click()
        await wait_for(lambda: tab.attach_dialog is None)
        await wait_for(lambda: desk.sessions.unread == 1 and tab.model.rowCount() == 2)
        tab.view.clearSelection()
        await asyncio.sleep(0.5)
        save(window, "desktop-live.png")

        # The session open: the shop is here and answers; what the shopper wrote is seen.
        desk.call_devices = shot_devices
        live = tab.open(session_id)
        assert live is not None
        live.resize(1000, 640)
        async with connect(f"{server.ws_url}/ws/live") as shop:
            hello = {"type": "hello", "versions": [1], "token": ceramics_key}
            await shop.send(json.dumps({**hello, "session_id": session_id}))
            await wait_for(lambda: live.presence.text().endswith("is here"))
            live.input.setText("Is the bowl food-safe?")
            live.send()
            await wait_for(lambda: any(r.text.startswith("Is the bowl") for r in live.model.chat()))
            mine = max(m.seq for m in live.model.messages.values())
            await potter.send(type="mark_read", up_to=mine)
            await potter.send(type="say", text="Yes, and it is fine in the dishwasher.")
            await wait_for(lambda: live.model.last_seen_seq() == mine)
            await shop.send(json.dumps({"type": "typing"}))
            await wait_for(lambda: live.presence.text().endswith("is typing…"))
            await asyncio.sleep(0.5)
            save(live, "desktop-live-session.png")
            await shoot_call(live, session, shop, save)
        live.close()


def outputs(out: Path, saved: list[str]) -> Save:
    def save(widget: object, name: str) -> None:
        widget.grab().save(str(out / name))  # type: ignore[attr-defined]
        saved.append(name)

    return save

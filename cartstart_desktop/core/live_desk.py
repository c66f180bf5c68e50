"""Live sessions, the cart's part for them: attaching one by its link, the list of attached
sessions kept fresh, and the sessions the shopper opens (each a LiveSession fed by its own
LiveConnection), with what the shopper does in them: say, read, take, put back.

Built when first needed (CartSession.live): the cart opens without loading any of this. The
list is asked of the hub every `interval` seconds while signed in (the hub has no live feed of a
cart's sessions; an open session has its own, live); a session the hub stops listing was
deleted, and the hub says by whom.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from shared_protocol import ErrorCode
from shared_protocol.live import MarkRead, PutBack, Say, SessionSummary, Take, Typing

from .api import BadAddress, HubError, HubUnreachable
from .call_devices import CallDevices, choose
from .call_rating import RatingNotSent
from .cart import Notice
from .commands import build, command_id
from .hub_link import HubLink
from .lang import _
from .live import LiveEntry, LiveSessions, find_link
from .live_call import SessionCall
from .live_connection import LiveConnection
from .live_session import LiveSession
from .local_store import LocalStore
from .observable import Signal
from .settings import Settings
from .words import EXPECTED

log = logging.getLogger(__name__)


class NotALink(BadAddress):
    """What was pasted holds no session link (the text says what to paste, for people)."""


class OpenSession:
    """A session the shopper opened: its state, its connection, and what can be done in it."""

    def __init__(
        self,
        model: LiveSession,
        connection: LiveConnection,
        call: SessionCall,
        clock: Callable[[], float],
    ):
        self.model = model
        self.connection = connection
        self.call = call
        self._clock = clock
        self.task: asyncio.Task[None] | None = None

    @property
    def session_id(self) -> str:
        return self.model.session_id

    async def say(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        said = await self.connection.command(build(lambda: Say(id=command_id(), text=text)))
        if said.message is not None:
            self.model.take_message(said.message)

    async def take(self, product_id: str, qty: int = 1) -> None:
        cmd = build(lambda: Take(id=command_id(), product_id=product_id, qty=qty))
        result = await self.connection.command(cmd)
        if result.ticket is not None:
            self.model.take_ticket(result.ticket)

    async def put_back(self, ticket_id: str) -> None:
        result = await self.connection.command(PutBack(id=command_id(), ticket_id=ticket_id))
        if result.ticket is not None:
            self.model.take_ticket(result.ticket)

    async def rate(self, stars: int, comment: str, connection: int = 0) -> None:
        """Rate the call the session asks about. What was not sent or not taken raises
        RatingNotSent with its words; a call the hub says is rated already shows as rated."""
        watch = self.model.rating
        cmd = watch.command(stars, comment, connection)
        try:
            result = await self.connection.command(cmd)
        except EXPECTED as exc:
            words = watch.refused(cmd.call_id, exc)
            self.model.changed.emit(frozenset({"rating"}))
            if words:
                raise RatingNotSent(words) from exc
            return
        if result.rating is not None and watch.on_rated(result.rating, here=True):
            self.model.changed.emit(frozenset({"rating"}))

    async def shown(self, up_to: int) -> None:
        """The chat shows the messages up to this seq: the store learns they were read."""
        mark = self.model.mark_due(up_to)
        if mark is None:
            return
        try:
            await self.connection.command(MarkRead(id=command_id(), up_to=mark))
        except Exception:
            self.model.mark_failed(mark)
            raise

    async def typing(self) -> None:
        if self.model.typing_due(self._clock()):
            await self.connection.signal(Typing())


class LiveDesk:
    def __init__(
        self,
        link: HubLink,
        store: LocalStore,
        settings: Settings,
        notices: Signal[Notice],
        *,
        clock: Callable[[], float],
        interval: float = 10.0,
        poll_wait: float = 25.0,
        websocket_retry: float = 60.0,
    ) -> None:
        self._link = link
        self._store = store
        self._settings = settings
        self._clock = clock
        self.interval = interval
        self._poll_wait = poll_wait
        self._websocket_retry = websocket_retry
        self.sessions = LiveSessions(notices)
        self.opened: dict[str, OpenSession] = {}
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._loaded = False
        self._stopping = False
        self._saved: list[LiveEntry] = []
        self.call_devices: Callable[[], CallDevices] = lambda: choose(
            settings.camera, settings.microphone, settings.speaker
        )
        """What a call uses, asked when one starts (the settings at that moment)."""
        self.call_connect_within = 20.0
        """Seconds a call's media may take to connect before the call counts as lost."""

    # ---- the list ---------------------------------------------------------------------------

    def start(self) -> None:
        """Show what was kept, then follow the hub (idempotent)."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._follow())

    def refresh_soon(self) -> None:
        self._wake.set()

    async def _follow(self) -> None:
        if not self._loaded:
            self._saved = await self._store.load_live()
            self.sessions.load(self._saved)
            self._loaded = True
        while not self._stopping:
            try:
                await self.refresh()
            except (HubUnreachable, HubError, OSError):
                pass  # offline, or signed out meanwhile: the next round asks again
            except Exception:
                log.exception("live sessions: the list could not be read")
            # Not wait_for: on Python 3.11 it swallows a cancel that comes as the event is set
            # (closing a session wakes the list), and stop() would wait for ever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.interval):
                    await self._wake.wait()
            self._wake.clear()

    async def refresh(self) -> None:
        """Ask the hub for the list now (nothing happens while signed out)."""
        api = self._link.api
        if api is None:
            return
        listed = [SessionSummary.model_validate(s) for s in await api.live_sessions()]
        for session_id in self.sessions.apply_list(listed):
            self.sessions.mark_deleted(session_id, await self._deleted_by(session_id))
        for opened in self.opened.values():
            self._follow_open(opened.model)
        await self._save()

    async def _deleted_by(self, session_id: str) -> str:
        """Who deleted a session the hub no longer lists ("" when it does not say)."""
        api = self._link.api
        if api is None:
            return ""
        try:
            await api.live_snapshot(session_id)
        except HubError as exc:
            if exc.code == ErrorCode.GONE.value:
                return str(exc.details.get("deleted_by", ""))
        return ""

    async def attach(self, pasted: str) -> LiveEntry:
        """Attach the session whose link the shopper pasted: its items join the cart."""
        link = find_link(pasted)
        if link is None:
            raise NotALink(
                _(
                    "that is not a session link: copy it on the store's live page with “Copy "
                    "link to come back later”, then paste it here"
                )
            )
        return await self._attach(link)

    async def start_with(self, store_id: str, label: str) -> LiveEntry:
        """A new session with a store, from the cart (to call it about an item): started as
        the store's page would start one, and attached at once."""
        api, _connection = self._link.online()
        return await self._attach(await api.start_live_session(store_id, label.strip()))

    async def _attach(self, link: str) -> LiveEntry:
        api, _connection = self._link.online()
        summary = SessionSummary.model_validate(await api.attach_live_session(link))
        entry = self.sessions.apply_one(summary)
        await self._save()
        return entry

    async def remove(self, session_id: str) -> None:
        """Take a deleted session off the list."""
        entry = self.sessions.get(session_id)
        if entry is not None and entry.deleted:
            self.sessions.remove(session_id)
            await self._save()

    async def _save(self) -> None:
        """Keep the list for the next start (written only when it changed)."""
        entries = self.sessions.entries
        if self._store.opened and entries != self._saved:
            await self._store.save_live(entries)
            self._saved = entries

    # ---- open sessions ----------------------------------------------------------------------

    def open(self, session_id: str) -> OpenSession:
        """The session's state, kept up to date while it is open (the same one if it is)."""
        if session_id in self.opened:
            return self.opened[session_id]
        api, _connection = self._link.online()
        entry = self.sessions.get(session_id)
        model = LiveSession(session_id, entry.store_name if entry else "", self._clock)
        if entry is not None and entry.deleted:
            model.deleted_now(entry.deleted_by or "")
        connection = LiveConnection(
            api,
            session_id,
            model,
            force_polling=lambda: self._settings.force_polling,
            poll_wait=self._poll_wait,
            websocket_retry=self._websocket_retry,
            clock=self._clock,
        )
        call = SessionCall(
            model,
            connection,
            api,
            lambda: self.call_devices(),
            connect_within=self.call_connect_within,
        )
        opened = OpenSession(model, connection, call, self._clock)
        self.opened[session_id] = opened
        self.sessions.set_open(session_id, True)
        model.changed.connect(lambda parts: self._on_open_changed(model, parts))
        if not model.deleted:
            opened.task = asyncio.create_task(self._run(opened))
        return opened

    async def _run(self, opened: OpenSession) -> None:
        try:
            await opened.connection.run()
        except Exception:
            log.exception("live session %s stopped", opened.session_id)

    def _on_open_changed(self, model: LiveSession, parts: frozenset[str]) -> None:
        if "deleted" in parts:
            self.sessions.mark_deleted(model.session_id, model.deleted_by or "")
            self.refresh_soon()
        elif parts & {"chat", "read"}:
            self._follow_open(model)

    def _follow_open(self, model: LiveSession) -> None:
        newest = model.newest()
        if newest is not None:
            self.sessions.follow_open(
                model.session_id, last_message=newest.text, at=newest.at, unread=model.unread()
            )

    async def close(self, session_id: str) -> None:
        opened = self.opened.pop(session_id, None)
        self.sessions.set_open(session_id, False)
        if opened is None:
            return
        await opened.call.close()
        await opened.connection.stop()
        if opened.task is not None:
            opened.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await opened.task
        self.refresh_soon()

    def transport_changed(self) -> None:
        """The shopper switched Use polling only: open sessions follow at once."""
        for opened in self.opened.values():
            opened.connection.transport_changed()

    # ---- signing out, closing ---------------------------------------------------------------

    async def forget(self) -> None:
        """Signed out or another account: close every session and forget the list."""
        for session_id in list(self.opened):
            await self.close(session_id)
        self.sessions.forget()
        if self._store.opened:
            await self._store.save_live([])
        self._saved = []

    async def stop(self) -> None:
        self._stopping = True
        for session_id in list(self.opened):
            await self.close(session_id)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

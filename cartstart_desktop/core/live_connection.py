"""One open live session's link to the hub: `/ws/live` as the cart's visitor (hello with the
shopper's session token and the session's id), HTTP long-polling on the cart's own routes
(`/api/cart/live-sessions/{id}/events`) when WebSockets do not work or the shopper chose polling
only; resumed by seq either way, so nothing is missed or applied twice.

Like the cart's connection (connection.py), which this follows: the same backoff, the same
command retries with the same id. A session lives in memory while it is open (the hub keeps its
whole stream), so it starts from a snapshot each time it is opened. A deleted session ends the
connection (`session_deleted` then close code 4410, or `gone` when reconnecting).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from shared_protocol import Channel, ErrorCode, parse
from shared_protocol.calls import PeerMedia, RtcRelayed, SellerBusy
from shared_protocol.common import ErrorMessage
from shared_protocol.live import (
    GalleryState,
    LiveHello,
    LiveResult,
    LiveSnapshot,
    Presence,
    SearchResults,
    SessionDeleted,
    TypingNow,
)
from shared_protocol.session import SUPPORTED_VERSIONS, InboundCursor, StreamGap

from .api import HubApi, HubError, HubUnreachable
from .connection import RECONNECT, Status, over_websocket, with_retries

if TYPE_CHECKING:
    from pydantic import BaseModel
    from websockets.asyncio.client import ClientConnection

log = logging.getLogger(__name__)


class LiveSink(Protocol):
    """Where the connection delivers what it receives (a LiveSession)."""

    def apply_snapshot(self, snap: LiveSnapshot) -> None: ...

    def apply_events(self, events: list[Any]) -> None: ...

    def apply_signal(
        self,
        signal: Presence | TypingNow | PeerMedia | SellerBusy | RtcRelayed,
        now: float,
    ) -> None: ...

    def deleted_now(self, by: str) -> None: ...

    def connection_status(self, status: Status) -> None: ...


class _WebSocketFailed(Exception):
    """No WebSocket although the hub answers HTTP: a proxy or firewall (or an older hub)."""


class _Resync(Exception):
    """The stream skipped a seq (never expected): reconnect and resume."""


class LiveConnection:
    def __init__(
        self,
        api: HubApi,
        session_id: str,
        sink: LiveSink,
        *,
        force_polling: Callable[[], bool],
        poll_wait: float = 25.0,
        websocket_retry: float = 60.0,
        command_timeout: float = 8.0,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.api = api
        self.session_id = session_id
        self.sink = sink
        self.cursor = InboundCursor(0)
        self._have_state = False
        self._force_polling = force_polling
        self.poll_wait = poll_wait
        self.websocket_retry = websocket_retry
        self.command_timeout = command_timeout
        self._clock = clock
        self._rng = rng or random.Random()
        self.status = Status.OFFLINE
        self._ws: ClientConnection | None = None
        self._pending: dict[str, asyncio.Future[Any]] = {}
        self._stopping = False
        self._closing: asyncio.Future[None] | None = None
        self.gone = False

    def _set_status(self, status: Status) -> None:
        if status is not self.status:
            self.status = status
            self.sink.connection_status(status)

    # ---- the loop ---------------------------------------------------------------------------

    async def run(self) -> None:
        """Stay connected until `stop()`, the session is deleted, or the token is refused (the
        cart's own connection signs the shopper out then)."""
        delays = RECONNECT.delays(self._rng)
        websocket_after = 0.0
        while not self._stopping and not self.gone:
            try:
                if not self._force_polling() and time.monotonic() >= websocket_after:
                    self._set_status(Status.CONNECTING)
                    try:
                        await self._websocket()
                        if self.gone or self._stopping:
                            break
                        delays = RECONNECT.delays(self._rng)
                        self._set_status(Status.CONNECTING)
                        await asyncio.sleep(next(delays))
                        continue
                    except _WebSocketFailed as exc:
                        log.info("live WebSocket unavailable (%s): polling", exc)
                        websocket_after = time.monotonic() + self.websocket_retry
                await self._poll(None if self._force_polling() else websocket_after)
                delays = RECONNECT.delays(self._rng)
            except HubError as exc:
                if exc.code == ErrorCode.GONE.value:
                    self._gone(str(exc.details.get("deleted_by", "")))
                    break
                self._set_status(Status.OFFLINE)
                if exc.unauthorized or exc.code == ErrorCode.NOT_FOUND.value:
                    break  # not this cart's session (any more): nothing to retry
                log.warning("live session: %s", exc.message)
                await asyncio.sleep(next(delays))
            except (HubUnreachable, OSError, TimeoutError, _Resync) as exc:
                log.info("live session: hub not reachable: %s", exc)
                self._set_status(Status.OFFLINE)
                await asyncio.sleep(next(delays))
        self._set_status(Status.OFFLINE)

    def transport_changed(self) -> None:
        """The shopper chose polling only: a live WebSocket is dropped at once (polling goes on
        from the same seq). Turned off, the next poll ends and the WebSocket is tried again."""
        if self._force_polling() and self._ws is not None:
            self._closing = asyncio.ensure_future(self._ws.close())

    async def stop(self) -> None:
        self._stopping = True
        if self._ws is not None:
            await self._ws.close()

    def _gone(self, by: str) -> None:
        self.gone = True
        self.sink.deleted_now(by)

    # ---- WebSocket --------------------------------------------------------------------------

    async def _websocket(self) -> None:
        url = (await self.api.discover()).live_ws_url
        if not url:
            raise _WebSocketFailed("the hub offers no live channel")
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed, InvalidHandshake

        try:
            ws = await connect(url, open_timeout=5, compression=None, max_size=4 * 2**20)
        except (InvalidHandshake, OSError, TimeoutError) as exc:
            raise _WebSocketFailed(f"{type(exc).__name__}: {exc}") from exc
        try:
            await self._session(ws)
        except ConnectionClosed as exc:
            if not self.gone:
                raise ConnectionError(f"WebSocket closed: {exc}") from exc
        finally:
            await ws.close()

    async def _session(self, ws: ClientConnection) -> None:
        hello = LiveHello(
            versions=list(SUPPORTED_VERSIONS),
            token=self.api.token,
            session_id=self.session_id,
            resume_from=self.cursor.last_applied if self._have_state else None,
        )
        await ws.send(hello.model_dump_json())
        welcome = parse(Channel.LIVE, "server", await asyncio.wait_for(ws.recv(), 10))
        if isinstance(welcome, ErrorMessage):
            raise HubError(welcome.code.value, welcome.message, dict(welcome.details))
        if getattr(welcome, "type", "") != "welcome":
            raise _Resync(f"expected welcome, got {welcome.type}")
        self._ws = ws
        self._set_status(Status.WEBSOCKET)
        try:
            async for raw in ws:
                self._dispatch(parse(Channel.LIVE, "server", raw))
        finally:
            self._ws = None
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("connection lost"))

    def _dispatch(self, message: Any) -> None:
        if isinstance(message, LiveResult | SearchResults | ErrorMessage | LiveSnapshot):
            future = self._pending.pop(message.id or "", None)
            if future is not None and not future.done():
                future.set_result(message)
        match message:
            case LiveSnapshot():
                self._take_snapshot(message)
            case SessionDeleted():
                self._gone(message.by)
            case Presence() | TypingNow() | PeerMedia() | SellerBusy() | RtcRelayed():
                self.sink.apply_signal(message, self._clock())
            case GalleryState():
                pass  # the desktop has no gallery
            case _ if isinstance(getattr(message, "seq", None), int):
                self._take_events([message])

    # ---- polling ----------------------------------------------------------------------------

    async def _poll(self, until: float | None) -> None:
        if not self._have_state:
            body = await self.api.live_snapshot(self.session_id)
            self._take_snapshot(parse(Channel.LIVE, "server", json.dumps(body)))
        self._set_status(Status.POLLING)
        while not self._stopping and (until is None or time.monotonic() < until):
            if until is None and not self._force_polling():
                return  # WebSockets allowed again
            wait = (
                self.poll_wait if until is None else min(self.poll_wait, until - time.monotonic())
            )
            body = await self.api.live_events(
                self.session_id, after=self.cursor.last_applied, wait=max(0.0, wait)
            )
            if body.get("snapshot"):
                self._take_snapshot(parse(Channel.LIVE, "server", json.dumps(body["snapshot"])))
                continue
            events = [parse(Channel.LIVE, "server", json.dumps(m)) for m in body["messages"]]
            self._take_events(events)

    # ---- applying ---------------------------------------------------------------------------

    def _take_snapshot(self, snap: LiveSnapshot) -> None:
        self.sink.apply_snapshot(snap)
        self.cursor = InboundCursor(snap.head_seq)
        self._have_state = True

    def _take_events(self, events: list[Any]) -> None:
        deleted = [e for e in events if isinstance(e, SessionDeleted)]
        durable = [e for e in events if not isinstance(e, SessionDeleted)]
        try:
            wanted = set(self.cursor.fresh(e.seq for e in durable))
        except StreamGap as exc:
            raise _Resync(str(exc)) from exc
        fresh = [e for e in durable if e.seq in wanted]
        if fresh:
            self.sink.apply_events(fresh)
            self.cursor.applied(fresh[-1].seq, self._clock())
        for event in deleted:
            self._gone(event.by)

    # ---- commands and signals ---------------------------------------------------------------

    async def command(self, command: BaseModel) -> Any:
        """Send a command by whichever transport works, retrying with the same id (the hub
        applies it once). Returns the result; raises HubError for an error answer and Offline
        when the hub cannot be reached in time."""
        return await with_retries(
            lambda deadline: self._send(command, deadline),
            within=self.command_timeout,
            rng=self._rng,
            stopping=lambda: self._stopping,
        )

    async def _send(self, command: BaseModel, deadline: float) -> Any:
        command_id: str = getattr(command, "id")  # noqa: B009 (every command has one)
        ws = self._ws
        if ws is not None:
            frame = command.model_dump_json()
            return await over_websocket(ws, self._pending, command_id, frame, deadline)
        reply = await self.api.live_command(self.session_id, command.model_dump_json())
        return parse(Channel.LIVE, "server", json.dumps(reply))

    async def signal(self, message: BaseModel) -> None:
        """An ephemeral signal (typing, a call's signalling): sent on a WebSocket, dropped when
        polling (HTTP has no signals; calls need the WebSocket)."""
        ws = self._ws
        if ws is None:
            return
        from websockets.exceptions import ConnectionClosed

        try:
            await ws.send(message.model_dump_json())
        except ConnectionClosed:
            pass

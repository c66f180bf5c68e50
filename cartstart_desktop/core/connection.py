"""The cart's link to its hub: a WebSocket when the network allows it, HTTP long-polling when it
does not, and nothing lost or repeated when switching between them or reconnecting.

Seq bookkeeping is shared_protocol's InboundCursor; this module moves frames and decides which
transport to use. Durable events reach the sink in order, each once, and a message counts as
applied only after the sink has stored it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from shared_protocol import Channel, parse
from shared_protocol.backoff import Backoff
from shared_protocol.cart import CartEvent, CartResult, CartSnapshot, Sync
from shared_protocol.common import Ack, Availability, ErrorMessage, Hello, Welcome
from shared_protocol.session import SUPPORTED_VERSIONS, InboundCursor, StreamGap

from .api import HubApi, HubError, HubUnreachable
from .commands import Command
from .lang import N_

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

log = logging.getLogger(__name__)


class Status(StrEnum):
    OFFLINE = "offline"
    CONNECTING = "connecting"
    WEBSOCKET = "online (WebSocket)"
    POLLING = "online (polling)"


STATUS_WORDS = {
    Status.OFFLINE: N_("offline"),
    Status.CONNECTING: N_("connecting"),
    Status.WEBSOCKET: N_("online (WebSocket)"),
    Status.POLLING: N_("online (polling)"),
}
"""Each status as people read it (translated where shown: `_(STATUS_WORDS[status])`)."""


class Offline(Exception):
    """A command could not reach the hub by any transport in time."""


class AuthFailed(Exception):
    """The hub refused the session token (expired or revoked): the shopper must log in again."""


class _WebSocketFailed(Exception):
    """The WebSocket could not be opened although the hub answers HTTP: a proxy or firewall."""


class _Resync(Exception):
    """The stream skipped a seq (never expected): reconnect and resume."""


class Sink(Protocol):
    """Where the connection delivers what it receives (the CartStream)."""

    async def apply_events(self, events: list[CartEvent], last_seq: int) -> None: ...

    async def apply_snapshot(self, snapshot: CartSnapshot) -> None: ...

    def apply_availability(self, item: Availability) -> None: ...

    def connection_status(self, status: Status) -> None: ...


# Pauses between reconnection attempts, and between tries of one command (same id each time).
RECONNECT = Backoff(base=0.5, cap=30.0)
COMMAND_RETRY = Backoff(base=0.2, cap=2.0)


async def with_retries(
    send: Callable[[float], Awaitable[Any]],
    *,
    within: float,
    rng: random.Random,
    stopping: Callable[[], bool],
) -> Any:
    """`send(deadline)` again and again (with the same command id: the hub applies it once)
    until it is answered or `within` seconds have passed. Returns the reply; raises HubError for an
    error reply and Offline when the hub cannot be reached in time. The cart's and the live
    sessions' connections send their commands through this."""
    deadline = time.monotonic() + within
    pauses = COMMAND_RETRY.delays(rng)
    while True:
        try:
            reply = await send(deadline)
        except (ConnectionError, HubUnreachable, TimeoutError) as exc:
            if time.monotonic() >= deadline or stopping():
                raise Offline("the hub cannot be reached; try again in a moment") from exc
            await asyncio.sleep(next(pauses))
            continue
        if isinstance(reply, ErrorMessage):
            raise HubError(reply.code.value, reply.message, dict(reply.details))
        return reply


async def over_websocket(
    ws: ClientConnection,
    pending: dict[str, asyncio.Future[Any]],
    command_id: str,
    frame: str,
    deadline: float,
) -> Any:
    """Send a command on the socket and wait for the reply with its id (which the reader puts in
    `pending`); a closed socket is a ConnectionError (try again, maybe by polling)."""
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    pending[command_id] = future
    from websockets.exceptions import ConnectionClosed  # loaded with the socket

    try:
        await ws.send(frame)
        return await asyncio.wait_for(future, max(0.1, deadline - time.monotonic()))
    except ConnectionClosed as exc:
        raise ConnectionError(f"WebSocket closed: {exc}") from exc
    finally:
        pending.pop(command_id, None)


class HubConnection:
    def __init__(
        self,
        api: HubApi,
        sink: Sink,
        *,
        last_seq: int | None,
        force_polling: bool = False,
        poll_wait: float = 25.0,
        websocket_retry: float = 60.0,
        command_timeout: float = 8.0,
        rng: random.Random | None = None,
    ) -> None:
        self.api = api
        self.sink = sink
        self.cursor = InboundCursor(last_seq or 0)
        self._have_state = last_seq is not None
        self.force_polling = force_polling
        self.poll_wait = poll_wait
        self.websocket_retry = websocket_retry
        self.command_timeout = command_timeout
        self._rng = rng or random.Random()
        self.status = Status.OFFLINE
        self._ws: ClientConnection | None = None
        self._pending: dict[str, asyncio.Future[Any]] = {}
        self._closing: asyncio.Future[None] | None = None
        self._stopping = False

    # ---- state ------------------------------------------------------------------------------

    def _set_status(self, status: Status) -> None:
        if status is not self.status:
            self.status = status
            log.info("connection %s", status.value)
            self.sink.connection_status(status)

    # ---- the loop ---------------------------------------------------------------------------

    async def run(self) -> None:
        """Stay connected until `stop()`. Raises AuthFailed if the token is refused."""
        delays = RECONNECT.delays(self._rng)
        websocket_after = 0.0
        while not self._stopping:
            try:
                if not self.force_polling and time.monotonic() >= websocket_after:
                    self._set_status(Status.CONNECTING)
                    try:
                        url = (await self.api.discover()).cart_ws_url
                        await self._websocket(url)
                        # A session that worked ended (hub restart, network change): reconnect soon.
                        delays = RECONNECT.delays(self._rng)
                        self._set_status(Status.CONNECTING)
                        await asyncio.sleep(next(delays))
                        continue
                    except _WebSocketFailed as exc:
                        log.info("WebSocket unavailable (%s): polling", exc)
                        websocket_after = time.monotonic() + self.websocket_retry
                until = None if self.force_polling else websocket_after
                await self._poll(until)
                delays = RECONNECT.delays(self._rng)
            except (HubUnreachable, OSError, TimeoutError, _Resync) as exc:
                log.info("hub not reachable: %s", exc)
                self._set_status(Status.OFFLINE)
                await asyncio.sleep(next(delays))
            except HubError as exc:
                if exc.unauthorized:
                    self._set_status(Status.OFFLINE)
                    raise AuthFailed(exc.message) from exc
                log.warning("hub error: %s", exc.message)
                self._set_status(Status.OFFLINE)
                await asyncio.sleep(next(delays))

    def set_force_polling(self, enabled: bool) -> None:
        """Takes effect at once: a live WebSocket is dropped (polling resumes from the same
        cursor); turned off, the next poll ends and the WebSocket is tried again."""
        self.force_polling = enabled
        if enabled and self._ws is not None:
            self._closing = asyncio.ensure_future(self._ws.close())

    async def stop(self) -> None:
        self._stopping = True
        if self._ws is not None:
            await self._ws.close()

    # ---- WebSocket --------------------------------------------------------------------------

    async def _websocket(self, url: str) -> None:
        """One WebSocket session; a dropped connection surfaces as ConnectionError."""
        # websockets is imported here, not at start-up, so the cart paints its saved contents
        # before loading the network stack (~20 ms).
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed, InvalidHandshake

        try:
            ws = await connect(url, open_timeout=5, compression=None, max_size=4 * 2**20)
        except (InvalidHandshake, OSError, TimeoutError) as exc:
            raise _WebSocketFailed(f"{type(exc).__name__}: {exc}") from exc
        try:
            await self._websocket_session(ws)
        except ConnectionClosed as exc:
            raise ConnectionError(f"WebSocket closed: {exc}") from exc
        finally:
            await ws.close()

    async def _websocket_session(self, ws: ClientConnection) -> None:
        hello = Hello(
            versions=list(SUPPORTED_VERSIONS),
            token=self.api.token,
            resume_from=self.cursor.last_applied if self._have_state else None,
        )
        await ws.send(hello.model_dump_json())
        welcome = parse(Channel.CART, "server", await asyncio.wait_for(ws.recv(), 10))
        if isinstance(welcome, ErrorMessage):
            raise HubError(welcome.code.value, welcome.message, dict(welcome.details))
        if not isinstance(welcome, Welcome):
            raise _Resync(f"expected welcome, got {welcome.type}")
        self._ws = ws
        self._set_status(Status.WEBSOCKET)
        acks = asyncio.create_task(self._ack_ticker(ws))
        try:
            async for raw in ws:
                await self._dispatch(parse(Channel.CART, "server", raw), ws)
        finally:
            acks.cancel()
            self._ws = None
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("connection lost"))

    async def _dispatch(self, message: Any, ws: ClientConnection) -> None:
        if isinstance(message, CartResult | ErrorMessage | CartSnapshot) and message.id:
            future = self._pending.pop(message.id, None)
            if future is not None and not future.done():
                future.set_result(message)
        if isinstance(message, CartSnapshot):
            await self._take_snapshot(message)
        elif isinstance(message, Availability):
            self.sink.apply_availability(message)
        elif hasattr(message, "seq"):
            await self._take_events([message])
            await self._maybe_ack(ws)

    async def _ack_ticker(self, ws: ClientConnection) -> None:
        while True:
            await asyncio.sleep(self.cursor.ack_delay / 2)
            await self._maybe_ack(ws)

    async def _maybe_ack(self, ws: ClientConnection) -> None:
        seq = self.cursor.ack_due(time.time())
        if seq is not None:
            from websockets.exceptions import ConnectionClosed  # loaded with the socket

            with contextlib.suppress(ConnectionClosed):  # acked again after the resume
                await ws.send(Ack(seq=seq).model_dump_json())
                self.cursor.acked(seq)

    # ---- polling ----------------------------------------------------------------------------

    async def _poll(self, until: float | None) -> None:
        if not self._have_state:
            snapshot = parse(
                Channel.CART,
                "server",
                json.dumps({"type": "snapshot", **await self.api.snapshot()}),
            )
            await self._take_snapshot(snapshot)
        self._set_status(Status.POLLING)
        while not self._stopping and (until is None or time.monotonic() < until):
            if until is None and not self.force_polling:
                return  # the shopper allowed WebSockets again
            wait = (
                self.poll_wait
                if until is None
                else max(0.0, min(self.poll_wait, until - time.monotonic()))
            )
            body = await self.api.events(after=self.cursor.last_applied, wait=wait)
            self.cursor.acked(self.cursor.last_applied)  # polling with `after` acknowledges it
            if body.get("snapshot"):
                snapshot = parse(
                    Channel.CART, "server", json.dumps({**body["snapshot"], "type": "snapshot"})
                )
                await self._take_snapshot(snapshot)
                continue
            events = [parse(Channel.CART, "server", json.dumps(m)) for m in body["messages"]]
            await self._take_events([e for e in events if hasattr(e, "seq")])

    # ---- applying ---------------------------------------------------------------------------

    async def _take_snapshot(self, snapshot: CartSnapshot) -> None:
        await self.sink.apply_snapshot(snapshot)
        self.cursor.reset(snapshot.head_seq, time.time())
        self._have_state = True

    async def _take_events(self, events: list[Any]) -> None:
        try:
            wanted = set(self.cursor.fresh(e.seq for e in events))
        except StreamGap as exc:
            raise _Resync(str(exc)) from exc
        fresh = [e for e in events if e.seq in wanted]
        if fresh:
            # Applied only once stored: if the sink fails, the cursor does not move and the
            # events come again after the reconnect.
            await self.sink.apply_events(fresh, fresh[-1].seq)
            self.cursor.applied(fresh[-1].seq, time.time())
            self._have_state = True

    # ---- commands ---------------------------------------------------------------------------

    async def command(self, command: Command) -> Any:
        """Send a command by whichever transport works, retrying with the same id (the hub
        applies it once). Returns the reply (a result or a snapshot); raises HubError for an error
        reply and Offline if the hub cannot be reached in time."""
        return await with_retries(
            lambda deadline: self._send_command(command, deadline),
            within=self.command_timeout,
            rng=self._rng,
            stopping=lambda: self._stopping,
        )

    async def _send_command(self, command: Command, deadline: float) -> Any:
        ws = self._ws
        if ws is not None:
            frame = command.model_dump_json()
            return await over_websocket(ws, self._pending, command.id, frame, deadline)
        if isinstance(command, Sync):  # polling has no sync command: read the snapshot
            body = await self.api.snapshot()
            snapshot = parse(
                Channel.CART,
                "server",
                json.dumps({**body, "type": "snapshot", "id": command.id}),
            )
            await self._take_snapshot(snapshot)
            return snapshot
        reply = await self.api.command(command.model_dump_json())
        return parse(Channel.CART, "server", json.dumps(reply))

"""What every WebSocket channel does: hello, flood control, parsing, typed errors.

Every connection starts with `hello` (version negotiation and credentials). After that, every
frame is parsed against its channel's schema; anything wrong is answered with a typed `error` and
the connection stays usable. Floods close the connection with a reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from shared_protocol import Channel, ErrorCode, ProtocolError, negotiate_version, parse
from shared_protocol.codec import id_of, load, parse_object
from shared_protocol.common import ErrorMessage, Hello
from shared_protocol.session import SUPPORTED_VERSIONS

from ..services.live import ProductFanout
from ..services.metrics import HubMetrics
from ..services.revocation import Watch
from .flood import TokenBucket
from .limits import Limits

log = logging.getLogger(__name__)

CLOSE_POLICY = 1008  # RFC 6455: policy violation (auth refused, flood, no hello)


M = TypeVar("M")  # the messages a channel handles after hello


@dataclass(frozen=True)
class Wiring:
    """What every channel session is given, whichever channel it serves."""

    limits: Limits
    metrics: HubMetrics
    fanout: ProductFanout


def error_frame(exc: ProtocolError) -> str:
    return ErrorMessage(
        id=exc.command_id, code=exc.code, message=exc.message, details=exc.details
    ).model_dump_json()


class ChannelSession(Generic[M]):
    """What every channel does: hello, flood control, parsing, typed errors. A channel's session
    says which messages it handles (`M`) and handles each in `handle`."""

    channel: Channel

    def __init__(self, conn: ServerConnection, wiring: Wiring) -> None:
        self.conn = conn
        self.limits = wiring.limits
        self.metrics = wiring.metrics
        self.fanout = wiring.fanout
        self.bucket = TokenBucket(
            self.limits.rate_per_second, self.limits.rate_burst, time.monotonic()
        )
        self.version = 0
        self.watch: Watch | None = None  # the credential it was opened with, while it lives
        self._background: set[asyncio.Task[None]] = set()
        # Set once open() has sent the welcome (and its snapshot): frames heard before wait.
        self.welcomed = asyncio.Event()
        self._before_welcome: dict[asyncio.Task[None], Coroutine[Any, Any, None]] = {}

    async def send(self, frame: str) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self.conn.send(frame)

    async def close_with(self, code: int, reason: str) -> None:
        """Close, reading on until the peer's close frame arrives. Frames it sent before (a
        flood's backlog) fill the receive queue; unread, they would hide its close frame and hold
        the connection open for the whole close timeout."""
        closing = asyncio.ensure_future(self.conn.close(code, reason[:120]))
        with contextlib.suppress(ConnectionClosed):
            async for _ in self.conn:
                pass
        await closing

    def after_welcome(self, work: Coroutine[Any, Any, None]) -> None:
        """`work` (a send) in the background, once the welcome is out: a client reads the
        welcome first, whatever the hub heard while opening."""

        async def welcomed_first() -> None:
            await self.welcomed.wait()
            await work

        task = asyncio.ensure_future(welcomed_first())
        self._before_welcome[task] = work
        task.add_done_callback(lambda done: self._before_welcome.pop(done, None))

    def in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def credential_died(self, exc: ProtocolError) -> None:
        """The credential was revoked, replaced or expired: say why, then close (a page
        overrides this: it only loses its link)."""

        async def end() -> None:
            await self.send_error(exc)
            with contextlib.suppress(ConnectionClosed):
                await self.conn.close(CLOSE_POLICY, exc.message[:120])

        self.in_background(end())

    async def send_error(self, exc: ProtocolError) -> None:
        self.metrics.rejected.labels(self.channel.value, exc.code.value).inc()
        await self.send(error_frame(exc))

    async def run(self) -> None:
        hello = await self._handshake()
        if hello is None:
            return
        try:
            await self.open(hello)
        except BaseException as exc:
            # Whatever open() did before it failed (listeners, a watch, a roster entry) is undone.
            await self._release()
            if not isinstance(exc, ProtocolError):
                raise
            await self.send_error(exc)
            await self.close_with(CLOSE_POLICY, exc.message)
            return
        self.welcomed.set()
        try:
            async for raw in self.conn:
                if not await self._admit():
                    return
                await self._handle_frame(raw)
        finally:
            await self._release()

    async def _release(self) -> None:
        if not self.welcomed.is_set():  # never welcomed: what waited for it is dropped, unrun
            for waiting, work in list(self._before_welcome.items()):
                waiting.cancel()
                work.close()
        if self.watch is not None:
            self.watch.stop()
        await self.close()

    async def _admit(self) -> bool:
        """Flood control: refuse over-rate messages, close after too many refusals."""
        if self.bucket.allow(time.monotonic()):
            return True
        if self.bucket.strikes > self.limits.flood_strikes:  # that many errors, then the close
            self.metrics.refused.labels("flood").inc()
            await self.close_with(CLOSE_POLICY, "flood: too many messages, slow down")
            return False
        await self.send_error(
            ProtocolError(ErrorCode.RATE_LIMITED, "too many messages; this one was dropped")
        )
        return True

    async def _handshake(self) -> Hello | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.limits.hello_timeout
        while True:
            try:
                raw = await asyncio.wait_for(self.conn.recv(), timeout=deadline - loop.time())
            except TimeoutError:
                await self.close_with(CLOSE_POLICY, "no hello received in time")
                return None
            except ConnectionClosed:
                return None
            if not await self._admit():
                return None
            try:
                message = self._hello(raw)
                version = negotiate_version(message.versions)
                if version is None:
                    raise ProtocolError(
                        ErrorCode.UNSUPPORTED_VERSION,
                        f"this hub speaks protocol versions {list(SUPPORTED_VERSIONS)}",
                        supported=list(SUPPORTED_VERSIONS),
                    )
            except ProtocolError as exc:
                await self.send_error(exc)
                continue
            self.version = version
            return message

    def _hello(self, raw: str | bytes) -> Hello:
        """Before `hello`, in this order: not a JSON object is `bad_json`; any other type (known,
        unknown or malformed) is `hello_required`; a malformed hello is `invalid_message`."""
        obj = load(raw)
        if obj.get("type") != "hello":
            raise ProtocolError(ErrorCode.HELLO_REQUIRED, "say hello first", command_id=id_of(obj))
        message = parse_object(self.channel, "client", obj)
        assert isinstance(message, Hello)
        return message

    async def _handle_frame(self, raw: str | bytes) -> None:
        message: Any = None
        try:
            message = parse(self.channel, "client", raw)
            if isinstance(message, Hello):
                raise ProtocolError(ErrorCode.INVALID_MESSAGE, "hello was already received")
            self.metrics.commands.labels(self.channel.value, message.type).inc()
            await self.handle(message)
        except ProtocolError as exc:
            if exc.command_id is None:
                exc.command_id = getattr(message, "id", None)
            await self.send_error(exc)
        except Exception:
            log.exception("command failed", extra={"channel": self.channel.value})
            await self.send_error(
                ProtocolError(
                    ErrorCode.INTERNAL,
                    "the hub failed to handle this message; retry with the same id",
                    command_id=getattr(message, "id", None),
                )
            )

    # Channel-specific parts.
    async def open(self, hello: Hello) -> None:
        raise NotImplementedError

    async def handle(self, message: M) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        pass

"""The call in one open live session, the shopper's side: asking for a call, answering the
store's ring, hanging up, the camera and microphone, and the media while the call is active.

The call's state is the session's (LiveSession.call, fed by the hub); this follows it: when
the call becomes active the media starts (call_media.py, imported only then, so aiortc loads
with the first call and never for a shopper who does not call), and when it ends, however it
ends, the media stops. The visitor's camera is off until the shopper turns it on; the
microphone is on when there is one. A connection that fails, or never connects, hangs up with
`connection_lost`, which the store sees too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from shared_protocol.calls import AnswerCall, CallInfo, HangUp, Media, Rtc, RtcRelayed, StartCall

from .api import HubApi, HubError, HubUnreachable
from .call_devices import CallDevices
from .commands import command_id
from .connection import Offline, Status
from .live_connection import LiveConnection
from .live_session import LiveSession
from .observable import Signal

if TYPE_CHECKING:
    import numpy

    from .call_media import CallMedia

log = logging.getLogger(__name__)

NEEDS_WEBSOCKET = (
    "Calls need a live connection to the hub, and this cart is polling (the setting Use polling "
    "only, or a network that blocks WebSockets)."
)
NO_CAMERA = "Your camera could not be started. Check that no other program uses it, or choose another in Call settings."
SETUP_FAILED = "The call could not be set up on this computer."


class SessionCall:
    def __init__(
        self,
        model: LiveSession,
        connection: LiveConnection,
        api: HubApi,
        devices: Callable[[], CallDevices],
        *,
        connect_within: float = 20.0,
        relay_only: bool = False,
    ) -> None:
        self.model = model
        self.watch = model.call
        self.connection = connection
        self.api = api
        self._devices = devices
        self.connect_within = connect_within
        self.relay_only = relay_only
        self.media: CallMedia | None = None
        self._media_call = ""
        self._starting: asyncio.Task[None] | None = None
        self._closing: set[asyncio.Task[None]] = set()
        self._rtc: asyncio.Queue[RtcRelayed] = asyncio.Queue()
        self._pump: asyncio.Task[None] | None = None
        self.video: Signal[numpy.ndarray[Any, Any]] = Signal()
        """The store's newest video frame (RGB), while its camera sends."""
        self.trouble: Signal[str] = Signal()
        """Something the shopper should read (no camera, polling, the call could not start)."""
        self.media_changed: Signal[None] = Signal()
        """The shopper's camera or microphone went on or off."""
        model.changed.connect(self._on_changed)
        model.rtc.connect(self._on_rtc)

    # ---- what the window reads --------------------------------------------------------------

    @property
    def camera_on(self) -> bool:
        return self.media is not None and self.media.camera_on

    @property
    def microphone_on(self) -> bool:
        return self.media is not None and self.media.microphone_on

    # ---- commands ---------------------------------------------------------------------------

    async def ask(self, connecting_within: float = 10.0) -> None:
        """Ask the store for a call (a session just opened gets a moment to connect)."""
        online = (Status.WEBSOCKET, Status.POLLING)
        if self.connection.status not in online:
            connected = asyncio.Event()

            def check(_: frozenset[str]) -> None:
                if self.connection.status in online:
                    connected.set()

            self.model.changed.connect(check)
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(connected.wait(), connecting_within)
            finally:
                self.model.changed.disconnect(check)
        if self.connection.status not in online:
            raise Offline("the session is not connected")
        if self.connection.status is not Status.WEBSOCKET:
            self.trouble.emit(NEEDS_WEBSOCKET)
            return
        result = await self.connection.command(StartCall(id=command_id()))
        self.model.take_call(result.call)

    async def answer(self, accept: bool) -> None:
        current = self.watch.current
        if current is None:
            return
        if accept and self.connection.status is not Status.WEBSOCKET:
            self.trouble.emit(NEEDS_WEBSOCKET)
            return
        cmd = AnswerCall(id=command_id(), call_id=current.call_id, accept=accept)
        self.model.take_call((await self.connection.command(cmd)).call)

    async def hang_up(self, reason: Literal["hung_up", "connection_lost"] = "hung_up") -> None:
        current = self.watch.current
        if current is None:
            return
        cmd = HangUp(id=command_id(), call_id=current.call_id, reason=reason)
        self.model.take_call((await self.connection.command(cmd)).call)

    async def set_camera(self, on: bool) -> None:
        if self.media is None:
            return
        try:
            self.media.set_camera(on)
        except OSError as exc:
            log.warning("camera: %s", exc)
            self.trouble.emit(NO_CAMERA)
        await self._tell_media()

    async def set_microphone(self, on: bool) -> None:
        if self.media is None:
            return
        self.media.set_microphone(on)
        await self._tell_media()

    async def _tell_media(self) -> None:
        self.media_changed.emit(None)
        if self.media is None:
            return
        await self.connection.signal(
            Media(
                call_id=self.media.call_id,
                camera=self.media.camera_on,
                microphone=self.media.microphone_on,
            )
        )

    # ---- following the call -----------------------------------------------------------------

    def _on_changed(self, parts: frozenset[str]) -> None:
        if "call" not in parts:
            return
        current = self.watch.current
        running = self._media_call
        if running and (current is None or current.call_id != running or not self.watch.active):
            self._stop_media()
        if current is not None and self.watch.active and not self._media_call:
            self._media_call = current.call_id
            self._starting = asyncio.ensure_future(self._begin(current))

    def _on_rtc(self, frame: RtcRelayed) -> None:
        if frame.side != "visitor" and frame.call_id == self._media_call:
            self._rtc.put_nowait(frame)

    async def _begin(self, call: CallInfo) -> None:
        try:
            try:
                ice = (await self.api.live_ice_servers(self.model.session_id))["ice_servers"]
            except (HubError, HubUnreachable) as exc:
                log.info("no ICE servers (%s): direct connections only", exc)
                ice = []
            from .call_media import CallMedia  # aiortc loads with the first call

            media = CallMedia(
                call.call_id,
                ice,
                self._devices(),
                self._send_rtc,
                self.video.emit,
                self._lost,
                connect_within=self.connect_within,
                relay_only=self.relay_only,
            )
            if self._media_call != call.call_id:  # ended while starting
                await media.close()
                return
            self.media = media
            self._pump = asyncio.ensure_future(self._feed(media))
            if call.started_by == "visitor":
                await media.offer()
            await self._tell_media()
        except Exception:
            log.exception("call %s could not start", call.call_id)
            self.trouble.emit(SETUP_FAILED)
            with contextlib.suppress(HubError, HubUnreachable, ConnectionError):
                await self.hang_up("connection_lost")

    async def _feed(self, media: CallMedia) -> None:
        """The store's signalling, in the order it came."""
        while True:
            frame = await self._rtc.get()
            try:
                await media.receive(frame)
            except Exception as exc:  # (a bad description or candidate: logged, the call goes on)
                log.warning("call signalling: %s", exc)

    async def _send_rtc(self, frame: dict[str, Any]) -> None:
        await self.connection.signal(Rtc.model_validate(frame))

    def _lost(self) -> None:
        async def hang_up() -> None:
            with contextlib.suppress(HubError, HubUnreachable, ConnectionError):
                await self.hang_up("connection_lost")

        self._keep(asyncio.ensure_future(hang_up()))

    def _stop_media(self) -> None:
        self._media_call = ""
        media, self.media = self.media, None
        pump, self._pump = self._pump, None
        self._rtc = asyncio.Queue()
        if pump is not None:
            pump.cancel()
        if media is not None:
            self._keep(asyncio.ensure_future(media.close()))
        self.media_changed.emit(None)

    def _keep(self, task: asyncio.Task[None]) -> None:
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def close(self) -> None:
        """The session window closes (or the app quits): a call in progress is hung up, and
        the connection closed before anything else goes."""
        if self.watch.current is not None:
            with contextlib.suppress(HubError, HubUnreachable, ConnectionError, TimeoutError):
                await asyncio.wait_for(self.hang_up(), 3)
        self._media_call = "-"  # nothing starts any more
        if self._starting is not None and not self._starting.done():
            with contextlib.suppress(Exception):
                await self._starting
        self._media_call = ""
        self._stop_media()
        for task in list(self._closing):
            with contextlib.suppress(Exception):
                await task

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
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Literal

from shared_protocol.calls import AnswerCall, CallInfo, HangUp, Media, Rtc, RtcRelayed, StartCall
from shared_protocol.support import Complain, ComplaintAbout

from .api import HubApi, HubError, HubUnreachable
from .call_devices import CallDevices
from .commands import command_id
from .connection import Offline, Status
from .lang import N_, _
from .live_connection import LiveConnection
from .live_session import LiveSession
from .observable import Signal

if TYPE_CHECKING:
    import numpy

    from .call_media import CallMedia

log = logging.getLogger(__name__)

NEEDS_WEBSOCKET = N_(
    "Calls need a live connection to the hub, and this cart is polling (the setting Use polling "
    "only, or a network that blocks WebSockets)."
)
NO_CAMERA = N_(
    "Your camera could not be started. Check that no other program uses it, or choose another "
    "in Call settings."
)
SETUP_FAILED = N_("The call could not be set up on this computer.")
NO_MICROPHONE = N_(
    "Your microphone could not be opened: the store cannot hear you (Call settings)."
)
NO_SPEAKER = N_("The store's voice cannot be played: no speaker could be opened (Call settings).")
"""Translated where they are said (`_(NO_CAMERA)`)."""
Reason = Literal["hung_up", "connection_lost"]


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
        self._closed = False
        self.busy = False
        """A command is on its way (the buttons wait for it)."""
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

    async def _one_at_a_time(self, work: Coroutine[Any, Any, None]) -> None:
        """A second click while a command runs does nothing (not a second call)."""
        if self.busy:
            work.close()
            return
        self.busy = True
        self.media_changed.emit(None)
        try:
            await work
        finally:
            self.busy = False
            self.media_changed.emit(None)

    async def ask(self, connecting_within: float = 10.0, *, support: bool = False) -> None:
        """Ask the store for a call (a session just opened gets a moment to connect); with
        `support`, a paid support call from the shopper's credit (refusals raise HubError)."""
        await self._one_at_a_time(self._ask(connecting_within, support))

    async def complain(self, call_id: str, about: ComplaintAbout, text: str) -> None:
        """A complaint about an ended support call; the shop answers in its console."""
        result = await self.connection.command(
            Complain(id=command_id(), call_id=call_id, about=about, text=text)
        )
        if result.complaint is not None:
            self.model.support.take_complaint(result.complaint)
            self.model.changed.emit(frozenset({"support"}))

    async def _ask(self, connecting_within: float, support: bool = False) -> None:
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
            self.trouble.emit(_(NEEDS_WEBSOCKET))
            return
        self.watch.asking = True
        try:
            result = await self.connection.command(StartCall(id=command_id(), support=support))
        finally:
            self.watch.asking = False
        self.model.take_call(result.call)
        if result.call is not None:
            # Its event may have come first, when the call was not known to be this cart's.
            self.watch.mine.add(result.call.call_id)
            self.model.changed.emit(frozenset({"call"}))

    async def answer(self, accept: bool) -> None:
        await self._one_at_a_time(self._answer(accept))

    async def _answer(self, accept: bool) -> None:
        current = self.watch.current
        if current is None or not self.watch.incoming:
            return
        if accept and self.connection.status is not Status.WEBSOCKET:
            self.trouble.emit(_(NEEDS_WEBSOCKET))
            return
        if accept:
            self.watch.mine.add(current.call_id)
        cmd = AnswerCall(id=command_id(), call_id=current.call_id, accept=accept)
        self.model.take_call((await self.connection.command(cmd)).call)

    async def hang_up(self) -> None:
        """End this cart's call (or stop asking)."""
        current = self.watch.current
        if current is not None and self.watch.here:
            await self._one_at_a_time(self._hang_up(current.call_id, "hung_up"))

    async def _hang_up(self, call_id: str, reason: Reason) -> None:
        current = self.watch.current
        if current is None or current.call_id != call_id:
            return  # over already, or another call by now
        cmd = HangUp(id=command_id(), call_id=call_id, reason=reason)
        self.model.take_call((await self.connection.command(cmd)).call)

    async def set_camera(self, on: bool) -> None:
        await self._one_at_a_time(self._set_camera(on))

    async def _set_camera(self, on: bool) -> None:
        media = self.media
        if media is None:
            return
        try:
            await media.set_camera(on)
        except OSError as exc:
            log.warning("camera: %s", exc)
            self.trouble.emit(_(NO_CAMERA))
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
        if self._closed or current is None or not self.watch.active or self._media_call:
            return
        if self.watch.here:
            self._media_call = current.call_id
            self._starting = asyncio.ensure_future(self._begin(current))

    def _on_rtc(self, frame: RtcRelayed) -> None:
        """The store's signalling for this cart's call, kept until its media exists."""
        if frame.side != "visitor" and frame.call_id in self.watch.mine:
            self._rtc.put_nowait(frame)

    async def _begin(self, call: CallInfo) -> None:
        media: CallMedia | None = None
        try:
            try:
                ice = (await self.api.live_ice_servers(self.model.session_id))["ice_servers"]
            except (HubError, HubUnreachable) as exc:
                log.info("no ICE servers (%s): direct connections only", exc)
                ice = []
            from .call_media import CallMedia  # aiortc loads with the first call

            devices = self._devices()
            media = CallMedia(
                call.call_id,
                ice,
                devices,
                self._send_rtc,
                self.video.emit,
                lambda: self._lost(call.call_id),
                connect_within=self.connect_within,
                relay_only=self.relay_only,
            )
            if self._media_call != call.call_id:  # ended while starting
                raise asyncio.CancelledError
            self.media = media
            self._pump = asyncio.ensure_future(self._feed(media))
            self._say_missing_devices(devices, media)
            if call.started_by == "visitor":
                await media.offer()
            await self._tell_media()
        except asyncio.CancelledError:
            if media is not None and self.media is not media:
                self._keep(asyncio.ensure_future(media.close()))
            raise
        except Exception:
            log.exception("call %s could not start", call.call_id)
            if self.watch.current is not None and self.watch.current.call_id == call.call_id:
                self.trouble.emit(_(SETUP_FAILED))
                with contextlib.suppress(HubError, HubUnreachable, ConnectionError, Offline):
                    await self._hang_up(call.call_id, "connection_lost")

    def _say_missing_devices(self, devices: CallDevices, media: CallMedia) -> None:
        missing = []
        if devices.microphone is not None and not media.has_microphone:
            missing.append(_(NO_MICROPHONE))
        if devices.speaker is not None and media.speaker is None:
            missing.append(_(NO_SPEAKER))
        if missing:
            self.trouble.emit(" ".join(missing))

    async def _feed(self, media: CallMedia) -> None:
        """The store's signalling for this call, in the order it came."""
        while True:
            frame = await self._rtc.get()
            if frame.call_id != media.call_id:
                continue  # an earlier call's
            try:
                await media.receive(frame)
            except Exception as exc:  # (a bad description or candidate: logged, the call goes on)
                log.warning("call signalling: %s", exc)

    async def _send_rtc(self, frame: dict[str, Any]) -> None:
        await self.connection.signal(Rtc.model_validate(frame))

    def _lost(self, call_id: str) -> None:
        async def hang_up() -> None:
            with contextlib.suppress(HubError, HubUnreachable, ConnectionError, Offline):
                await self._hang_up(call_id, "connection_lost")

        self._keep(asyncio.ensure_future(hang_up()))

    def _stop_media(self) -> None:
        self._media_call = ""
        starting, self._starting = self._starting, None
        if starting is not None and not starting.done():
            starting.cancel()
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
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._closing.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("closing a call: %s", task.exception())

    async def close(self) -> None:
        """The session window closes (or the app quits): this cart's call is hung up, and its
        connection closed before anything else goes. A call taken in the browser goes on."""
        self._closed = True
        current = self.watch.current
        if current is not None and self.watch.here:
            with contextlib.suppress(
                HubError, HubUnreachable, ConnectionError, TimeoutError, Offline
            ):
                await asyncio.wait_for(self._hang_up(current.call_id, "hung_up"), 3)
        self._stop_media()
        for task in list(self._closing):
            with contextlib.suppress(BaseException):
                await task

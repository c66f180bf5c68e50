"""The media of one call on the desktop cart: an aiortc peer connection, the shopper's camera
(or a placeholder while it is off), microphone and speaker, and the store's video for the
window. Imported only when a call becomes active: aiortc, PyAV and numpy load then.

Signalling follows docs/protocol.md section 9a: the side that started the call offers, each
side sends its description without candidates and then each candidate as its own `rtc` frame
and an empty one at the end (aiortc gathers before it describes, so they all follow at once;
the browser trickles its own). One audio and one video track are sent for the whole call:
turning the camera on or off switches what the video track reads, so its timestamps keep
rising (a replaced track whose timestamps restart stalls the receiver). Everything received is
read as it comes, even when nothing shows it, and only the newest video frame is kept (aiortc's
receive queue is unbounded).
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, cast

import numpy
from aiortc import (
    RTCConfiguration,
    RTCIceServer,
    RTCIceTransportPolicy,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.contrib.media import MediaPlayer
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.sdp import candidate_from_sdp
from av import AudioFrame, AudioResampler, VideoFrame

from shared_protocol.calls import RtcRelayed, trickled

from .call_devices import CallDevices, Source
from .call_sound import Microphone, Speaker

log = logging.getLogger(__name__)

VIDEO_RATE = 90_000
VIDEO_TIME_BASE = fractions.Fraction(1, VIDEO_RATE)
PLACEHOLDER_FPS = 5
SAMPLE_RATE = 48_000
AUDIO_PTIME = 0.020
AUDIO_SAMPLES = int(SAMPLE_RATE * AUDIO_PTIME)
CONNECTED = ("connected", "completed")

Send = Callable[[dict[str, Any]], Awaitable[None]]


def _player(source: Source) -> MediaPlayer:
    return MediaPlayer(source.file, format=source.format, options=dict(source.options))


class OutgoingVideo(MediaStreamTrack):
    """What the shopper sends: the camera's frames while it is on, else a still dark frame a
    few times a second; stamped by this track's own clock, whatever the source."""

    kind = "video"

    def __init__(self) -> None:
        super().__init__()
        self.camera: MediaStreamTrack | None = None
        self._start = time.monotonic()
        self._still = numpy.full((240, 320, 3), 38, dtype=numpy.uint8)
        self._stills_sent = 0

    async def recv(self) -> VideoFrame:
        camera = self.camera
        frame: VideoFrame | None = None
        if camera is not None:
            with contextlib.suppress(MediaStreamError):
                frame = cast(VideoFrame, await camera.recv())
        if frame is None:
            if self._stills_sent:  # the first one at once: the other side sees the call start
                await asyncio.sleep(1 / PLACEHOLDER_FPS)
            self._stills_sent += 1
            frame = VideoFrame.from_ndarray(self._still, format="rgb24")
        frame.pts = int((time.monotonic() - self._start) * VIDEO_RATE)
        frame.time_base = VIDEO_TIME_BASE
        return frame


class OutgoingAudio(MediaStreamTrack):
    """The microphone while it is on, silence while it is off (or there is none), in 20 ms
    frames stamped by this track's own sample count."""

    kind = "audio"

    def __init__(self, source: Microphone | MediaStreamTrack | None) -> None:
        super().__init__()
        self.source = source
        self.muted = source is None
        self._samples = 0
        self._start: float | None = None
        self._resampler = AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)

    async def _next(self) -> numpy.ndarray[Any, Any] | None:
        match self.source:
            case Microphone():
                return await self.source.read()
            case MediaStreamTrack():
                with contextlib.suppress(MediaStreamError):
                    got = cast(AudioFrame, await self.source.recv())
                    pcm = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(got)]
                    return numpy.concatenate(pcm) if pcm else None
        return None

    async def recv(self) -> AudioFrame:
        pcm = await self._next()
        if pcm is None:  # no microphone: silence, paced by the clock (a device paces itself)
            if self._start is None:
                self._start = time.monotonic() - self._samples / SAMPLE_RATE
            wait = self._start + self._samples / SAMPLE_RATE - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            pcm = numpy.zeros(AUDIO_SAMPLES, dtype=numpy.int16)
        elif self.muted:
            pcm = numpy.zeros_like(pcm)
        frame = AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self._samples
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        self._samples += frame.samples
        return frame


class CallMedia:
    """One call's peer connection. `on_video` gets each newest frame of the store's video as
    an RGB array; `on_lost` is called once when the connection fails or never connects."""

    def __init__(
        self,
        call_id: str,
        ice_servers: list[dict[str, Any]],
        devices: CallDevices,
        send: Send,
        on_video: Callable[[numpy.ndarray[Any, Any]], None],
        on_lost: Callable[[], None],
        *,
        connect_within: float = 20.0,
        relay_only: bool = False,
    ) -> None:
        self.call_id = call_id
        self.devices = devices
        self._send = send
        self._on_video = on_video
        self._on_lost = on_lost
        servers = [
            RTCIceServer(urls=s["urls"], username=s.get("username"), credential=s.get("credential"))
            for s in ice_servers
        ]
        self.pc = RTCPeerConnection(
            RTCConfiguration(
                iceServers=servers,
                iceTransportPolicy=RTCIceTransportPolicy.RELAY
                if relay_only
                else RTCIceTransportPolicy.ALL,
            )
        )
        self._camera_player: MediaPlayer | None = None
        self._mic_player: MediaPlayer | None = None
        self.microphone = self._open_microphone(devices.microphone)
        self.video = OutgoingVideo()
        self.audio = OutgoingAudio(self.microphone or self._mic_track())
        self.audio.muted = self.audio.source is None
        self.pc.addTrack(self.audio)
        self.pc.addTrack(self.video)
        self.speaker = Speaker.open(devices.speaker) if devices.speaker is not None else None
        self.frames_shown = 0
        self.first_frame_at: float | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._lock = asyncio.Lock()
        self._lost_said = False
        self._closed = False
        self.pc.on("track", self._on_track)
        self.pc.on("iceconnectionstatechange", self._on_ice_state)
        self._tasks.append(asyncio.ensure_future(self._connect_or_give_up(connect_within)))

    # ---- devices ------------------------------------------------------------------------------

    def _open_microphone(self, choice: str | Source | None) -> Microphone | None:
        if not isinstance(choice, str):
            return None
        try:
            return Microphone.open(choice, asyncio.get_running_loop())
        except Exception as exc:  # (PortAudio's own errors)
            log.warning("the microphone could not be opened: %s", exc)
            return None

    def _mic_track(self) -> MediaStreamTrack | None:
        if isinstance(self.devices.microphone, Source):
            self._mic_player = _player(self.devices.microphone)
            return self._mic_player.audio
        return None

    @property
    def has_microphone(self) -> bool:
        return self.audio.source is not None

    @property
    def camera_on(self) -> bool:
        return self.video.camera is not None

    @property
    def microphone_on(self) -> bool:
        return not self.audio.muted

    async def set_camera(self, on: bool) -> bool:
        """Open or close the camera (it is opened only now, so its light is off until then;
        opening a device blocks, so it is opened off the loop). Returns whether it is on;
        raises OSError when it cannot be opened."""
        if on and self._camera_player is None:
            if self.devices.camera is None:
                raise OSError("no camera")
            try:
                player = await asyncio.to_thread(_player, self.devices.camera)
            except Exception as exc:  # PyAV's errors are OSError subclasses or its own
                raise OSError(str(exc)) from exc
            if self._closed:
                self._stop_player(player)
                return False
            self._camera_player = player
            self.video.camera = player.video
        elif not on and self._camera_player is not None:
            self._camera_off()
        return self.camera_on

    def _camera_off(self) -> None:
        player, self._camera_player = self._camera_player, None
        self.video.camera = None
        if player is not None:
            self._stop_player(player)

    def set_microphone(self, on: bool) -> bool:
        self.audio.muted = not on or self.audio.source is None
        return self.microphone_on

    @staticmethod
    def _stop_player(player: MediaPlayer) -> None:
        for track in (player.audio, player.video):
            if track is not None:
                track.stop()

    # ---- signalling ---------------------------------------------------------------------------

    async def offer(self) -> None:
        async with self._lock:
            await self.pc.setLocalDescription(await self.pc.createOffer())
            await self._describe()

    async def receive(self, frame: RtcRelayed) -> None:
        """The store's offer, answer or candidate (in the order they came)."""
        async with self._lock:
            if frame.description is not None:
                await self.pc.setRemoteDescription(
                    RTCSessionDescription(sdp=frame.description.sdp, type=frame.description.type)
                )
                if frame.description.type == "offer":
                    await self.pc.setLocalDescription(await self.pc.createAnswer())
                    await self._describe()
            elif frame.candidate is not None:
                if not frame.candidate.candidate:
                    await self.pc.addIceCandidate(None)
                    return
                candidate = candidate_from_sdp(frame.candidate.candidate.removeprefix("candidate:"))
                candidate.sdpMid = frame.candidate.sdpMid
                candidate.sdpMLineIndex = frame.candidate.sdpMLineIndex
                await self.pc.addIceCandidate(candidate)

    async def _describe(self) -> None:
        """Our description, then its candidates one by one (docs/protocol.md section 9a)."""
        local = self.pc.localDescription
        for body in trickled(local.type, local.sdp):
            await self._rtc(**body)

    async def _rtc(self, **body: Any) -> None:
        await self._send({"type": "rtc", "call_id": self.call_id, **body})

    # ---- what comes in ------------------------------------------------------------------------

    def _on_track(self, track: MediaStreamTrack) -> None:
        read = self._read_video if track.kind == "video" else self._read_audio
        self._tasks.append(asyncio.ensure_future(read(track)))

    async def _read_video(self, track: MediaStreamTrack) -> None:
        while True:
            try:
                frame = cast(VideoFrame, await track.recv())
            except MediaStreamError:
                return
            if self.first_frame_at is None:
                self.first_frame_at = time.monotonic()
            self.frames_shown += 1
            self._on_video(frame.to_ndarray(format="rgb24"))

    async def _read_audio(self, track: MediaStreamTrack) -> None:
        resampler = AudioResampler(format="s16", layout="stereo", rate=SAMPLE_RATE)
        while True:
            try:
                frame = cast(AudioFrame, await track.recv())
            except MediaStreamError:
                return
            if self.speaker is not None:
                for out in resampler.resample(frame):
                    self.speaker.play(out.to_ndarray().tobytes())

    def _on_ice_state(self) -> None:
        if self.pc.iceConnectionState == "failed":
            self._lost()

    async def _connect_or_give_up(self, within: float) -> None:
        """aiortc stays "new" or "checking" when no candidate ever arrives: a call that has not
        connected in time is lost, as a failed one is."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.pc.iceConnectionState in CONNECTED:
                return
            await asyncio.sleep(0.1)
        self._lost()

    def _lost(self) -> None:
        if not self._lost_said:
            self._lost_said = True
            self._on_lost()

    # ---- the end ------------------------------------------------------------------------------

    async def close(self) -> None:
        """Closes the connection (before the app quits: its decoder thread would keep the
        process alive) and every device (the camera's light goes off), each whatever the
        others do."""
        self._closed = self._lost_said = True
        current = asyncio.current_task()
        for task in self._tasks:
            if task is not current:
                task.cancel()
        steps: list[Callable[[], object]] = [self._camera_off]
        if self._mic_player is not None:
            steps.append(lambda: self._stop_player(self._mic_player))  # type: ignore[arg-type]
        for device in (self.microphone, self.speaker):
            if device is not None:
                steps.append(device.close)
        try:
            await self.pc.close()
        except Exception:
            log.exception("closing the call's connection")
        for step in steps:
            try:
                step()
            except Exception:
                log.exception("closing a device of the call")
        for task in self._tasks:
            if task is not current:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

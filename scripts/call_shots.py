"""The call screenshots (called by live_shots.py, under Xvfb, in the open ceramics session): the
shopper clicks "Ask for a video call", the store answers on its live channel and sends real
WebRTC video from an aiortc peer (its "camera" films the counter: the demo's mug and vase
drawn on its counter), the call runs a few seconds, then the window and the Call settings dialog
are saved and the shopper hangs up; the window asking for the call's rating is saved last.

The store's peer signals as the store console does (docs/protocol.md section 9a): it answers
the desktop's offer with its description, then its candidates and an empty one. The two peers
meet on this machine's network address (aioice leaves out 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any

import numpy
from aiortc import (
    RTCConfiguration,
    RTCPeerConnection,
    RTCSessionDescription,
    VideoStreamTrack,
)
from aiortc.sdp import candidate_from_sdp
from av import VideoFrame
from demo_pictures import DRAWINGS
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QLinearGradient, QPainter
from websockets.asyncio.client import ClientConnection

from cartstart_desktop.core.call_devices import CallDevices, Device, Source
from cartstart_desktop.core.session import CartSession
from cartstart_desktop.ui import call_settings
from cartstart_desktop.ui.live_window import LiveWindow
from shared_protocol.calls import trickled

Save = Callable[[object, str], None]
WIDTH, HEIGHT = 640, 480
MICROPHONE = Source("lavfi", "sine=frequency=440:sample_rate=48000")


def shot_devices() -> CallDevices:
    """The shopper's devices (set before the session opens: its call takes them then): no
    camera (it stays off, as by default), a test tone for a microphone (so the window shows
    Mute microphone, as with a real one, wherever the screenshots run), no speaker."""
    return CallDevices(None, MICROPHONE, None)


def counter_scene(shop: str) -> numpy.ndarray[Any, Any]:
    """What the store's camera sees: a wall, the counter with a mug, a bowl and a vase, the shop's name."""
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB888)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    wall = QLinearGradient(0, 0, 0, HEIGHT)
    wall.setColorAt(0, QColor(236, 226, 208))
    wall.setColorAt(1, QColor(214, 198, 172))
    p.fillRect(0, 0, WIDTH, HEIGHT, wall)
    p.fillRect(QRectF(0, 350, WIDTH, 130), QColor(150, 104, 66))  # the counter
    p.fillRect(QRectF(0, 350, WIDTH, 10), QColor(176, 126, 84))
    p.setPen(Qt.PenStyle.NoPen)
    for product, x in (("harbour-mug", 40), ("kelp-bowl", 230), ("tide-vase", 420)):
        p.save()
        p.translate(QPointF(x, 350 - 1.3 * 140))  # the drawings stand on y = 140 of 160
        p.scale(1.3, 1.3)
        DRAWINGS[product](p)
        p.restore()
    p.setPen(QColor(90, 70, 50))
    font = QFont()
    font.setPointSize(20)
    font.setBold(True)
    p.setFont(font)
    p.drawText(QRectF(0, 30, WIDTH, 40), Qt.AlignmentFlag.AlignCenter, shop)
    p.end()
    rgb = numpy.frombuffer(image.constBits(), numpy.uint8)  # type: ignore[call-overload]
    rows = rgb.reshape(HEIGHT, image.bytesPerLine())[:, : WIDTH * 3]
    return rows.reshape(HEIGHT, WIDTH, 3).copy()


class Camera(VideoStreamTrack):
    def __init__(self, picture: numpy.ndarray[Any, Any]) -> None:
        super().__init__()
        self.picture = picture

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame.from_ndarray(self.picture, format="rgb24")
        frame.pts, frame.time_base = pts, time_base
        return frame


class StorePeer:
    """The store's side of the call: its live channel (read here) and an aiortc peer."""

    def __init__(self, channel: ClientConnection, picture: numpy.ndarray[Any, Any]) -> None:
        self.channel = channel
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.camera = Camera(picture)
        self.pc.addTrack(self.camera)
        self.call_id = ""

    async def send(self, **frame: Any) -> None:
        await self.channel.send(json.dumps(frame))

    async def next_call(self, state: str) -> dict[str, Any]:
        """Reads the channel (answering the signalling on the way) up to the call in `state`."""
        while True:
            frame = json.loads(await asyncio.wait_for(self.channel.recv(), 20))
            if frame["type"] == "rtc":
                await self._take(frame)
            elif frame["type"] == "call" and frame["call"]["state"] == state:
                call: dict[str, Any] = frame["call"]
                return call

    async def follow(self) -> None:
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await self.next_call("never")

    async def _take(self, frame: dict[str, Any]) -> None:
        if frame["description"] is not None:
            await self.pc.setRemoteDescription(RTCSessionDescription(**frame["description"]))
            await self.pc.setLocalDescription(await self.pc.createAnswer())
            await self._describe()
        elif frame["candidate"]["candidate"] == "":
            await self.pc.addIceCandidate(None)
        else:
            c = frame["candidate"]
            candidate = candidate_from_sdp(c["candidate"].removeprefix("candidate:"))
            candidate.sdpMid, candidate.sdpMLineIndex = c["sdpMid"], c["sdpMLineIndex"]
            await self.pc.addIceCandidate(candidate)

    async def _describe(self) -> None:
        local = self.pc.localDescription
        for body in trickled(local.type, local.sdp):
            await self.send(type="rtc", call_id=self.call_id, **body)

    async def close(self) -> None:
        await self.pc.close()
        self.camera.stop()


async def wait_for(check: Callable[[], object], what: str, seconds: float = 20.0) -> None:
    for _ in range(int(seconds * 50)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise RuntimeError(f"the call shot waited in vain for {what}")


async def shoot_call(
    live: LiveWindow, session: CartSession, channel: ClientConnection, save: Save
) -> None:
    """`channel` is the store's live connection to the open session (hello already sent); the
    session was opened with `shot_devices`."""
    store = StorePeer(channel, counter_scene(live.model.store_name))
    call = live.opened.call
    try:
        live.call.ask.click()
        ringing = await store.next_call("ringing")
        store.call_id = ringing["call_id"]
        await store.send(type="answer_call", id="shot-call-1", call_id=store.call_id, accept=True)
        await store.next_call("active")
        follow = asyncio.ensure_future(store.follow())  # the desktop's offer, its candidates
        await store.send(type="media", call_id=store.call_id, camera=True, microphone=True)
        await wait_for(lambda: live.call.video.frames >= 30, "the store's video on the desktop")
        await wait_for(lambda: call.watch.elapsed(session.clock()) >= 7.2, "the call to run")
        live.call.tick()
        await asyncio.sleep(0.3)
        save(live, "desktop-live-call.png")

        # The devices of a laptop with a webcam and a headset (this machine may have none, and
        # the dialog would say so), as the dialog lists them.
        call_settings.cameras = lambda: [Device("v4l2:/dev/video0", "Integrated Camera")]
        sound = [Device("USB Headset", "USB Headset"), Device("Built-in Audio", "Built-in Audio")]
        call_settings.sound_devices = lambda: (sound, sound, "")
        dialog = live.call_settings()
        await asyncio.sleep(0.3)
        save(dialog, "desktop-call-settings.png")
        dialog.reject()

        live.call.hang_up.click()
        await wait_for(lambda: call.watch.current is None and call.media is None, "the hang-up")

        # The rating under the ended call: four stars chosen, a comment being written.
        await wait_for(lambda: live.rating.isVisible(), "the rating form")
        live.rating.stars.buttons[3].click()
        live.rating.comment.setPlainText("Showed me the glaze up close. Very patient!")
        live.rating.send.setFocus()
        await asyncio.sleep(0.3)
        save(live, "desktop-call-rating.png")
        follow.cancel()
        await follow
    finally:
        await store.close()

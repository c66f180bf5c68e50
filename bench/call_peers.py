"""The two peers of the call CPU benchmark (bench/calls.py --part cpu), each its own process.

    python -m bench.call_peers sender          # 640x480/30 test pattern + a tone, offers
    python -m bench.call_peers bare|rgb|media|qt

They signal through the driver over stdin/stdout, one JSON line each way: the sender prints
its offer (aiortc gathers every candidate into the description before it is set), reads the
answer; a receiver reads the offer and prints its answer. Then a receiver prints
`{"frames": n, "painted": m, "t": monotonic}` 4 times a second; the driver reads both processes' CPU from /proc.

Receivers, from cheapest to the desktop's whole path:
- bare: a plain aiortc peer that only receives: every track's recv() and drop (aiortc has
  decoded the frame by then, in its own thread);
- rgb: the same, and each video frame converted as the desktop does for its window,
  `frame.to_ndarray(format="rgb24")`, keeping only the newest;
- media: the desktop's own CallMedia (cartstart_desktop/core/call_media.py) as the answering
  side, camera off and no microphone, as a shopper who only watches: it receives the same way
  as rgb and sends its placeholder (a dark frame 5 times a second) and silence;
- qt: media, and each frame shown by the window's VideoView (ui/live_call.py) painted on
  Qt's offscreen platform, on one qasync loop as in the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from typing import Any, cast

import aioice.ice
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaPlayer
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import VideoFrame

VIDEO = "testsrc=size=640x480:rate=30"
TONE = "sine=frequency=440:sample_rate=48000"
REPORT_EVERY = 0.25


def loopback_only() -> None:
    """aioice skips 127.0.0.1 (PLATFORM-NOTES.md): make it the only host address."""
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]


async def read_line() -> str:
    return await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)


def say(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


async def sender() -> None:
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    video = MediaPlayer(VIDEO, format="lavfi")
    tone = MediaPlayer(TONE, format="lavfi")
    assert video.video is not None and tone.audio is not None
    pc.addTrack(tone.audio)
    pc.addTrack(video.video)
    await pc.setLocalDescription(await pc.createOffer())
    say(sdp=pc.localDescription.sdp, type=pc.localDescription.type)
    answer = json.loads(await read_line())
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type=answer["type"]))
    await read_line()  # the driver closes stdin (or says stop) when it is done
    await pc.close()


class Counter:
    def __init__(self) -> None:
        self.frames = 0
        self.painted = 0
        self.newest: Any = None

    async def report(self) -> None:
        while True:
            await asyncio.sleep(REPORT_EVERY)
            say(frames=self.frames, painted=self.painted, t=time.monotonic())


async def drain(track: MediaStreamTrack, counter: Counter, rgb: bool) -> None:
    while True:
        try:
            frame = await track.recv()
        except MediaStreamError:
            return
        if track.kind == "video":
            counter.frames += 1
            if rgb:
                counter.newest = cast(VideoFrame, frame).to_ndarray(format="rgb24")


async def plain_receiver(rgb: bool) -> None:
    counter = Counter()
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    tasks: list[asyncio.Task[None]] = []
    pc.on("track", lambda track: tasks.append(asyncio.ensure_future(drain(track, counter, rgb))))
    offer = json.loads(await read_line())
    await pc.setRemoteDescription(RTCSessionDescription(sdp=offer["sdp"], type=offer["type"]))
    await pc.setLocalDescription(await pc.createAnswer())
    say(sdp=pc.localDescription.sdp, type=pc.localDescription.type)
    reporter = asyncio.ensure_future(counter.report())
    await read_line()
    reporter.cancel()
    await pc.close()


async def media_receiver(show: Any = None) -> Any:
    """The desktop's CallMedia answering the sender's offer; `show` gets each RGB frame."""
    from cartstart_desktop.core.call_devices import CallDevices
    from cartstart_desktop.core.call_media import CallMedia
    from shared_protocol.calls import RtcRelayed

    counter = Counter()

    def on_video(rgb: Any) -> None:
        counter.frames += 1
        if show is not None:
            show(rgb)

    async def send(frame: dict[str, Any]) -> None:
        pass  # the whole answer (candidates included) is sent below, once it is set

    media = CallMedia(
        "bench", [], CallDevices(None, None, None), send, on_video, lambda: None, connect_within=60
    )
    offer = json.loads(await read_line())
    await media.receive(
        RtcRelayed(
            call_id="bench", side="store", description={"type": "offer", "sdp": offer["sdp"]}
        )
    )
    say(sdp=media.pc.localDescription.sdp, type=media.pc.localDescription.type)
    return counter, media


async def media_only() -> None:
    counter, media = await media_receiver()
    reporter = asyncio.ensure_future(counter.report())
    await read_line()
    reporter.cancel()
    await media.close()


def qt_receiver() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync

    from cartstart_desktop.ui.live_call import VideoView
    from cartstart_desktop.ui.qt import QApplication

    app = QApplication.instance() or QApplication([])
    painted = [0]

    class CountedView(VideoView):
        def paintEvent(self, event: Any) -> None:
            super().paintEvent(event)
            painted[0] += 1

    view = CountedView()
    view.resize(640, 480)
    view.show()

    async def run() -> None:
        counter, media = await media_receiver(view.show_frame)

        async def report() -> None:
            while True:
                await asyncio.sleep(REPORT_EVERY)
                say(frames=counter.frames, painted=painted[0], t=time.monotonic())

        reporter = asyncio.ensure_future(report())
        await read_line()
        reporter.cancel()
        await media.close()

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(run())


def main() -> None:
    role = sys.argv[1]
    loopback_only()
    with contextlib.suppress(KeyboardInterrupt):
        match role:
            case "sender":
                asyncio.run(sender())
            case "bare" | "rgb":
                asyncio.run(plain_receiver(rgb=role == "rgb"))
            case "media":
                asyncio.run(media_only())
            case "qt":
                qt_receiver()
            case _:
                raise SystemExit(f"unknown role {role}")


if __name__ == "__main__":
    main()

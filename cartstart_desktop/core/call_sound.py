"""The call's sound through PortAudio (`sounddevice`, see call_devices.py for why): the other
side's voice played on the chosen speaker, the shopper's microphone recorded in 20 ms blocks.
PortAudio calls back on its own thread; these classes hand the bytes across under a lock (the
speaker) or with call_soon_threadsafe (the microphone), and keep at most a fraction of a second
so a stall never turns into a growing delay."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import numpy

from .call_devices import DEFAULT, portaudio

RATE = 48_000
BLOCK = 960  # 20 ms
MAX_PLAYBACK = RATE * 2 * 2 // 5  # 200 ms of 16-bit stereo
MAX_BLOCKS = 10  # 200 ms of microphone blocks waiting to be sent


def _device(name: str) -> str | None:
    return None if name == DEFAULT else name


class Speaker:
    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._pending = bytearray()
        self._lock = threading.Lock()
        self.played = 0
        """Bytes of the other side's sound handed to the device so far."""

    @classmethod
    def open(cls, name: str) -> Speaker | None:
        """The speaker, or None when there is none (the call goes on without sound)."""
        sd = portaudio()
        if sd is None:
            return None
        speaker = cls(None)
        try:
            stream = sd.RawOutputStream(
                samplerate=RATE,
                channels=2,
                dtype="int16",
                blocksize=BLOCK,
                device=_device(name),
                callback=speaker._fill,
            )
            stream.start()
        except Exception:  # (no device, or PortAudio's own errors)
            return None
        speaker._stream = stream
        return speaker

    def _fill(self, out: Any, frames: int, _time: Any, _status: Any) -> None:
        wanted = len(out)
        with self._lock:
            chunk = bytes(self._pending[:wanted])
            del self._pending[:wanted]
            self.played += len(chunk)
        out[: len(chunk)] = chunk
        out[len(chunk) :] = b"\0" * (wanted - len(chunk))

    def play(self, pcm: bytes) -> None:
        """16-bit stereo at 48 kHz; the oldest is dropped past 200 ms."""
        with self._lock:
            self._pending += pcm
            if len(self._pending) > MAX_PLAYBACK:
                del self._pending[: len(self._pending) - MAX_PLAYBACK]

    def close(self) -> None:
        self._stream.stop()
        self._stream.close()


class Microphone:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._blocks: asyncio.Queue[numpy.ndarray[Any, Any]] = asyncio.Queue()
        self._stream: Any = None

    @classmethod
    def open(cls, name: str, loop: asyncio.AbstractEventLoop) -> Microphone | None:
        sd = portaudio()
        if sd is None:
            return None
        mic = cls(loop)
        mic._stream = sd.RawInputStream(
            samplerate=RATE,
            channels=1,
            dtype="int16",
            blocksize=BLOCK,
            device=_device(name),
            callback=mic._recorded,
        )
        mic._stream.start()
        return mic

    def _recorded(self, data: Any, frames: int, _time: Any, _status: Any) -> None:
        block = numpy.frombuffer(bytes(data), dtype=numpy.int16)
        self._loop.call_soon_threadsafe(self._keep, block)

    def _keep(self, block: numpy.ndarray[Any, Any]) -> None:
        if self._blocks.qsize() >= MAX_BLOCKS:
            self._blocks.get_nowait()
        self._blocks.put_nowait(block)

    async def read(self) -> numpy.ndarray[Any, Any]:
        return await self._blocks.get()

    def close(self) -> None:
        self._stream.stop()
        self._stream.close()

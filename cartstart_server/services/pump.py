"""Delivery of one durable stream (a cart's or a store's outbox) to one live connection.

Frames published after commits are offered as they come; anything the connection has not seen yet
(a replay after reconnect, a gap) is read from storage. The OutboxCursor decides; this class only
moves frames. One task sends, so frames leave in seq order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from shared_protocol.session import OutboxCursor

from ..domain.topics import Frame
from .streams import Stream, Streams

log = logging.getLogger(__name__)

FETCH_LIMIT = 500


class StreamPump:
    def __init__(
        self,
        streams: Streams,
        stream: Stream,
        send: Callable[[Frame], Awaitable[None]],
        resync: Callable[[], Awaitable[int]],
    ) -> None:
        self._streams = streams
        self.stream = stream
        self._send = send
        self._resync = resync  # sends a snapshot, returns its head_seq
        self.cursor = OutboxCursor[Frame](0)
        self._kick = asyncio.Event()
        self._fetch = True
        self._task: asyncio.Task[None] | None = None

    def offer(self, frame: Frame | None) -> None:
        """Broker callback: a frame of this stream was committed (None: some may have been lost,
        so look in the outbox)."""
        if frame is None:
            self._fetch = True
        else:
            self.cursor.offer(frame.seq, frame)
        self._kick.set()

    def start(self, last_sent: int) -> None:
        """Begin delivering everything after `last_sent` (what the client already has)."""
        self.cursor.reset(last_sent)
        self._fetch = True
        self._kick.set()
        self._task = asyncio.create_task(self._run(), name=f"pump {self.stream.name}")

    def rebase(self, head_seq: int) -> None:
        """The client just got a snapshot as of `head_seq`."""
        self.cursor.reset(head_seq)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await self._kick.wait()
            self._kick.clear()
            for frame in self.cursor.ready():
                await self._send(frame)
            while self._fetch or self.cursor.needs_fetch():
                self._fetch = False
                after = self.cursor.last_sent
                frames = await self._streams.read(self.stream, after, FETCH_LIMIT)
                if (frames and frames[0].seq > after + 1) or (
                    not frames and self.cursor.needs_fetch()
                ):
                    # What this client missed is no longer stored (another device of the same
                    # cart acked it): a snapshot replaces the replay.
                    log.info("outbox gap, sending snapshot", extra={"owner": self.stream.name})
                    self.cursor.reset(await self._resync())
                    continue
                for frame in self.cursor.fetched((f.seq, f) for f in frames):
                    await self._send(frame)
                self._fetch = len(frames) == FETCH_LIMIT

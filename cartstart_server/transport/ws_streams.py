"""What the channels with a durable stream (cart, store) share: resume or snapshot, then live
delivery through a StreamPump, and acks."""

from __future__ import annotations

from typing import Any

from websockets.asyncio.server import ServerConnection

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.common import Ack, Hello, Welcome
from shared_protocol.session import can_replay

from ..services.pump import StreamPump
from ..services.streams import Frame, Stream, Streams
from .ws_session import ChannelSession, M, Wiring


class StreamSession(ChannelSession[M]):
    stream: Stream
    pump: StreamPump

    def __init__(self, conn: ServerConnection, wiring: Wiring, streams: Streams) -> None:
        super().__init__(conn, wiring)
        self.streams = streams

    async def snapshot(self, command_id: str | None = None) -> int:
        """Send the current state; returns its head_seq."""
        raise NotImplementedError

    async def start_stream(self, hello: Hello, **welcome: Any) -> None:
        self.pump = StreamPump(self.streams, self.stream, self.deliver, self.snapshot)
        # Follow before reading the stream's state, so nothing committed in between is missed.
        self.streams.follow(self.stream, self.pump.offer)
        await self.streams.ready()
        head, acked = await self.streams.state(self.stream)
        if can_replay(hello.resume_from, head, acked):
            assert hello.resume_from is not None
            await self.send(self._welcome(head, True, **welcome))
            self.pump.start(hello.resume_from)
        else:
            await self.send(self._welcome(head, False, **welcome))
            self.pump.start(await self.snapshot())

    def _welcome(self, head: int, resumed: bool, **extra: Any) -> str:
        channel = self.channel.value
        return Welcome(
            version=self.version, channel=channel, head_seq=head, resumed=resumed, **extra
        ).model_dump_json()

    async def deliver(self, frame: Frame) -> None:
        await self.send(frame.text)

    async def ack(self, message: Ack) -> None:
        if message.seq > self.pump.cursor.last_sent:
            raise ProtocolError(
                ErrorCode.INVALID_MESSAGE,
                f"cannot ack seq {message.seq}: only {self.pump.cursor.last_sent} was sent",
            )
        await self.streams.ack(self.stream, message.seq)

    async def close(self) -> None:
        if hasattr(self, "pump"):
            self.streams.unfollow(self.stream, self.pump.offer)
            await self.pump.stop()

"""Durable streams (a cart's or a store's outbox) and how they reach a client: live, after a
commit, through the broker; replayed from storage after a reconnect or a gap; or by long-poll.
Transports hold a `Stream` and never build stream names themselves."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from shared_protocol import Channel, parse
from shared_protocol.cart import CartSnapshot
from shared_protocol.common import Availability
from shared_protocol.live import LiveSnapshot
from shared_protocol.session import can_replay
from shared_protocol.store import StoreSnapshot

from ..broker.base import Broker
from ..broker.base import Callback as Callback
from ..domain.topics import Frame as Frame
from ..domain.topics import Hold as Hold
from ..domain.topics import ProductKey as ProductKey
from ..domain.topics import (
    cart_stream,
    holds_of,
    live_lobby_topic,
    live_public_topic,
    live_signal_topic,
    live_store_topic,
    live_stream,
    store_stream,
    visitor_topic,
)
from ..storage import outbox
from ..storage.base import Database
from .live import ProductFanout

POLL_LIMIT = 500


@dataclass(frozen=True)
class Stream:
    name: str
    carries_holds: bool  # a cart's stream: its frames say which holds they changed
    trimmed_by_acks: bool = True  # a live session's stream is kept whole (both sides read it)


@dataclass(frozen=True)
class Batch:
    """A long-poll's answer: the frames after `after` in order (each as encoded once), or, if the
    stream cannot be replayed from there, a snapshot to continue from."""

    frames: list[str]
    head_seq: int
    snapshot: CartSnapshot | StoreSnapshot | LiveSnapshot | None = None


class Streams:
    def __init__(self, db: Database, broker: Broker, fanout: ProductFanout) -> None:
        self._db = db
        self._broker = broker
        self._fanout = fanout
        self._closing = asyncio.Event()

    def close(self) -> None:
        """The hub is stopping: answer every open long-poll now, with what there is."""
        self._closing.set()

    @property
    def closing(self) -> bool:
        """The hub is stopping: waits return at once (a long-poll loop ends, not asks again)."""
        return self._closing.is_set()

    @staticmethod
    def of_cart(cart_id: str) -> Stream:
        return Stream(cart_stream(cart_id), carries_holds=True)

    @staticmethod
    def of_store(store_id: str) -> Stream:
        return Stream(store_stream(store_id), carries_holds=False)

    @staticmethod
    def of_live(session_id: str) -> Stream:
        return Stream(live_stream(session_id), carries_holds=False, trimmed_by_acks=False)

    # A live session's signals, a store's live lobby, its public board and its calls' busy state:
    # broker topics only (nothing stored), followed by the live channel's connections.
    @staticmethod
    def live_signals(session_id: str) -> str:
        return live_signal_topic(session_id)

    @staticmethod
    def live_lobby(store_id: str) -> str:
        return live_lobby_topic(store_id)

    @staticmethod
    def live_public(store_id: str) -> str:
        return live_public_topic(store_id)

    @staticmethod
    def live_store(store_id: str) -> str:
        return live_store_topic(store_id)

    @staticmethod
    def visitor(store_id: str, visitor_id: str) -> str:
        return visitor_topic(store_id, visitor_id)

    def listen(self, topic: str, callback: Callback) -> None:
        self._broker.subscribe(topic, callback)

    def unlisten(self, topic: str, callback: Callback) -> None:
        self._broker.unsubscribe(topic, callback)

    def follow(self, stream: Stream, callback: Callback) -> None:
        self._broker.subscribe(stream.name, callback)

    def unfollow(self, stream: Stream, callback: Callback) -> None:
        self._broker.unsubscribe(stream.name, callback)

    async def ready(self) -> None:
        """Once this returns, everything followed so far is heard: read the state after it."""
        await self._broker.ready()

    async def state(self, stream: Stream) -> tuple[int, int]:
        """(head_seq, acked_seq)."""
        return await self._db.read(outbox.stream_state(stream.name))

    async def read(self, stream: Stream, after: int, limit: int = POLL_LIMIT) -> list[Frame]:
        rows = await self._db.read(outbox.read_after(stream.name, after, limit))
        return [self._stored(stream, seq, text) for seq, text in rows]

    @staticmethod
    def _stored(stream: Stream, seq: int, text: str) -> Frame:
        # Frames read back from storage (a replay) are decoded once here for their holds; live
        # frames carry them from the transaction that wrote them.
        holds = holds_of(parse(Channel.CART, "server", text)) if stream.carries_holds else ()
        return Frame(text, seq=seq, holds=holds)

    async def ack(self, stream: Stream, seq: int) -> None:
        if stream.trimmed_by_acks:
            await self._db.write(outbox.ack(stream.name, seq))

    async def poll(
        self,
        stream: Stream,
        after: int,
        wait: float,
        snapshot: Callable[[], Awaitable[CartSnapshot | StoreSnapshot | LiveSnapshot]],
    ) -> Batch:
        """The stream after `after`, waiting up to `wait` seconds for something new. Polling
        with `after=N` also acknowledges N, exactly like `resume_from` on a WebSocket."""
        head, acked = await self.state(stream)
        if acked < after <= head:  # only a cursor that moved costs a write
            await self.ack(stream, after)
            acked = after
        if not can_replay(after, head, acked):
            snap = await snapshot()
            return Batch([], snap.head_seq, snap)
        rows = await self._db.read(outbox.read_after(stream.name, after, POLL_LIMIT))
        if not rows and wait > 0:

            async def arrived() -> bool:
                return bool(await self._db.read(outbox.read_after(stream.name, after, 1)))

            await self._wait([stream.name], wait, arrived)
            rows = await self._db.read(outbox.read_after(stream.name, after, POLL_LIMIT))
        last = rows[-1][0] if rows else after
        return Batch([text for _, text in rows], max(head, last))

    async def product_changes(
        self, known: Mapping[ProductKey, int | None], seconds: float
    ) -> list[Availability]:
        """The counts of these products whose version differs from `known`, waiting up to
        `seconds` for one to change: woken by the node's coalesced fan-out (services/live.py),
        at most about once per `fanout_window` per product however busy it is."""
        return await self._fanout.changes(known, seconds, self._closing)

    async def wait_for(
        self, topics: list[str], seconds: float, ready: Callable[[], Awaitable[bool]]
    ) -> None:
        """Wait until something is published on one of these topics (at most `seconds`),
        unless `ready()` already holds (a long-poll of an ephemeral state)."""
        await self._wait(topics, seconds, ready)

    async def _wait(
        self, topics: list[str], seconds: float, ready: Callable[[], Awaitable[bool]]
    ) -> None:
        """Wait until something is published on one of `topics` (at most `seconds`), unless
        `ready()` already holds once subscribed: checking after subscribing closes the race with
        a publish."""
        if seconds <= 0 or self._closing.is_set():
            return
        event = asyncio.Event()

        def wake(_: Any) -> None:
            event.set()

        for topic in topics:
            self._broker.subscribe(topic, wake)
        try:
            await self._broker.ready()
            if not await ready():
                woken = asyncio.ensure_future(event.wait())
                closing = asyncio.ensure_future(self._closing.wait())
                try:
                    await asyncio.wait(
                        {woken, closing}, timeout=seconds, return_when="FIRST_COMPLETED"
                    )
                finally:
                    woken.cancel()
                    closing.cancel()
        finally:
            for topic in topics:
                self._broker.unsubscribe(topic, wake)

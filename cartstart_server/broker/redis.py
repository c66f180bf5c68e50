"""The Redis pub/sub broker: fan-out between hub nodes.

Every node publishes to Redis and hears back what any node published, its own messages included,
so local and remote subscribers get one stream in one order. A node subscribes to a Redis
channel while at least one of its connections follows the topic. Pub/sub is fire-and-forget;
nothing durable rides on it: cart and store streams live in the database, and a message lost on
the way is found by the stream's next read (the pump reads the outbox, not the broker's payload)
or by the next availability version.

When the connection to Redis drops, redis-py reconnects and subscribes again. What was published
meanwhile is gone, so once a marker sent through Redis comes back (proof that the subscriptions
are live again), every local subscriber is told it may have missed messages (MISSED) and re-reads
from the database. A node started while Redis is away does the same once Redis answers: it
serves its own clients meanwhile, and subscribes to every topic followed so far when it joins.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from shared_protocol.backoff import Backoff

from ..domain.topics import Frame, Hold
from .base import MISSED, Callback

log = logging.getLogger(__name__)

_CONTROL = "hub"  # the broker's own topic, for the reconnection marker
# Pauses while Redis is away: short, since every node waits on it to catch up.
RETRY = Backoff(base=0.25, cap=1.0)


class RedisBroker:
    def __init__(self, url: str, *, prefix: str = "cartstart:") -> None:
        self.url = url
        self.prefix = prefix
        self._subscribers: dict[str, list[Callback]] = {}
        self._client: aioredis.Redis | None = None
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[Any]] = set()
        self._control = prefix + _CONTROL  # subscribed from start to stop
        self._marker = f"resubscribed:{secrets.token_hex(8)}"  # ours, not another node's
        self._confirming: asyncio.Task[None] | None = None
        self._joined = False  # subscribed once (a node may start while Redis is away)
        self._up = False  # connected to Redis, as far as the reader knows

    async def start(self) -> None:
        """Connect, or, if Redis does not answer, start anyway: the node serves its own clients
        and joins the others (its subscribers catching up from the database) once Redis answers,
        as a running node does after an outage."""
        # A Redis that does not answer must not hold a commit's publish for minutes.
        # A blocking pool: a burst of callers waits for a free connection (up to 5 s) instead
        # of failing with "Too many connections" when the pool's 64 are busy.
        pool = aioredis.BlockingConnectionPool.from_url(
            self.url, decode_responses=True, socket_connect_timeout=2, max_connections=64, timeout=5
        )
        self._client = aioredis.Redis.from_pool(pool)
        self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        try:
            await self._connect()
        except (RedisError, OSError) as exc:
            log.warning(
                f"Redis does not answer ({exc}); serving without the other nodes until it does"
            )
        self._reader = asyncio.create_task(self._read(), name="redis-broker")

    async def _connect(self) -> None:
        """Subscribe to the control topic and to every topic followed so far, in one command:
        once our marker comes back on the control topic, all of them are live."""
        topics = [self.prefix + t for t in self._subscribers]
        await self._pubsub.subscribe(self._control, *topics)
        # Called on every reconnection, after redis-py has subscribed again (it registered its
        # own callback first), including reconnections inside its retries that we never see.
        self._pubsub.connection.register_connect_callback(self._reconnected)
        self._joined = self._up = True

    def connected(self) -> bool:
        return self._up

    async def stop(self) -> None:
        if self._confirming is not None:
            self._confirming.cancel()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        for task in list(self._pending):
            task.cancel()
        if self._pubsub is not None:
            await self._pubsub.aclose()
        if self._client is not None:
            await self._client.aclose()
        self._subscribers.clear()

    async def publish(self, topic: str, frame: Frame) -> None:
        await self._send(topic, encode(frame))

    async def _send(self, topic: str, payload: str) -> None:
        assert self._client is not None, "broker not started"
        await self._client.publish(self.prefix + topic, payload)

    def subscribe(self, topic: str, callback: Callback) -> None:
        callbacks = self._subscribers.setdefault(topic, [])
        callbacks.append(callback)
        if len(callbacks) == 1 and self._pubsub.connection is not None:
            self._spawn(self._pubsub.subscribe(self.prefix + topic))

    def unsubscribe(self, topic: str, callback: Callback) -> None:
        callbacks = self._subscribers.get(topic)
        if not callbacks or callback not in callbacks:
            return
        callbacks.remove(callback)
        if not callbacks:
            del self._subscribers[topic]
            if self._pubsub.connection is not None:
                self._spawn(self._pubsub.unsubscribe(self.prefix + topic))

    def topic_count(self) -> int:
        return len(self._subscribers)

    async def ready(self) -> None:
        """Wait until every subscribe/unsubscribe asked for so far has reached Redis."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    def _spawn(self, work: Any) -> None:
        task = asyncio.ensure_future(self._quietly(work))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    @staticmethod
    async def _quietly(work: Any) -> None:
        """A (un)subscribe that meets an outage: the topics are put right when the marker
        comes back (see _read), so the failure needs no one's attention."""
        try:
            await work
        except (RedisError, OSError):
            log.debug("(un)subscribe failed while Redis is away", exc_info=True)

    async def _read(self) -> None:
        lost = not self._joined
        pauses = RETRY.delays()
        while True:
            try:
                if not self._joined:  # started while Redis was away: the first connection
                    await self._connect()
                    self._reconnected(None)
                message = await self._pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:
                if not lost:
                    log.warning("lost the connection to Redis; reconnecting", exc_info=True)
                lost = True
                self._up = False
                await asyncio.sleep(next(pauses))  # redis-py reconnects meanwhile
                continue
            if lost:
                lost, pauses = False, RETRY.delays()
                self._up = True
            if message is None or message.get("type") != "message":
                continue
            topic = str(message["channel"])[len(self.prefix) :]
            if message["channel"] == self._control:
                if message["data"] == self._marker:
                    await self._caught_up()
                continue
            callbacks = tuple(self._subscribers.get(topic, ()))
            if callbacks:
                frame = decode(message["data"])  # once per node, whoever listens
                for callback in callbacks:
                    self._call(topic, callback, frame)

    async def _caught_up(self) -> None:
        """Our marker came back: the subscriptions are live again. Topics first followed while
        Redis was away are subscribed now (and confirmed by another marker); then every local
        subscriber re-reads what it may have missed."""
        self._up = True
        wanted = {self.prefix + t for t in self._subscribers} | {self._control}
        missing = [c for c in wanted if c not in self._pubsub.channels]
        stale = [c for c in self._pubsub.channels if c not in wanted]  # unsubscribes lost
        if stale:
            await self._pubsub.unsubscribe(*stale)
        if missing:
            await self._pubsub.subscribe(*missing)
            self._reconnected(None)
            return
        log.info("back on Redis; subscribers catch up from the database")
        self._tell_all(MISSED)

    def _reconnected(self, connection: Any) -> None:
        """redis-py connect callback: messages published while we were away are lost."""
        if self._confirming is None or self._confirming.done():
            self._confirming = asyncio.ensure_future(self._send_marker())

    async def _send_marker(self) -> None:
        pauses = RETRY.delays()
        for _ in range(20):
            try:
                await self._send(_CONTROL, self._marker)
                return
            except Exception:
                await asyncio.sleep(next(pauses))
        log.warning("could not confirm the Redis subscriptions; will retry on the next drop")

    def _tell_all(self, payload: Frame | None) -> None:
        for topic, callbacks in list(self._subscribers.items()):
            for callback in tuple(callbacks):
                self._call(topic, callback, payload)

    @staticmethod
    def _call(topic: str, callback: Callback, payload: Frame | None) -> None:
        try:
            callback(payload)
        except Exception:  # one faulty subscriber must not starve the others
            log.exception("subscriber failed", extra={"topic": topic})


def encode(frame: Frame) -> str:
    """A frame for Redis: what subscribers route on, a newline, then the frame as it was encoded
    (its text is never decoded on the way)."""
    holds = [[h.store_id, h.product_id, h.qty, h.expires_at, h.personalised] for h in frame.holds]
    return json.dumps([frame.seq, frame.version, holds]) + "\n" + frame.text


def decode(payload: str) -> Frame:
    header, _, text = payload.partition("\n")
    seq, version, holds = json.loads(header)
    return Frame(text, seq=seq, version=version, holds=tuple(Hold(*h) for h in holds))

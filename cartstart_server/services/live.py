"""Availability fan-out: product topic -> the connections and long-polls showing that product.

One broker subscription per product per hub process, however many pages and carts show it. What
the broker carries (each change once) is coalesced here per product (domain/coalesce.py, with
`fanout_window`): a flash sale's hundreds of changes a second reach each follower at most about
once per window, always ending on the final count. A frame, encoded once by the transaction, is
written to every connection by the transport's `broadcast` (for WebSockets, websockets' own: no
per-connection coroutine); long-polls waiting on the product are woken by the same sends.

Only counts travel here: a cart's own reply and `item_added` go on its cart stream, never held.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Hashable, Mapping
from typing import Any

from shared_protocol.common import Availability

from ..broker.base import Broker
from ..clock import Clock
from ..domain.coalesce import Coalescer
from ..domain.topics import Frame, ProductKey, product_topic
from .metrics import HubMetrics

ReadCounts = Callable[[list[ProductKey]], Awaitable[list[Availability]]]
Broadcast = Callable[[Collection[Any], str], None]  # (connections, text): the transport's
Listener = Callable[[Frame], None]

log = logging.getLogger(__name__)


def _nobody(conns: Collection[Any], text: str) -> None:
    """The broadcast of a hub without WebSocket listeners (it has no connections to add)."""


class ProductFanout:
    def __init__(
        self,
        broker: Broker,
        read_counts: ReadCounts,
        clock: Clock,
        window: float,
        metrics: HubMetrics,
    ) -> None:
        self._broker = broker
        self._read_counts = read_counts  # the database's counts, for when the broker lost some
        self._clock = clock
        self._metrics = metrics
        self.broadcast: Broadcast = _nobody  # set by the server that owns the connections
        self._rule: Coalescer[str, Frame] = Coalescer(window)
        self._conns: dict[str, set[Hashable]] = {}
        self._listeners: dict[str, set[Listener]] = {}
        self._keys: dict[str, ProductKey] = {}
        self._callbacks: dict[str, Callable[[Frame | None], None]] = {}
        self._sent: dict[str, Frame] = {}  # the newest count sent (or read) while followed
        self._parsed: dict[str, Availability] = {}  # `_sent` decoded, for long-polls
        self._stale: set[str] = set()
        self._refreshing: asyncio.Task[None] | None = None
        self._flushing: asyncio.Task[None] | None = None
        self._flush_at = 0.0

    # Who follows a product on this node: connections (written to) and long-polls (woken).

    def add(self, conn: Hashable, key: ProductKey) -> None:
        self._conns.setdefault(self._follow(key), set()).add(conn)

    def remove(self, conn: Hashable, key: ProductKey) -> None:
        topic = product_topic(*key)
        conns = self._conns.get(topic)
        if conns is not None:
            conns.discard(conn)
            if not conns:
                del self._conns[topic]
            self._maybe_forget(topic)

    def listen(self, key: ProductKey, listener: Listener) -> None:
        self._listeners.setdefault(self._follow(key), set()).add(listener)

    def unlisten(self, key: ProductKey, listener: Listener) -> None:
        topic = product_topic(*key)
        listeners = self._listeners.get(topic)
        if listeners is not None:
            listeners.discard(listener)
            if not listeners:
                del self._listeners[topic]
            self._maybe_forget(topic)

    def _follow(self, key: ProductKey) -> str:
        topic = product_topic(*key)
        if topic not in self._keys:
            self._keys[topic] = key
            callback = self._callbacks[topic] = lambda frame: self._heard(topic, frame)
            self._broker.subscribe(topic, callback)
        return topic

    def _maybe_forget(self, topic: str) -> None:
        """Nobody on this node follows the product any more: nothing of it is kept."""
        if topic in self._conns or topic in self._listeners or topic not in self._keys:
            return
        del self._keys[topic]
        self._rule.forget(topic)
        self._sent.pop(topic, None)
        self._parsed.pop(topic, None)
        self._broker.unsubscribe(topic, self._callbacks.pop(topic))

    # What the broker carries, through the rule, out to the followers.

    def _heard(self, topic: str, frame: Frame | None) -> None:
        if frame is None:  # counts may have changed unheard: read them (all topics at once)
            self._stale.add(topic)
            if self._refreshing is None:
                self._refreshing = asyncio.ensure_future(self._refresh())
            return
        self._metrics.availability_heard.inc()
        if topic not in self._keys:
            return
        # Frames can arrive out of order between hub nodes: the rule never lets an older win.
        out = self._rule.offer(topic, frame.version, frame, self._clock.now())
        if out is not None:
            self._send(topic, out)
        else:
            self._schedule()

    def _send(self, topic: str, frame: Frame) -> None:
        sent = self._sent.get(topic)
        if sent is None or frame.version > sent.version:
            self._sent[topic] = frame
            self._parsed.pop(topic, None)
        conns = self._conns.get(topic)
        if conns:
            self.broadcast(conns, frame.text)
            self._metrics.fanout_frames.labels("socket").inc(len(conns))
        listeners = self._listeners.get(topic)
        if listeners:
            self._metrics.fanout_frames.labels("poll").inc(len(listeners))
            for listener in list(listeners):
                listener(frame)

    def _schedule(self) -> None:
        """Make sure the held values go out when due: one task sleeps until the earliest."""
        due = self._rule.next_due()
        if due is None:
            return
        if self._flushing is not None:
            if self._flush_at <= due:
                return
            self._flushing.cancel()  # a value due earlier than the one it sleeps for
        self._flush_at = due
        self._flushing = asyncio.ensure_future(self._flush())

    async def _flush(self) -> None:
        try:
            while (due := self._rule.next_due()) is not None:
                self._flush_at = due
                if self._clock.now() < due:
                    await self._clock.sleep_until(due)
                    continue  # a clock may wake a little early: look again
                for topic, frame in self._rule.due(self._clock.now()):
                    self._send(topic, frame)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("could not send held counts")
        finally:
            if self._flushing is asyncio.current_task():
                self._flushing = None

    async def _refresh(self) -> None:
        try:
            while self._stale:
                topics = [t for t in self._stale if t in self._keys]
                self._stale.clear()
                for item in await self._read_counts([self._keys[t] for t in topics]):
                    topic = product_topic(item.store_id, item.product_id)
                    self._heard(topic, Frame(item.model_dump_json(), version=item.version))
        except Exception:
            log.exception("could not refresh counts")
        finally:
            self._refreshing = None

    # Long-polls: the counts a page does not have yet, woken by the coalesced sends.

    async def changes(
        self, known: Mapping[ProductKey, int | None], seconds: float, closing: asyncio.Event
    ) -> list[Availability]:
        """The counts of these products newer than `known` (product -> the version the client
        shows), waiting up to `seconds` for one: answered with what this node last sent, so a
        client polling in a loop hears a busy product at most about once per window."""
        if seconds <= 0 or closing.is_set():
            return await self._read_changed(known)
        woken = asyncio.Event()

        def wake(_: Frame) -> None:
            woken.set()

        for key in known:
            self.listen(key, wake)
        try:
            await self._broker.ready()  # everything from here on is heard
            items = await self._current(known)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + seconds
            while not items and not closing.is_set():
                left = deadline - loop.time()
                if left <= 0 or not await _either(woken, closing, left):
                    # Timed out (or the hub is stopping): the database has the last word.
                    return await self._read_changed(known)
                woken.clear()
                items = self._newer(known)
            return items
        finally:
            for key in known:
                self.unlisten(key, wake)

    async def _current(self, known: Mapping[ProductKey, int | None]) -> list[Availability]:
        """Counts newer than the client's, from what this node last sent. A client ahead of
        that (it read the database, or another node) waits for a newer send: answering it from
        the database would let it poll past the window for as long as the product is busy. The
        database is read only for products the node knows no count of yet, and what it says
        is kept for the next polls."""
        items: list[Availability] = []
        unknown: dict[ProductKey, int | None] = {}
        for key, version in known.items():
            value = self._value(product_topic(*key))
            if value is None:
                unknown[key] = version
            elif _newer(value.version, version):
                items.append(value)
        if unknown:
            read = await self._read_counts(list(unknown))
            for item in read:
                self._keep(item)
            items += [a for a in read if a.version != unknown[a.store_id, a.product_id]]
        return items

    def _keep(self, item: Availability) -> None:
        """A count read from the database, as the newest known of a followed product (what
        the fan-out sends later never replaces it with an older one)."""
        topic = product_topic(item.store_id, item.product_id)
        sent = self._sent.get(topic)
        if topic in self._keys and (sent is None or item.version > sent.version):
            self._sent[topic] = Frame(item.model_dump_json(), version=item.version)
            self._parsed[topic] = item

    def _newer(self, known: Mapping[ProductKey, int | None]) -> list[Availability]:
        items = [self._value(product_topic(*key)) for key in known]
        return [
            a for a in items if a is not None and _newer(a.version, known[a.store_id, a.product_id])
        ]

    async def _read_changed(self, known: Mapping[ProductKey, int | None]) -> list[Availability]:
        items = await self._read_counts(list(known))
        return [a for a in items if a.version != known[a.store_id, a.product_id]]

    def _value(self, topic: str) -> Availability | None:
        value = self._parsed.get(topic)
        if value is None and (sent := self._sent.get(topic)) is not None:
            value = self._parsed[topic] = Availability.model_validate_json(sent.text)
        return value

    def topics(self) -> int:
        return len(self._keys)

    def heard(self, key: ProductKey) -> int | None:
        """The newest count version this node heard of the product and sent or holds."""
        return self._rule.version(product_topic(*key))

    def followers(self, key: ProductKey) -> int:
        """Connections and long-polls following the product on this node."""
        topic = product_topic(*key)
        return len(self._conns.get(topic, ())) + len(self._listeners.get(topic, ()))

    def kept(self) -> int:
        """Products this node keeps any state of (0 once nobody follows anything)."""
        return len(self._keys) + len(self._rule) + len(self._sent) + len(self._parsed)

    def close(self) -> None:
        for task in (self._flushing, self._refreshing):
            if task is not None:
                task.cancel()


async def _either(woken: asyncio.Event, closing: asyncio.Event, seconds: float) -> bool:
    """Wait for `woken` (True) or `closing`, or `seconds` (False)."""
    tasks = {asyncio.ensure_future(woken.wait()), asyncio.ensure_future(closing.wait())}
    try:
        await asyncio.wait(tasks, timeout=seconds, return_when="FIRST_COMPLETED")
    finally:
        for task in tasks:
            task.cancel()
    return woken.is_set() and not closing.is_set()


def _newer(version: int, known: int | None) -> bool:
    return known is None or version > known

"""Availability fan-out: product topic -> the connections and long-polls showing that product.

One broker subscription per product per hub process, however many pages and carts show it. What
the broker carries (each change once) is coalesced here per product (domain/coalesce.py, with
`fanout_window`): a flash sale's hundreds of changes a second reach each follower at most about
once per window, always ending on the final count. A frame, encoded once by the transaction, is
written to every connection by the transport's `broadcast` (for WebSockets, websockets' own: no
per-connection coroutine); long-polls waiting on the product are woken by the same sends.
Sends happen on the loop's next turn (`call_soon`), never inside the commit's publish, so a
command's reply is written before thousands of followers are.

The window runs on the clock's monotonic time. A product nobody follows any more is kept (its
subscription, window and last count) for a grace period, so a page polling in a loop is
coalesced like a WebSocket page and does not re-subscribe and read the database at every poll.

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

# Sleeps are on the wall clock (Clock.sleep_until), times on the monotonic one: a microsecond
# of slack absorbs the rounding between them (wall times near 1.8e9 round to ~0.2 us).
_EPSILON = 1e-6


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
        # Kept after the last follower leaves: ten windows, at least two seconds (none at 0).
        self._grace = max(2.0, 10 * window) if window > 0 else 0.0
        self._idle: dict[str, float] = {}  # unfollowed topics -> since when (oldest first)
        self._unverified: set[str] = set()  # kept count not yet checked against the database
        self._conns: dict[str, set[Hashable]] = {}
        self._listeners: dict[str, set[Listener]] = {}
        self._keys: dict[str, ProductKey] = {}
        self._callbacks: dict[str, Callable[[Frame | None], None]] = {}
        self._sent: dict[str, Frame] = {}  # the newest count sent (or read) while followed
        self._parsed: dict[str, Availability] = {}  # `_sent` decoded, for long-polls
        self._stale: set[str] = set()
        self._refreshing: asyncio.Task[None] | None = None
        self._flushing: asyncio.Task[None] | None = None
        self._sweeping: asyncio.Task[None] | None = None
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
        self._idle.pop(topic, None)
        if topic not in self._keys:
            self._keys[topic] = key
            self._unverified.add(topic)  # frames before the subscription took effect: unheard
            callback = self._callbacks[topic] = lambda frame: self._heard(topic, frame)
            self._broker.subscribe(topic, callback)
        return topic

    def _followed(self, topic: str) -> bool:
        return topic in self._conns or topic in self._listeners

    def _maybe_forget(self, topic: str) -> None:
        """Nobody on this node follows the product any more: kept for the grace period (the
        next poll of a page polling in a loop comes within it), then forgotten by `_sweep`."""
        if self._followed(topic) or topic not in self._keys:
            return
        if self._grace <= 0:
            self._forget(topic)
            return
        self._idle[topic] = self._clock.monotonic()
        if self._sweeping is None:
            self._sweeping = asyncio.ensure_future(self._sweep())

    def _forget(self, topic: str) -> None:
        del self._keys[topic]
        self._rule.forget(topic)
        self._sent.pop(topic, None)
        self._parsed.pop(topic, None)
        self._unverified.discard(topic)
        self._stale.discard(topic)
        self._broker.unsubscribe(topic, self._callbacks.pop(topic))

    async def _sweep(self) -> None:
        """Forget the products unfollowed for the grace period, oldest first (one task)."""
        try:
            while self._idle:
                topic, since = next(iter(self._idle.items()))
                left = since + self._grace - self._clock.monotonic()
                if left > _EPSILON:
                    await self._clock.sleep_until(self._clock.now() + left - _EPSILON)
                    continue  # looked at again: followed again meanwhile, or a clock woke early
                del self._idle[topic]
                self._forget(topic)
        finally:
            if self._sweeping is asyncio.current_task():
                self._sweeping = None

    # What the broker carries, through the rule, out to the followers.

    def _heard(self, topic: str, frame: Frame | None) -> None:
        if frame is None:  # counts may have changed unheard: read them (all topics at once)
            self._stale.add(topic)
            self._unverified.add(topic)
            if self._refreshing is None:
                self._refreshing = asyncio.ensure_future(self._refresh())
            return
        if self._followed(topic):  # changes heard for someone (not kept ones, not re-reads)
            self._metrics.availability_heard.inc()
        self._offer(topic, frame)

    def _offer(self, topic: str, frame: Frame) -> None:
        if topic not in self._keys:
            return
        # Frames can arrive out of order between hub nodes: the rule never lets an older win.
        out = self._rule.offer(topic, frame.version, frame, self._clock.monotonic())
        if out is not None:  # after the publisher's turn: its reply is written first
            asyncio.get_running_loop().call_soon(self._send, topic, out)
        else:
            self._schedule()

    def _send(self, topic: str, frame: Frame) -> None:
        try:
            self._write(topic, frame)
        except Exception:  # a faulty transport must not lose the other products' counts
            log.exception("could not send a count", extra={"topic": topic})

    def _write(self, topic: str, frame: Frame) -> None:
        if topic not in self._keys:
            return  # forgotten before its turn came
        sent = self._sent.get(topic)
        if sent is None or frame.version > sent.version:
            self._sent[topic] = frame
            self._parsed.pop(topic, None)
        began = self._clock.monotonic()
        conns = self._conns.get(topic)
        if conns:
            self.broadcast(conns, frame.text)
            self._metrics.fanout_frames.labels("socket").inc(len(conns))
        listeners = self._listeners.get(topic)
        if listeners:
            self._metrics.fanout_frames.labels("poll").inc(len(listeners))
            for listener in list(listeners):
                listener(frame)
        self._rule.sent(topic, self._clock.monotonic() - began)  # the window runs from its end

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
                now = self._clock.monotonic()
                if due - now > _EPSILON:
                    await self._clock.sleep_until(self._clock.now() + due - now - _EPSILON)
                    continue  # a clock may wake a little early: look again
                for topic, frame in self._rule.due(max(now, due)):
                    self._send(topic, frame)  # each on its own: one failing loses no other
        except asyncio.CancelledError:
            raise
        except Exception:  # not expected (sends catch their own): retry while values are held
            log.exception("could not send held counts")
            asyncio.get_running_loop().call_later(max(self._rule.window, 0.05), self._schedule)
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
                    self._unverified.discard(topic)
                    self._offer(topic, Frame(item.model_dump_json(), version=item.version))
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
        client polling in a loop hears a busy product at most about once per window. A read of
        the database with no wait left (at once, or when the wait ends) is the last word: the
        counts whose version differs from the client's (so a page ahead of a restored database
        comes back to it, once per full wait)."""
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
        database is read (after `broker.ready()`, so nothing after it goes unheard) only for
        products whose kept count is not known to be continuous since subscribing: just
        subscribed, after a broker outage, or no count yet. What it says is kept."""
        check = [k for k in known if product_topic(*k) in self._unverified or not self._has(k)]
        if check:
            for item in await self._read_counts(check):
                self._keep(item)
                self._unverified.discard(product_topic(item.store_id, item.product_id))
        return self._newer(known)

    def _has(self, key: ProductKey) -> bool:
        return product_topic(*key) in self._sent

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
        for item in items:
            self._keep(item)
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
        """Products this node keeps any state of (0 once nobody has followed anything for the
        grace period)."""
        return len(self._keys) + len(self._rule) + len(self._sent) + len(self._parsed)

    async def close(self) -> None:
        """After the broker stopped (nothing more is heard): end the tasks and wait for them."""
        tasks = [t for t in (self._flushing, self._refreshing, self._sweeping) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


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

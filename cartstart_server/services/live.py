"""Availability fan-out: product topic -> the connections showing that product.

One broker subscription per product per hub process, however many pages show it, and one frame,
encoded once by the transaction, written to all of them by the transport's `broadcast` (for
WebSockets, websockets' own: no per-connection coroutine).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Hashable
from typing import Generic, TypeVar

from shared_protocol.common import Availability

from ..broker.base import Broker
from ..domain.topics import Frame, ProductKey, product_topic

C = TypeVar("C", bound=Hashable)  # a connection, as the transport knows it
ReadCounts = Callable[[list[ProductKey]], Awaitable[list[Availability]]]
Broadcast = Callable[[Collection[C], str], None]

log = logging.getLogger(__name__)


class ProductFanout(Generic[C]):
    def __init__(self, broker: Broker, read_counts: ReadCounts, broadcast: Broadcast[C]) -> None:
        self._broker = broker
        self._read_counts = read_counts  # the database's counts, for when the broker lost some
        self._broadcast = broadcast
        self._conns: dict[str, set[C]] = {}
        self._keys: dict[str, ProductKey] = {}
        self._callbacks: dict[str, Callable[[Frame | None], None]] = {}
        self._versions: dict[str, int] = {}
        self._stale: set[str] = set()
        self._refreshing: asyncio.Task[None] | None = None

    def add(self, conn: C, key: ProductKey) -> None:
        topic = product_topic(*key)
        conns = self._conns.get(topic)
        if conns is None:
            conns = self._conns[topic] = set()
            self._keys[topic] = key
            callback = self._callbacks[topic] = lambda frame: self._deliver(topic, frame)
            self._broker.subscribe(topic, callback)
        conns.add(conn)

    def remove(self, conn: C, key: ProductKey) -> None:
        topic = product_topic(*key)
        conns = self._conns.get(topic)
        if conns is None:
            return
        conns.discard(conn)
        if not conns:
            del self._conns[topic]
            del self._keys[topic]
            self._versions.pop(topic, None)
            self._broker.unsubscribe(topic, self._callbacks.pop(topic))

    def _deliver(self, topic: str, frame: Frame | None) -> None:
        if frame is None:  # counts may have changed unheard: read them (all topics at once)
            self._stale.add(topic)
            if self._refreshing is None:
                self._refreshing = asyncio.ensure_future(self._refresh())
            return
        # Frames can arrive out of order between hub nodes; never let an older count win.
        if frame.version <= self._versions.get(topic, -1):
            return
        self._versions[topic] = frame.version
        self._broadcast(self._conns.get(topic, set()), frame.text)

    async def _refresh(self) -> None:
        try:
            while self._stale:
                topics = [t for t in self._stale if t in self._keys]
                self._stale.clear()
                for item in await self._read_counts([self._keys[t] for t in topics]):
                    topic = product_topic(item.store_id, item.product_id)
                    if topic in self._conns:  # still followed after the read
                        self._deliver(topic, Frame(item.model_dump_json(), version=item.version))
        except Exception:
            log.exception("could not refresh counts")
        finally:
            self._refreshing = None

    def topics(self) -> int:
        return len(self._conns)

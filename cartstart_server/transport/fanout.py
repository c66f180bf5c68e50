"""Availability fan-out: product topic -> the connections showing that product.

One broker subscription per product per hub process, however many pages show it, and one encoded
frame written to all of them with websockets' `broadcast()` (no per-connection coroutine).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

from websockets.asyncio.server import ServerConnection, broadcast

from shared_protocol.common import Availability

from ..broker.base import Broker, product_topic

ProductKey = tuple[str, str]
ReadCounts = Callable[[list[ProductKey]], Awaitable[list[Availability]]]

log = logging.getLogger(__name__)


class ProductFanout:
    def __init__(self, broker: Broker, read_counts: ReadCounts) -> None:
        self._broker = broker
        self._read_counts = read_counts  # the database's counts, for when the broker lost some
        self._conns: dict[str, set[ServerConnection]] = {}
        self._keys: dict[str, ProductKey] = {}
        self._callbacks: dict[str, Callable[[str | None], None]] = {}
        self._versions: dict[str, int] = {}
        self._stale: set[str] = set()
        self._refreshing: asyncio.Task[None] | None = None

    def add(self, conn: ServerConnection, key: ProductKey) -> None:
        topic = product_topic(*key)
        conns = self._conns.get(topic)
        if conns is None:
            conns = self._conns[topic] = set()
            self._keys[topic] = key
            callback = self._callbacks[topic] = lambda frame: self._deliver(topic, frame)
            self._broker.subscribe(topic, callback)
        conns.add(conn)

    def remove(self, conn: ServerConnection, key: ProductKey) -> None:
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

    def _deliver(self, topic: str, frame: str | None) -> None:
        if frame is None:  # counts may have changed unheard: read them (all topics at once)
            self._stale.add(topic)
            if self._refreshing is None:
                self._refreshing = asyncio.ensure_future(self._refresh())
            return
        # Frames can arrive out of order between hub nodes; never let an older count win.
        version = int(json.loads(frame)["version"])
        if version <= self._versions.get(topic, -1):
            return
        self._versions[topic] = version
        broadcast(self._conns.get(topic, ()), frame)

    async def _refresh(self) -> None:
        try:
            while self._stale:
                topics = [t for t in self._stale if t in self._keys]
                self._stale.clear()
                for item in await self._read_counts([self._keys[t] for t in topics]):
                    topic = product_topic(item.store_id, item.product_id)
                    if topic in self._conns:  # still followed after the read
                        self._deliver(topic, item.model_dump_json())
        except Exception:
            log.exception("could not refresh counts")
        finally:
            self._refreshing = None

    def topics(self) -> int:
        return len(self._conns)

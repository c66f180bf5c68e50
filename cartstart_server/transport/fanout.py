"""Availability fan-out: product topic -> the connections showing that product.

One broker subscription per product per hub process, however many pages show it, and one encoded
frame written to all of them with websockets' `broadcast()` (no per-connection coroutine).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from websockets.asyncio.server import ServerConnection, broadcast

from ..broker.base import Broker, product_topic

ProductKey = tuple[str, str]


class ProductFanout:
    def __init__(self, broker: Broker) -> None:
        self._broker = broker
        self._conns: dict[str, set[ServerConnection]] = {}
        self._callbacks: dict[str, Callable[[str], None]] = {}
        self._versions: dict[str, int] = {}

    def add(self, conn: ServerConnection, key: ProductKey) -> None:
        topic = product_topic(*key)
        conns = self._conns.get(topic)
        if conns is None:
            conns = self._conns[topic] = set()
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
            self._versions.pop(topic, None)
            self._broker.unsubscribe(topic, self._callbacks.pop(topic))

    def _deliver(self, topic: str, frame: str) -> None:
        # Frames can arrive out of order between hub nodes; never let an older count win.
        version = int(json.loads(frame)["version"])
        if version <= self._versions.get(topic, -1):
            return
        self._versions[topic] = version
        broadcast(self._conns.get(topic, ()), frame)

    def topics(self) -> int:
        return len(self._conns)

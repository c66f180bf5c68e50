"""The in-process broker: the default for a single hub process."""

from __future__ import annotations

import logging

from ..domain.topics import Frame
from .base import Callback

log = logging.getLogger(__name__)


class MemoryBroker:
    def __init__(self) -> None:
        self._subscribers: dict[str, list[Callback]] = {}

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        self._subscribers.clear()

    async def publish(self, topic: str, frame: Frame) -> None:
        for callback in tuple(self._subscribers.get(topic, ())):
            try:
                callback(frame)
            except Exception:  # one faulty subscriber must not starve the others
                log.exception("subscriber failed", extra={"topic": topic})

    def connected(self) -> bool:
        return True

    def subscribe(self, topic: str, callback: Callback) -> None:
        self._subscribers.setdefault(topic, []).append(callback)

    def unsubscribe(self, topic: str, callback: Callback) -> None:
        callbacks = self._subscribers.get(topic)
        if not callbacks:
            return
        try:
            callbacks.remove(callback)
        except ValueError:
            return
        if not callbacks:
            del self._subscribers[topic]

    async def ready(self) -> None:
        pass  # subscriptions take effect at once

    def topic_count(self) -> int:
        return len(self._subscribers)

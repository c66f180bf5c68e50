"""The broker interface: topics (`domain.topics`) carry frames, encoded once by the transaction
that caused them.

Stream topics (`cart:<id>`, `store:<id>`) carry outbox frames after their commit; product
topics carry availability frames. Callbacks run on the event loop and must not block.

A callback given MISSED (None) instead of a frame is told that messages on its topic may have
been lost (the broker lost its connection and is back): it re-reads what the topic stands for
from the database, which holds everything that was committed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ..domain.topics import Frame

Callback = Callable[[Frame | None], None]
MISSED = None  # what a callback gets instead of a frame when messages may have been lost


class Broker(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, topic: str, frame: Frame) -> None: ...

    def subscribe(self, topic: str, callback: Callback) -> None: ...

    def unsubscribe(self, topic: str, callback: Callback) -> None: ...

    def connected(self) -> bool:
        """Whether other nodes hear what this one publishes now (always, in one process)."""
        ...

    async def ready(self) -> None:
        """Return once earlier subscribe() calls are in effect (Redis subscribes asynchronously):
        read the current state only after this, so nothing published in between is missed."""
        ...

"""HTTP long-polling on the same outboxes as the WebSockets: one stream, two ways to read it.

`after` is the last seq the client applied, exactly like `resume_from` on a WebSocket, so a client
may switch between the two at any moment without losing or repeating a message. Polling with
`after=N` also acknowledges N.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel

from shared_protocol.cart import CartSnapshot
from shared_protocol.session import can_replay
from shared_protocol.store import StoreSnapshot

from ..hub import Hub
from ..storage.outbox import frames_json

LIMIT = 500


class PollResponse(BaseModel):
    """`messages`: the stream's frames after `after`, in order. If the stream cannot be replayed
    from `after` (never seen, or already forgotten), `snapshot` holds the current state instead;
    continue from its `head_seq`."""

    messages: list[dict[str, Any]]
    head_seq: int
    snapshot: dict[str, Any] | None = None


async def wait_for_topics(
    hub: Hub, topics: list[str], seconds: float, ready: Callable[[], Awaitable[bool]]
) -> None:
    """Wait until something is published on one of `topics` (at most `seconds`), unless `ready()`
    already holds once subscribed: checking after subscribing closes the race with a publish."""
    if seconds <= 0:
        return
    event = asyncio.Event()

    def wake(_: str | None) -> None:
        event.set()

    for topic in topics:
        hub.broker.subscribe(topic, wake)
    try:
        if not await ready():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), seconds)
    finally:
        for topic in topics:
            hub.broker.unsubscribe(topic, wake)


async def poll_stream(
    hub: Hub,
    owner: str,
    after: int,
    wait: float,
    snapshot: Callable[[], Awaitable[CartSnapshot | StoreSnapshot]],
) -> str:
    head, acked = await hub.stream_state(owner)
    if acked < after <= head:  # only a cursor that moved costs a write
        await hub.ack(owner, after)
        acked = after
    if not can_replay(after, head, acked):
        snap = await snapshot()
        return f'{{"messages":[],"head_seq":{snap.head_seq},"snapshot":{snap.model_dump_json()}}}'
    rows = await hub.read_outbox(owner, after, LIMIT)
    if not rows and wait > 0:

        async def arrived() -> bool:
            return bool(await hub.read_outbox(owner, after, 1))

        await wait_for_topics(hub, [owner], min(wait, hub.config.long_poll_max), arrived)
        rows = await hub.read_outbox(owner, after, LIMIT)
    frames = [frame for _, frame in rows]
    last = rows[-1][0] if rows else after
    return frames_json(frames, head_seq=max(head, last), snapshot=None)

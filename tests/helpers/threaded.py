"""A real hub in a thread of its own, for callers that block (Schemathesis sends requests with
`requests`): the hub's event loop runs there, the test talks to it over 127.0.0.1."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any, TypeVar

from cartstart_server.clock import Clock
from cartstart_server.config import HubConfig
from cartstart_server.server import HubServer

T = TypeVar("T")


class ThreadedHub:
    def __init__(self, server: HubServer, loop: asyncio.AbstractEventLoop) -> None:
        self.server = server
        self.loop = loop

    def run(self, work: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        """Run a coroutine on the hub's loop (e.g. seeding through its services)."""
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout)


@contextmanager
def threaded_hub(config: HubConfig, clock: Clock | None = None) -> Iterator[ThreadedHub]:
    started: Future[ThreadedHub] = Future()
    stop: Future[None] = Future()

    async def main() -> None:
        try:
            server = HubServer(config, clock=clock)
            await server.start()
        except BaseException as exc:
            started.set_exception(exc)
            raise
        started.set_result(ThreadedHub(server, asyncio.get_running_loop()))
        try:
            await asyncio.wrap_future(stop)
        finally:
            await server.stop()

    thread = threading.Thread(target=asyncio.run, args=(main(),), name="hub", daemon=True)
    thread.start()
    hub = started.result(timeout=30)
    try:
        yield hub
    finally:
        hub.loop.call_soon_threadsafe(stop.set_result, None)
        thread.join(timeout=30)
        assert not thread.is_alive(), "the hub did not stop"

"""Waiting for background work without sleep-and-hope: poll a condition, fail loudly on timeout."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable


async def eventually(
    check: Callable[[], bool | Awaitable[bool]], within: float = 10.0, what: str = ""
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise AssertionError(f"not met within {within} s: {what or check}")
        await asyncio.sleep(0.01)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_port_pair(avoid: tuple[int, ...] = ()) -> int:
    """A port whose next port is free too (the demo's two shops): checked by binding both, since
    an ephemeral port's neighbour may be any other program's connection."""
    import socket

    while True:
        first = free_port()
        if first in avoid or first + 1 in avoid:
            continue
        with socket.socket() as a, socket.socket() as b:
            try:
                a.bind(("127.0.0.1", first))
                b.bind(("127.0.0.1", first + 1))
            except OSError:
                continue
        return first

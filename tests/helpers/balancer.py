"""A minimal TCP load balancer for tests: any node, no sticky sessions, dead nodes skipped.

Each accepted connection goes to the next node in turn that accepts a TCP connection, and bytes
are copied both ways until either side closes. That is all a hub needs from a balancer.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket


class Balancer:
    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.sock.getsockname()[1]
        self.nodes: list[tuple[str, int]] = []
        self._turn = itertools.count()
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        self.routed: list[tuple[str, int]] = []  # where each connection went, in order

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, sock=self.sock)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._pipes):
            task.cancel()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        start = next(self._turn)
        for n in range(len(self.nodes)):
            node = self.nodes[(start + n) % len(self.nodes)]
            try:
                up_reader, up_writer = await asyncio.open_connection(*node)
            except OSError:
                continue  # a dead node: try the next one
            self.routed.append(node)
            task = asyncio.current_task()
            assert task is not None
            self._pipes.add(task)
            try:
                await asyncio.gather(_copy(reader, up_writer), _copy(up_reader, writer))
            finally:
                self._pipes.discard(task)
            return
        writer.close()


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()

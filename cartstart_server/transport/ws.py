"""The WebSocket listener: one path per channel (`/ws/<channel>`), on websockets' asyncio server.

Which channels exist, and what serves each, is the composition root's one table of routes.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from shared_protocol import Channel, ProtocolError

from ..services.metrics import HubMetrics
from ..services.origins import OriginPolicy
from .limits import Limits
from .ws_session import ChannelSession

SessionFactory = Callable[[ServerConnection], ChannelSession[Any]]


@dataclass(frozen=True)
class Route:
    """One channel: how to serve a connection, and whether store pages (browsers, whose Origin
    a store must have registered) connect to it."""

    open: SessionFactory
    pages: bool = False


def ws_path(channel: Channel) -> str:
    return f"/ws/{channel.value}"


class WsGateway:
    def __init__(
        self,
        routes: Mapping[Channel, Route],
        limits: Limits,
        metrics: HubMetrics,
        origins: OriginPolicy,
    ) -> None:
        self._by_path = {ws_path(channel): (channel, route) for channel, route in routes.items()}
        self.limits = limits
        self.metrics = metrics
        self.origins = origins
        self.server: Server | None = None
        self.port = 0
        # Connections past their handshake and not yet closed. Counted here: websockets'
        # `Server.connections` builds a set of every connection on each call, which made each
        # handshake O(connections) (18 % of the hub's CPU with 10,000 pages open; bench.presence).
        self._open = 0

    async def start(self, sock: socket.socket) -> None:
        self.server = await serve(
            self._handler,
            sock=sock,
            compression=None,  # 46 KiB vs 13 KiB per connection here (ARCHITECTURE.md)
            max_size=self.limits.max_frame_bytes,
            process_request=self._process_request,
            logger=logging.getLogger("cartstart.ws"),
        )
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    async def _process_request(self, conn: ServerConnection, request: Request) -> Response | None:
        route = self._by_path.get(request.path.split("?", 1)[0])
        if route is None:
            paths = ", ".join(sorted(self._by_path))
            return conn.respond(404, f"unknown channel; use {paths}\n")
        assert self.server is not None
        # The connection being opened is not counted yet (not open until the handshake ends).
        if self._open >= self.limits.max_connections:
            self.metrics.refused.labels("capacity").inc()
            return conn.respond(503, "the hub is at its connection limit; retry later\n")
        if route[1].pages:
            try:
                await self.origins.check_page(request.headers.get("Origin"))
            except ProtocolError as exc:
                self.metrics.refused.labels("origin").inc()
                return conn.respond(403, exc.message + "\n")
        return None

    async def _handler(self, conn: ServerConnection) -> None:
        assert conn.request is not None  # the handshake is done
        channel, route = self._by_path[conn.request.path.split("?", 1)[0]]
        gauge = self.metrics.connections.labels(channel.value)
        gauge.inc()
        self._open += 1
        try:
            await route.open(conn).run()
        except ConnectionClosed:
            pass
        finally:
            self._open -= 1
            gauge.dec()

    def connection_count(self) -> int:
        return self._open

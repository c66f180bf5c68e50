"""The WebSocket listener: `/ws/cart`, `/ws/page` and `/ws/store` on websockets' asyncio server."""

from __future__ import annotations

import logging
import socket

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from shared_protocol import Channel, ProtocolError

from ..hub import Hub
from .fanout import ProductFanout
from .ws_channels import SESSIONS

PATHS = {"/ws/cart": Channel.CART, "/ws/page": Channel.PAGE, "/ws/store": Channel.STORE}


class WsGateway:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.fanout = ProductFanout(hub.broker, hub.availability)
        self.server: Server | None = None
        self.port = 0

    async def start(self, sock: socket.socket) -> None:
        cfg = self.hub.config
        self.server = await serve(
            self._handler,
            sock=sock,
            compression=None,  # 46 KiB vs 13 KiB per connection here (ARCHITECTURE.md)
            max_size=cfg.max_frame_bytes,
            process_request=self._process_request,
            logger=logging.getLogger("cartstart.ws"),
        )
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    async def _process_request(self, conn: ServerConnection, request: Request) -> Response | None:
        channel = PATHS.get(request.path.split("?", 1)[0])
        if channel is None:
            return conn.respond(404, "unknown channel; use /ws/cart, /ws/page or /ws/store\n")
        assert self.server is not None
        # The connection being opened is not counted yet (not OPEN until the handshake ends).
        if len(self.server.connections) >= self.hub.config.effective_max_connections():
            self.hub.metrics.refused.labels("capacity").inc()
            return conn.respond(503, "the hub is at its connection limit; retry later\n")
        if channel is Channel.PAGE:
            try:
                await self.hub.origins.check_page(request.headers.get("Origin"))
            except ProtocolError as exc:
                self.hub.metrics.refused.labels("origin").inc()
                return conn.respond(403, exc.message + "\n")
        return None

    async def _handler(self, conn: ServerConnection) -> None:
        assert conn.request is not None  # the handshake is done
        channel = PATHS[conn.request.path.split("?", 1)[0]]
        gauge = self.hub.metrics.connections.labels(channel.value)
        gauge.inc()
        try:
            await SESSIONS[channel](self.hub, self.fanout, conn).run()
        except ConnectionClosed:
            pass
        finally:
            gauge.dec()

    def connection_count(self) -> int:
        return len(self.server.connections) if self.server else 0

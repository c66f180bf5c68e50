"""Run a hub: the HTTP listener (uvicorn) and the WebSocket listener (websockets) in one event loop.

Sockets are bound before anything starts, so the ports (even ephemeral ones) are known up front.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator

import uvicorn
from fastapi import APIRouter
from websockets.asyncio.server import broadcast

from shared_protocol import Channel, codec

from .broker.base import Broker
from .broker.memory import MemoryBroker
from .clock import Clock, SystemClock
from .config import HubConfig
from .hub import Hub
from .storage.base import Database
from .storage.sqlite import SqliteDatabase
from .transport import (
    http_agents,
    http_cart,
    http_drafts,
    http_forms,
    http_live,
    http_market,
    http_market_admin,
    http_market_pages,
    http_orders,
    http_page,
    http_ratings,
    http_solutions,
    http_store,
    http_support,
)
from .transport.http_app import create_app
from .transport.limits import Limits
from .transport.ws import Route, WsGateway
from .transport.ws_cart import CartSession
from .transport.ws_desk import DeskSession
from .transport.ws_live import LiveSession
from .transport.ws_page import PageSession
from .transport.ws_session import Wiring
from .transport.ws_store import StoreSession

log = logging.getLogger(__name__)


class EmbeddedUvicorn(uvicorn.Server):
    """uvicorn inside someone else's event loop, without its signal handlers: whoever runs the
    loop (the hub's runner, the demo, a test) owns SIGINT/SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def bind_tcp(host: str, port: int) -> socket.socket:
    """A listening TCP socket made with proto=IPPROTO_TCP. asyncio sets TCP_NODELAY on accepted
    connections only when the protocol says TCP; `socket.create_server()` leaves it 0, and then
    Nagle holds a second small frame back ~40 ms for the peer's delayed ACK (measured here: a
    welcome + snapshot took 42 ms instead of 1 ms)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def _url(scheme: str, host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    return f"{scheme}://{'[' + shown + ']' if ':' in shown else shown}:{port}"


def database_for(config: HubConfig) -> Database:
    """PostgreSQL when a database URL is set (several nodes), else the embedded SQLite file."""
    if config.database_url:
        from .storage.postgres import PostgresDatabase  # asyncpg only when asked for

        return PostgresDatabase(config.database_url)
    return SqliteDatabase(config.database_path, synchronous=config.sqlite_synchronous)


def broker_for(config: HubConfig) -> Broker:
    if config.redis_url:
        from .broker.redis import RedisBroker  # redis only when asked for

        return RedisBroker(config.redis_url, prefix=config.redis_prefix)
    return MemoryBroker()


def limits_of(config: HubConfig) -> Limits:
    return Limits(
        hello_timeout=config.hello_timeout,
        rate_per_second=config.rate_per_second,
        rate_burst=config.rate_burst,
        flood_strikes=config.flood_strikes,
        max_frame_bytes=config.max_frame_bytes,
        max_body_bytes=config.max_body_bytes,
        max_connections=config.effective_max_connections(),
        long_poll_max=config.long_poll_max,
        max_upload_bytes=config.max_upload_bytes,
    )


def ws_routes(hub: Hub, wiring: Wiring) -> dict[Channel, Route]:
    """The channel table: a new channel is a protocol module (shared_protocol/<channel>.py and
    its `Channel` member) and one row here."""
    h = hub
    return {
        Channel.CART: Route(
            lambda c: CartSession(c, wiring, identity=h.identity, carts=h.carts, streams=h.streams)
        ),
        Channel.PAGE: Route(
            lambda c: PageSession(
                c,
                wiring,
                identity=h.identity,
                carts=h.carts,
                streams=h.streams,
                availability=h.availability,
                presence=h.presence,
                busy=h.busy,
            ),
            pages=True,
        ),
        Channel.STORE: Route(
            lambda c: StoreSession(
                c,
                wiring,
                agents=h.agents,
                stores=h.stores,
                streams=h.streams,
                store_requests=h.store_requests,
            )
        ),
        Channel.LIVE: Route(
            lambda c: LiveSession(
                c,
                wiring,
                identity=h.identity,
                agents=h.agents,
                selling=h.selling,
                boards=h.boards,
                calls=h.calls,
                conversations=h.conversations,
                streams=h.streams,
            )
        ),
        Channel.DESK: Route(
            lambda c: DeskSession(
                c,
                wiring,
                agents=h.agents,
                availability=h.availability,
                presence=h.presence,
                streams=h.streams,
                claims=h.claims,
            )
        ),
    }


def http_routers(hub: Hub, limits: Limits) -> list[APIRouter]:
    h = hub
    return [
        http_cart.routes(identity=h.identity, carts=h.carts, streams=h.streams, limits=limits),
        http_page.routes(
            identity=h.identity,
            carts=h.carts,
            streams=h.streams,
            talks=h.availability,
            busy=h.busy,
            presence=h.presence,
            limits=limits,
        ),
        http_store.routes(
            identity=h.identity, agents=h.agents, stores=h.stores, streams=h.streams, limits=limits
        ),
        http_store.whoami(identity=h.identity),
        http_drafts.routes(identity=h.identity, agents=h.agents, drafts=h.drafts),
        http_orders.routes(identity=h.identity, agents=h.agents, stores=h.stores, orders=h.orders),
        http_agents.routes(identity=h.identity, agents=h.agents, claims=h.claims, busy=h.busy),
        http_ratings.routes(identity=h.identity, agents=h.agents, ratings=h.ratings),
        http_forms.routes(identity=h.identity, agents=h.agents, forms=h.forms),
        http_support.routes(identity=h.identity, agents=h.agents, support=h.support),
        http_market.routes(market=h.market),
        http_market_admin.routes(hub_admin=h.hub_admin, market=h.market),
        http_live.routes(
            identity=h.identity,
            agents=h.agents,
            selling=h.selling,
            boards=h.boards,
            calls=h.calls,
            conversations=h.conversations,
            streams=h.streams,
            availability=h.availability,
            limits=limits,
        ),
        *http_solutions.routes(
            identity=h.identity,
            agents=h.agents,
            solutions=h.solutions,
            store_requests=h.store_requests,
        ),
        http_market_pages.routes(),
    ]


class HubServer:
    def __init__(self, config: HubConfig, clock: Clock | None = None) -> None:
        self.config = config
        self.hub = Hub(database_for(config), broker_for(config), clock or SystemClock(), config)
        self.limits = limits_of(config)
        self.fanout = self.hub.fanout
        self.fanout.broadcast = broadcast  # its connections are this server's WebSockets
        self.routes = ws_routes(self.hub, Wiring(self.limits, self.hub.metrics, self.fanout))
        self.gateway = WsGateway(self.routes, self.limits, self.hub.metrics, self.hub.origins)
        self._http_sock = bind_tcp(config.host, config.port)
        self._ws_sock = bind_tcp(config.host, config.effective_ws_port())
        self.http_port = self._http_sock.getsockname()[1]
        self.ws_port = self._ws_sock.getsockname()[1]
        self.http_url = config.public_http_url or _url("http", config.host, self.http_port)
        self.ws_url = config.public_ws_url or _url("ws", config.host, self.ws_port)
        self.hub.agents.console_url = self.http_url  # invitation links
        self.hub.solutions.market_url = self.http_url  # solutions' private links in emails
        self._uvicorn: uvicorn.Server | None = None
        self._http_task: asyncio.Task[None] | None = None
        self._stopped = False

    async def start(self) -> None:
        codec.warm_up()
        await self.hub.start()
        await self.gateway.start(self._ws_sock)
        app = create_app(
            routers=http_routers(self.hub, self.limits),
            channels=self.routes,
            ops=self.hub.ops,
            origins=self.hub.origins,
            limits=self.limits,
            ws_url=self.ws_url,
            http_url=self.http_url,
        )
        uv_config = uvicorn.Config(
            app,
            lifespan="off",
            ws="none",
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=5,
        )
        self._uvicorn = EmbeddedUvicorn(uv_config)
        self._http_task = asyncio.create_task(self._uvicorn.serve(sockets=[self._http_sock]))
        while not self._uvicorn.started:
            if self._http_task.done():
                self._http_task.result()
            await asyncio.sleep(0.01)
        log.info(
            "hub listening",
            extra={
                "http_url": self.http_url,
                "ws_url": self.ws_url,
                "data_dir": str(self.config.data_dir),
            },
        )

    async def stop(self) -> None:
        """Stop both listeners and the hub; stopping twice is harmless."""
        if self._stopped:
            return
        self._stopped = True
        self.hub.streams.close()  # open long-polls answer now, so HTTP stops at once
        if self._uvicorn is not None and self._http_task is not None:
            self._uvicorn.should_exit = True
            with contextlib.suppress(asyncio.CancelledError):
                await self._http_task
        await self.gateway.stop()
        await self.hub.stop()

    async def __aenter__(self) -> HubServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

"""Running a demo shop: register it with the hub, then serve its pages in the running event loop.

`cartstart-demo-store` runs one shop on its own; the demo federation runs two in its loop.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Iterator

import uvicorn

from shared_protocol.backoff import Backoff
from storefront_templates.store_api import HubUnreachable, StoreApiError, StoreClient

from .app import ShopConfig, create_app, register
from .catalogue import CATALOGUES

log = logging.getLogger(__name__)
HUB_STARTING = Backoff(base=0.2, cap=4.0)  # about 8 s in all before giving up


class ShopNotServed(Exception):
    """The shop's port cannot be had (in use, not allowed)."""


class LoopServer(uvicorn.Server):
    """uvicorn inside an event loop someone else runs, without its own signal handlers: whoever
    runs the loop (the demo federation, a test) decides when the shop stops."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def register_when_hub_answers(hub: StoreClient, config: ShopConfig) -> str:
    """`register`, retried while the hub is still starting (a shop may start first)."""
    pauses = HUB_STARTING.delays()
    for _ in range(5):
        try:
            return await register(hub, config)
        except HubUnreachable as exc:
            log.warning("%s; retrying", exc)
            await asyncio.sleep(next(pauses))
    return await register(hub, config)


async def start(config: ShopConfig) -> tuple[uvicorn.Server, asyncio.Task[None]]:
    """Register the shop with its hub and serve it in the running loop; returns once it
    listens. Stop it with `server.should_exit = True`, then await the task."""
    # Bound first: a port already in use fails here, plainly, before the hub is told anything.
    try:
        sock = socket.create_server((config.host, config.port))
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise ShopNotServed(f"cannot serve {config.catalogue.name} on {config.url}: {why}") from exc
    hub = StoreClient(config.hub_url, config.store_id, config.api_key)
    try:
        secret = await register_when_hub_answers(hub, config)
    except BaseException:
        sock.close()
        await hub.close()
        raise
    server = LoopServer(
        uvicorn.Config(
            create_app(config, hub, secret),
            log_config=None,
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=5,
        )
    )
    task = asyncio.create_task(_serve(server, sock, hub))
    while not server.started:
        if task.done():
            task.result()  # raises what stopped it
            raise RuntimeError("the shop stopped before it started")
        await asyncio.sleep(0.02)
    return server, task


async def _serve(server: uvicorn.Server, sock: socket.socket, hub: StoreClient) -> None:
    try:
        await server.serve(sockets=[sock])
    finally:
        sock.close()
        await hub.close()


@contextlib.asynccontextmanager
async def serving(config: ShopConfig) -> AsyncIterator[None]:
    """A shop served for the duration of the block, stopped cleanly at its end."""
    server, task = await start(config)
    try:
        yield
    finally:
        server.should_exit = True
        await task


async def _serve_until_signalled(config: ShopConfig) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with serving(config):
        print(
            f"{config.catalogue.name}: {config.url}/  (counter: {config.url}/counter)", flush=True
        )
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="cartstart-demo-store",
        description="A small demo shop selling through a CartStart hub. The store's API key is "
        "read from $CARTSTART_STORE_KEY.",
    )
    parser.add_argument("--hub", required=True, help="the hub's HTTP address")
    parser.add_argument("--store-id", required=True, help="the store's id on that hub")
    parser.add_argument("--catalogue", choices=sorted(CATALOGUES), default="bookshop")
    parser.add_argument("--host", default="127.0.0.1", help="address to serve the shop on")
    parser.add_argument("--port", type=int, default=8750, help="port to serve the shop on")
    args = parser.parse_args(argv)
    key = os.environ.get("CARTSTART_STORE_KEY")
    if not key:
        print(
            "cartstart-demo-store: set CARTSTART_STORE_KEY to the store's API key", file=sys.stderr
        )
        return 2
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    config = ShopConfig(
        args.hub, args.store_id, key, CATALOGUES[args.catalogue], args.host, args.port
    )
    try:
        asyncio.run(_serve_until_signalled(config))
    except (StoreApiError, ShopNotServed) as exc:
        print(f"cartstart-demo-store: {exc}", file=sys.stderr)
        return 1
    return 0

"""Baseline servers for the fan-out benchmark, each in its own process:

- `bare`: the websockets library's own server sending one frame to every client with
  `broadcast()` (the floor for Python);
- `socketio`: python-socketio on aiohttp emitting to a room (the peer users would otherwise pick);
- `relay`: the floor for live chat (bench/live_chat.py): each pair has a visitor connection
  (`/v/<pair>`) and a store connection (`/s/<pair>`); every frame from the visitor is forwarded
  as is to its store. Each connection gets "ok" once registered.

Both print "ready <port>" and fan out one availability-sized message per trigger: for `bare`, a
text frame "go <version>" on the /control connection; for `socketio`, POST /go?v=<version>.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import socket
from typing import Any

from cartstart_server.server import bind_tcp

PAYLOAD = {
    "type": "availability",
    "store_id": "st0123456789abcdef",
    "product_id": "the-product",
    "available": 0,
}


def payload(version: int) -> dict[str, Any]:
    return {**PAYLOAD, "available": version % 7, "version": version}


async def bare(sock: socket.socket) -> None:
    from websockets.asyncio.server import ServerConnection, broadcast, serve

    clients: set[ServerConnection] = set()

    async def handler(ws: ServerConnection) -> None:
        if ws.request is not None and ws.request.path == "/control":
            async for message in ws:
                version = int(str(message).split()[1])
                broadcast(clients, json.dumps(payload(version)))
            return
        clients.add(ws)
        try:
            await ws.wait_closed()
        finally:
            clients.discard(ws)

    async with serve(handler, sock=sock, compression=None, max_queue=None):
        await asyncio.Future()


async def relay(sock: socket.socket) -> None:
    from websockets.asyncio.server import ServerConnection, serve
    from websockets.exceptions import ConnectionClosed

    stores: dict[str, ServerConnection] = {}

    async def handler(ws: ServerConnection) -> None:
        assert ws.request is not None
        _, side, pair = ws.request.path.split("/", 2)
        if side == "s":
            stores[pair] = ws
            await ws.send("ok")
            await ws.wait_closed()
            stores.pop(pair, None)
            return
        await ws.send("ok")
        with contextlib.suppress(ConnectionClosed):  # the clients' process exits at the end
            async for message in ws:
                store = stores.get(pair)
                if store is not None:
                    await store.send(message)

    async with serve(handler, sock=sock, compression=None, max_queue=None):
        await asyncio.Future()


async def socketio_server(sock: socket.socket) -> None:
    import socketio
    from aiohttp import web

    sio = socketio.AsyncServer(async_mode="aiohttp", logger=False, engineio_logger=False)
    app = web.Application()
    sio.attach(app)

    @sio.event
    async def connect(sid: str, environ: dict[str, Any]) -> None:
        await sio.enter_room(sid, "product")

    async def go(request: web.Request) -> web.Response:
        await sio.emit("availability", payload(int(request.query["v"])), room="product")
        return web.Response(text="ok")

    app.router.add_post("/go", go)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    await asyncio.Future()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=["bare", "socketio", "relay"], required=True)
    args = parser.parse_args()
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    # The hub's own listener (TCP_NODELAY on accepted sockets), so the baseline is not
    # handicapped by Nagle.
    sock = bind_tcp("127.0.0.1", 0)
    print(f"ready {sock.getsockname()[1]}", flush=True)
    servers = {"bare": bare, "socketio": socketio_server, "relay": relay}
    asyncio.run(servers[args.kind](sock))


if __name__ == "__main__":
    main()

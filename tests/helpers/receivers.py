"""Real receivers for what the hub sends out (a webhook endpoint, an SMTP server), and a site
serving a store's pictures."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import uvicorn
from aiosmtpd.controller import Controller
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cartstart_server.server import EmbeddedUvicorn
from tests.helpers.waiting import eventually, free_port


@dataclass
class Received:
    body: str
    headers: dict[str, str]


@dataclass
class WebhookReceiver:
    """Answers each POST with the next status in `answers` (then 200), and keeps what came."""

    answers: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: Request) -> Response:
        body = (await request.body()).decode()
        self.received.append(Received(body, dict(request.headers)))
        return Response(status_code=self.answers.pop(0) if self.answers else 200)


@contextlib.asynccontextmanager
async def webhook_receiver(answers: list[int] | None = None) -> AsyncIterator[WebhookReceiver]:
    receiver = WebhookReceiver(list(answers or []))
    port = free_port()
    receiver.url = f"http://127.0.0.1:{port}/hooks/cartstart"
    app = Starlette(routes=[Route("/hooks/cartstart", receiver.handle, methods=["POST"])])
    server = EmbeddedUvicorn(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    await eventually(lambda: server.started, what="the webhook receiver listens")
    try:
        yield receiver
    finally:
        server.should_exit = True
        await task


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 Message accepted for delivery"


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple[int, list[Message]]]:
    """aiosmtpd on 127.0.0.1 (in its own thread); yields its port and the messages it got."""
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox.messages
    finally:
        controller.stop()


@contextlib.contextmanager
def picture_site(files: dict[str, bytes], asked: list[str] | None = None) -> Iterator[str]:
    """A store's web server for its pictures (PNG by path, 404 for the rest) on 127.0.0.1;
    each path asked for is appended to `asked`."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if asked is not None:
                asked.append(self.path)
            body = files.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "image/png" if body else "text/plain")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

"""Thin WebSocket and HTTP peers for tests: real sockets, raw JSON, nothing hidden."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from websockets.asyncio.client import ClientConnection, connect

Frame = dict[str, Any]


class Peer:
    """One WebSocket connection to a channel. `recv()` returns decoded frames; frames of types in
    `ignore` (e.g. availability on a cart) are skipped unless asked for."""

    def __init__(self, ws: ClientConnection, ignore: tuple[str, ...] = ()) -> None:
        self.ws = ws
        self.ignore = ignore
        self._held: deque[Frame] = deque()  # frames that arrived while awaiting a reply

    async def send(self, frame: Frame | str | bytes) -> None:
        await self.ws.send(frame if isinstance(frame, str | bytes) else json.dumps(frame))

    async def recv(self, within: float = 5.0) -> Frame:
        if self._held:
            return self._held.popleft()
        while True:
            frame: Frame = json.loads(await asyncio.wait_for(self.ws.recv(), within))
            if frame.get("type") not in self.ignore:
                return frame

    async def expect(self, kind: str, within: float = 5.0) -> Frame:
        frame = await self.recv(within)
        assert frame["type"] == kind, frame
        return frame

    def take_held(self) -> list[Frame]:
        """The frames that arrived before the last command's reply and were not read yet."""
        held = list(self._held)
        self._held.clear()
        return held

    async def hello(self, token: str | None = None, resume_from: int | None = None) -> Frame:
        await self.send(
            {"type": "hello", "versions": [1], "token": token, "resume_from": resume_from}
        )
        return await self.expect("welcome")

    async def command(self, frame: Frame) -> Frame:
        """Send a command and return its reply (result or error). Other frames that arrive
        meanwhile are kept for later `recv()` calls, in order."""
        await self.send(frame)
        skipped: list[Frame] = []
        while True:
            reply: Frame = json.loads(await asyncio.wait_for(self.ws.recv(), 5.0))
            if reply.get("id") == frame["id"] and reply["type"] in ("result", "error", "snapshot"):
                self._held.extend(skipped)
                return reply
            if reply.get("type") not in self.ignore:
                skipped.append(reply)

    async def close(self) -> None:
        await self.ws.close()


class HasWebSockets(Protocol):
    ws_url: str


@asynccontextmanager
async def peer(
    server: HasWebSockets, channel: str, ignore: tuple[str, ...] = (), **kwargs: Any
) -> AsyncIterator[Peer]:
    async with connect(f"{server.ws_url}/ws/{channel}", **kwargs) as ws:
        yield Peer(ws, ignore)


@dataclass
class Account:
    email: str
    token: str
    cart_id: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def sign_up(
    http: httpx.AsyncClient, email: str, password: str = "correct horse battery"
) -> Account:
    r = await http.post("/api/accounts", json={"email": email, "password": password})
    assert r.status_code == 201, r.text
    r = await http.post("/api/sessions", json={"email": email, "password": password})
    assert r.status_code == 201, r.text
    body = r.json()
    return Account(email, body["token"], body["account_id"])


async def link_token(http: httpx.AsyncClient, account: Account, **body: Any) -> str:
    r = await http.post("/api/cart/link-tokens", json=body, headers=account.auth)
    assert r.status_code == 201, r.text
    token: str = r.json()["token"]
    return token

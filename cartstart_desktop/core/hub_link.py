"""The cart's link to its hub while signed in: the HTTP API, and the HubConnection kept running
in a task that feeds the CartStream. Cart intents, checkout and pairing reach the hub here."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from .api import HubApi, HubError
from .connection import AuthFailed, HubConnection, Status
from .local_cart import LocalCart
from .observable import Signal
from .settings import Settings
from .stream import CartStream

log = logging.getLogger(__name__)


class HubLink:
    def __init__(
        self,
        stream: CartStream,
        local: LocalCart,
        settings: Settings,
        directory: Path,
        *,
        poll_wait: float,
        websocket_retry: float,
    ) -> None:
        self._stream = stream
        self._local = local
        self._settings = settings
        self._directory = directory
        self._poll_wait = poll_wait
        self._websocket_retry = websocket_retry
        self.api: HubApi | None = None
        self.connection: HubConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self.refused: Signal[str] = Signal()
        """The hub refused the session token (expired or revoked); the link is down."""

    @property
    def token(self) -> str | None:
        return self.api.token if self.api is not None else None

    def connect(self, hub_url: str, token: str) -> None:
        self.api = HubApi(hub_url)
        self.api.token = token
        self.connection = HubConnection(
            self.api,
            self._stream,
            last_seq=self._local.last_seq,
            force_polling=self._settings.force_polling,
            poll_wait=self._poll_wait,
            websocket_retry=self._websocket_retry,
        )
        self._task = asyncio.create_task(self._stay_connected(self.connection))

    async def _stay_connected(self, connection: HubConnection) -> None:
        try:
            await connection.run()
        except AuthFailed as exc:
            log.info("session refused by the hub: %s", exc)
            await self.disconnect(wait=False)
            self.refused.emit(str(exc))

    async def disconnect(self, wait: bool = True) -> None:
        if self.connection is not None:
            await self.connection.stop()
        if self._task is not None and wait and self._task is not asyncio.current_task():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None
        self.connection = None
        if self.api is not None:
            await self.api.close()
            self.api = None
        self._stream.connection_status(Status.OFFLINE)

    def online(self) -> tuple[HubApi, HubConnection]:
        """The API and connection to use now; HubError when signed out."""
        if self.api is None or self.connection is None:
            raise HubError("unauthorized", "log in first")
        return self.api, self.connection

    def set_force_polling(self, enabled: bool) -> None:
        """Never try WebSockets (kept for the next start); a live connection switches at once."""
        self._settings.force_polling = enabled
        self._settings.save(self._directory)
        if self.connection is not None:
            self.connection.set_force_polling(enabled)

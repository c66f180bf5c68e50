"""`/ws/store`: a shop's backend (its API key), and the console (the key, or an agent of the
store: docs/agents.md). An agent's console follows the stream but neither trims the backend's
replay (its acks are not written) nor sends catalogue commands."""

from __future__ import annotations

from typing import assert_never

from websockets.asyncio.server import ServerConnection

from shared_protocol import Channel
from shared_protocol.common import Ack, Hello
from shared_protocol.store import (
    AdjustStock,
    OfferDiscount,
    SetStock,
    StoreSync,
    UpdateOrder,
    UpdateSettings,
    UpsertProducts,
)

from ..services.agents import Agents, ConsoleActor
from ..services.store_requests import StoreRequests
from ..services.stores import Stores
from ..services.streams import Frame, Streams
from .ws_session import Wiring
from .ws_streams import StreamSession

StoreMessage = (
    Ack
    | StoreSync
    | UpsertProducts
    | SetStock
    | AdjustStock
    | UpdateSettings
    | UpdateOrder
    | OfferDiscount
)


class StoreSession(StreamSession[StoreMessage]):
    channel = Channel.STORE

    def __init__(
        self,
        conn: ServerConnection,
        wiring: Wiring,
        *,
        agents: Agents,
        stores: Stores,
        streams: Streams,
        store_requests: StoreRequests,
    ) -> None:
        super().__init__(conn, wiring, streams)
        self.agents = agents
        self.actor: ConsoleActor | None = None
        self.stores = stores
        self.store_requests = store_requests

    async def open(self, hello: Hello) -> None:
        actor = await self.agents.authenticate_console(hello.token)
        assert hello.token is not None
        self.actor = actor
        self.watch = self.agents.watch(actor, hello.token, self.credential_died)
        store = actor.store
        self.store_id = store.id
        self.stream = self.streams.of_store(store.id)
        await self.start_stream(hello, store_id=store.id)

    @property
    def backend(self) -> bool:
        """The store's API key (its backend, or a console signed in with the key)."""
        return self.actor is not None and self.actor.agent_id is None

    async def deliver(self, frame: Frame) -> None:
        # An agent's console hears a marketplace request only if the agent may reach it.
        if self.backend or self.actor is None:
            await self.send(frame.text)
        elif await self.store_requests.heard_by(self.actor, frame.text):
            await self.send(frame.text)

    async def snapshot(self, command_id: str | None = None) -> int:
        snap = await self.stores.snapshot(self.store_id)
        await self.send(snap.model_copy(update={"id": command_id}).model_dump_json())
        return snap.head_seq

    async def handle(self, message: StoreMessage) -> None:
        match message:
            case Ack():
                if self.backend:
                    await self.ack(message)
            case StoreSync():
                self.pump.rebase(await self.snapshot(message.id))
            case UpdateOrder() | OfferDiscount():
                if self.actor is not None and not self.backend:
                    self.agents.check_command(self.actor, message)
                result = await self.stores.command(self.store_id, message)
                await self.send(result.model_dump_json())
            case UpsertProducts() | SetStock() | AdjustStock() | UpdateSettings():
                if not self.backend:
                    raise self.agents.catalogue_refused()
                result = await self.stores.command(self.store_id, message)
                await self.send(result.model_dump_json())
            case _:
                assert_never(message)

"""`/ws/store`: a shop's backend."""

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

from ..services.identity import Identity
from ..services.stores import Stores
from ..services.streams import Streams
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
        identity: Identity,
        stores: Stores,
        streams: Streams,
    ) -> None:
        super().__init__(conn, wiring, streams)
        self.identity = identity
        self.stores = stores

    async def open(self, hello: Hello) -> None:
        store = await self.identity.authenticate_store(hello.token)
        assert hello.token is not None
        self.watch = self.identity.watch(store, hello.token, self.credential_died)
        self.store_id = store.id
        self.stream = self.streams.of_store(store.id)
        await self.start_stream(hello, store_id=store.id)

    async def snapshot(self, command_id: str | None = None) -> int:
        snap = await self.stores.snapshot(self.store_id)
        await self.send(snap.model_copy(update={"id": command_id}).model_dump_json())
        return snap.head_seq

    async def handle(self, message: StoreMessage) -> None:
        match message:
            case Ack():
                await self.ack(message)
            case StoreSync():
                self.pump.rebase(await self.snapshot(message.id))
            case (
                UpsertProducts()
                | SetStock()
                | AdjustStock()
                | UpdateSettings()
                | UpdateOrder()
                | OfferDiscount()
            ):
                result = await self.stores.command(self.store_id, message)
                await self.send(result.model_dump_json())
            case _:
                assert_never(message)

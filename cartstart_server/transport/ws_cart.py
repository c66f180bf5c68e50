"""`/ws/cart`: a shopper's desktop cart."""

from __future__ import annotations

from typing import assert_never

from websockets.asyncio.server import ServerConnection

from shared_protocol import Channel
from shared_protocol.cart import CartResult, Checkout, Release, Renew, Reserve, SetQuantity, Sync
from shared_protocol.common import Ack, Hello

from ..services.carts import Carts
from ..services.identity import Identity, Shopper
from ..services.streams import Frame, Hold, Streams
from .ws_session import Wiring
from .ws_streams import StreamSession

CartMessage = Ack | Sync | Checkout | Reserve | SetQuantity | Release | Renew
ProductKey = tuple[str, str]


class CartSession(StreamSession[CartMessage]):
    channel = Channel.CART

    def __init__(
        self,
        conn: ServerConnection,
        wiring: Wiring,
        *,
        identity: Identity,
        carts: Carts,
        streams: Streams,
    ) -> None:
        super().__init__(conn, wiring, streams)
        self.identity = identity
        self.carts = carts
        self.holding: set[ProductKey] = set()  # the products the cart holds: it hears their counts
        # Products a reservation of this connection is about to hold, listened to before its
        # commit: its own count then comes through the fan-out, with no read afterwards.
        self.early: set[ProductKey] = set()

    async def open(self, hello: Hello) -> None:
        self.shopper: Shopper = await self.identity.authenticate_shopper(hello.token)
        assert hello.token is not None
        self.watch = self.identity.watch(self.shopper, hello.token, self.credential_died)
        self.stream = self.streams.of_cart(self.shopper.cart_id)
        await self.start_stream(hello)

    async def snapshot(self, command_id: str | None = None) -> int:
        snap = await self.carts.snapshot(self.shopper.cart_id)
        self._hold_only({(t.store_id, t.product_id) for t in snap.tickets})
        await self.send(snap.model_copy(update={"id": command_id}).model_dump_json())
        return snap.head_seq

    async def deliver(self, frame: Frame) -> None:
        # Hear the availability of exactly the products this cart holds.
        await self.send(frame.text)
        for hold in frame.holds:
            await self._follow(hold)

    async def _follow(self, hold: Hold) -> None:
        key = hold.key
        if hold.qty == 0:
            self.holding.discard(key)
            self._listen(key)
        elif key not in self.holding:
            self.holding.add(key)
            if key in self.early:  # heard since before the commit: its count came with it
                self.early.discard(key)
                return
            self._listen(key)
            # The change this very hold caused was published before we listened: send the
            # current count (clients keep the highest version, so a race is harmless).
            await self.streams.ready()
            for item in await self.carts.availability([key]):
                await self.send(item.model_dump_json())

    def _listen(self, key: ProductKey) -> None:
        """Follow the product's count while the cart holds it or is about to."""
        if key in self.holding or key in self.early:
            self.fanout.add(self.conn, key)
        else:
            self.fanout.remove(self.conn, key)

    def _hold_only(self, keys: set[ProductKey]) -> None:
        dropped = (self.holding | self.early) - keys
        self.holding, self.early = set(keys), set()
        for key in dropped | keys:
            self._listen(key)

    async def _reserve(self, message: Reserve) -> None:
        key = (message.store_id, message.product_id)
        early = key not in self.holding and key not in self.early
        if early:
            self.early.add(key)
            self._listen(key)
            await self.streams.ready()  # listening before the commit publishes the count
        try:
            ticket = await self.carts.command(self.shopper, message)
        except BaseException:
            if early:  # nothing held: stop listening (unless its hold came meanwhile)
                self.early.discard(key)
                self._listen(key)
            raise
        await self.send(CartResult(id=message.id, ticket=ticket).model_dump_json())

    async def handle(self, message: CartMessage) -> None:
        match message:
            case Ack():
                await self.ack(message)
            case Sync():
                self.pump.rebase(await self.snapshot(message.id))
            case Checkout():
                result = await self.carts.checkout(self.shopper, message)
                await self.send(result.model_dump_json())
            case Reserve():
                await self._reserve(message)
            case SetQuantity() | Release() | Renew():
                ticket = await self.carts.command(self.shopper, message)
                await self.send(CartResult(id=message.id, ticket=ticket).model_dump_json())
            case _:
                assert_never(message)

    async def close(self) -> None:
        await super().close()
        self._hold_only(set())

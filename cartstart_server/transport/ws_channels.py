"""The three WebSocket channels: what each does after hello."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from typing import Any

from shared_protocol import Channel, ErrorCode, ProtocolError
from shared_protocol.cart import CartResult, Checkout, Release, Renew, Reserve, SetQuantity, Sync
from shared_protocol.common import Ack, Hello, Welcome
from shared_protocol.page import (
    MAX_SUBSCRIPTIONS,
    AddToCart,
    AvailabilitySnapshot,
    Holding,
    InCart,
    PageResult,
    Subscribe,
    Unsubscribe,
)
from shared_protocol.session import can_replay
from shared_protocol.store import StoreSnapshot, StoreSync

from ..hub import LinkedPage, Shopper
from ..storage.outbox import cart_owner, store_owner
from .fanout import ProductKey
from .streams import StreamPump
from .ws_session import ChannelSession


def tickets_of(frame: str) -> list[dict[str, Any]]:
    """The tickets a cart event changed: one `ticket`, or the `tickets` an order bought."""
    message = json.loads(frame)
    if "ticket" in message:
        return [message["ticket"]]
    tickets: list[dict[str, Any]] = message.get("tickets", [])
    return tickets


class StreamSession(ChannelSession):
    """A channel with a durable stream (cart, store): resume or snapshot, then live delivery."""

    owner: str
    pump: StreamPump

    async def snapshot(self, command_id: str | None = None) -> int:
        raise NotImplementedError

    async def start_stream(self, hello: Hello, **welcome: Any) -> None:
        self.pump = StreamPump(self.hub, self.owner, self.deliver, self.snapshot)
        # Subscribe before reading the stream state, so nothing committed in between is missed.
        self.hub.broker.subscribe(self.owner, self.pump.offer)
        await self.hub.broker.ready()
        head, acked = await self.hub.stream_state(self.owner)
        if can_replay(hello.resume_from, head, acked):
            assert hello.resume_from is not None
            await self.send(self._welcome(head, True, **welcome))
            self.pump.start(hello.resume_from)
        else:
            await self.send(self._welcome(head, False, **welcome))
            self.pump.start(await self.snapshot())

    def _welcome(self, head: int, resumed: bool, **extra: Any) -> str:
        channel = self.channel.value
        return Welcome(
            version=self.version, channel=channel, head_seq=head, resumed=resumed, **extra
        ).model_dump_json()

    async def deliver(self, frame: str) -> None:
        await self.send(frame)

    async def ack(self, message: Ack) -> None:
        if message.seq > self.pump.cursor.last_sent:
            raise ProtocolError(
                ErrorCode.INVALID_MESSAGE,
                f"cannot ack seq {message.seq}: only {self.pump.cursor.last_sent} was sent",
            )
        await self.hub.ack(self.owner, message.seq)

    async def close(self) -> None:
        if hasattr(self, "pump"):
            self.hub.broker.unsubscribe(self.owner, self.pump.offer)
            await self.pump.stop()


class CartSession(StreamSession):
    channel = Channel.CART

    async def open(self, hello: Hello) -> None:
        self.shopper: Shopper = await self.hub.authenticate_shopper(hello.token)
        self.owner = cart_owner(self.shopper.cart_id)
        self.watching: set[ProductKey] = set()
        await self.start_stream(hello)

    async def snapshot(self, command_id: str | None = None) -> int:
        snap = await self.hub.cart_snapshot(self.shopper.cart_id)
        self._watch_only({(t.store_id, t.product_id) for t in snap.tickets})
        await self.send(snap.model_copy(update={"id": command_id}).model_dump_json())
        return snap.head_seq

    async def deliver(self, frame: str) -> None:
        # Hear the availability of exactly the products this cart holds.
        await self.send(frame)
        for ticket in tickets_of(frame):
            await self._follow(ticket)

    async def _follow(self, ticket: dict[str, Any]) -> None:
        key = (ticket["store_id"], ticket["product_id"])
        if ticket["state"] != "held":
            self._unwatch(key)
        elif key not in self.watching:
            self._watch(key)
            # The change this very hold caused was published before we listened: send the
            # current count (clients keep the highest version, so a race is harmless).
            await self.hub.broker.ready()
            for item in await self.hub.availability([key]):
                await self.send(item.model_dump_json())

    def _watch(self, key: ProductKey) -> None:
        if key not in self.watching:
            self.watching.add(key)
            self.fanout.add(self.conn, key)

    def _unwatch(self, key: ProductKey) -> None:
        if key in self.watching:
            self.watching.discard(key)
            self.fanout.remove(self.conn, key)

    def _watch_only(self, keys: set[ProductKey]) -> None:
        for key in self.watching - keys:
            self._unwatch(key)
        for key in keys:
            self._watch(key)

    async def handle(self, message: Any) -> None:
        if isinstance(message, Ack):
            await self.ack(message)
        elif isinstance(message, Sync):
            self.pump.rebase(await self.snapshot(message.id))
        elif isinstance(message, Checkout):
            await self.send((await self.hub.checkout(self.shopper, message)).model_dump_json())
        elif isinstance(message, Reserve | SetQuantity | Release | Renew):
            ticket = await self.hub.cart_command(self.shopper, message)
            await self.send(CartResult(id=message.id, ticket=ticket).model_dump_json())

    async def close(self) -> None:
        await super().close()
        if hasattr(self, "watching"):
            self._watch_only(set())


class StoreSession(StreamSession):
    channel = Channel.STORE

    async def open(self, hello: Hello) -> None:
        store = await self.hub.authenticate_store(hello.token)
        self.store_id = store.id
        self.owner = store_owner(store.id)
        await self.start_stream(hello, store_id=store.id)

    async def snapshot(self, command_id: str | None = None) -> int:
        snap: StoreSnapshot = await self.hub.store_snapshot(self.store_id)
        await self.send(snap.model_copy(update={"id": command_id}).model_dump_json())
        return snap.head_seq

    async def handle(self, message: Any) -> None:
        if isinstance(message, Ack):
            await self.ack(message)
        elif isinstance(message, StoreSync):
            self.pump.rebase(await self.snapshot(message.id))
        else:
            result = await self.hub.store_command(self.store_id, message)
            await self.send(result.model_dump_json())


class PageSession(ChannelSession):
    channel = Channel.PAGE

    async def open(self, hello: Hello) -> None:
        self.link: LinkedPage | None = None
        self.subscribed: set[ProductKey] = set()
        assert self.conn.request is not None
        self.origin: str | None = self.conn.request.headers.get("Origin")
        self._sending: set[asyncio.Task[None]] = set()
        if hello.token:
            try:
                self.link = await self.hub.authenticate_link(hello.token)
            except ProtocolError as exc:
                # The page still shows live stock; it just cannot add to a cart. Telling it why
                # lets the widget drop a dead token and offer pairing.
                await self.send_error(exc)
        if self.link is not None:
            # "In your cart": the cart's stream says when a hold on a followed product changes.
            self.hub.broker.subscribe(cart_owner(self.link.cart_id), self._cart_changed)
            await self.hub.broker.ready()
        await self.send(
            Welcome(
                version=self.version, channel="page", linked=self.link is not None
            ).model_dump_json()
        )

    def _cart_changed(self, frame: str | None) -> None:
        if frame is None:  # holds may have changed unheard: read them
            self._in_background(self._send_all_holdings())
            return
        tickets = tickets_of(frame)
        assert self.link is not None
        scope = self.link.store_id
        holdings = [
            Holding(
                store_id=t["store_id"],
                product_id=t["product_id"],
                qty=t["qty"] if t["state"] == "held" else 0,
                expires_at=t["expires_at"] if t["state"] == "held" else None,
            )
            for t in tickets
            if (t["store_id"], t["product_id"]) in self.subscribed
            and (scope is None or t["store_id"] == scope)
        ]
        if holdings:
            self._in_background(self.send(InCart(items=holdings).model_dump_json()))

    async def _send_all_holdings(self) -> None:
        """`in_cart` for every followed product, those no longer held at 0."""
        assert self.link is not None
        refs = sorted(self.subscribed)
        held = {(h.store_id, h.product_id): h for h in await self.hub.holdings(self.link, refs)}
        scope = self.link.store_id
        items = [
            held.get(ref) or Holding(store_id=ref[0], product_id=ref[1], qty=0, expires_at=None)
            for ref in refs
            if scope is None or ref[0] == scope
        ]
        if items:
            await self.send(InCart(items=items).model_dump_json())

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def handle(self, message: Any) -> None:
        if isinstance(message, Subscribe):
            keys = {(p.store_id, p.product_id) for p in message.products} - self.subscribed
            if len(self.subscribed) + len(keys) > MAX_SUBSCRIPTIONS:
                raise ProtocolError(
                    ErrorCode.INVALID_MESSAGE,
                    f"a page may follow at most {MAX_SUBSCRIPTIONS} products",
                    limit=MAX_SUBSCRIPTIONS,
                )
            for key in keys:
                self.subscribed.add(key)
                self.fanout.add(self.conn, key)
            refs = sorted({(p.store_id, p.product_id) for p in message.products})
            await self.hub.broker.ready()
            items = await self.hub.availability(refs)
            await self.send(AvailabilitySnapshot(items=items).model_dump_json())
            if self.link is not None:
                holdings = await self.hub.holdings(self.link, refs)
                if holdings:
                    await self.send(InCart(items=holdings).model_dump_json())
        elif isinstance(message, Unsubscribe):
            for ref in message.products:
                key = (ref.store_id, ref.product_id)
                if key in self.subscribed:
                    self.subscribed.discard(key)
                    self.fanout.remove(self.conn, key)
        elif isinstance(message, AddToCart):
            if self.link is None:
                raise ProtocolError(
                    ErrorCode.UNAUTHORIZED,
                    "this page is not linked to a cart; pair it with the code shown in your cart",
                    command_id=message.id,
                )
            ticket = await self.hub.add_to_cart(self.link, message, self.origin)
            await self.send(PageResult.of(message.id, ticket).model_dump_json())

    async def close(self) -> None:
        for key in getattr(self, "subscribed", ()):
            self.fanout.remove(self.conn, key)
        if getattr(self, "link", None) is not None:
            assert self.link is not None
            self.hub.broker.unsubscribe(cart_owner(self.link.cart_id), self._cart_changed)


SESSIONS: dict[Channel, type[ChannelSession]] = {
    Channel.CART: CartSession,
    Channel.PAGE: PageSession,
    Channel.STORE: StoreSession,
}

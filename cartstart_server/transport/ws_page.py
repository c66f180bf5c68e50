"""`/ws/page`: a store's page showing live counts, and adding to the cart it is linked to."""

from __future__ import annotations

from typing import assert_never

from websockets.asyncio.server import ServerConnection

from shared_protocol import Channel, ErrorCode, ProtocolError
from shared_protocol.common import Hello, Welcome
from shared_protocol.desk import WatchTalk
from shared_protocol.page import (
    MAX_SUBSCRIPTIONS,
    AddToCart,
    AvailabilitySnapshot,
    ForgetMe,
    Holding,
    InCart,
    PageResult,
    PresenceReport,
    Subscribe,
    Unsubscribe,
)

from ..services.availability import Availability
from ..services.busy import Busy
from ..services.carts import Carts
from ..services.identity import Identity, LinkedPage
from ..services.presence import Presence as PresenceService
from ..services.streams import Frame, ProductKey, Stream, Streams
from .page_presence import PagePresence
from .ws_session import ChannelSession, Wiring

PageMessage = Subscribe | Unsubscribe | AddToCart | WatchTalk | PresenceReport | ForgetMe
MAX_TALK_STORES = 20  # stores whose "Talk to us" one page follows


class PageSession(ChannelSession[PageMessage]):
    channel = Channel.PAGE

    def __init__(
        self,
        conn: ServerConnection,
        wiring: Wiring,
        *,
        identity: Identity,
        carts: Carts,
        streams: Streams,
        availability: Availability,
        presence: PresenceService,
        busy: Busy,
    ) -> None:
        super().__init__(conn, wiring)
        self.identity = identity
        self.carts = carts
        self.streams = streams
        self.availability = availability
        self.talk: dict[str, str] = {}  # store id -> the talk topic it follows
        self.busy = busy
        self.busy_products: dict[str, list[str]] = {}  # store id -> products it hears about
        self.visitor_topics: set[str] = set()  # its visitors' topics (talk_offer)
        self.link: LinkedPage | None = None
        self.link_lost: ProtocolError | None = None  # why the link ended, to answer adds with
        self.cart: Stream | None = None
        self.subscribed: set[ProductKey] = set()
        assert conn.request is not None
        self.origin: str | None = conn.request.headers.get("Origin")
        peer = conn.remote_address[0] if conn.remote_address else None
        self.presence = PagePresence(presence, self.origin, peer)

    async def open(self, hello: Hello) -> None:
        if hello.token:
            try:
                self.link = await self.identity.authenticate_link(hello.token)
            except ProtocolError as exc:
                # The page still shows live stock; it just cannot add to a cart. Telling it why
                # lets the widget drop a dead token and offer pairing.
                await self.send_error(exc)
        if self.link is not None:
            assert hello.token is not None
            self.watch = self.identity.watch(self.link, hello.token, self.credential_died)
            # "In your cart": the cart's stream says when a hold on a followed product changes.
            self.cart = self.streams.of_cart(self.link.cart_id)
            self.streams.follow(self.cart, self._cart_changed)
            await self.streams.ready()
        await self.send(
            Welcome(
                version=self.version, channel="page", linked=self.link is not None
            ).model_dump_json()
        )

    def _cart_changed(self, frame: Frame | None) -> None:
        if self.link is None:  # unlinked meanwhile (its token died)
            return
        if frame is None:  # holds may have changed unheard: read them
            self.in_background(self._send_all_holdings())
            return
        scope = self.link.store_id
        holdings = [
            Holding(
                store_id=h.store_id,
                product_id=h.product_id,
                qty=h.qty,
                expires_at=h.expires_at,
                personalised=h.personalised,
            )
            for h in frame.holds
            if h.key in self.subscribed and (scope is None or h.store_id == scope)
        ]
        if holdings:
            self.in_background(self.send(InCart(items=holdings).model_dump_json()))

    async def _send_all_holdings(self) -> None:
        """`in_cart` for every followed product, those no longer held at 0."""
        if self.link is None:
            return
        refs = sorted(self.subscribed)
        held = {(h.store_id, h.product_id): h for h in await self.carts.holdings(self.link, refs)}
        scope = self.link.store_id
        items = [
            held.get(ref) or Holding(store_id=ref[0], product_id=ref[1], qty=0, expires_at=None)
            for ref in refs
            if scope is None or ref[0] == scope
        ]
        if items:
            await self.send(InCart(items=items).model_dump_json())

    def credential_died(self, exc: ProtocolError) -> None:
        """A revoked or expired link token: the page keeps its live counts but no longer acts
        for the cart (and is told why, so the widget can drop the token and offer pairing)."""
        if self.cart is not None:
            self.streams.unfollow(self.cart, self._cart_changed)
        self.link, self.cart, self.watch, self.link_lost = None, None, None, exc
        self.in_background(self.send_error(exc))

    async def handle(self, message: PageMessage) -> None:
        match message:
            case Subscribe():
                await self._subscribe(message)
            case Unsubscribe():
                for ref in message.products:
                    key = (ref.store_id, ref.product_id)
                    if key in self.subscribed:
                        self.subscribed.discard(key)
                        self.fanout.remove(self.conn, key)
            case AddToCart():
                if self.link is None and self.link_lost is not None:
                    lost = self.link_lost
                    raise ProtocolError(lost.code, lost.message, command_id=message.id)
                ticket = await self.carts.add_to_cart(self.link, message, self.origin)
                await self.send(PageResult.of(message.id, ticket).model_dump_json())
            case WatchTalk():
                await self._watch_talk(message.store_id)
                await self._watch_busy(message.store_id, message.products)
            case PresenceReport():
                await self.presence.report(message, self.link)
                self._follow_visitor(message.store_id, message.visitor_id)
            case ForgetMe():
                await self.send((await self.presence.forget(message)).model_dump_json())
            case _:
                assert_never(message)

    async def _subscribe(self, message: Subscribe) -> None:
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
        await self.streams.ready()
        items = await self.carts.availability(refs)
        await self.send(AvailabilitySnapshot(items=items).model_dump_json())
        if self.link is not None:
            holdings = await self.carts.holdings(self.link, refs)
            if holdings:
                await self.send(InCart(items=holdings).model_dump_json())

    async def _watch_talk(self, store_id: str) -> None:
        """`talk` now, then on every flip (the topic's frames are the `talk` message itself)."""
        if store_id not in self.talk:
            if len(self.talk) >= MAX_TALK_STORES:
                raise ProtocolError(
                    ErrorCode.INVALID_MESSAGE,
                    f"a page may follow at most {MAX_TALK_STORES} stores' talk entries",
                    limit=MAX_TALK_STORES,
                )
            self.talk[store_id] = self.availability.talk_topic(store_id)
            self.streams.listen(self.talk[store_id], self._talk_flipped)
            await self.streams.ready()
        await self._send_talk(store_id)

    def _talk_flipped(self, frame: Frame | None) -> None:
        if frame is not None:
            self.in_background(self.send(frame.text))
        else:  # flips may have been missed: read each followed store again
            for store_id in list(self.talk):
                self.in_background(self._send_talk(store_id))

    async def _watch_busy(self, store_id: str, products: list[str]) -> None:
        """`talk_products` for the page's products now, then on every change (one frame per
        store per change, filtered here: no read per page)."""
        if not products:
            return
        if store_id not in self.busy_products:
            self.streams.listen(self.busy.topic(store_id), self._busy_changed)
            await self.streams.ready()
        self.busy_products[store_id] = list(dict.fromkeys(products))
        await self._send_busy(store_id)

    def _busy_changed(self, frame: Frame | None) -> None:
        if frame is None:  # changes may have been missed: read each followed store again
            for store_id in list(self.busy_products):
                self.in_background(self._send_busy(store_id))
            return
        store_id, found = self.busy.from_frame(frame)
        products = self.busy_products.get(store_id)
        if products is not None:
            view = self.busy.for_page(store_id, found, frame.version, products)
            self.in_background(self.send(view.model_dump_json()))

    async def _send_busy(self, store_id: str) -> None:
        found, version = await self.busy.now(store_id)
        view = self.busy.for_page(store_id, found, version, self.busy_products[store_id])
        await self.send(view.model_dump_json())

    def _follow_visitor(self, store_id: str, visitor_id: str) -> None:
        """After its first report for a visitor, the page hears an agent writing first to
        them (`talk_offer`)."""
        topic = self.streams.visitor(store_id, visitor_id)
        if topic not in self.visitor_topics:
            self.visitor_topics.add(topic)
            self.streams.listen(topic, self._offered)

    def _offered(self, frame: Frame | None) -> None:
        if frame is not None:  # a missed offer is not replayed: the agent sees no answer
            self.in_background(self.send(frame.text))

    async def _send_talk(self, store_id: str) -> None:
        await self.send((await self.availability.talk(store_id)).model_dump_json())

    async def close(self) -> None:
        await self.presence.close()
        for topic in self.talk.values():
            self.streams.unlisten(topic, self._talk_flipped)
        for topic in self.visitor_topics:
            self.streams.unlisten(topic, self._offered)
        for store_id in self.busy_products:
            self.streams.unlisten(self.busy.topic(store_id), self._busy_changed)
        for key in self.subscribed:
            self.fanout.remove(self.conn, key)
        if self.cart is not None:
            self.streams.unfollow(self.cart, self._cart_changed)

"""The desktop cart without a UI: signing in, the live cart, and everything a shopper can do.

The UI subscribes to the signals and calls the intents; no business rule lives in a widget.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import platform
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

from shared_protocol.cart import (
    CartResult,
    CartSnapshot,
    DiscountOffered,
    ItemAdded,
    OrderPlaced,
    OrderUpdated,
    QuantityChanged,
)
from shared_protocol.common import Availability, TicketView
from shared_protocol.orders import DiscountView, OrderView

from .api import HubApi, HubError, HubUnreachable, normalize_hub_url
from .cart import CartItem, CartState, Change, Notice
from .connection import AuthFailed, HubConnection, Status
from .credentials import CredentialStore, CredentialsUnavailable, MemoryCredentials, account_key
from .local_store import Bookmark, LocalStore
from .observable import Signal
from .orders import Delivery, OrderBook, order_notice
from .settings import Settings

log = logging.getLogger(__name__)

LINK_FRAGMENT = "cartstart"


def command_id() -> str:
    return uuid.uuid4().hex


def linked_url(url: str, token: str) -> str:
    """The page's address with the link token in the fragment: browsers never send fragments to
    the server, so the token stays out of the store's logs."""
    return f"{urldefrag(url).url}#{LINK_FRAGMENT}={token}"


@dataclass(frozen=True)
class LoginOutcome:
    remembered: bool
    """False when there is no OS keyring: the session lasts until the app closes."""


class CartSession:
    def __init__(
        self,
        directory: Path,
        credentials: CredentialStore,
        *,
        open_url: Callable[[str], None],
        clock: Callable[[], float] = time.time,
        poll_wait: float = 25.0,
        websocket_retry: float = 60.0,
    ) -> None:
        self.directory = directory
        self._credentials = credentials
        self._memory = MemoryCredentials()
        self._open_url = open_url
        self.clock = clock
        self._poll_wait = poll_wait
        self._websocket_retry = websocket_retry
        self.settings = Settings.load(directory)
        self.store = LocalStore(directory / "cart.sqlite3")
        self.state = CartState()
        self.bookmarks: list[Bookmark] = []
        self.orders = OrderBook()
        self.status = Status.OFFLINE
        self.api: HubApi | None = None
        self.connection: HubConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._last_seq: int | None = None
        # Signals for the UI.
        self.changed: Signal[list[Change]] = Signal()
        self.status_changed: Signal[Status] = Signal()
        self.notice: Signal[Notice] = Signal()
        self.bookmarks_changed: Signal[None] = Signal()
        self.orders_changed: Signal[None] = Signal()  # deliveries or discounts
        self.signed_out: Signal[str] = Signal()

    # ---- life cycle -------------------------------------------------------------------------

    @property
    def signed_in(self) -> bool:
        return self.api is not None and self.api.token is not None

    async def open(self) -> bool:
        """Show the last known cart at once (even offline), then sign in silently if a token is
        stored. Returns whether the cart is signed in."""
        await self.store.open()
        saved = await self.store.load()
        self.state.load(saved.items)
        self.bookmarks = saved.bookmarks
        self.orders.load(saved.deliveries, saved.discounts)
        self._last_seq = saved.last_seq
        self.changed.emit([Change("added", i.ticket_id, i.ticket.store_id) for i in saved.items])
        self.bookmarks_changed.emit(None)
        self.orders_changed.emit(None)
        if not (self.settings.hub_url and self.settings.email):
            return False
        token = self._stored_token(self.settings.hub_url, self.settings.email)
        if token is None:
            return False
        self._connect(self.settings.hub_url, token)
        return True

    async def close(self) -> None:
        await self._disconnect()
        await self.store.close()

    def _stored_token(self, hub_url: str, email: str) -> str | None:
        key = account_key(hub_url, email)
        try:
            return self._credentials.load(key) or self._memory.load(key)
        except CredentialsUnavailable:
            return self._memory.load(key)

    def _connect(self, hub_url: str, token: str) -> None:
        self.api = HubApi(hub_url)
        self.api.token = token
        self.connection = HubConnection(
            self.api,
            self,
            last_seq=self._last_seq,
            force_polling=self.settings.force_polling,
            poll_wait=self._poll_wait,
            websocket_retry=self._websocket_retry,
        )
        self._task = asyncio.create_task(self._stay_connected(self.connection))

    async def _stay_connected(self, connection: HubConnection) -> None:
        try:
            await connection.run()
        except AuthFailed as exc:
            log.info("session refused by the hub: %s", exc)
            self._forget_token()
            await self._disconnect(wait=False)
            self.signed_out.emit(f"Your session has ended ({exc}). Please log in again.")

    async def _disconnect(self, wait: bool = True) -> None:
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
        self.connection_status(Status.OFFLINE)

    def _forget_token(self) -> None:
        key = account_key(self.settings.hub_url, self.settings.email)
        self._memory.delete(key)
        with contextlib.suppress(CredentialsUnavailable):
            self._credentials.delete(key)

    # ---- accounts ---------------------------------------------------------------------------

    async def log_in(
        self,
        hub_address: str,
        email: str,
        password: str,
        *,
        create_account: bool = False,
        display_name: str = "",
    ) -> LoginOutcome:
        """Sign up (optionally) and log in; the token goes to the OS keyring. Raises ValueError
        for a bad address, HubUnreachable, or HubError (wrong password, email taken, ...)."""
        hub_url = normalize_hub_url(hub_address)
        email = email.strip().lower()
        api = HubApi(hub_url)
        try:
            await api.discover()
            if create_account:
                await api.sign_up(email, password, display_name)
            issued = await api.log_in(email, password, f"Desktop cart on {platform.node()}")
        finally:
            await api.close()
        await self._disconnect()
        if (self.settings.hub_url, self.settings.email) != (hub_url, email):
            # Another account: its cart is not this one.
            await self.store.clear()
            self.state.load([])
            self.bookmarks, self._last_seq = [], None
            self.orders.load([], [])
            self.changed.emit([])
            self.bookmarks_changed.emit(None)
            self.orders_changed.emit(None)
        key = account_key(hub_url, email)
        try:
            self._credentials.save(key, issued.token)
            remembered = True
        except CredentialsUnavailable:
            self._memory.save(key, issued.token)
            remembered = False
        self.settings.hub_url, self.settings.email = hub_url, email
        self.settings.save(self.directory)
        self._connect(hub_url, issued.token)
        return LoginOutcome(remembered)

    async def sign_out(self) -> None:
        """End the session at the hub, delete the token, and forget this cart on this computer."""
        if self.api is not None:
            with contextlib.suppress(HubUnreachable, HubError):
                await self.api.log_out()
        self._forget_token()
        await self._disconnect()
        await self.store.clear()
        removed = [
            Change("removed", i.ticket_id, i.ticket.store_id) for i in self.state.items.values()
        ]
        self.state.load([])
        self.bookmarks, self._last_seq = [], None
        self.orders.load([], [])
        self.changed.emit(removed)
        self.bookmarks_changed.emit(None)
        self.orders_changed.emit(None)
        self.signed_out.emit("Signed out.")

    def set_force_polling(self, enabled: bool) -> None:
        self.settings.force_polling = enabled
        self.settings.save(self.directory)
        if self.connection is not None:
            self.connection.set_force_polling(enabled)

    # ---- what the shopper does --------------------------------------------------------------

    def _online(self) -> tuple[HubApi, HubConnection]:
        if self.api is None or self.connection is None:
            raise HubError("unauthorized", "log in first")
        return self.api, self.connection

    async def _ticket_command(self, message: dict[str, Any]) -> None:
        _, connection = self._online()
        reply = await connection.command({"id": command_id(), **message})
        if isinstance(reply, CartResult) and reply.ticket is not None:
            await self._apply_views([reply.ticket])

    async def set_quantity(self, ticket_id: str, qty: int) -> None:
        await self._ticket_command({"type": "set_quantity", "ticket_id": ticket_id, "qty": qty})

    async def renew(self, ticket_id: str) -> None:
        await self._ticket_command({"type": "renew", "ticket_id": ticket_id})

    async def remove(self, ticket_id: str) -> None:
        """Release a held item (its stock goes back to the store); clear a finished row."""
        item = self.state.items.get(ticket_id)
        if item is None:
            return
        if item.held:
            await self._ticket_command({"type": "release", "ticket_id": ticket_id})
        else:
            changes = self.state.remove(ticket_id)
            await self.store.save(removed=[ticket_id])
            self.changed.emit(changes)

    async def reserve(self, store_id: str, product_id: str, qty: int = 1) -> None:
        await self._ticket_command(
            {"type": "reserve", "store_id": store_id, "product_id": product_id, "qty": qty}
        )

    async def sync(self) -> None:
        _, connection = self._online()
        await connection.command({"id": command_id(), "type": "sync"})

    async def open_page(self, url: str, store_id: str, store_name: str) -> bool:
        """Open a store page in the default browser, linked to this cart with a fresh link token
        (scoped to that store). Offline, the page opens unlinked; returns whether it is linked."""
        try:
            api, _ = self._online()
            issued = await api.mint_link_token(store_id, f"Bookmark: {store_name}"[:100])
        except (HubUnreachable, HubError):
            self._open_url(urldefrag(url).url)
            return False
        self._open_url(linked_url(url, issued.token))
        return True

    async def pairing_code(self) -> tuple[str, float]:
        api, _ = self._online()
        return await api.pairing_code()

    async def paired_browsers(self) -> list[dict[str, Any]]:
        api, _ = self._online()
        return await api.link_tokens()

    async def revoke_browser(self, token_id: str) -> None:
        api, _ = self._online()
        await api.revoke_link_token(token_id)

    # ---- the connection's sink --------------------------------------------------------------

    async def apply_events(self, events: list[Any], last_seq: int) -> None:
        now = self.clock()
        changes: list[Change] = []
        marks: list[Bookmark] = []
        for event in events:
            if isinstance(event, OrderPlaced | OrderUpdated | DiscountOffered):
                changes += await self._apply_order_event(event)
                continue
            event_changes, notice = self.state.apply_event(event, now)
            changes += event_changes
            if notice is not None:
                self.notice.emit(notice)
            if isinstance(event, ItemAdded | QuantityChanged) and event.ticket.source_url:
                marks.append(self._bookmark(event.ticket, now))
        await self._persist(changes, last_seq=last_seq, bookmarks=marks)
        self._last_seq = last_seq

    async def apply_snapshot(self, snapshot: CartSnapshot) -> None:
        now = self.clock()
        # Bought tickets leave the cart for Deliveries (not "no longer held").
        changes = await self._take_orders(snapshot.orders, discounts=snapshot.discounts)
        changes += self.state.reconcile(snapshot, now)
        marks = [self._bookmark(t, now) for t in snapshot.tickets if t.source_url]
        await self._persist(changes, last_seq=snapshot.head_seq, bookmarks=marks)
        self._last_seq = snapshot.head_seq

    async def _apply_order_event(
        self, event: OrderPlaced | OrderUpdated | DiscountOffered
    ) -> list[Change]:
        if isinstance(event, DiscountOffered):
            self.notice.emit(self.orders.offer(event.discount))
            await self.store.save_orders([], self.orders.discounts.values())
            self.orders_changed.emit(None)
            return []
        known = self.orders.deliveries.get(event.order.order_id)
        changes = await self._take_orders([event.order])
        if known is None or known.order.version < event.order.version:
            self.notice.emit(order_notice(event.order))
        return changes

    async def _take_orders(
        self, orders: Sequence[OrderView], *, discounts: Sequence[DiscountView] | None = None
    ) -> list[Change]:
        """Record orders (newer views only); their tickets leave the cart."""
        changes: list[Change] = []
        fresh: list[Delivery] = []
        for order in orders:
            for line in order.lines:
                changes += self.state.remove(line.ticket_id)
            delivery = self.orders.apply_order(order)
            if delivery is not None:
                fresh.append(delivery)
        if discounts is not None:
            self.orders.replace_discounts(discounts)
        if fresh or discounts is not None:
            await self.store.save_orders(fresh, self.orders.discounts.values())
            self.orders_changed.emit(None)
        return changes

    async def checkout(self, store_id: str | None = None) -> CartResult:
        """Buy what the cart holds from one store (or all), with the codes stores offered.
        Opens the stores' payment links; returns the hub's answer (orders, expired holds)."""
        _, connection = self._online()
        stores = None if store_id is None else {store_id}
        message: dict[str, Any] = {
            "type": "checkout",
            "id": command_id(),
            "store_ids": None if stores is None else sorted(stores),
            "discount_codes": self.orders.usable_codes(stores, self.clock()),
        }
        reply = await connection.command(message)
        assert isinstance(reply, CartResult)
        changes = await self._take_orders(reply.orders or [])
        await self._persist(changes)
        for order in reply.orders or []:
            if order.payment.mode == "link" and order.payment.url:
                self._open_url(order.payment.url)
        return reply

    def open_url(self, url: str) -> None:
        """Open a link the shopper asked for (a payment page, a parcel's tracking)."""
        self._open_url(url)

    @property
    def deliveries(self) -> list[Delivery]:
        return self.orders.listed()

    def apply_availability(self, item: Availability) -> None:
        self.changed.emit(self.state.apply_availability(item))

    def connection_status(self, status: Status) -> None:
        self.status = status
        self.status_changed.emit(status)

    async def _apply_views(self, views: list[TicketView]) -> None:
        changes: list[Change] = []
        for view in views:
            changes += self.state.apply_ticket(view)
        await self._persist(changes)

    async def _persist(
        self,
        changes: list[Change],
        *,
        last_seq: int | None = None,
        bookmarks: Sequence[Bookmark] = (),
    ) -> None:
        kept: list[CartItem] = []
        removed: list[str] = []
        for change in changes:
            item = self.state.items.get(change.ticket_id)
            if item is None:
                removed.append(change.ticket_id)
            else:
                kept.append(item)
        await self.store.save(kept, removed, last_seq=last_seq, bookmarks=bookmarks)
        if changes:
            self.changed.emit(changes)
        if bookmarks:
            self._merge_bookmarks(bookmarks)

    def _bookmark(self, ticket: TicketView, now: float) -> Bookmark:
        assert ticket.source_url is not None
        return Bookmark(
            ticket.source_url, ticket.store_id, ticket.store_name, ticket.name, now, now
        )

    def _merge_bookmarks(self, marks: Sequence[Bookmark]) -> None:
        by_url = {b.url: b for b in self.bookmarks}
        for mark in marks:
            known = by_url.get(mark.url)
            if known is None:
                by_url[mark.url] = mark
            else:
                known.title, known.store_name, known.last_seen = (
                    mark.title,
                    mark.store_name,
                    mark.last_seen,
                )
        self.bookmarks = sorted(by_url.values(), key=lambda b: b.last_seen, reverse=True)
        self.bookmarks_changed.emit(None)

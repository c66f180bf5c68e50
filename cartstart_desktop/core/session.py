"""One shopper's cart on this computer, without a UI: the parts, built on one home directory.

The UI holds this one object and talks to its parts: `account` (signing in and out), `cart`
(what the shopper does to the cart), `drafts` (personalised items' forms), `pairing` (browsers linked to the cart), and reads
`local` (the cart's contents), `bookmarks`, `purchases` (deliveries, discount codes), `images`
(product pictures on disk) and `stream` (the connection's status). `live` (live sessions attached
to the cart) is built when first needed: when the cart is first online, or when the Live tab
first shows; opening the cart loads none of it. Every rule lives in a part; this module only
builds and opens them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .account import Account
from .api import HubApi
from .bookmarks import Bookmarks
from .cart import Notice
from .connection import Status
from .credentials import CredentialStore, SessionTokens
from .drafts import Drafts
from .hub_link import HubLink
from .images import ImageCache
from .intents import CartIntents
from .local_cart import LocalCart
from .local_store import LocalStore
from .market_desk import MarketDesk
from .observable import Signal
from .pairing import Pairing
from .purchases import Purchases
from .settings import Settings
from .stream import CartStream

if TYPE_CHECKING:
    from .live_desk import LiveDesk


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
        live_interval: float = 10.0,
        draft_delay: float = 0.7,
    ) -> None:
        self.directory = directory
        self.clock = clock
        self.open_url = open_url
        """Opens a link the shopper asked for in the system's browser (payment, tracking)."""
        self.settings = Settings.load(directory)
        self.notices: Signal[Notice] = Signal()
        self.local = LocalCart(LocalStore(directory / "cart.sqlite3"))
        self.images = ImageCache(directory / "images")
        """Product pictures on disk, fetched once (the UI asks when it paints a row)."""
        self.bookmarks = Bookmarks()
        self.purchases = Purchases(self.local, self.notices, clock=clock)
        self.stream = CartStream(
            self.local, self.bookmarks, self.purchases, self.notices, clock=clock
        )
        self.link = HubLink(
            self.stream,
            self.local,
            self.settings,
            directory,
            poll_wait=poll_wait,
            websocket_retry=websocket_retry,
        )
        self.drafts = Drafts(self.local, self.link, self.stream, delay=draft_delay)
        """Personalised items' forms: kept here, sent to the hub as the shopper types."""
        self.cart = CartIntents(
            self.local, self.link, self.purchases, self.drafts, open_url=open_url
        )
        self.market = MarketDesk(self.link, self.settings, directory, self.cart)
        """The marketplace: search, the tree, currencies, results and solutions into the cart."""
        self.pairing = Pairing(self.link, open_url=open_url)
        self.account = Account(
            self.link,
            SessionTokens(credentials),
            self.settings,
            directory,
            forget_cart=self._forget_cart,
        )
        self._poll_wait = poll_wait
        self._websocket_retry = websocket_retry
        self._live_interval = live_interval
        self._live: LiveDesk | None = None
        self.live_ready: Signal[LiveDesk] = Signal()
        """The live part was built (the window follows its unread count from then on)."""
        self.stream.status_changed.connect(self._on_status)

    @property
    def api(self) -> HubApi | None:
        """The hub's HTTP API while signed in (None otherwise), for tools and tests."""
        return self.link.api

    @property
    def live(self) -> LiveDesk:
        """Live sessions attached to the cart (built, and its modules loaded, on first use)."""
        if self._live is None:
            from .live_desk import LiveDesk

            self._live = LiveDesk(
                self.link,
                self.local.store,
                self.settings,
                self.notices,
                clock=self.clock,
                interval=self._live_interval,
                poll_wait=self._poll_wait,
                websocket_retry=self._websocket_retry,
            )
            self.live_ready.emit(self._live)
        return self._live

    def set_force_polling(self, enabled: bool) -> None:
        """Never try WebSockets (kept for the next start): the cart's connection and the open
        live sessions switch at once."""
        self.link.set_force_polling(enabled)
        if self._live is not None:
            self._live.transport_changed()

    @property
    def live_built(self) -> LiveDesk | None:
        """The live part if it was built (nothing is loaded to answer)."""
        return self._live

    def _on_status(self, status: Status) -> None:
        """Once online, the live sessions' list follows the hub (unread counts, notices)."""
        if status in (Status.WEBSOCKET, Status.POLLING):
            self.live.start()
            self.live.refresh_soon()

    async def open(self) -> bool:
        """Show the last known cart at once (even offline), then sign in silently if a token is
        stored. Returns whether the cart is signed in."""
        saved = await self.local.open()
        self.bookmarks.load(saved.bookmarks)
        self.purchases.load(saved.deliveries, saved.discounts)
        await self.drafts.load()
        return self.account.resume()

    async def close(self) -> None:
        if self._live is not None:
            await self._live.stop()
        await self.drafts.close()
        await self.link.disconnect()
        await self.market.close()
        await self.images.close()
        await self.local.close()

    async def _forget_cart(self) -> None:
        if self._live is not None:
            await self._live.forget()
        await self.drafts.forget()  # first: no save on its way writes into the cleared store
        await self.local.forget()
        await self.images.clear()
        self.bookmarks.forget()
        self.purchases.forget()

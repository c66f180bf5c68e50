"""One shopper's cart on this computer, without a UI: the parts, built on one home directory.

The UI holds this one object and talks to its parts: `account` (signing in and out), `cart`
(what the shopper does to the cart), `pairing` (browsers linked to the cart), and reads
`local` (the cart's contents), `bookmarks`, `purchases` (deliveries, discount codes), `images`
(product pictures on disk) and `stream` (the connection's status). Every rule lives in a part; this module only builds and opens them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from .account import Account
from .api import HubApi
from .bookmarks import Bookmarks
from .cart import Notice
from .credentials import CredentialStore, SessionTokens
from .hub_link import HubLink
from .images import ImageCache
from .intents import CartIntents
from .local_cart import LocalCart
from .local_store import LocalStore
from .observable import Signal
from .pairing import Pairing
from .purchases import Purchases
from .settings import Settings
from .stream import CartStream


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
        self.cart = CartIntents(self.local, self.link, self.purchases, open_url=open_url)
        self.pairing = Pairing(self.link, open_url=open_url)
        self.account = Account(
            self.link,
            SessionTokens(credentials),
            self.settings,
            directory,
            forget_cart=self._forget_cart,
        )

    @property
    def api(self) -> HubApi | None:
        """The hub's HTTP API while signed in (None otherwise), for tools and tests."""
        return self.link.api

    async def open(self) -> bool:
        """Show the last known cart at once (even offline), then sign in silently if a token is
        stored. Returns whether the cart is signed in."""
        saved = await self.local.open()
        self.bookmarks.load(saved.bookmarks)
        self.purchases.load(saved.deliveries, saved.discounts)
        return self.account.resume()

    async def close(self) -> None:
        await self.link.disconnect()
        await self.images.close()
        await self.local.close()

    async def _forget_cart(self) -> None:
        await self.local.forget()
        await self.images.clear()
        self.bookmarks.forget()
        self.purchases.forget()

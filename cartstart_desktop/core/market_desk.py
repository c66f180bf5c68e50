"""The Marketplace tab's core: searches the hub's marketplace, keeps the tree and the currencies,
and puts a result into the cart as a hold (the cart's own reserve intent, as a pick on a page).

Searching needs no account: while signed out the desk asks the hub the cart last used. Only the
newest search's answer is shown (an older one arriving late is dropped), so typing fast never
shows results for words no longer in the box.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .api import HubApi, HubError, HubUnreachable
from .connection import Offline
from .hub_link import HubLink
from .intents import CartIntents
from .lang import _
from .market import Node, Page, Query, Result, read_page, read_tree
from .observable import Signal
from .settings import DEFAULT_HUB, Settings

log = logging.getLogger(__name__)

State = Literal["idle", "loading", "ready", "error"]
MAX_HOLD = 999
"""The most one reserve command holds (shared_protocol.common.Quantity); more is held in parts."""


@dataclass(frozen=True)
class Held:
    """What putting something in the cart did: `ok`, and words for the shopper."""

    ok: bool
    text: str
    status: Literal["held", "short", "gone", "failed"] = "held"


def words_for(error: BaseException) -> str:
    """The sentence for a failure while browsing the marketplace."""
    if isinstance(error, HubUnreachable | Offline):
        return _("The hub cannot be reached. Check your connection, then search again.")
    from .words import explain

    return explain(error)


class MarketDesk:
    def __init__(
        self, link: HubLink, settings: Settings, directory: Path, intents: CartIntents
    ) -> None:
        self._link = link
        self._settings = settings
        self._directory = directory
        self.intents = intents
        self._own_api: HubApi | None = None
        self._old_apis: list[HubApi] = []
        self.query = Query(currency=settings.market_currency)
        self.page: Page | None = None
        self.state: State = "idle"
        self.error = ""
        self.tree: tuple[Node, ...] = ()
        self.currencies: tuple[str, ...] = ()
        self.base = ""
        self.changed: Signal[str] = Signal()
        """What changed: "results" (state, page or error), "tree" or "currencies"."""
        self._asked = 0

    # ---- the hub ---------------------------------------------------------------------------

    def api(self) -> HubApi:
        """The signed-in cart's API, else one on the hub the cart last used (search is public)."""
        if self._link.api is not None:
            return self._link.api
        url = self._settings.hub_url or DEFAULT_HUB
        if self._own_api is None or self._own_api.hub_url != url:
            if self._own_api is not None:
                self._old_apis.append(self._own_api)  # closed with the desk
            self._own_api = HubApi(url)
        return self._own_api

    async def _get(self, path: str, **params: str) -> Any:
        return await self.api()._request("GET", path, params=params)

    async def close(self) -> None:
        while self._old_apis:
            await self._old_apis.pop().close()
        if self._own_api is not None:
            await self._own_api.close()
            self._own_api = None

    # ---- what the shopper does -------------------------------------------------------------

    async def start(self) -> None:
        """The tree and the currencies (when the tab first shows, and after a language change)."""
        await asyncio.gather(self.load_tree(), self.load_currencies())

    async def load_tree(self) -> None:
        try:
            raw = await self._get("/api/market/tree", lang=_.lang)
        except (HubError, HubUnreachable) as exc:
            log.info("no marketplace tree: %s", exc)
            return
        self.tree = read_tree(raw)
        self.changed.emit("tree")

    async def load_currencies(self) -> None:
        try:
            raw = await self._get("/api/market/currencies")
        except (HubError, HubUnreachable) as exc:
            log.info("no marketplace currencies: %s", exc)
            return
        self.base = str(raw.get("base", ""))
        self.currencies = tuple(str(c) for c in raw.get("currencies") or [self.base] if c)
        if self.query.currency and self.query.currency not in self.currencies:
            self.query = self.query.with_currency("")  # its rate was withdrawn: the base again
        self.changed.emit("currencies")

    async def search(self, query: Query | None = None) -> None:
        """Search with `query` (or the current one again); the newest answer wins."""
        if query is not None:
            self.query = query
        self._asked += 1
        asked = self._asked
        if not self.query.ready:
            self._show("idle", None, "")
            return
        if problem := self.query.problem():
            self._show("error", None, problem)
            return
        self._show("loading", self.page, "")
        try:
            raw = await self._get("/api/market/search", **self.query.params(_.lang))
        except (HubError, HubUnreachable) as exc:
            if asked == self._asked:
                self._show("error", None, words_for(exc))
            return
        if asked == self._asked:
            self._show("ready", read_page(raw), "")

    def _show(self, state: State, page: Page | None, error: str) -> None:
        self.state, self.page, self.error = state, page, error
        self.changed.emit("results")

    async def set_text(self, text: str) -> None:
        await self.search(self.query.with_text(text))

    async def set_filter(self, facet: str, value: str) -> None:
        await self.search(self.query.with_filter(facet, value))

    async def browse(self, path: list[str]) -> None:
        """Show a tree node's products (its ids from the root), within the words typed."""
        await self.search(self.query.with_node(path))

    async def clear_filters(self) -> None:
        await self.search(self.query.without_filters())

    async def set_currency(self, currency: str) -> None:
        self._settings.market_currency = currency
        self._settings.save(self._directory)
        await self.search(self.query.with_currency(currency))

    async def turn_page(self, page: int) -> None:
        await self.search(self.query.with_page(page))

    async def put_in_cart(self, result: Result, qty: int = 1) -> Held:
        """Hold a result in the cart, as a pick on its page would."""
        return await hold(
            self.intents, result.store_id, result.product_id, qty, result.page_url, result.name
        )


async def hold(
    intents: CartIntents, store_id: str, product_id: str, qty: int, page_url: str, name: str
) -> Held:
    """Hold `qty` of a product (in parts of at most 999); what happened, in words."""
    source = page_url if page_url.startswith(("https://", "http://")) else None
    done = 0
    try:
        while done < qty:
            part = min(MAX_HOLD, qty - done)
            await intents.reserve(store_id, product_id, part, source_url=source)
            done += part
    except HubError as exc:
        if exc.code == "insufficient_stock":
            left = exc.details.get("available")
            if left == 0:
                text = _("Sold out.")
            elif isinstance(left, int):
                text = _.n(
                    "Not enough stock: {n} left.",
                    "Not enough stock: {n} left.",
                    left,
                )
            else:
                text = _("Not enough stock.")
            if done:
                text = _("{held} held; {rest}", held=done, rest=text)
            return Held(False, text, "short")
        if exc.code == "unauthorized":
            return Held(False, _("Sign in to put products in your cart."), "failed")
        if exc.code == "not_found":
            return Held(False, _("No longer available."), "gone")
        return Held(False, words_for(exc), "failed")
    except (HubUnreachable, Offline) as exc:
        return Held(False, words_for(exc), "failed")
    return Held(True, _.n("{n} held: {name}", "{n} held: {name}", qty, name=name), "held")

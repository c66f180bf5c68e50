"""What one run shares between its checks: where the hub is, the store's key, what the store
looks like, and what the kit changed, so that it can put things back and say what it touched."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import quote

import httpx

from shared_protocol.common import Outbound
from shared_protocol.orders import OrderStatus
from shared_protocol.store_api import ProductView, StoreInfo
from storefront_templates.store_api import StockChange, StoreClient

from .outcomes import Failed, Skipped
from .report import Spec
from .shopper import Shopper, new_id

USER_AGENT = "cartstart-conformance/1"
REJECT_REASON = "CartStart conformance check"


@dataclass(frozen=True)
class Options:
    hub_url: str
    store_id: str
    store_key: str
    webhook_secret: str | None = None
    check_pages: bool = False
    # The hub retries a webhook after 2, 4, 8 s: 25 s leaves room for the fourth try.
    webhook_timeout: float = 25.0
    http_timeout: float = 10.0


class Discovery(Outbound):
    """`GET /.well-known/cartstart.json` (docs/protocol.md, section 1)."""

    protocol_versions: list[int]
    http_url: str
    ws_url: str
    channels: dict[str, str]


@dataclass(frozen=True)
class StockProbe:
    """The kit's +1 on a product, for the stock checks after it."""

    product_id: str
    key: str  # the Idempotency-Key it was applied with
    on_hand_before: int


@dataclass
class Touched:
    """What the kit changed in the store, kept as it goes (cleanup undoes it, the report lists
    it)."""

    shopper: str | None = None
    stock: dict[str, int] = field(default_factory=dict)  # net on-hand change, by product
    adjusted: set[str] = field(default_factory=set)  # products whose stock the kit moved
    holds: dict[str, str] = field(default_factory=dict)  # ticket id -> product id, while held
    orders: dict[str, str] = field(default_factory=dict)  # order id -> status the kit left
    acked: int | None = None

    def lines(self) -> list[str]:
        out: list[str] = []
        if self.shopper:
            out.append(
                f"a throwaway shopper account, {self.shopper} (it stays: the protocol has no "
                "way to delete an account)"
            )
        for product_id in sorted(self.adjusted):
            net = self.stock.get(product_id, 0)
            left = "back where it was" if net == 0 else f"{net:+d} on hand: NOT put back"
            out.append(f"{product_id!r}: on hand +1 then -1 ({left})")
        for ticket_id, product_id in self.holds.items():
            out.append(f"a hold on one {product_id!r} (ticket {ticket_id}): NOT released")
        for order_id, status in self.orders.items():
            if status == OrderStatus.REJECTED:
                out.append(f"test order {order_id}: placed, then rejected ({REJECT_REASON!r})")
            else:
                out.append(f"test order {order_id}: left {status}, NOT rejected")
        if self.acked is not None:
            out.append(f"your /ws/store stream acknowledged up to seq {self.acked}")
        return out


class Kit:
    def __init__(self, options: Options, discovery: Discovery) -> None:
        self.options = options
        self.discovery = discovery
        self.hub_url = options.hub_url.rstrip("/")
        self.http = httpx.AsyncClient(
            base_url=self.hub_url,
            timeout=options.http_timeout,
            headers={"User-Agent": USER_AGENT},
        )
        self.store = StoreClient(
            self.hub_url, options.store_id, options.store_key, timeout=options.http_timeout
        )
        self.auth = {"Authorization": f"Bearer {options.store_key}"}
        self.path = f"/api/stores/{quote(options.store_id, safe='')}"
        self.info: StoreInfo | None = None
        self.products: list[ProductView] | None = None
        self.touched = Touched()
        self.stock_probe: StockProbe | None = None
        self._shopper: Shopper | None = None

    async def close(self) -> None:
        await self.http.aclose()
        await self.store.close()

    def need_info(self) -> StoreInfo:
        if self.info is None:
            raise Skipped("the store key did not open the store API")
        return self.info

    def need_products(self) -> list[ProductView]:
        self.need_info()
        if not self.products:
            raise Skipped("the store has no catalogue to check with")
        return self.products

    async def for_sale(self) -> ProductView:
        """The product the kit holds, buys or restocks: active, with the most units available
        now (so a one-off item is touched only when nothing else can be)."""
        self.need_products()
        self.products = await self.store.products()
        candidates = [p for p in self.products if p.active and p.stock.available >= 1]
        if not candidates:
            raise Failed(
                "no product is active with a unit available: put at least one unit on sale "
                "(PUT .../products/{id}/stock) so the kit can hold and buy one"
            )
        return max(candidates, key=lambda p: p.stock.available)

    async def shopper(self) -> Shopper:
        if self._shopper is None:
            self._shopper = await Shopper.sign_up(self.http)
            self.touched.shopper = self._shopper.email
        return self._shopper

    async def adjust_stock(self, product_id: str, delta: int, key: str) -> StockChange:
        """A stock adjustment the kit remembers, so cleanup can undo it."""
        change = await self.store.adjust_stock(product_id, delta, idempotency_key=key)
        self.touched.adjusted.add(product_id)
        self.touched.stock[product_id] = self.touched.stock.get(product_id, 0) + delta
        return change

    async def put_stock_back(self) -> None:
        for product_id, net in list(self.touched.stock.items()):
            if net:
                await self.adjust_stock(product_id, -net, new_id("restore"))

    async def release_holds(self) -> None:
        shopper = self._shopper
        for ticket_id in list(self.touched.holds):
            assert shopper is not None  # holds come from the shopper
            await shopper.release(ticket_id)
            del self.touched.holds[ticket_id]

    async def reject_orders(self) -> None:
        for order_id, status in list(self.touched.orders.items()):
            if status == OrderStatus.PLACED:
                await self.store.set_order_status(
                    order_id, OrderStatus.REJECTED, reason=REJECT_REASON
                )
                self.touched.orders[order_id] = OrderStatus.REJECTED

    async def log_out(self) -> None:
        if self._shopper is not None:
            await self._shopper.log_out()


class Check(NamedTuple):
    """A named check and its body: the body returns what it showed, or raises `Failed` with
    the reason (or `Skipped`)."""

    spec: Spec
    run: Callable[[Kit], Awaitable[str]]

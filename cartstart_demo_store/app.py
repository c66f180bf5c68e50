"""The demo shop's web app (Starlette): catalogue, product pages and the shop counter."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import quote

from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from shared_protocol import ErrorCode
from shared_protocol.common import Price
from shared_protocol.live import LiveSettingsIn
from shared_protocol.orders import StoreOrderView
from shared_protocol.store import ProductIn
from storefront_templates import Product, Storefront
from storefront_templates.store_api import (
    HubRefused,
    InvalidRequest,
    StoreApiError,
    StoreClient,
    WebhookRefused,
    read_webhook,
)

from .catalogue import Catalogue

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShopConfig:
    hub_url: str
    store_id: str
    api_key: str
    catalogue: Catalogue
    host: str = "127.0.0.1"
    port: int = 8750

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def origins(self) -> list[str]:
        """The origins browsers may use for this shop: both loopback spellings when local."""
        if self.host in ("127.0.0.1", "localhost"):
            return [f"http://127.0.0.1:{self.port}", f"http://localhost:{self.port}"]
        return [self.url]


def _environment() -> Environment:
    return Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("cartstart_demo_store", "templates"),
                PackageLoader("storefront_templates", "templates"),
            ]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def create_app(config: ShopConfig, hub: StoreClient, webhook_secret: str) -> Starlette:
    """The shop's pages. `hub` is its store API client (registered already, see `register`);
    the webhook route checks each POST with `webhook_secret`."""
    catalogue = config.catalogue
    storefront = Storefront(config.hub_url, config.store_id)
    env = _environment()

    def product(item_id: str) -> Product:
        item = catalogue.item(item_id)
        assert item is not None
        return Product(
            id=item.id,
            name=item.name,
            price=item.price,
            currency=catalogue.currency,
            url=f"/products/{quote(item.id)}",
            description=item.description,
        )

    def page(name: str, status: int = 200, **context: object) -> HTMLResponse:
        html = env.get_template(name).render(
            shop=catalogue,
            widget=storefront.widget(),
            connect=storefront.connect_button(),
            store_id=config.store_id,
            texts=storefront.texts,
            **context,
        )
        return HTMLResponse(html, status_code=status)

    async def index(request: Request) -> Response:
        return page("index.html", products=[product(i.id) for i in catalogue.items])

    async def product_page(request: Request) -> Response:
        item = catalogue.item(request.path_params["item_id"])
        if item is None:
            return page("missing.html", 404, title="Not found")
        return page("product.html", product=product(item.id), title=item.name)

    orders: dict[str, StoreOrderView] = {}  # what the hub's webhook told us, by order id

    async def webhook(request: Request) -> Response:
        """Orders from the hub, signed: check the signature before believing a word."""
        try:
            event = read_webhook(webhook_secret, request.headers, await request.body())
        except WebhookRefused:
            return Response("bad signature", status_code=401)
        orders[event.order.order_id] = event.order
        return Response(status_code=204)  # 2xx: the hub stops retrying

    async def counter(request: Request) -> Response:
        try:
            stock = {p.id: p.stock for p in await hub.products()}
            problem = None
        except StoreApiError as exc:
            stock, problem = {}, f"The hub cannot be reached: {exc}"
        return page(
            "counter.html",
            items=catalogue.items,
            stock=stock,
            message=request.query_params.get("message", ""),
            problem=problem,
            title="Shop counter",
            orders=sorted(orders.values(), key=lambda o: o.created_at, reverse=True),
            console=f"{config.hub_url}/console",
        )

    async def counter_stock(request: Request) -> Response:
        """The counter's numbers, for its page to keep them live (it asks every few seconds, and
        at once when the widget shows a new count)."""
        try:
            products = await hub.products()
        except StoreApiError as exc:
            return JSONResponse({"problem": f"The hub cannot be reached: {exc}"}, status_code=503)
        stock = {
            p.id: {"on_hand": p.stock.on_hand, "held": p.stock.held, "sold": p.stock.sold_pending}
            for p in products
        }
        return JSONResponse({"stock": stock}, headers={"Cache-Control": "no-store"})

    async def counter_change(request: Request) -> Response:
        item = catalogue.item(request.path_params["item_id"])
        if item is None:
            return Response("no such item", status_code=404)
        delta = -1 if request.path_params["action"] == "sell" else 1
        try:
            # A fresh key per click: each click is its own sale (a retry would reuse it).
            result = await hub.adjust_stock(item.id, delta)
            message = (
                f"Sold one {item.name} over the counter"
                if delta < 0
                else f"Put one {item.name} back on the shelf"
            ) + f"; {result.stock.available} now available online."
            if result.revoked:
                message += f" {len(result.revoked)} online hold(s) had to give way."
        except HubRefused as exc:
            message = f"Not done: {exc.message}"
        except StoreApiError as exc:
            message = f"Not done: {exc}"
        return RedirectResponse(f"/counter?message={quote(message)}", status_code=303)

    return Starlette(
        routes=[
            Route("/", index),
            Route("/products/{item_id}", product_page),
            Route("/counter", counter),
            Route("/counter/stock", counter_stock),
            Route("/counter/{item_id}/{action:str}", counter_change, methods=["POST"]),
            Route("/hooks/cartstart", webhook, methods=["POST"]),
        ]
    )


async def register(hub: StoreClient, config: ShopConfig) -> str:
    """Tell the hub our sites, where to POST orders, and our catalogue; returns the webhook
    signing secret. Stock is set only for products the hub did not know yet, so a restart
    does not undo sales made at the counter."""
    catalogue = config.catalogue
    settings = await hub.update_settings(
        origins=config.origins, webhook_url=f"{config.url}/hooks/cartstart"
    )
    known = {p.id for p in await hub.products()}

    def products(mapped: bool) -> list[ProductIn]:
        return [
            ProductIn(
                id=item.id,
                name=item.name,
                code=item.code,
                price=Price(amount=item.price, currency=catalogue.currency),
                page_url=f"{config.url}/products/{item.id}",
                tags=list(item.tags),
                category=item.category if mapped else None,
            )
            for item in catalogue.items
        ]

    try:
        await hub.upsert_products(products(mapped=True))
    except InvalidRequest as refused:
        if refused.code != ErrorCode.UNKNOWN_CATEGORY:
            raise
        # A hub whose marketplace tree lacks the demo's categories (`cartstart-demo` imports
        # them; another hub may not): the shop sells all the same, outside the tree.
        log.info("the hub's marketplace tree lacks our categories: products left unmapped")
        await hub.upsert_products(products(mapped=False))
    for item in catalogue.items:
        if item.id not in known:
            await hub.set_stock(item.id, item.stock)
        if item.form is not None:  # personalised: the buyer fills it in after carting
            await hub.set_form(item.id, item.form)
    greeting = f"Welcome to {catalogue.name}! Start a session and we will show you around."
    await hub.set_live_page(LiveSettingsIn(greeting=greeting))
    if not settings.webhook_secret:  # the hub sends one whenever the URL is set
        raise StoreApiError("the hub returned no webhook secret")
    return settings.webhook_secret

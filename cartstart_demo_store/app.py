"""The demo shop's web app (Starlette): catalogue, product pages and the shop counter."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import uvicorn
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from cartstart_server import webhooks
from cartstart_server.server import EmbeddedUvicorn
from storefront_templates import Product, Storefront

from .catalogue import CATALOGUES, Catalogue
from .hub_client import HubRefused, StoreApi

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


def create_app(config: ShopConfig) -> Starlette:
    catalogue = config.catalogue
    storefront = Storefront(config.hub_url, config.store_id)
    env = _environment()
    api = StoreApi(config.hub_url, config.store_id, config.api_key)

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

    orders: dict[str, dict[str, Any]] = {}  # what the hub's webhook told us, by order id
    secret: list[str] = []

    async def webhook(request: Request) -> Response:
        """Orders from the hub, signed: check the signature before believing a word."""
        body = (await request.body()).decode()
        signature = request.headers.get(webhooks.HEADER, "")
        if not secret or not webhooks.verify(secret[0], signature, body, time.time()):
            return Response("bad signature", status_code=401)
        event = json.loads(body)
        orders[event["order"]["order_id"]] = event["order"]
        return Response(status_code=204)  # 2xx: the hub stops retrying

    async def counter(request: Request) -> Response:
        try:
            stock = {p["id"]: p["stock"] for p in await api.products()}
            problem = None
        except (HubRefused, OSError) as exc:
            stock, problem = {}, f"The hub cannot be reached: {exc}"
        return page(
            "counter.html",
            items=catalogue.items,
            stock=stock,
            message=request.query_params.get("message", ""),
            problem=problem,
            title="Shop counter",
            orders=sorted(orders.values(), key=lambda o: o["created_at"], reverse=True),
            console=f"{config.hub_url}/console",
        )

    async def counter_change(request: Request) -> Response:
        item = catalogue.item(request.path_params["item_id"])
        if item is None:
            return Response("no such item", status_code=404)
        delta = -1 if request.path_params["action"] == "sell" else 1
        try:
            result = await api.adjust(item.id, delta)
            stock = result["stock"]
            message = (
                f"Sold one {item.name} over the counter"
                if delta < 0
                else f"Put one {item.name} back on the shelf"
            ) + f"; {stock['available']} now available online."
            if result["revoked"]:
                message += f" {len(result['revoked'])} online hold(s) had to give way."
        except HubRefused as exc:
            message = f"Not done: {exc.message}"
        return RedirectResponse(f"/counter?message={quote(message)}", status_code=303)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        secret.append(await register_when_hub_answers(api, config))
        try:
            yield
        finally:
            await api.close()

    return Starlette(
        routes=[
            Route("/", index),
            Route("/products/{item_id}", product_page),
            Route("/counter", counter),
            Route("/counter/{item_id}/{action:str}", counter_change, methods=["POST"]),
            Route("/hooks/cartstart", webhook, methods=["POST"]),
        ],
        lifespan=lifespan,
    )


async def register_when_hub_answers(api: StoreApi, config: ShopConfig) -> str:
    for delay in (0.2, 0.5, 1, 2, 4):
        try:
            return await api.register(config.catalogue, config.origins, config.url)
        except OSError as exc:
            log.warning("hub not reachable yet (%s); retrying", exc)
            await asyncio.sleep(delay)
    return await api.register(config.catalogue, config.origins, config.url)


async def start(config: ShopConfig) -> tuple[uvicorn.Server, asyncio.Task[None]]:
    """Serve the shop in the running loop; returns once it is registered and listening."""
    server = EmbeddedUvicorn(
        uvicorn.Config(
            create_app(config),
            host=config.host,
            port=config.port,
            log_config=None,
            access_log=False,
            lifespan="on",
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # raises what stopped it (port taken, hub refused the key, ...)
            raise RuntimeError("the shop stopped before it started")
        await asyncio.sleep(0.02)
    return server, task


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="cartstart-demo-store",
        description="A small demo shop selling through a CartStart hub. The store's API key is "
        "read from $CARTSTART_STORE_KEY.",
    )
    parser.add_argument("--hub", required=True, help="the hub's HTTP address")
    parser.add_argument("--store-id", required=True)
    parser.add_argument("--catalogue", choices=sorted(CATALOGUES), default="bookshop")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8750)
    args = parser.parse_args(argv)
    key = os.environ.get("CARTSTART_STORE_KEY")
    if not key:
        print(
            "cartstart-demo-store: set CARTSTART_STORE_KEY to the store's API key", file=sys.stderr
        )
        return 2
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    config = ShopConfig(
        args.hub, args.store_id, key, CATALOGUES[args.catalogue], args.host, args.port
    )
    print(f"{config.catalogue.name}: {config.url}/  (counter: {config.url}/counter)", flush=True)
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="warning")
    return 0

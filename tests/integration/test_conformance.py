"""The conformance kit (storefront_templates.conformance) against a real hub and real stores: the
demo shop passes and is left as it was; deliberately broken stores fail, each with the reason a
person reads; the command line prints the report and exits 0, 1 or 2.

The hub runs as an admin runs it (`cartstart-server serve`, stores added with its CLI): the kit
and the stores reach it only over HTTP and WebSockets, as a store in any language would."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cartstart_demo_store.app import ShopConfig, create_app, register
from cartstart_demo_store.catalogue import CERAMICS
from cartstart_demo_store.shop import LoopServer
from shared_protocol.common import Price
from shared_protocol.orders import OrderStatus
from shared_protocol.store import ProductIn
from storefront_templates.conformance import CHECKS, Options, Report, Status, run_kit
from storefront_templates.conformance.cli import main
from storefront_templates.store_api import StoreClient, verify_webhook
from tests.helpers.process import HubProcess, add_store
from tests.helpers.waiting import eventually, free_port

pytestmark = pytest.mark.slow

CLI = Path(sys.executable).parent / "cartstart-conformance"
WEBHOOK_CHECKS = ["webhooks.unsigned", "webhooks.forged", "webhooks.other_body", "webhooks.stale"]


@pytest.fixture
async def federation(tmp_path: Path) -> AsyncIterator[HubProcess]:
    process = await HubProcess(tmp_path).start()
    try:
        yield process
    finally:
        assert await process.stop() == 0


@dataclass
class Store:
    hub_url: str
    store_id: str
    key: str
    secret: str | None = None
    url: str = ""

    def options(self, **more: Any) -> Options:
        return Options(self.hub_url, self.store_id, self.key, **more)


def new_store(hub: HubProcess, name: str) -> Store:
    store_id, key = add_store(hub.data_dir, name)
    return Store(hub.http_url, store_id, key)


@contextlib.asynccontextmanager
async def serving(app: Starlette, port: int) -> AsyncIterator[None]:
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        lifespan="off",
        timeout_graceful_shutdown=5,
    )
    server = LoopServer(config)
    task = asyncio.create_task(server.serve())
    await eventually(lambda: server.started, what="the store's server listens")
    try:
        yield
    finally:
        server.should_exit = True
        await task


@contextlib.asynccontextmanager
async def demo_shop(hub: HubProcess) -> AsyncIterator[Store]:
    """The demo shop, registered through the store API client as it registers itself, with its
    webhook secret kept for the kit's --webhook-secret."""
    store = new_store(hub, CERAMICS.name)
    config = ShopConfig(hub.http_url, store.store_id, store.key, CERAMICS, port=free_port())
    async with StoreClient(hub.http_url, store.store_id, store.key) as client:
        store.secret = await register(client, config)
        store.url = config.url
        async with serving(create_app(config, client, store.secret), config.port):
            yield store


Handler = Callable[[Request, bytes], Awaitable[int]]


# A product page that loads the widget as a classic script: browsers refuse an ES module there.
CLASSIC_SCRIPT_PAGE = """<!doctype html><title>Jug</title>
<script src="{hub}/static/cartstart.js"></script>
<div data-cartstart-store="{store}" data-cartstart-product="jug"><h1>Jug</h1></div>"""


@contextlib.asynccontextmanager
async def stub_shop(
    hub: HubProcess, handler: Handler, *, webhook: bool = True, origins: bool = True
) -> AsyncIterator[Store]:
    """A store that registers a small catalogue, and whose webhook answers what `handler`
    says (with the request and its raw body). Its product pages load the widget wrongly."""
    store = new_store(hub, "Stub Pottery")
    port = free_port()
    store.url = f"http://127.0.0.1:{port}"

    async def hook(request: Request) -> Response:
        return Response(status_code=await handler(request, await request.body()))

    async def page(request: Request) -> Response:
        html = CLASSIC_SCRIPT_PAGE.format(hub=hub.http_url, store=store.store_id)
        return Response(html, media_type="text/html")

    app = Starlette(
        routes=[
            Route("/hooks/cartstart", hook, methods=["POST"]),
            Route("/products/{product_id}", page),
        ]
    )
    async with StoreClient(hub.http_url, store.store_id, store.key) as client:
        if origins:
            await client.update_settings(origins=[store.url])
        if webhook:
            store.secret = await client.set_webhook(f"{store.url}/hooks/cartstart")
        products = [
            ProductIn(
                id=pid,
                name=f"Stub {pid}",
                price=Price(amount=1500, currency="EUR"),
                page_url=f"{store.url}/products/{pid}",
            )
            for pid in ("jug", "cup")
        ]
        await client.upsert_products(products)
        for product in products:
            await client.set_stock(product.id, 3)
        async with serving(app, port):
            yield store


def failed(report: Report) -> dict[str, str]:
    return {r.spec.id: r.detail for r in report.results if r.status is Status.FAIL}


async def test_the_demo_shop_passes_and_is_left_as_it_was(federation: HubProcess) -> None:
    async with demo_shop(federation) as shop:
        async with StoreClient(shop.hub_url, shop.store_id, shop.key) as client:
            before = {p.id: p.stock for p in await client.products()}
            report = await run_kit(shop.options(webhook_secret=shop.secret, check_pages=True))

            assert [r.spec.id for r in report.results] == [c.spec.id for c in CHECKS] + ["cleanup"]
            problems = failed(report)
            assert problems == {}, problems
            assert report.count(Status.SKIP) == 0
            assert "acknowledged at once" in report.result("webhooks.order").detail
            assert "though signed with your secret" in report.result("webhooks.other_body").detail
            assert report.store_name == CERAMICS.name

            # Left as it was: the same stock, nothing held, the test order rejected.
            after = {p.id: p.stock for p in await client.products()}
            assert {k: (s.on_hand, s.available) for k, s in after.items()} == {
                k: (s.on_hand, s.available) for k, s in before.items()
            }
            assert (await client.tickets()).tickets == []
            orders = await client.orders()
            assert [(o.status, o.reason) for o in orders] == [
                (OrderStatus.REJECTED, "CartStart conformance check")
            ]
            assert orders[0].customer.email.endswith("@cartstart.invalid")
            touched = "\n".join(report.touched)
            assert "throwaway shopper" in touched and orders[0].customer.email in touched
            assert "+1 then -1 (back where it was)" in touched
            assert f"test order {orders[0].order_id}: placed, then rejected" in touched
            # The hub delivered both of the order's webhooks (placed, rejected) to the shop.
            await eventually(
                lambda: _all_delivered(client, 2), what="the rejection's webhook is delivered"
            )
    assert report.ok


async def _all_delivered(client: StoreClient, count: int) -> bool:
    hooks = await client.webhooks()
    return len(hooks) == count and all(h.delivered_at for h in hooks)


async def accept_anything(request: Request, body: bytes) -> int:
    return 204


async def test_a_webhook_that_accepts_anything_and_a_classic_script_tag_fail_with_reasons(
    federation: HubProcess,
) -> None:
    async with stub_shop(federation, accept_anything) as shop:
        report = await run_kit(shop.options(webhook_secret=shop.secret, check_pages=True))
    problems = failed(report)
    assert set(problems) == {*WEBHOOK_CHECKS, "pages.widget"}, problems
    assert problems["webhooks.forged"] == (
        "your webhook accepted a request with a forged signature (answered 204): verify "
        "CartStart-Signature before believing the body"
    )
    assert problems["webhooks.unsigned"].startswith(
        "your webhook accepted a request with no CartStart-Signature (answered 204)"
    )
    assert problems["webhooks.other_body"].startswith(
        "your webhook accepted a body with the signature of another body (answered 204)"
    )
    assert (
        "from 10 minutes ago (answered 204): refuse timestamps more than 5 minutes off"
        in (problems["webhooks.stale"])
    )
    assert report.result("webhooks.order").status is Status.PASS
    assert report.result("cleanup").status is Status.PASS
    assert problems["pages.widget"] == (
        f'{shop.url}/products/cup loads the widget without type="module": browsers refuse it as '
        "a classic script (it is an ES module), so no product shows its availability"
    )
    assert not report.ok


async def test_a_store_that_never_registered_a_webhook_or_origins_is_told_so(
    federation: HubProcess,
) -> None:
    async with stub_shop(federation, accept_anything, webhook=False, origins=False) as shop:
        report = await run_kit(shop.options())
    problems = failed(report)
    assert set(problems) == {
        "registration.origins",
        "registration.webhook",
        "pages.origins",
    }, problems
    assert problems["registration.origins"].startswith(
        "no web origin is registered, so no page of your shop can add to a cart"
    )
    assert problems["registration.webhook"].startswith(
        "no webhook URL is set, so orders reach your server only if it follows /ws/store"
    )
    assert f"'jug' at {shop.url}/products/jug" in problems["pages.origins"]
    for check in [*WEBHOOK_CHECKS, "webhooks.order"]:
        result = report.result(check)
        assert (result.status, result.detail) == (Status.SKIP, "no webhook URL is set"), check
    # What needs no webhook still ran and passed.
    for check in ("stock.applied_once", "stream.resume", "cleanup"):
        assert report.result(check).status is Status.PASS, check


def verifying(store: Store, fail_first: int = 0) -> Handler:
    """A webhook that checks signatures (with `store.secret`) and answers 503 to the first
    `fail_first` genuine ones, like a shop whose database was briefly down."""
    failures = [fail_first]

    async def handle(request: Request, body: bytes) -> int:
        assert store.secret is not None
        if not verify_webhook(store.secret, request.headers, body):
            return 401
        if failures[0] > 0:
            failures[0] -= 1
            return 503
        return 204

    return handle


async def test_a_webhook_acknowledged_only_on_a_retry_passes_and_says_so(
    federation: HubProcess,
) -> None:
    holder = Store("", "", "")
    async with stub_shop(federation, verifying(holder, fail_first=1)) as shop:
        holder.secret = shop.secret
        report = await run_kit(shop.options(webhook_secret=shop.secret))
    assert failed(report) == {}, failed(report)
    detail = report.result("webhooks.order").detail
    assert "acknowledged on attempt 2, after HTTP 503: that passes (the hub retries)" in detail


async def test_a_webhook_that_refuses_the_hubs_own_signature_fails(federation: HubProcess) -> None:
    wrong = Store("", "", "", secret="whsec_not_the_one_the_hub_gave")
    async with stub_shop(federation, verifying(wrong)) as shop:
        report = await run_kit(shop.options(webhook_timeout=1.0))
    reason = failed(report)["webhooks.order"]
    assert reason.startswith(
        "your webhook refused the hub's genuine, signed order webhook (HTTP 401"
    )
    assert "verify with the webhook_secret answered when the URL was last set" in reason
    # The kit rejected its test order even so.
    async with StoreClient(shop.hub_url, shop.store_id, shop.key) as client:
        assert [o.status for o in await client.orders()] == [OrderStatus.REJECTED]


async def _cli(*args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        str(CLI),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_the_command_line_prints_the_report_and_exits_1_on_a_failure(
    federation: HubProcess,
) -> None:
    async with stub_shop(federation, accept_anything, webhook=False) as shop:
        target = ["--hub", shop.hub_url, "--store-id", shop.store_id, "--store-key", shop.key]
        code, out, err = await _cli(*target)
        assert (code, err) == (1, "")
        assert out.startswith(f"CartStart conformance: store {shop.store_id} on {shop.hub_url}\n")
        assert "  ✓ At least one web origin is registered: http://127.0.0.1:" in out
        assert "  ✗ A webhook URL is set\n      no webhook URL is set, so orders reach" in out
        assert "      see docs/protocol.md#webhooks\n" in out
        assert "  – An unsigned POST is refused: no webhook URL is set\n" in out
        assert "What the kit changed in your store:\n  - a throwaway shopper account" in out
        assert out.rstrip().endswith("failed, 6 skipped: NOT conformant")

        code, out, err = await _cli(*target, "--json")
    assert (code, err) == (1, "")
    report = json.loads(out)
    assert report["ok"] is False and report["store_id"] == shop.store_id
    checks = {c["id"]: c for c in report["checks"]}
    assert checks["registration.webhook"]["status"] == "fail"
    assert checks["registration.webhook"]["docs"] == "docs/protocol.md#webhooks"
    assert checks["stream.resume"] | {"detail": ""} == {
        "id": "stream.resume",
        "section": "Durable stream",
        "title": "/ws/store replays every missed event once, in order, after resume_from",
        "docs": "docs/protocol.md#5-durable-streams-seq-ack-resume-snapshot",
        "side": "hub",
        "status": "pass",
        "detail": "",
    }
    assert report["counts"] == {
        status: sum(c["status"] == status for c in report["checks"])
        for status in ("pass", "fail", "skip")
    }


def test_bad_arguments_and_an_unreachable_hub_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CARTSTART_STORE_KEY", raising=False)
    nowhere = f"http://127.0.0.1:{free_port()}"
    assert main(["--hub", nowhere, "--store-id", "st1", "--store-key", "csk.x"]) == 2
    assert f"cartstart-conformance: cannot reach the hub at {nowhere}" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["--hub", nowhere, "--store-id", "st1"])
    assert exited.value.code == 2
    assert "give --store-key, or set CARTSTART_STORE_KEY" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--hub", "127.0.0.1:8740", "--store-id", "st1", "--store-key", "k"])
    assert "--hub is the hub's HTTP address" in capsys.readouterr().err

"""The store API client that shops use (storefront_templates.store_api), against a real hub run as
an admin runs it (`cartstart-server serve`, stores added with its CLI), and its webhook check on
real webhooks the hub sent to a real receiver."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from shared_protocol.common import Money, Price
from shared_protocol.errors import ErrorCode
from shared_protocol.live import LiveSettingsIn
from shared_protocol.orders import OrderStatus
from shared_protocol.store import ProductIn
from storefront_templates.store_api import (
    Conflict,
    HubUnreachable,
    NotFound,
    StoreClient,
    Unauthorized,
    WebhookRefused,
    read_webhook,
    verify_webhook,
)
from tests.helpers.process import HubProcess, add_store
from tests.helpers.receivers import webhook_receiver
from tests.helpers.waiting import eventually, free_port

pytestmark = pytest.mark.slow

CATALOGUE = [
    ProductIn(
        id="vase", name="Tide vase", code="HC-V01", price=Price(amount=14500, currency="GBP")
    ),
    ProductIn(
        id="mug",
        name="Harbour mug",
        price=Price(amount=2400, currency="GBP"),
        page_url="http://127.0.0.1:9/products/mug",
        tags=["mugs"],
    ),
]


@pytest.fixture
async def hub(tmp_path: Path) -> AsyncIterator[HubProcess]:
    process = await HubProcess(tmp_path).start()
    try:
        yield process
    finally:
        assert await process.stop() == 0


async def test_a_shop_registers_its_catalogue_and_moves_stock_once_per_key(
    hub: HubProcess, tmp_path: Path
) -> None:
    store_id, key = add_store(tmp_path, "Harbour Ceramics")
    async with StoreClient(hub.http_url, store_id, key) as client:
        settings = await client.update_settings(origins=["http://127.0.0.1:8751"])
        assert settings.origins == ["http://127.0.0.1:8751"] and settings.webhook_secret is None
        assert await client.upsert_products(CATALOGUE) == 2
        assert {p.id for p in await client.products()} == {"vase", "mug"}
        mug = await client.product("mug")
        assert mug.price == Money(amount=2400, currency="GBP") and mug.tags == ["mugs"]
        assert mug.stock.on_hand == 0
        page = await client.live_page()
        assert page.enabled and page.page_url == f"{hub.http_url}/live/{store_id}"
        page = await client.set_live_page(LiveSettingsIn(workspace=True, accent="#aa3300"))
        page = await client.set_live_page(LiveSettingsIn(greeting="Ask us <anything>"))
        assert page.style.greeting == "Ask us <anything>"
        assert page.workspace and page.style.accent == "#aa3300"  # not sent: kept

        assert (await client.set_stock("mug", 8)).stock.available == 8
        sale = await client.adjust_stock("mug", -1, idempotency_key="till-0001")
        assert sale.stock.on_hand == 7 and sale.revoked == []
        # A retry with the same key (say the answer was lost) is the same sale, not a second.
        again = await client.adjust_stock("mug", -1, idempotency_key="till-0001")
        assert again.stock.on_hand == 7
        assert (await client.product("mug")).stock.on_hand == 7
        assert (await client.adjust_stock("mug", -1)).stock.on_hand == 6  # a fresh key each

        # Refusals come back typed, with the hub's own words.
        with pytest.raises(Conflict) as refused:
            await client.adjust_stock("mug", +5, idempotency_key="till-0001")
        assert refused.value.code is ErrorCode.IDEMPOTENCY_CONFLICT
        assert "already used for a different command" in refused.value.message
        with pytest.raises(Conflict) as refused:
            await client.adjust_stock("vase", -1)
        assert refused.value.status == 409 and refused.value.details == {"on_hand": 0}
        assert str(refused.value) == "on hand would go below zero (it is 0)"
        with pytest.raises(NotFound) as missing:
            await client.product("teapot")
        assert missing.value.message == "no product 'teapot' in this store"
        with pytest.raises(NotFound):
            await client.set_order_status("ord-none", OrderStatus.CONFIRMED)

        # A bad value never leaves the shop: the protocol's models check it first.
        with pytest.raises(ValidationError):
            await client.set_stock("mug", -3)
        with pytest.raises(ValidationError):
            await client.update_settings(origins=["http://127.0.0.1:8751/path"])
        with pytest.raises(ValidationError):
            await client.adjust_stock("mug", 1, idempotency_key="short")
        assert (await client.product("mug")).stock.on_hand == 6


async def test_a_key_works_only_for_its_own_store_and_silence_is_told_apart(
    hub: HubProcess, tmp_path: Path
) -> None:
    mine, my_key = add_store(tmp_path, "Corner Bookshop")
    theirs, _ = add_store(tmp_path, "Harbour Ceramics")
    async with StoreClient(hub.http_url, theirs, my_key) as wrong_store:
        with pytest.raises(Unauthorized) as refused:
            await wrong_store.products()
        assert refused.value.status == 403 and refused.value.code is ErrorCode.FORBIDDEN
        assert refused.value.message == "this API key belongs to another store"
    async with StoreClient(hub.http_url, mine, my_key + "x") as bad_key:
        with pytest.raises(Unauthorized) as refused:
            await bad_key.store()
        assert refused.value.status == 401 and refused.value.message
    async with StoreClient(hub.http_url, mine, my_key) as right:
        assert (await right.store()).name == "Corner Bookshop"
    async with StoreClient(f"http://127.0.0.1:{free_port()}", mine, my_key) as nobody:
        with pytest.raises(HubUnreachable):
            await nobody.products()


async def test_real_webhooks_pass_the_check_and_tampered_or_old_ones_do_not(
    hub: HubProcess, tmp_path: Path
) -> None:
    store_id, key = add_store(tmp_path, "Harbour Ceramics")
    async with (
        webhook_receiver() as receiver,
        StoreClient(hub.http_url, store_id, key) as client,
        httpx.AsyncClient(base_url=hub.http_url, timeout=10) as http,
    ):
        secret = await client.set_webhook(receiver.url)
        assert secret.startswith("whsec_")
        await client.upsert_products(CATALOGUE)
        await client.set_stock("mug", 3)
        # A shopper buys two mugs through the hub's public API.
        shopper = {"email": "alice@example.org", "password": "correct horse battery"}
        assert (await http.post("/api/accounts", json=shopper)).status_code == 201
        token = (await http.post("/api/sessions", json=shopper)).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        commands = [
            {
                "type": "reserve",
                "id": "reserve-00001",
                "store_id": store_id,
                "product_id": "mug",
                "qty": 2,
            },
            {"type": "checkout", "id": "checkout-00001"},
        ]
        for command in commands:
            r = await http.post("/api/cart/commands", json=command, headers=auth)
            assert r.status_code == 200, r.text

        await eventually(lambda: len(receiver.received) == 1, what="the order's webhook")
        placed = receiver.received[0]
        assert verify_webhook(secret, placed.headers, placed.body.encode())
        event = read_webhook(secret, placed.headers, placed.body)
        assert event.change == "placed" and event.order.customer.email == "alice@example.org"
        assert [(line.product_id, line.qty) for line in event.order.lines] == [("mug", 2)]

        tampered = placed.body.replace('"qty":2', '"qty":20')
        assert tampered != placed.body and json.loads(tampered)
        assert not verify_webhook(secret, placed.headers, tampered)
        with pytest.raises(WebhookRefused):
            read_webhook(secret, placed.headers, tampered)
        assert not verify_webhook("whsec_someone_else", placed.headers, placed.body)
        assert not verify_webhook(secret, {}, placed.body)  # unsigned
        signed_at = int(placed.headers["cartstart-signature"].split(",")[0].removeprefix("t="))
        assert verify_webhook(secret, placed.headers, placed.body, now=signed_at + 299)
        assert not verify_webhook(secret, placed.headers, placed.body, now=signed_at + 301)

        # Moving the order along through the client sends the next webhook, signed the same way.
        confirmed = await client.set_order_status(event.order.order_id, OrderStatus.CONFIRMED)
        assert confirmed.status is OrderStatus.CONFIRMED
        assert [o.order_id for o in await client.orders(OrderStatus.CONFIRMED)] == [
            event.order.order_id
        ]
        assert (await client.tickets()).tickets == []  # bought, no longer held
        await eventually(lambda: len(receiver.received) == 2, what="the status webhook")
        updated = read_webhook(secret, receiver.received[1].headers, receiver.received[1].body)
        assert updated.change == "updated" and updated.order.status is OrderStatus.CONFIRMED

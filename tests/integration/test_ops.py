"""What a hub admin looks at: health, metrics, the protocol schema, OpenAPI."""

from __future__ import annotations

import httpx

from cartstart_server.server import HubServer
from shared_protocol.schema import protocol_schema
from tests.helpers.hubs import seed_store
from tests.helpers.peers import peer, sign_up


def metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.split(" ")[0] == name:
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in metrics")


async def test_health_and_schema(http: httpx.AsyncClient) -> None:
    health = await http.get("/healthz")
    assert health.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    ready = await http.get("/readyz")
    assert (ready.status_code, ready.text) == (200, "ready\n")
    assert (await http.get("/protocol/schema.json")).json() == protocol_schema()


async def test_openapi_documents_the_store_api(http: httpx.AsyncClient) -> None:
    spec = (await http.get("/openapi.json")).json()
    paths = spec["paths"]
    for path in (
        "/api/stores/{store_id}/products",
        "/api/stores/{store_id}/products/{product_id}/stock",
        "/api/stores/{store_id}/products/{product_id}/stock-adjustments",
        "/api/stores/{store_id}/settings",
        "/api/cart/events",
        "/api/page/poll",
    ):
        assert path in paths, path
    assert "HTTPBearer" in spec["components"]["securitySchemes"]


async def test_metrics_count_connections_tickets_and_outcomes(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 1})
    alice = await sign_up(http, "alice@example.org")
    for cid in ("met-00001", "met-00002"):
        await http.post(
            "/api/cart/commands",
            json={"type": "reserve", "id": cid, "store_id": store_id, "product_id": "mug"},
            headers=alice.auth,
        )
    async with peer(server, "page") as page, peer(server, "cart") as cart:
        await page.hello()
        await cart.hello(alice.token)
        text = (await http.get("/metrics")).text
    assert metric(text, 'cartstart_connections{channel="page"}') == 1
    assert metric(text, 'cartstart_connections{channel="cart"}') == 1
    assert metric(text, 'cartstart_tickets{state="held"}') == 1
    assert metric(text, 'cartstart_reservations_total{outcome="ok"}') == 1
    assert metric(text, 'cartstart_reservations_total{outcome="insufficient_stock"}') == 1
    assert metric(text, "cartstart_outbox_depth") >= 1
    assert metric(text, "cartstart_expiries_total") == 0

"""Schemathesis against the hub's own /openapi.json: generated requests (schema-valid and
schema-invalid) for every operation, sent over 127.0.0.1 to a real hub with the credentials
each needs, and every answer checked: no 5xx, a documented status, a documented content type
and headers, a body matching the documented schema (errors included: the hub documents them as
{"error": {code, message, details}}), and invalid requests refused with 4xx.

The hub bugs and doc mismatches it found are fixed, each pinned by a test of its own at the
end; the generated test lets no failure through.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cartstart_server.clock import FakeClock, SystemClock
from cartstart_server.hub import Hub
from cartstart_server.server import (
    HubServer,
    broker_for,
    database_for,
    http_routers,
    limits_of,
)
from cartstart_server.transport.http_app import create_app
from shared_protocol import Channel
from tests.helpers.hubs import hub_config, seed_store

pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.backends("sqlite"),
    pytest.mark.asyncio(loop_scope="module"),  # one hub for the module (see `api`)
]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES = max(4, settings().max_examples // 2)
UVICORN_REFUSAL = "Invalid HTTP request received."
IDENT = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")


def described_operations() -> list[tuple[str, str]]:
    """(method, path) of every operation, from the app a hub serves, built without starting
    one (collection needs the list; the test checks the served document has the same)."""
    config = hub_config(Path("unused"))
    hub = Hub(database_for(config), broker_for(config), SystemClock(), config)
    limits = limits_of(config)
    app = create_app(
        routers=http_routers(hub, limits),
        channels=list(Channel),
        ops=hub.ops,
        origins=hub.origins,
        limits=limits,
        ws_url="ws://127.0.0.1:1",
        http_url="http://127.0.0.1:1",
    )
    return [
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    ]


OPERATIONS = described_operations()


@dataclass
class Api:
    server: HubServer
    schema: Any
    tokens: dict[str, str]
    ids: dict[str, str]

    @property
    def base_url(self) -> str:
        return self.server.http_url


async def seeded(server: HubServer) -> tuple[dict[str, str], dict[str, str]]:
    """A store with stock, a shopper holding tickets and an order, a link token, and a
    throwaway session for DELETE /api/sessions/current."""
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 50, "vase": 5})
    tokens = {"store": key}
    async with httpx.AsyncClient(base_url=server.http_url, timeout=10) as http:
        for name in ("session", "logout"):
            email = f"{name}@example.org"
            await http.post("/api/accounts", json={"email": email, "password": "correct horse"})
            r = await http.post("/api/sessions", json={"email": email, "password": "correct horse"})
            tokens[name] = r.json()["token"]
        cart = {"Authorization": f"Bearer {tokens['session']}"}
        reserve = {"type": "reserve", "store_id": store_id, "product_id": "mug"}
        await http.post("/api/cart/commands", json={**reserve, "id": "seed-0001"}, headers=cart)
        checkout = {"type": "checkout", "id": "seed-0002"}
        r = await http.post("/api/cart/commands", json=checkout, headers=cart)
        order_id = r.json()["orders"][0]["order_id"]
        await http.post("/api/cart/commands", json={**reserve, "id": "seed-0003"}, headers=cart)
        r = await http.post("/api/cart/link-tokens", json={}, headers=cart)
        tokens["link"] = r.json()["token"]
    added = await server.hub.agents.add(store_id, "agent@example.org", "Ana", "agent")
    signed = await server.hub.agents.accept_invite(added.invite_code, "correct horse")
    tokens["agent_logout"] = signed.token
    return tokens, {"store_id": store_id, "product_id": "mug", "order_id": order_id}


# The hub runs on the test's event loop, in the main thread; Schemathesis, which blocks, runs in
# a worker thread. Not the other way round: with the hub in a thread, its tracebacks (logged for
# the known 500s) are formatted while pytest formats a report in the main thread, and on Python
# 3.11 both parse source with `ast` (traceback carets) through one shared, unlocked recursion
# counter: "SystemError: AST constructor recursion depth mismatch", a pytest INTERNALERROR.
@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Api]:
    # Long polls cut to a tenth of a second: Schemathesis asks for up to `wait=30`.
    config = hub_config(tmp_path_factory.mktemp("hub"), long_poll_max=0.1)
    async with HubServer(config, clock=FakeClock()) as server:
        tokens, ids = await seeded(server)
        url = f"{server.http_url}/openapi.json"
        schema = await asyncio.to_thread(schemathesis.openapi.from_url, url)
        schema.config.update(base_url=server.http_url)
        yield Api(server, schema, tokens, ids)


def credential(method: str, path: str) -> str | None:
    """Which token an operation is called with (protocol.md sections 6-9)."""
    if path.startswith(("/api/stores/", "/api/store", "/api/console/")):
        return "store"
    if path == "/api/agent-sessions/current":
        return "agent_logout"
    if path == "/api/sessions/current":
        return "logout"
    if path.startswith(("/api/cart", "/api/sessions/current")):
        return "session"
    if path in ("/api/page/commands", "/api/page/poll") or path.startswith("/api/page/drafts"):
        return "link"
    return None


async def test_the_served_description_lists_the_operations_tested(api: Api) -> None:
    served = {
        (method.upper(), path)
        for path, operations in api.schema.raw_schema["paths"].items()
        for method in operations
    }
    assert served == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
async def test_generated_requests_get_documented_answers(api: Api, method: str, path: str) -> None:
    operation = api.schema[path][method]
    token = credential(method, path)
    headers = {"Authorization": f"Bearer {api.tokens[token]}"} if token else {}
    names = re.findall(r"{(\w+)}", path)
    known = {k: v for k, v in api.ids.items() if k in names}
    steered = [known, {k: v for k, v in known.items() if k == "store_id"}]
    cases = st.one_of(
        [
            operation.as_strategy(mode, path_parameters=params, headers=headers)
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
            for params in steered
        ]
    )

    @settings(max_examples=EXAMPLES, suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def run(case: Any) -> None:
        try:
            response = case.call(session=session, timeout=10)
        except requests.ConnectionError as exc:
            raise AssertionError(f"the hub dropped the connection: {case!r}") from exc
        if response.status_code == 400 and response.text == UVICORN_REFUSAL:
            # uvicorn's own answer to a request line or headers over h11's 16 KiB: plain text,
            # not the hub's error shape, before the hub sees the request (reported).
            assert (
                len(response.request.url) + sum(map(len, response.request.headers.values())) > 8192
            )
            return
        case.validate_response(response, checks=CHECKS)

    with requests.Session() as session:
        await asyncio.to_thread(run)


# ---- what it found (fixed) ----------------------------------------------------------------


async def call(api: Api, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {api.tokens['store']}", **kwargs.pop("headers", {})}
    async with httpx.AsyncClient(base_url=api.base_url, timeout=10) as http:
        return await http.request(method, path.format(**api.ids), headers=headers, **kwargs)


@pytest.mark.parametrize(
    ("method", "path", "body", "headers"),
    [
        ("PUT", "/api/stores/{store_id}/products/a%20b/stock", {"on_hand": 1}, {}),
        (
            "POST",
            "/api/stores/{store_id}/products/a%20b/stock-adjustments",
            {"delta": 1},
            {"Idempotency-Key": "adjust-0001"},
        ),
        ("POST", "/api/stores/{store_id}/orders/a%20b/status", {"status": "confirmed"}, {}),
    ],
    ids=["set-stock", "adjust-stock", "order-status"],
)
async def test_an_id_in_the_url_that_is_not_an_identifier_is_a_4xx(
    api: Api, method: str, path: str, body: dict[str, Any], headers: dict[str, str]
) -> None:
    r = await call(api, method, path, json=body, headers=headers)
    assert r.status_code in (404, 422), (r.status_code, r.text)


async def test_a_price_beyond_64_bits_is_refused_over_http(api: Api) -> None:
    product = {"id": "big", "name": "Big", "price": {"amount": 2**64, "currency": "EUR"}}
    r = await call(api, "POST", "/api/stores/{store_id}/products", json={"products": [product]})
    assert r.status_code == 422, (r.status_code, r.text)


async def test_metrics_answers_the_documented_content_type(api: Api) -> None:
    r = await call(api, "GET", "/metrics")
    documented = api.schema.raw_schema["paths"]["/metrics"]["get"]["responses"]["200"]
    assert r.headers["content-type"].split(";")[0] in documented.get("content", {})


async def test_a_method_not_allowed_says_which_are(api: Api) -> None:
    r = await call(api, "TRACE", "/healthz")
    assert r.status_code == 405
    assert r.headers.get("allow") == "GET", dict(r.headers)


async def test_optional_auth_is_described_as_optional(api: Api) -> None:
    poll = {"products": [{"store_id": api.ids["store_id"], "product_id": "mug"}], "wait": 0}
    async with httpx.AsyncClient(base_url=api.base_url, timeout=10) as http:
        r = await http.post("/api/page/poll", json=poll)  # no token
    assert r.status_code == 200
    security = api.schema.raw_schema["paths"]["/api/page/poll"]["post"].get("security", [])
    assert {} in security, security


@pytest.mark.parametrize("product", ["\u20ac", "a\r\nX-Evil: 1"], ids=["euro", "crlf"])
async def test_customers_csv_takes_any_product_id(api: Api, product: str) -> None:
    try:
        r = await call(
            api, "GET", "/api/stores/{store_id}/customers.csv", params={"product": product}
        )
    except httpx.TransportError as exc:
        raise AssertionError("the hub dropped the connection") from exc
    assert r.status_code == 200, (r.status_code, r.text)


@pytest.mark.parametrize("after", [2**53 + 1, 2**70])
async def test_a_seq_beyond_what_json_readers_hold_is_a_4xx(api: Api, after: int) -> None:
    r = await call(api, "GET", "/api/stores/{store_id}/events", params={"after": after})
    assert r.status_code == 422, (r.status_code, r.text)
    assert r.json()["error"]["code"] == "invalid_message"

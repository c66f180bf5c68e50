"""Every channel, live and property-based: a real hub on 127.0.0.1 gets generated valid and
mutated frames, before and after hello, and must answer each by the contract (protocol.md
section 3): well-formed server messages only, errors with the documented code (the one the
JSON Schema implies, tests/helpers/strategies.py), the connection still answering a probe, no
ERROR in the hub's log, and a ledger in balance afterwards (tests/helpers/ledger.py).

The frames' identifiers are steered half the time to the seeded store's products, tickets and
orders, so valid commands reach the ledger (reserve, resize, checkout, stock changes that
revoke holds, order updates, discounts) rather than stopping at not_found.

The hub here allows 10,000 messages a second per connection: each frame is followed by a probe,
and the default 50/s would answer rate_limited instead (its own tests are in test_bad_input).
The bugs they found are pinned by the tests at the end.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from shared_protocol import Channel, ProtocolError, parse
from tests.helpers.hubs import hub_config, seed_store
from tests.helpers.ledger import ledger_problems
from tests.helpers.peers import link_token, peer, sign_up
from tests.helpers.strategies import (
    DOCUMENTED_CODES,
    Frame,
    decode,
    expected_before_hello,
    expected_code,
    frames,
)

pytestmark = [pytest.mark.fuzz, pytest.mark.backends("sqlite")]

CHANNELS = [Channel.CART, Channel.PAGE, Channel.STORE]
LIVE_EXAMPLES = max(4, settings().max_examples // 2)


@dataclass
class Federation:
    """A hub with one store, a shopper with held tickets and a placed order, and the ids a
    generated frame may aim at."""

    server: HubServer
    tokens: Mapping[Channel, str | None]
    ids: dict[str, list[str]]
    probes: int = 0

    def probe(self, channel: Channel) -> tuple[dict[str, Any], str]:
        """A frame that must be answered on any greeted connection, and its id."""
        self.probes += 1
        probe_id = f"probe-{self.probes:08d}"
        if channel is Channel.PAGE:  # pages have no sync: an invalid add, answered with its id
            bad = {"type": "add_to_cart", "id": probe_id, "store_id": "s", "product_id": "p"}
            return {**bad, "qty": 0}, probe_id
        return {"type": "sync", "id": probe_id}, probe_id


@pytest.fixture
async def federation(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Federation]:
    config = hub_config(tmp_path, rate_per_second=10_000, rate_burst=10_000, flood_strikes=10_000)
    async with HubServer(config, clock=clock) as server:
        store_id, key = await seed_store(server.hub, "Fuzz shop", {"mug": 5, "vase": 2, "cup": 50})
        async with httpx.AsyncClient(base_url=server.http_url, timeout=10) as http:
            shopper = await sign_up(http, "fuzz@example.org")
            link = await link_token(http, shopper)
        async with peer(server, "cart", ignore=("availability",)) as cart:
            await cart.hello(shopper.token)
            await cart.expect("snapshot")
            reserve = {"type": "reserve", "store_id": store_id, "qty": 1}
            await cart.command({**reserve, "id": "seed-0001", "product_id": "mug"})
            placed = await cart.command({"type": "checkout", "id": "seed-0002"})
            order = placed["orders"][0]
            held = [
                await cart.command({**reserve, "id": f"seed-000{n}", "product_id": product})
                for n, product in [(3, "vase"), (4, "cup")]
            ]
        cart_ref = (await server.hub.orders.one(store_id, order["order_id"])).customer.cart_ref
        ids = {
            "store_id": [store_id],
            "product_id": ["mug", "vase", "cup"],
            "ticket_id": [r["ticket"]["ticket_id"] for r in held],
            "order_id": [order["order_id"]],
            "cart_ref": [cart_ref],
        }
        tokens = {Channel.CART: shopper.token, Channel.PAGE: link, Channel.STORE: key}
        yield Federation(server, tokens, ids)


async def answers_until(ws: ClientConnection, probe_id: str) -> list[dict[str, Any]]:
    """Every frame up to and including the probe's answer, each parsed as a server message
    of the channel (a frame that does not parse fails the test here)."""
    seen: list[dict[str, Any]] = []
    while True:
        raw = await asyncio.wait_for(ws.recv(), 10)
        seen.append(json.loads(raw))
        if seen[-1].get("id") == probe_id:
            return seen


def check_answers(channel: Channel, frame: Frame, answers: list[dict[str, Any]]) -> None:
    for answer in answers:
        try:
            parse(channel, "server", json.dumps(answer))
        except ProtocolError as exc:  # pragma: no cover - the assertion says what
            raise AssertionError(f"{frame.how}: the hub sent a malformed {answer}") from exc
        if answer["type"] == "error":
            assert answer["code"] in DOCUMENTED_CODES, (frame.how, answer)
            assert answer["code"] != "internal", (frame.how, frame.raw[:300], answer)
    obj, _ = decode(frame.raw)
    expected = expected_code(channel, "client", frame.raw)
    if expected is None and obj is not None and obj["type"] == "hello":
        expected = "invalid_message"  # "hello was already received"
    errors = [a for a in answers[:-1] if a["type"] == "error"]
    if expected is not None:
        assert [e["code"] for e in errors] == [expected], (frame.how, frame.raw[:300], answers)
        command_id = obj.get("id") if obj is not None and expected != "bad_json" else None
        readable = command_id if isinstance(command_id, str) else None
        assert errors[0]["id"] == readable, (frame.how, errors[0])
        return
    assert obj is not None
    if "id" in obj:  # a command: exactly one reply, carrying its id
        replies = [a for a in answers[:-1] if a.get("id") == obj["id"]]
        assert len(replies) == 1, (frame.how, frame.raw[:300], answers)
        assert replies[0]["type"] in ("result", "error", "snapshot"), (frame.how, replies)
        if replies[0]["type"] == "error":  # refused for what it asks, not how it is written
            assert replies[0]["code"] not in ("bad_json", "unknown_type"), (frame.how, replies)


def hub_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    found = [
        f"{r.name}: {r.getMessage()}\n{r.exc_text or ''}"
        for r in caplog.records
        if r.levelno >= logging.ERROR
    ]
    caplog.clear()
    return found


@pytest.mark.parametrize("channel", CHANNELS, ids=[c.value for c in CHANNELS])
@settings(
    max_examples=LIVE_EXAMPLES,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # one hub for all examples
)
@given(data=st.data())
async def test_every_frame_gets_the_documented_answer_and_the_hub_stays_sound(
    federation: Federation,
    channel: Channel,
    data: st.DataObject,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR)
    ids = federation.ids
    generated = frames(channel, "client", ids=ids)
    early = generated.filter(lambda f: expected_before_hello(channel, f.raw) is not None)
    before = data.draw(st.lists(early, max_size=2), label="before hello")
    after = data.draw(st.lists(generated, min_size=1, max_size=4), label="after hello")
    url = f"{federation.server.ws_url}/ws/{channel.value}"
    async with connect(url, max_size=None) as ws:
        for frame in before:
            await ws.send(frame.raw)
            answer = json.loads(await asyncio.wait_for(ws.recv(), 10))
            parse(channel, "server", json.dumps(answer))
            assert answer["type"] == "error", (frame.how, answer)
            assert answer["code"] == expected_before_hello(channel, frame.raw), (frame.how, answer)
        hello = {"type": "hello", "versions": [1], "token": federation.tokens[channel]}
        await ws.send(json.dumps(hello))
        welcome = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert welcome["type"] == "welcome", welcome
        for frame in after:
            probe, probe_id = federation.probe(channel)
            await ws.send(frame.raw)
            await ws.send(json.dumps(probe))
            try:
                answers = await answers_until(ws, probe_id)
            except (ConnectionClosed, TimeoutError) as exc:
                raise AssertionError(
                    f"{frame.how}: no answer to the probe after {frame.raw!r}"
                ) from exc
            check_answers(channel, frame, answers)
    assert hub_errors(caplog) == []
    assert ledger_problems(federation.server.config.database_path) == []


# ---- hub bugs the properties found (fixed) --------------------------------------------------


async def first_answer(ws: ClientConnection) -> dict[str, Any]:
    return dict(json.loads(await asyncio.wait_for(ws.recv(), 5)))


@pytest.mark.parametrize("greeted", [False, True], ids=["before-hello", "after-hello"])
async def test_a_command_id_with_a_lone_surrogate_gets_an_error(
    federation: Federation, greeted: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    async with connect(f"{federation.server.ws_url}/ws/store") as ws:
        if greeted:
            await ws.send(
                json.dumps(
                    {"type": "hello", "versions": [1], "token": federation.tokens[Channel.STORE]}
                )
            )
            assert (await first_answer(ws))["type"] == "welcome"
            assert (await first_answer(ws))["type"] == "snapshot"
        await ws.send('{"type": "sync", "id": "\\ud800abcdefgh"}')
        error = await first_answer(ws)
        assert error["type"] == "error" and error["code"] == "bad_json", error
        assert "surrogate" in error["message"], error
        await ws.send('{"type": "sync", "id": "after-the-bad-one"}')  # the connection goes on
        answer = await first_answer(ws)
        assert answer["type"] == ("snapshot" if greeted else "error"), answer
    assert hub_errors(caplog) == []


async def test_a_price_beyond_64_bits_is_refused_not_internal(
    federation: Federation, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    product = {"id": "big", "name": "Big", "price": {"amount": 2**64, "currency": "EUR"}}
    async with connect(f"{federation.server.ws_url}/ws/store") as ws:
        await ws.send(
            json.dumps(
                {"type": "hello", "versions": [1], "token": federation.tokens[Channel.STORE]}
            )
        )
        await first_answer(ws)
        await first_answer(ws)
        await ws.send(
            json.dumps({"type": "upsert_products", "id": "big-0001", "products": [product]})
        )
        answer = await first_answer(ws)
        assert answer["type"] == "error" and answer["code"] == "invalid_message", answer
    assert hub_errors(caplog) == []


async def test_a_webhook_url_httpx_refuses_is_refused_or_recorded_as_a_failed_attempt(
    federation: Federation, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    store_id, key = federation.ids["store_id"][0], federation.tokens[Channel.STORE]
    auth = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=federation.server.http_url, timeout=10) as http:
        r = await http.patch(
            f"/api/stores/{store_id}/settings",
            json={"webhook_url": "https://shop.example/\x10hook"},
            headers=auth,
        )
        if r.status_code == 422:
            return  # refused up front: fixed
        assert r.status_code == 200, r.text
        order_id = federation.ids["order_id"][0]
        r = await http.post(
            f"/api/stores/{store_id}/orders/{order_id}/status",
            json={"status": "confirmed"},
            headers=auth,
        )
        assert r.status_code == 200, r.text
        for _ in range(50):  # the dispatcher runs after the commit
            hooks = (await http.get(f"/api/stores/{store_id}/webhooks", headers=auth)).json()
            if hub_errors_seen(caplog) or any(h["attempts"] for h in hooks):
                break
            await asyncio.sleep(0.05)
    assert hub_errors(caplog) == []
    assert all(h["attempts"] >= 1 and h["last_error"] for h in hooks), hooks


def hub_errors_seen(caplog: pytest.LogCaptureFixture) -> bool:
    return any(r.levelno >= logging.ERROR for r in caplog.records)


async def test_resuming_from_beyond_what_json_readers_hold_is_refused(
    federation: Federation, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    async with connect(f"{federation.server.ws_url}/ws/store") as ws:
        hello = {"type": "hello", "versions": [1], "token": federation.tokens[Channel.STORE]}
        await ws.send(json.dumps({**hello, "resume_from": 2**70}))
        answer = await first_answer(ws)
        assert answer["type"] == "error" and answer["code"] == "invalid_message", answer
        await ws.send(json.dumps({**hello, "resume_from": 0}))
        assert (await first_answer(ws))["type"] == "welcome"
    assert hub_errors(caplog) == []

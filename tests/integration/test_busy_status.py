"""Busy status (docs/agents.md "Busy status"): the products an agent handles, set by owners over
REST, and the pages on those products hearing, live, that every agent of theirs is in a call."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from cartstart_server.server import HubServer
from tests.conftest import Nodes
from tests.helpers.peers import Peer, peer
from tests.integration.test_calls import until
from tests.integration.test_claims import team
from tests.integration.test_conversations import SHOP, start_from_page
from tests.integration.test_live import cid, live_hello


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def handles(
    http: httpx.AsyncClient, store_id: str, token: str, agent: dict[str, Any], products: list[str]
) -> httpx.Response:
    url = f"/api/stores/{store_id}/agents/{agent['agent']['agent_id']}/products"
    return await http.put(url, json={"product_ids": products}, headers=bearer(token))


@asynccontextmanager
async def product_page(
    server: HubServer, store_id: str, products: list[str]
) -> AsyncIterator[tuple[Peer, dict[str, Any]]]:
    """A store page showing `products`: the peer and its first `talk_products`."""
    async with peer(server, "page", additional_headers={"Origin": SHOP}) as page:
        await page.hello()
        await page.send({"type": "watch_talk", "store_id": store_id, "products": products})
        await page.expect("talk")
        yield page, await page.expect("talk_products")


@asynccontextmanager
async def in_call(
    server: HubServer, store_id: str, agent: dict[str, Any], visitor_id: str
) -> AsyncIterator[tuple[Peer, str]]:
    """The agent in a running call with a visitor of the store's pages: their live peer and the
    call's id."""
    started = await start_from_page(server, store_id, f"{SHOP}/products/mug", visitor_id=visitor_id)
    session_id = started["session"]["session_id"]
    async with peer(server, "live") as live, peer(server, "live", origin=SHOP) as visitor:
        await live_hello(live, token=agent["token"], session_id=session_id)
        await until(live, "live_snapshot")
        await live_hello(visitor, token=started["link"])
        await until(visitor, "live_snapshot")
        rang = await live.command({"type": "call", "id": cid()})
        call_id = rang["call"]["call_id"]
        joined = await visitor.command(
            {"type": "answer_call", "id": cid(), "call_id": call_id, "accept": True}
        )
        assert joined["call"]["state"] == "active", joined
        yield live, call_id


async def test_owners_set_the_products_an_agent_handles(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key, ana, bo, olga = await team(server, http)
    _, _, stranger, _, _ = await team(server, http, "Other")
    r = await handles(http, store_id, olga["token"], ana, ["mug", "vase", "mug"])
    assert r.status_code == 200 and r.json()["product_ids"] == ["mug", "vase"], r.text
    url = f"/api/stores/{store_id}/agents/{ana['agent']['agent_id']}/products"
    assert (await http.get(url, headers=bearer(key))).json()["product_ids"] == ["mug", "vase"]
    # The key may too; an agent may not; another store's agent is not found.
    assert (await handles(http, store_id, key, ana, ["bowl"])).json()["product_ids"] == ["bowl"]
    assert (await handles(http, store_id, bo["token"], ana, ["mug"])).status_code == 403
    gone = await handles(http, store_id, olga["token"], stranger, ["mug"])
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
    # Another store's owner reaches nothing here.
    assert (await handles(http, store_id, stranger["token"], ana, [])).status_code == 403
    # A product outside the catalogue: refused, nothing changed.
    bad = await handles(http, store_id, olga["token"], ana, ["mug", "no-such"])
    assert bad.status_code == 422 and bad.json()["error"]["details"]["product_ids"] == ["no-such"]
    assert (await http.get(url, headers=bearer(key))).json()["product_ids"] == ["bowl"]
    for hostile in (["<b>"], ["x" * 65], "mug"):
        r = await handles(http, store_id, olga["token"], ana, hostile)  # type: ignore[arg-type]
        assert r.status_code == 422, (hostile, r.text)


async def test_a_handler_in_a_call_makes_their_products_busy_until_it_ends(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key, ana, bo, _ = await team(server, http)
    # Ana handles the mug and the vase; Bo the vase too; nobody the bowl.
    assert (await handles(http, store_id, key, ana, ["mug", "vase"])).status_code == 200
    assert (await handles(http, store_id, key, bo, ["vase"])).status_code == 200
    async with product_page(server, store_id, ["mug", "vase", "bowl"]) as (page, first):
        assert first["products"] == {"mug": "available", "vase": "available"}, first
        assert first["busy_with"] == {}
        async with in_call(server, store_id, ana, "v-one00001") as (live, call_id):
            heard = await until(page, "talk_products")
            # Bo is free for the vase; the mug has only Ana.
            assert heard["products"] == {"mug": "busy", "vase": "available"}, heard
            assert heard["busy_with"] == {"mug": ["Ana"]}
            assert heard["version"] > first["version"]
            # A page opening now hears it at once (from the latch).
            async with product_page(server, store_id, ["mug"]) as (_, later):
                assert later["products"] == {"mug": "busy"} and later["version"] == heard["version"]
            await live.command({"type": "hang_up", "id": cid(), "call_id": call_id})
            back = await until(page, "talk_products")
            assert back["products"] == {"mug": "available", "vase": "available"}, back
            assert back["version"] > heard["version"]


async def test_an_owner_changing_products_is_heard_and_another_store_hears_nothing(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key, ana, _, _ = await team(server, http)
    other_id, other_key, other_ana, _, _ = await team(server, http, "Other")
    assert (await handles(http, other_id, other_key, other_ana, ["mug"])).status_code == 200
    async with (
        product_page(server, store_id, ["mug"]) as (page, first),
        product_page(server, other_id, ["mug"]) as (stranger_page, theirs),
    ):
        assert first["products"] == {} and theirs["products"] == {"mug": "available"}
        async with in_call(server, store_id, ana, "v-one00001"):
            assert (await handles(http, store_id, key, ana, ["mug"])).status_code == 200
            heard = await until(page, "talk_products")
            assert heard["products"] == {"mug": "busy"} and heard["busy_with"] == {"mug": ["Ana"]}
            # The other store's page heard nothing of it.
            await stranger_page.send({"type": "watch_talk", "store_id": other_id})
            assert (await stranger_page.recv())["type"] == "talk"


async def test_deleting_the_session_of_a_running_call_makes_the_product_available(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key, ana, _, _ = await team(server, http)
    assert (await handles(http, store_id, key, ana, ["mug"])).status_code == 200
    async with product_page(server, store_id, ["mug"]) as (page, _):
        async with in_call(server, store_id, ana, "v-one00001") as (live, _):
            assert (await until(page, "talk_products"))["products"] == {"mug": "busy"}
            deleted = await live.command({"type": "delete_session", "id": cid()})
            assert deleted["type"] == "result", deleted
            back = await until(page, "talk_products")
            assert back["products"] == {"mug": "available"}, back


@pytest.mark.backends("postgres")
async def test_a_call_on_node_a_is_heard_by_a_page_on_node_b(nodes: Nodes) -> None:
    a, b = nodes
    async with httpx.AsyncClient(base_url=a.http_url) as http:
        store_id, key, ana, _, _ = await team(a, http)
        assert (await handles(http, store_id, key, ana, ["mug"])).status_code == 200
        async with product_page(b, store_id, ["mug"]) as (page, first):
            assert first["products"] == {"mug": "available"}
            async with in_call(a, store_id, ana, "v-one00001") as (live, call_id):
                heard = await until(page, "talk_products")
                assert heard["products"] == {"mug": "busy"}, heard
                assert heard["busy_with"] == {"mug": ["Ana"]}
                await live.command({"type": "hang_up", "id": cid(), "call_id": call_id})
                back = await until(page, "talk_products")
                assert back["products"] == {"mug": "available"}, back


async def test_a_long_polling_page_hears_the_busy_status_too(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    """A page behind a firewall (no WebSocket) long-polls GET /api/page/talk/{store}/products:
    the same answer as `talk_products`, waiting for the store's next change."""
    store_id, key, ana, _, _ = await team(server, http)
    assert (await handles(http, store_id, key, ana, ["mug"])).status_code == 200
    url = f"/api/page/talk/{store_id}/products"
    now = await http.get(url, params={"products": ["mug", "bowl"]})
    assert now.status_code == 200, now.text
    first = now.json()
    assert first["products"] == {"mug": "available"} and first["busy_with"] == {}
    # A long-poll with the version it shows waits, and answers with Ana's call.
    params = {"products": ["mug"], "version": first["version"], "wait": 20}
    waiting = asyncio.ensure_future(http.get(url, params=params, timeout=30))
    await asyncio.sleep(0.2)
    assert not waiting.done()
    async with in_call(server, store_id, ana, "v-poll0001") as (live, call_id):
        busy = (await waiting).json()
        assert busy["products"] == {"mug": "busy"} and busy["busy_with"] == {"mug": ["Ana"]}
        assert busy["version"] > first["version"]
        await live.command({"type": "hang_up", "id": cid(), "call_id": call_id})
    again = (await http.get(url, params={"products": ["mug"], "version": busy["version"]})).json()
    assert again["products"] == {"mug": "available"}
    # Bad input: a 4xx with a reason.
    bad = await http.get(url, params={"products": ["<b>"]})
    assert bad.status_code == 422, bad.text
    many = await http.get(url, params={"products": [f"p{i}" for i in range(51)]})
    assert many.status_code == 422, many.text

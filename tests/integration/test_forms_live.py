"""Personalised products' forms beyond the HTTP routes (docs/personalise.md), on SQLite and on
PostgreSQL + Redis: the store client's form methods, and a linked page hearing live (on any
node) that a carted item is personalised."""

from __future__ import annotations

import httpx
import pytest

from cartstart_server.server import HubServer
from shared_protocol.forms import FormDefinition, PriceRule
from storefront_templates.store_api import InvalidRequest, NotFound, StoreClient
from tests.conftest import Nodes
from tests.helpers.hubs import seed_store
from tests.helpers.peers import link_token, peer, sign_up
from tests.integration.test_forms import INVITATION, put_form
from tests.integration.test_order_delivery import reserve


async def test_the_store_client_sets_reads_and_removes_forms(server: HubServer) -> None:
    store, key = await seed_store(server.hub, "Paper Co", {"inv": 5})
    form = FormDefinition.model_validate(INVITATION)
    async with StoreClient(server.http_url, store, key) as client:
        kept = await client.set_form("inv", form)
        assert kept.version == 1 and kept.form.fields[2].max_rows == 200
        assert await client.form("inv") == kept
        bad = form.model_copy(
            update={"price_rules": [PriceRule(kind="per_row", field="paper", amount=5)]}
        )
        with pytest.raises(InvalidRequest) as refused:
            await client.set_form("inv", bad)
        assert refused.value.code == "bad_form" and refused.value.details == {
            "field": "paper",
            "rule": 1,
        }
        assert refused.value.message == "Price rule 1 reads 'paper', which is not a list of rows"
        await client.delete_form("inv")
        with pytest.raises(NotFound):
            await client.form("inv")


@pytest.mark.backends("sqlite", "postgres")
async def test_a_linked_page_hears_live_that_a_carted_item_is_personalised(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store, key = await seed_store(server.hub, "Paper Co", {"inv": 5, "pen": 5})
    assert (await put_form(http, store, key, "inv", INVITATION)).status_code == 200
    alice = await sign_up(http, "alice@example.org")
    link = await link_token(http, alice)
    async with peer(server, "page", ignore=("availability",)) as page:
        await page.hello(link)
        refs = [{"store_id": store, "product_id": p} for p in ("inv", "pen")]
        await page.send({"type": "subscribe", "products": refs})
        await page.expect("availability_snapshot")
        for product in ("inv", "pen"):
            await reserve(http, alice, store, product, 1)
            (held,) = (await page.expect("in_cart"))["items"]
            assert (held["product_id"], held["personalised"]) == (product, product == "inv")


@pytest.mark.backends("postgres")
async def test_the_personalised_flag_crosses_nodes(nodes: Nodes) -> None:
    a, b = nodes
    store, key = await seed_store(a.hub, "Paper Co", {"inv": 5})
    async with httpx.AsyncClient(base_url=a.http_url, timeout=10) as http:
        assert (await put_form(http, store, key, "inv", INVITATION)).status_code == 200
        alice = await sign_up(http, "alice@example.org")
        link = await link_token(http, alice)
        async with peer(b, "page", ignore=("availability",)) as page:
            await page.hello(link)
            await page.send(
                {"type": "subscribe", "products": [{"store_id": store, "product_id": "inv"}]}
            )
            await page.expect("availability_snapshot")
            await reserve(http, alice, store, "inv", 1)  # on node A; the page is on B
            (held,) = (await page.expect("in_cart"))["items"]
            assert held["personalised"] is True and held["qty"] == 1


async def test_a_form_set_on_a_carted_product_reaches_the_linked_page_at_once(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store, key = await seed_store(server.hub, "Paper Co", {"inv": 5})
    alice = await sign_up(http, "alice@example.org")
    link = await link_token(http, alice)
    async with peer(server, "page", ignore=("availability",)) as page:
        await page.hello(link)
        await page.send(
            {"type": "subscribe", "products": [{"store_id": store, "product_id": "inv"}]}
        )
        await page.expect("availability_snapshot")
        await reserve(http, alice, store, "inv", 1)
        (held,) = (await page.expect("in_cart"))["items"]
        assert held["personalised"] is False
        assert (await put_form(http, store, key, "inv", INVITATION)).status_code == 200
        (held,) = (await page.expect("in_cart"))["items"]
        assert held["personalised"] is True and held["qty"] == 1

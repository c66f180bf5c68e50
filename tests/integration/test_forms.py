"""Personalised products' forms through the real hub (docs/personalise.md), on SQLite and on
PostgreSQL + Redis: the store defines a form over HTTP (refused with words naming the field when
the hub cannot take it), carted items say they are personalised, checkout waits for a finished
draft, and the order (its view, the webhook, the email) carries the form, priced by its rules."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.domain.tickets import cart_ref
from cartstart_server.server import HubServer
from cartstart_server.storage.sql import Plan, Row, Stmt, one
from shared_protocol.forms import FormDefinition, PriceRule
from storefront_templates.store_api import InvalidRequest, NotFound, StoreClient
from tests.conftest import Nodes
from tests.helpers.hubs import seed_store
from tests.helpers.peers import Account, link_token, peer, sign_up
from tests.helpers.receivers import webhook_receiver
from tests.helpers.waiting import eventually
from tests.integration.test_agents import agent_signed_in, bearer
from tests.integration.test_order_delivery import reserve

INVITATION: dict[str, Any] = {
    "intro": "Tell us what to print.",
    "fields": [
        {"key": "wording", "label": "Wording", "kind": "long_text", "required": True},
        {"key": "paper", "label": "Paper", "kind": "choice", "options": ["Cotton", "Linen"]},
        {
            "key": "guests",
            "label": "Guest list",
            "kind": "rows",
            "required": True,
            "columns": [
                {"key": "name", "label": "Name", "kind": "text", "required": True},
                {"key": "table", "label": "Table", "kind": "number", "integer": True},
            ],
        },
    ],
    "price_rules": [
        {"kind": "per_row", "field": "guests", "amount": 150},
        {"kind": "per_option", "field": "paper", "amounts": {"Linen": 500}},
    ],
}


def form_url(store: str, product: str) -> str:
    return f"/api/stores/{store}/products/{product}/form"


async def put_form(
    http: httpx.AsyncClient, store: str, key: str, product: str, body: dict[str, Any]
) -> httpx.Response:
    return await http.put(form_url(store, product), json=body, headers=bearer(key))


async def test_a_store_defines_reads_replaces_and_removes_a_form(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store, key = await seed_store(server.hub, "Paper Co", {"inv": 5})
    assert (await http.get(form_url(store, "inv"), headers=bearer(key))).status_code == 404
    r = await put_form(http, store, key, "inv", INVITATION)
    assert r.status_code == 200, r.text
    first = r.json()
    assert (first["store_id"], first["product_id"], first["version"]) == (store, "inv", 1)
    assert first["updated_at"] == clock.now()
    guests = first["form"]["fields"][2]
    assert (guests["min_rows"], guests["max_rows"]) == (0, 200)  # defaults filled in
    assert guests["columns"][0]["max_length"] == 200
    assert (await http.get(form_url(store, "inv"), headers=bearer(key))).json() == first

    clock.advance(5)
    r = await put_form(http, store, key, "inv", INVITATION | {"price_rules": []})
    assert (r.json()["version"], r.json()["form"]["price_rules"]) == (2, [])

    assert (await http.delete(form_url(store, "inv"), headers=bearer(key))).status_code == 204
    gone = await http.get(form_url(store, "inv"), headers=bearer(key))
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
    assert (await http.delete(form_url(store, "inv"), headers=bearer(key))).status_code == 204
    r = await put_form(http, store, key, "nothing", INVITATION)
    assert r.status_code == 404 and "no product 'nothing'" in r.json()["error"]["message"]


@pytest.mark.parametrize(
    ("change", "words", "field"),
    [
        (
            {"fields": [{"key": "x", "label": "X", "kind": "picture"}]},
            "Field 'x': unknown kind 'picture'",
            "x",
        ),
        (
            {"fields": [{"key": "colour", "label": "Colour", "kind": "choice", "options": []}]},
            "Field 'colour': a choice needs 1 to 50 options",
            "colour",
        ),
        (
            {"fields": [{"key": "n", "label": "N", "kind": "number", "min": 9, "max": 2}]},
            "Field 'n': min (9) is more than max (2)",
            "n",
        ),
        (
            {"fields": [{"key": "t", "label": "T", "kind": "text", "max_length": 5000}]},
            "Field 't': max_length is 1 to 1,000",
            "t",
        ),
        (
            {"price_rules": [{"kind": "per_row", "field": "wording", "amount": 1}]},
            "Price rule 1 reads 'wording', which is not a list of rows",
            "wording",
        ),
        (
            {"price_rules": [{"kind": "per_option", "field": "paper", "amounts": {"Silk": 9}}]},
            "Price rule 1 has an amount for 'Silk', which is not an option of 'paper'",
            "paper",
        ),
        (
            {"price_rules": [{"kind": "per_gram", "field": "paper", "amount": 9}]},
            "Price rule 1 has an unknown kind 'per_gram'",
            "paper",
        ),
    ],
)
async def test_a_form_the_hub_cannot_take_is_refused_with_words(
    server: HubServer,
    http: httpx.AsyncClient,
    change: dict[str, Any],
    words: str,
    field: str,
) -> None:
    store, key = await seed_store(server.hub, "Paper Co", {"inv": 5})
    r = await put_form(http, store, key, "inv", INVITATION | change)
    assert r.status_code == 422, r.text
    body = r.json()["error"]
    assert body["code"] == "bad_form"
    assert body["message"].startswith(words)
    assert body["details"]["field"] == field
    # Nothing was stored.
    assert (await http.get(form_url(store, "inv"), headers=bearer(key))).status_code == 404


async def test_a_body_that_is_no_form_at_all_is_invalid(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store, key = await seed_store(server.hub, "Paper Co", {"inv": 5})
    for body in ({"fields": "many"}, {"fields": [], "colour": "red"}, {"intro": "no fields"}):
        r = await put_form(http, store, key, "inv", body)
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_message", r.text
    r = await put_form(http, store, key, "inv", {"fields": []})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "bad_form")
    assert r.json()["error"]["message"] == "A form needs 1 to 40 fields"


async def test_only_the_store_and_its_owners_define_forms_and_agents_read_them(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store, key = await seed_store(server.hub, "Paper Co", {"inv": 5})
    other, other_key = await seed_store(server.hub, "Rival", {"inv": 5})
    assert (await put_form(http, store, key, "inv", INVITATION)).status_code == 200
    # Another store's key reaches nothing of this one, and its own product stays plain.
    assert (await put_form(http, store, other_key, "inv", INVITATION)).status_code == 403
    assert (await http.get(form_url(store, "inv"), headers=bearer(other_key))).status_code == 403
    assert (await http.get(form_url(other, "inv"), headers=bearer(other_key))).status_code == 404
    agent = await agent_signed_in(http, store, key, "ana@paper.example")
    owner = await agent_signed_in(http, store, key, "olga@paper.example", role="owner")
    r = await http.get(form_url(store, "inv"), headers=bearer(agent["token"]))
    assert r.status_code == 200 and r.json()["version"] == 1
    r = await put_form(http, store, agent["token"], "inv", INVITATION)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert (
        await http.delete(form_url(store, "inv"), headers=bearer(agent["token"]))
    ).status_code == 403
    assert (await put_form(http, store, owner["token"], "inv", INVITATION)).json()["version"] == 2
    assert (await http.get(form_url(store, "inv"))).status_code == 401


def write_draft(
    cart_id: str, store: str, product: str, values: dict[str, Any], now: float
) -> Plan[None]:
    """A buyer's draft as the drafts' storage keeps it (docs/personalise.md)."""
    states = {k: {"value": v, "by": "buyer", "by_name": "", "at": now} for k, v in values.items()}
    yield Stmt(
        "INSERT INTO drafts (cart_id, store_id, product_id, cart_ref, doc, created_at, "
        "updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, 1) "
        "ON CONFLICT (cart_id, store_id, product_id) DO UPDATE SET doc = excluded.doc",
        (
            cart_id,
            store,
            product,
            cart_ref(store, cart_id),
            json.dumps({"values": states, "comments": []}),
            now,
            now,
        ),
    )


def draft_count(cart_id: str) -> Plan[int]:
    row = one((yield Stmt("SELECT COUNT(*) AS n FROM drafts WHERE cart_id = ?", (cart_id,))))
    return int(row["n"]) if row else 0


def mails_to(address: str) -> Plan[list[Row]]:
    rows: list[Row] = yield Stmt(
        "SELECT subject, body FROM mail_queue WHERE to_addr = ? ORDER BY id", (address,)
    )
    return rows


async def checkout(http: httpx.AsyncClient, who: Account, command_id: str) -> httpx.Response:
    return await http.post(
        "/api/cart/commands", json={"type": "checkout", "id": command_id}, headers=who.auth
    )


async def test_checkout_waits_for_the_form_then_the_order_carries_it_priced_by_its_rules(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store, key = await seed_store(server.hub, "Paper Co", {"inv": 5, "pen": 5})
    assert (await put_form(http, store, key, "inv", INVITATION)).status_code == 200
    alice = await sign_up(http, "alice@example.org")
    async with webhook_receiver() as receiver:
        r = await http.patch(
            f"/api/stores/{store}/settings", json={"webhook_url": receiver.url}, headers=bearer(key)
        )
        assert r.status_code == 200
        await reserve(http, alice, store, "inv", 1)
        await reserve(http, alice, store, "pen", 1)

        # The cart and a linked page know which item has a form to fill in.
        cart = (await http.get("/api/cart", headers=alice.auth)).json()
        assert {t["product_id"]: t["personalised"] for t in cart["tickets"]} == {
            "inv": True,
            "pen": False,
        }
        token = await link_token(http, alice)
        poll = await http.post(
            "/api/page/poll",
            json={
                "products": [
                    {"store_id": store, "product_id": p, "version": 0} for p in ("inv", "pen")
                ]
            },
            headers=bearer(token),
        )
        assert {h["product_id"]: h["personalised"] for h in poll.json()["in_cart"]} == {
            "inv": True,
            "pen": False,
        }

        # No draft yet, then a half-finished one: nothing is bought, the words say what is left.
        for values in ({}, {"wording": "Together", "guests": [{"table": 2}]}):
            if values:
                await server.hub.db.write(
                    write_draft(alice.cart_id, store, "inv", values, clock.now())
                )
            r = await checkout(http, alice, f"checkout-{len(values):05d}")
            assert r.status_code == 409, r.text
            body = r.json()["error"]
            assert body["code"] == "customisation_incomplete"
            missing = ["Wording", "Guest list"] if not values else ["Guest list"]
            assert body["message"] == (
                f"Finish personalising Product inv ({', '.join(missing)}) before checking out"
            )
            assert body["details"]["items"] == [
                {"store_id": store, "product_id": "inv", "name": "Product inv", "missing": missing}
            ]
        cart = (await http.get("/api/cart", headers=alice.auth)).json()
        assert sorted(t["product_id"] for t in cart["tickets"]) == ["inv", "pen"]  # still held

        finished = {
            "wording": "Together with\n<b>their families</b>",
            "paper": "Linen",
            "guests": [{"name": "Ana", "table": 3}, {"name": "Bo"}],
        }
        await server.hub.db.write(write_draft(alice.cart_id, store, "inv", finished, clock.now()))
        r = await checkout(http, alice, "checkout-done1")
        assert r.status_code == 200, r.text
        (order,) = r.json()["orders"]
        lines = {line["product_id"]: line for line in order["lines"]}
        assert lines["pen"]["customisation"] is None
        inv = lines["inv"]
        # 1000 + 2 guests x 150 + Linen 500
        assert inv["unit_price"] == {"amount": 1800, "currency": "EUR"}
        assert order["total"]["amount"] == 1800 + 1000
        assert [(c["key"], c["text"]) for c in inv["customisation"]] == [
            ("wording", "Together with\n<b>their families</b>"),
            ("paper", "Linen"),
            ("guests", "Name: Ana, Table: 3\nName: Bo"),
        ]
        assert inv["customisation"][2]["value"] == [{"name": "Ana", "table": 3}, {"name": "Bo"}]
        assert await server.hub.db.read(draft_count(alice.cart_id)) == 0  # the order keeps it

        # The store's order view and its webhook carry the same.
        r = await http.get(f"/api/stores/{store}/orders/{order['order_id']}", headers=bearer(key))
        assert r.json()["lines"] == order["lines"]
        await eventually(lambda: len(receiver.received) >= 1, what="the order's webhook")
        hooked = json.loads(receiver.received[0].body)["order"]
        assert [line["customisation"] for line in hooked["lines"]] == [
            line["customisation"] for line in order["lines"]
        ]

    # The buyer's email quotes the form under its line, as plain text.
    (mail,) = await server.hub.db.read(mails_to("alice@example.org"))
    assert (
        "  1 x Product inv  €18.00\n"
        "      Wording:\n"
        "        Together with\n"
        "        <b>their families</b>\n"
        "      Paper: Linen\n"
        "      Guest list:\n"
        "        Name: Ana, Table: 3\n"
        "        Name: Bo\n"
    ) in mail["body"]


async def test_a_form_without_required_fields_needs_no_draft_and_an_unfinished_optional_one_waits(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store, key = await seed_store(server.hub, "Engraver", {"ring": 5})
    form = {
        "fields": [{"key": "words", "label": "Engraving", "kind": "text", "min_length": 3}],
        "price_rules": [{"kind": "per_character", "field": "words", "amount": 25}],
    }
    assert (await put_form(http, store, key, "ring", form)).status_code == 200
    bob = await sign_up(http, "bob@example.org")
    await reserve(http, bob, store, "ring", 1)
    await server.hub.db.write(write_draft(bob.cart_id, store, "ring", {"words": "A"}, clock.now()))
    r = await checkout(http, bob, "checkout-ring1")
    assert r.status_code == 409 and r.json()["error"]["details"]["items"][0]["missing"] == [
        "Engraving"
    ]
    await server.hub.db.write(
        write_draft(bob.cart_id, store, "ring", {"words": "A & B"}, clock.now())
    )
    r = await checkout(http, bob, "checkout-ring2")
    assert r.status_code == 200, r.text
    (line,) = r.json()["orders"][0]["lines"]
    assert line["unit_price"]["amount"] == 1000 + 3 * 25  # spaces are not engraved
    assert line["customisation"][0]["text"] == "A & B"


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

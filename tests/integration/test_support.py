"""Support calls with prepaid credit (docs/agents.md "Support calls"), on SQLite and on
PostgreSQL + Redis: credit from a confirmed purchase and from the store's grants, the refusals
(no credit, nobody available, not a support agent), the credit plan both sides tick, the warning
a minute before the end and the end on exhaustion on the hub's clock, the charge made once with
its report by email and in the session, complaints and their answers, and what another store or
another shopper can never see."""

from __future__ import annotations

from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from cartstart_server.storage import credit
from cartstart_server.storage.sql import Plan, Stmt
from tests.helpers.hubs import hub_config, seed_store
from tests.helpers.peers import sign_up
from tests.helpers.receivers import smtp_server
from tests.helpers.waiting import eventually
from tests.integration.support_helpers import (
    PRICE,
    attached_shopper,
    credit_of,
    grant,
    in_session,
    ref,
    support_call,
    support_shop,
)
from tests.integration.test_agent_invites import mail_to, text_of
from tests.integration.test_agents import bearer
from tests.integration.test_calls import until
from tests.integration.test_desk import desk, set_status
from tests.integration.test_live import cid


def entries(store_id: str) -> Plan[list[dict[str, Any]]]:
    return (yield Stmt("SELECT * FROM credit_entries WHERE store_id = ? ORDER BY at", (store_id,)))


async def test_credit_comes_from_a_confirmed_purchase_and_from_owners_grants(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 3, "credit": 10})
    shop = await support_shop(http, store_id, key)
    alice, _link, _sid = await attached_shopper(http, store_id, "alice@example.org")
    mine = await credit_of(http, store_id, alice)
    assert mine["settings"]["price_per_minute"] == {"amount": PRICE, "currency": "EUR"}
    assert mine["credit"]["balance"]["amount"] == 0
    # Two units of the credit product and a mug, bought through the normal checkout.
    for pid, qty in (("credit", 2), ("mug", 1)):
        r = await http.post(
            "/api/cart/commands",
            json={
                "type": "reserve",
                "id": cid(),
                "store_id": store_id,
                "product_id": pid,
                "qty": qty,
            },
            headers=alice.auth,
        )
        assert r.status_code == 200, r.text
    r = await http.post(
        "/api/cart/commands", json={"type": "checkout", "id": cid()}, headers=alice.auth
    )
    assert r.status_code == 200, r.text
    order_id = r.json()["orders"][0]["order_id"]
    assert (await credit_of(http, store_id, alice))["credit"]["balance"]["amount"] == 0  # placed
    status = f"/api/stores/{store_id}/orders/{order_id}/status"
    r = await http.post(status, json={"status": "confirmed"}, headers=bearer(key))
    assert r.status_code == 200, r.text
    mine = await credit_of(http, store_id, alice)
    assert mine["credit"]["balance"] == {"amount": 2 * 10 * PRICE, "currency": "EUR"}
    assert mine["credit"]["minutes"] == 20
    assert [(e["kind"], e["order_id"]) for e in mine["credit"]["entries"]] == [
        ("purchase", order_id)
    ]
    r = await http.post(status, json={"status": "dispatched"}, headers=bearer(key))
    assert r.status_code == 200, r.text  # a later step adds nothing
    # Grants: owners only, with a reason; never below zero; unknown shoppers are not found.
    r = await grant(http, shop, alice, 300)
    assert r.status_code == 200, r.text
    assert r.json()["balance"]["amount"] == 1500
    assert (await grant(http, shop, alice, 300, token=shop.agent)).status_code == 403
    r = await grant(http, shop, alice, -5000)
    assert r.status_code == 409 and "cannot take back more" in r.json()["error"]["message"]
    r = await grant(http, shop, alice, 0)
    assert r.status_code == 422
    rows = await server.hub.db.read(entries(store_id))
    assert [(e["kind"], e["delta"]) for e in rows] == [("purchase", 1200), ("grant", 300)]
    # Another store sees nothing of Alice, even with her reference; Bob has his own zero.
    other_id, other_key = await seed_store(server.hub, "Other", {"credit": 1})
    other = await support_shop(http, other_id, other_key)
    r = await http.post(
        f"/api/stores/{other_id}/support/credit",
        json={"cart_ref": ref(store_id, alice), "amount": 100, "reason": "x"},
        headers=bearer(other.owner),
    )
    assert r.status_code == 404
    for path in ("support/credit", "support/complaints", "support"):
        r = await http.get(f"/api/stores/{store_id}/{path}", headers=bearer(other.owner))
        assert r.status_code == 403, path
    listed = await http.get(f"/api/stores/{store_id}/support/credit", headers=bearer(shop.agent))
    assert [b["cart_ref"] for b in listed.json()["balances"]] == [ref(store_id, alice)]
    bob = await sign_up(http, "bob@example.org")
    assert (await credit_of(http, store_id, bob))["credit"]["balance"]["amount"] == 0
    r = await http.put(
        f"/api/stores/{store_id}/support",
        json={"price_per_minute": 5, "currency": "USD"},
        headers=bearer(key),
    )
    assert r.status_code == 409 and "cannot change" in r.json()["error"]["message"]


async def test_refusals_without_credit_without_an_agent_and_for_non_support_agents(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"credit": 1})
    shop = await support_shop(http, store_id, key)
    alice, link, session_id = await attached_shopper(http, store_id, "alice@example.org")
    async with desk(server, shop.support) as (d, _snap):
        await set_status(d, "available")
        async with in_session(server, link, session_id, shop.agent) as (visitor, store):
            asked = await visitor.command({"type": "call", "id": cid(), "support": True})
            assert asked["code"] == "insufficient_credit", asked
            assert asked["message"] == (
                "you need at least one minute of support credit: buy credit or ask the store"
            )
            assert (await grant(http, shop, alice, PRICE - 1)).status_code == 200
            asked = await visitor.command({"type": "call", "id": cid(), "support": True})
            assert asked["code"] == "insufficient_credit"  # under one minute
            assert (await grant(http, shop, alice, 1)).status_code == 200
            rung = await store.command({"type": "call", "id": cid(), "support": True})
            assert rung["code"] == "forbidden"  # the store cannot ring a paid call
            asked = await visitor.command({"type": "call", "id": cid(), "support": True})
            call_id = asked["call"]["call_id"]
            taken = await store.command(
                {"type": "answer_call", "id": cid(), "call_id": call_id, "accept": True}
            )
            assert taken["code"] == "forbidden" and "support agent" in taken["message"]
            await visitor.command({"type": "hang_up", "id": cid(), "call_id": call_id})
        await set_status(d, "away", 2)
        async with in_session(server, link, session_id, shop.support) as (visitor, _store):
            asked = await visitor.command({"type": "call", "id": cid(), "support": True})
            assert asked["code"] == "conflict" and "no support agent" in asked["message"]
    # A guest's session (not attached to an account) cannot ask at all.
    guest_link, guest_session = await _guest_link(http, store_id)
    async with in_session(server, guest_link, guest_session, shop.support) as (guest, _s):
        asked = await guest.command({"type": "call", "id": cid(), "support": True})
        assert asked["code"] == "forbidden" and "signed-in" in asked["message"]
    assert (await credit_of(http, store_id, alice))["credit"]["balance"]["amount"] == PRICE


async def _guest_link(http: httpx.AsyncClient, store_id: str) -> tuple[str, str]:
    r = await http.post(f"/api/live/stores/{store_id}/sessions", json={"label": "Guest"})
    return r.json()["link"], r.json()["session"]["session_id"]


async def test_a_call_warns_a_minute_before_ends_when_the_credit_does_and_is_charged_once(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    with smtp_server() as (port, inbox):
        config = hub_config(tmp_path, smtp_host="127.0.0.1", smtp_port=port, **backend_settings)
        async with HubServer(config, clock=clock) as server:
            async with httpx.AsyncClient(base_url=server.http_url, timeout=10) as http:
                await _exhaustion(server, http, clock, inbox)


async def _exhaustion(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock, inbox: list[Message]
) -> None:
    store_id, key = await seed_store(server.hub, "Harbour <Support>", {"credit": 1})
    shop = await support_shop(http, store_id, key)
    alice, link, session_id = await attached_shopper(http, store_id, "alice@example.org")
    assert (await grant(http, shop, alice, 150)).status_code == 200  # 150 s of support
    async with desk(server, shop.support) as (d, _snap):
        await set_status(d, "available")
        async with in_session(server, link, session_id, shop.support) as (visitor, store):
            call_id, plan = await support_call(visitor, store)
            start = plan["answered_at"]
            assert plan["balance"] == {"amount": 150, "currency": "EUR"}
            assert plan["price_per_minute"]["amount"] == PRICE
            assert (plan["warn_at"], plan["ends_at"]) == (start + 90, start + 150)
            clock.advance(89)
            await visitor.send({"type": "sync", "id": cid()})
            snap = await until(visitor, "live_snapshot")
            assert snap["support"]["plan"]["ends_at"] == start + 150  # a reload sees the plan
            assert snap["support"]["warned"] is False
            clock.advance(1)
            for side in (visitor, store):
                warned = await until(side, "credit_warning")
                assert warned["call_id"] == call_id and warned["ends_at"] == start + 150
            clock.advance(60)
            for side in (visitor, store):
                ended = await until(side, "call")
                assert ended["call"]["end_reason"] == "credit_exhausted"
                assert ended["call"]["duration"] == 150
                report = await until(side, "support_report")
                assert report["charged"]["amount"] == 150 and report["balance"]["amount"] == 0
            again = await visitor.command({"type": "hang_up", "id": cid(), "call_id": call_id})
            assert again["type"] == "result"  # ended already: nothing more
            clock.advance(11)  # the mail sender's next look
            mail = await mail_to(inbox, "alice@example.org")
            text = text_of(mail)
            assert mail["Subject"] == "Your support call with Harbour <Support>"
            assert "Duration: 2 min 30 s" in text and "Credit used: €1.50" in text
            assert "Credit left: €0.00" in text and "credit ran out" in text
    rows = await server.hub.db.read(entries(store_id))
    assert [(e["kind"], e["delta"], e["call_id"]) for e in rows] == [
        ("grant", 150, None),
        ("call", -150, call_id),
    ]
    assert (await credit_of(http, store_id, alice))["credit"]["balance"]["amount"] == 0
    assert len([m for m in inbox if m["To"] == "alice@example.org"]) == 1


async def test_report_rating_and_a_complaint_answered_by_an_owner(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"credit": 1})
    shop = await support_shop(http, store_id, key)
    alice, link, session_id = await attached_shopper(http, store_id, "alice@example.org")
    assert (await grant(http, shop, alice, 600)).status_code == 200
    async with desk(server, shop.support) as (d, _snap):
        await set_status(d, "available")
        async with in_session(server, link, session_id, shop.support) as (visitor, store):
            call_id, _plan = await support_call(visitor, store)
            early = await visitor.command(_complaint(call_id))
            assert early["code"] == "invalid_state"
            clock.advance(61.7)
            await store.command({"type": "hang_up", "id": cid(), "call_id": call_id})
            report = await until(visitor, "support_report")
            assert report["duration"] == 61 and report["charged"]["amount"] == 61
            assert report["balance"]["amount"] == 539
            rated = await visitor.command(
                {"type": "rate_call", "id": cid(), "call_id": call_id, "stars": 2, "connection": 5}
            )
            assert rated["rating"]["connection"] == 5 and rated["rating"]["stars"] == 2
            filed = await visitor.command(_complaint(call_id))
            complaint = filed["complaint"]
            assert complaint["text"] == "<script>alert(1)</script> wrong answer"
            assert complaint["cart_ref"] == ""  # the shopper's view
            assert (await until(store, "complaint"))["complaint"]["about"] == "answers"
            by_store = await store.command(_complaint(call_id))
            assert by_store["code"] == "forbidden"
            other_id, other_key = await seed_store(server.hub, "Other", {"credit": 1})
            other = await support_shop(http, other_id, other_key)
            cid_ = complaint["complaint_id"]
            answer = f"/api/stores/{store_id}/support/complaints/{cid_}/answer"
            elsewhere = f"/api/stores/{other_id}/support/complaints/{cid_}/answer"
            body = {"answer": "Sorry: the right setting is B."}
            assert (
                await http.post(answer, json=body, headers=bearer(shop.agent))
            ).status_code == 403
            assert (
                await http.post(answer, json=body, headers=bearer(other.owner))
            ).status_code == 403
            r = await http.post(elsewhere, json=body, headers=bearer(other.owner))
            assert r.status_code == 404
            listed = await http.get(
                f"/api/stores/{store_id}/support/complaints", headers=bearer(shop.agent)
            )
            assert [c["answer"] for c in listed.json()["complaints"]] == [None]
            r = await http.post(answer, json=body, headers=bearer(shop.owner))
            assert r.status_code == 200 and r.json()["cart_ref"] == ref(store_id, alice)
            assert (
                await http.post(answer, json=body, headers=bearer(shop.owner))
            ).status_code == 409
            filed_event = await until(visitor, "complaint")  # its own complaint, first
            assert filed_event["complaint"]["answer"] is None
            heard = await until(visitor, "complaint")
            assert heard["complaint"]["answer"] == "Sorry: the right setting is B."
            await visitor.send({"type": "sync", "id": cid()})
            snap = await until(visitor, "live_snapshot")
            assert snap["support"]["last_report"]["charged"]["amount"] == 61
            assert snap["support"]["complaints"][0]["answer"] == body["answer"]
    mine = await credit_of(http, store_id, alice)
    assert mine["complaints"][0]["answer"] == body["answer"]
    bob = await sign_up(http, "bob@example.org")
    assert (await credit_of(http, store_id, bob))["complaints"] == []
    rows = await server.hub.db.read(entries(store_id))
    assert [e["kind"] for e in rows] == ["grant", "call"]


def _complaint(call_id: str) -> dict[str, Any]:
    return {
        "type": "complain",
        "id": cid(),
        "call_id": call_id,
        "about": "answers",
        "text": "<script>alert(1)</script> wrong answer",
    }


@pytest.mark.backends("postgres")
async def test_two_nodes_sweeping_an_orphaned_call_charge_it_once(
    nodes: tuple[HubServer, HubServer], clock: FakeClock
) -> None:
    a, b = nodes
    async with httpx.AsyncClient(base_url=a.http_url, timeout=10) as http:
        store_id, key = await seed_store(a.hub, "Shop", {"credit": 1})
        shop = await support_shop(http, store_id, key)
        alice, link, session_id = await attached_shopper(http, store_id, "alice@example.org")
        assert (await grant(http, shop, alice, 6000)).status_code == 200
        async with desk(a, shop.support) as (d, _snap):
            await set_status(d, "available")
            async with in_session(a, link, session_id, shop.support) as (visitor, store):
                call_id, _plan = await support_call(visitor, store)
                clock.advance(15)  # one tick on node A

                async def ticked() -> bool:
                    row = await a.hub.db.read(credit.call_row(call_id))
                    return row is not None and row["tick_at"] == _plan["answered_at"] + 15

                await eventually(ticked, what="node A's tick")
                await a.hub.calls.support.close()  # node A's clock for the call stops
                clock.advance(31)
                # Both nodes' sweepers wake on the same instant; these two sweep too.
                done = [await hub.calls.support.sweep() for hub in (a.hub, b.hub)]
                assert sum(done) <= 1
                ended = await until(visitor, "call")
                while ended["call"]["state"] != "ended":
                    ended = await until(visitor, "call")
                assert ended["call"]["end_reason"] == "interrupted"
                assert ended["call"]["duration"] == 15  # charged up to the last tick
        rows = await a.hub.db.read(entries(store_id))
        assert [(e["kind"], e["delta"]) for e in rows] == [("grant", 6000), ("call", -15)]

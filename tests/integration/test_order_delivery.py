"""Orders reach stores: over /ws/store (resumed after being offline), by signed webhook until
acknowledged, and across a hub killed with SIGKILL right after checkout."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from cartstart_server.storage import outbound_queue
from cartstart_server.storage.sql import Plan, Stmt
from shared_protocol import webhooks
from tests.helpers.hubs import seed_store
from tests.helpers.peers import Account, peer, sign_up
from tests.helpers.process import HubProcess, add_store
from tests.helpers.receivers import webhook_receiver
from tests.helpers.waiting import eventually


async def reserve(http: httpx.AsyncClient, who: Account, store: str, product: str, n: int) -> None:
    r = await http.post(
        "/api/cart/commands",
        json={
            "type": "reserve",
            "id": f"r-{store}-{product}-{n:04d}",
            "store_id": store,
            "product_id": product,
        },
        headers=who.auth,
    )
    assert r.status_code == 200, r.text


async def checkout(http: httpx.AsyncClient, who: Account, command_id: str) -> dict[str, Any]:
    r = await http.post(
        "/api/cart/commands", json={"type": "checkout", "id": command_id}, headers=who.auth
    )
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def test_a_store_offline_at_checkout_gets_the_order_on_return_and_by_webhook(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store, key = await seed_store(server.hub, "Pots", {"vase": 2})
    async with webhook_receiver(answers=[500]) as receiver:
        r = await http.patch(
            f"/api/stores/{store}/settings",
            json={"webhook_url": receiver.url},
            headers={"Authorization": f"Bearer {key}"},
        )
        secret = r.json()["webhook_secret"]
        assert secret.startswith("whsec_")
        # The store's backend was connected once, then went away.
        async with peer(server, "store") as ws:
            await ws.hello(key)
            seen = (await ws.expect("snapshot"))["head_seq"]
        alice = await sign_up(http, "alice@example.org")
        await reserve(http, alice, store, "vase", 1)
        result = await checkout(http, alice, "checkout-00001")
        (order,) = result["orders"]

        # The webhook: signed, refused once (500), retried after a pause, then acknowledged.
        await eventually(lambda: len(receiver.received) == 1, what="first webhook POST")
        first = receiver.received[0]
        signature = first.headers["cartstart-signature"]
        assert webhooks.verify(secret, signature, first.body, clock.now())
        assert not webhooks.verify("whsec_wrong", signature, first.body, clock.now())
        assert not webhooks.verify(secret, signature, first.body + " ", clock.now())
        body = json.loads(first.body)
        assert body["type"] == "order" and body["order"]["order_id"] == order["order_id"]

        # Once the hub has recorded the refusal (the retry is due in 2 s), let 2 s pass.
        def attempts() -> Plan[int]:
            rows = yield Stmt("SELECT attempts FROM webhook_queue")
            return int(rows[0]["attempts"])

        async def retry_scheduled() -> bool:
            return await server.hub.db.read(attempts()) == 1

        await eventually(retry_scheduled, what="the refusal is recorded")
        clock.advance(2)
        await eventually(lambda: len(receiver.received) == 2, what="the retry")
        assert receiver.received[1].body == first.body
        clock.advance(3600)  # acknowledged: no more attempts, however long we wait
        server.hub.outbound.wake()
        await server.hub.outbound.work_once()
        assert len(receiver.received) == 2

        # Back online, resuming: the store gets the purchase and the order, in order, once.
        async with peer(server, "store") as ws:
            welcome = await ws.hello(key, resume_from=seen)
            assert welcome["resumed"] is True
            replay = [await ws.recv() for _ in range(3)]
        assert [(m["type"], m.get("change")) for m in replay] == [
            ("ticket", "created"),
            ("ticket", "purchased"),
            ("order", "placed"),
        ]
        assert replay[2]["order"]["customer"]["email"] == "alice@example.org"
        # A store starting fresh finds its open orders in the snapshot.
        async with peer(server, "store") as ws:
            await ws.hello(key)
            snapshot = await ws.expect("snapshot")
        assert [o["order_id"] for o in snapshot["orders"]] == [order["order_id"]]


async def test_orders_survive_a_hub_killed_right_after_checkout(tmp_path: Path) -> None:
    data = tmp_path / "hub"
    data.mkdir()
    books, books_key = add_store(data, "Books")
    pots, pots_key = add_store(data, "Pots")
    hub = await HubProcess(data).start()
    async with httpx.AsyncClient(base_url=hub.http_url, timeout=10) as http:
        for store, key, product in ((books, books_key, "novel"), (pots, pots_key, "vase")):
            auth = {"Authorization": f"Bearer {key}"}
            r = await http.post(
                f"/api/stores/{store}/products",
                json={
                    "products": [
                        {
                            "id": product,
                            "name": product,
                            "price": {"amount": 1000, "currency": "EUR"},
                        }
                    ]
                },
                headers=auth,
            )
            assert r.status_code == 200, r.text
            await http.put(
                f"/api/stores/{store}/products/{product}/stock", json={"on_hand": 3}, headers=auth
            )
        alice = await sign_up(http, "alice@example.org")
        await reserve(http, alice, books, "novel", 1)
        await reserve(http, alice, pots, "vase", 1)
        first = await checkout(http, alice, "checkout-crash1")
    # Tickets are purchased; no store has been told yet. Power cut.
    hub.kill()
    await hub.wait()
    hub = await HubProcess(data).start()
    try:
        async with httpx.AsyncClient(base_url=hub.http_url, timeout=10) as http:
            # The shopper's client never saw the reply and retries: same orders, no new ones.
            again = await checkout(http, alice, "checkout-crash1")
            assert again == first
            for store, key in ((books, books_key), (pots, pots_key)):
                r = await http.get(
                    f"/api/stores/{store}/orders", headers={"Authorization": f"Bearer {key}"}
                )
                assert len(r.json()) == 1, r.text
                # The store's stream has the order exactly once.
                events = await http.get(
                    f"/api/stores/{store}/events",
                    params={"after": 0},
                    headers={"Authorization": f"Bearer {key}"},
                )
                kinds = [m["type"] for m in events.json()["messages"]]
                assert kinds.count("order") == 1, kinds
            cart = (await http.get("/api/cart", headers=alice.auth)).json()
            assert sorted(o["store_id"] for o in cart["orders"]) == sorted([books, pots])
            assert cart["tickets"] == []
            events = (
                await http.get("/api/cart/events", params={"after": 0}, headers=alice.auth)
            ).json()["messages"]
            assert [m["type"] for m in events].count("order_placed") == 2
    finally:
        await hub.stop()


async def test_webhook_signature_helper_rejects_stale_timestamps() -> None:
    body = '{"type":"order"}'
    now = time.time()
    header = webhooks.sign("whsec_x", int(now) - 600, body)
    assert not webhooks.verify("whsec_x", header, body, now)
    assert webhooks.verify("whsec_x", webhooks.sign("whsec_x", int(now), body), body, now)
    assert not webhooks.verify("whsec_x", "garbage", body, now)


async def test_customers_are_built_from_orders_searched_exported_and_emailed(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    from tests.helpers.hubs import hub_config
    from tests.helpers.receivers import smtp_server

    with smtp_server() as (port, inbox):
        config = hub_config(tmp_path, smtp_host="127.0.0.1", smtp_port=port, **backend_settings)
        async with HubServer(config, clock=clock) as server:
            store, key = await seed_store(server.hub, "Pots", {"vase": 5, "mug": 5})
            auth = {"Authorization": f"Bearer {key}"}
            async with httpx.AsyncClient(base_url=server.http_url, timeout=10) as http:
                for n, (email, product) in enumerate(
                    [
                        ("ann@example.org", "vase"),
                        ("bob@example.org", "mug"),
                        ("=cmd@example.org", "vase"),
                    ]
                ):
                    who = await sign_up(http, email)
                    await reserve(http, who, store, product, n)
                    await checkout(http, who, f"checkout-cust{n}")
                vase_buyers = (
                    await http.get(
                        f"/api/stores/{store}/customers", params={"product": "vase"}, headers=auth
                    )
                ).json()
                assert sorted(c["email"] for c in vase_buyers) == [
                    "=cmd@example.org",
                    "ann@example.org",
                ]
                assert vase_buyers[0]["products"] == {"vase": 1}
                found = (
                    await http.get(
                        f"/api/stores/{store}/customers", params={"q": "bob"}, headers=auth
                    )
                ).json()
                assert [c["email"] for c in found] == ["bob@example.org"]
                csv_text = (
                    await http.get(
                        f"/api/stores/{store}/customers.csv",
                        params={"product": "vase"},
                        headers=auth,
                    )
                ).text
                lines = csv_text.strip().splitlines()
                assert lines[0].startswith("name,email,orders")
                assert len(lines) == 3 and "bob@" not in csv_text
                # A cell that a spreadsheet would run as a formula is quoted.
                assert "'=cmd@example.org" in csv_text
                await eventually(lambda: len(inbox) == 3, what="order emails")
                r = await http.post(
                    f"/api/stores/{store}/customers/email",
                    json={
                        "subject": "New vases",
                        "body": "Fresh from the kiln.",
                        "product_id": "vase",
                    },
                    headers=auth,
                )
                assert r.json() == {"sent": 2}
            await eventually(lambda: len(inbox) == 5, what="the store's emails")
            sent = [m for m in inbox if m["Subject"] == "Pots: New vases"]
            assert sorted(m["To"] for m in sent) == ["=cmd@example.org", "ann@example.org"]
            assert "Fresh from the kiln." in sent[0].get_payload()


async def test_a_store_sees_how_its_webhooks_fared(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store, key = await seed_store(server.hub, "Pots", {"vase": 2})
    auth = {"Authorization": f"Bearer {key}"}
    async with webhook_receiver(answers=[401]) as receiver:
        await http.patch(
            f"/api/stores/{store}/settings", json={"webhook_url": receiver.url}, headers=auth
        )
        alice = await sign_up(http, "alice@example.org")
        await reserve(http, alice, store, "vase", 1)
        (order,) = (await checkout(http, alice, "checkout-00002"))["orders"]

        async def answered(attempts: int, delivered: bool) -> bool:
            rows = (await http.get(f"/api/stores/{store}/webhooks", headers=auth)).json()
            return (
                len(rows) == 1
                and rows[0]["attempts"] == attempts
                and (rows[0]["delivered_at"] is not None) == delivered
            )

        await eventually(lambda: answered(1, False), what="the refusal is recorded")
        (refused,) = (await http.get(f"/api/stores/{store}/webhooks", headers=auth)).json()
        assert refused["order_id"] == order["order_id"] and refused["change"] == "placed"
        assert refused["status"] == "placed" and refused["url"] == receiver.url
        assert refused["last_error"] == "HTTP 401" and refused["next_try_at"] > clock.now()
        clock.advance(2)
        await eventually(lambda: answered(2, True), what="the retry is acknowledged")
        other, other_key = await seed_store(server.hub, "Other", {"cup": 1})
        r = await http.get(
            f"/api/stores/{store}/webhooks", headers={"Authorization": f"Bearer {other_key}"}
        )
        assert r.status_code == 403  # another store's deliveries stay with it
        mine = await http.get(
            f"/api/stores/{other}/webhooks", headers={"Authorization": f"Bearer {other_key}"}
        )
        assert mine.json() == []


async def test_waiting_webhooks_follow_the_store_to_its_new_url(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store, key = await seed_store(server.hub, "Pots", {"vase": 2})
    auth = {"Authorization": f"Bearer {key}"}
    async with webhook_receiver(answers=[404]) as old, webhook_receiver() as new:
        await http.patch(
            f"/api/stores/{store}/settings", json={"webhook_url": old.url}, headers=auth
        )
        alice = await sign_up(http, "alice@example.org")
        await reserve(http, alice, store, "vase", 1)
        (order,) = (await checkout(http, alice, "checkout-00003"))["orders"]
        await eventually(lambda: len(old.received) == 1, what="the old URL refuses it")
        await http.patch(f"/api/stores/{store}/settings", json={"webhook_url": ""}, headers=auth)
        clock.advance(10)
        server.hub.outbound.wake()
        await server.hub.outbound.work_once()
        assert len(old.received) == 1 and new.received == []  # turned off: it waits
        r = await http.patch(f"/api/stores/{store}/settings", json={"webhook_url": new.url},
                             headers=auth)  # fmt: skip
        secret = r.json()["webhook_secret"]
        clock.advance(10)
        server.hub.outbound.wake()
        await eventually(lambda: len(new.received) == 1, what="sent to the new URL")
        sent = new.received[0]
        assert json.loads(sent.body)["order"]["order_id"] == order["order_id"]
        assert webhooks.verify(secret, sent.headers["cartstart-signature"], sent.body, clock.now())
        (row,) = (await http.get(f"/api/stores/{store}/webhooks", headers=auth)).json()
        assert row["url"] == new.url and row["delivered_at"] is not None


async def test_a_store_without_a_webhook_url_does_not_keep_the_sender_busy(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store, key = await seed_store(server.hub, "Pots", {"vase": 2})
    auth = {"Authorization": f"Bearer {key}"}
    async with webhook_receiver(answers=[500]) as receiver:
        await http.patch(f"/api/stores/{store}/settings", json={"webhook_url": receiver.url},
                         headers=auth)  # fmt: skip
        alice = await sign_up(http, "alice@example.org")
        await reserve(http, alice, store, "vase", 1)
        await checkout(http, alice, "checkout-00004")
        await eventually(lambda: len(receiver.received) == 1, what="first attempt")
        await http.patch(f"/api/stores/{store}/settings", json={"webhook_url": ""}, headers=auth)

    def next_attempt() -> Plan[float | None]:
        return (yield from outbound_queue.next_attempt())

    assert await server.hub.db.read(next_attempt()) is None  # nothing to wake up for

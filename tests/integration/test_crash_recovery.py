"""A hub killed with SIGKILL loses nothing: held tickets survive and expire on their original
deadline, once; a command retried after the crash is applied once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.helpers.peers import Account, sign_up
from tests.helpers.process import HubProcess, add_store

pytestmark = pytest.mark.slow
TTL = 3.0


@pytest.fixture
async def hub_proc(tmp_path: Path) -> AsyncIterator[HubProcess]:
    proc = HubProcess(tmp_path)
    yield proc
    await proc.stop()


async def setup_shop(
    data_dir: Path, http: httpx.AsyncClient, ttl: float = TTL
) -> tuple[str, dict[str, str]]:
    store_id, key = add_store(data_dir, "Shop", "--ttl", str(ttl))
    auth = {"Authorization": f"Bearer {key}"}
    products = [
        {"id": pid, "name": pid, "price": {"amount": 100, "currency": "EUR"}}
        for pid in ("mug", "lamp")
    ]
    r = await http.post(
        f"/api/stores/{store_id}/products", json={"products": products}, headers=auth
    )
    assert r.status_code == 200, r.text
    for pid in ("mug", "lamp"):
        r = await http.put(
            f"/api/stores/{store_id}/products/{pid}/stock", json={"on_hand": 2}, headers=auth
        )
        assert r.status_code == 200, r.text
    return store_id, auth


def reserve(store_id: str, product_id: str, command_id: str) -> dict[str, object]:
    return {"type": "reserve", "id": command_id, "store_id": store_id, "product_id": product_id}


async def cart_events(http: httpx.AsyncClient, alice: Account) -> list[dict]:
    r = await http.get("/api/cart/events", params={"after": 0}, headers=alice.auth)
    messages: list[dict] = r.json()["messages"]
    return messages


async def restart(proc: HubProcess) -> httpx.AsyncClient:
    proc.kill()
    await proc.wait()
    await proc.start()
    return httpx.AsyncClient(base_url=proc.http_url, timeout=10)


async def test_sigkill_keeps_tickets_and_retries_apply_once(
    tmp_path: Path, hub_proc: HubProcess
) -> None:
    await hub_proc.start()
    http = httpx.AsyncClient(base_url=hub_proc.http_url, timeout=10)
    # Long enough for a kill and a restart on a loaded machine before the holds expire.
    store_id, _ = await setup_shop(tmp_path, http, ttl=8.0)
    alice = await sign_up(http, "alice@example.org")
    r = await http.post(
        "/api/cart/commands", json=reserve(store_id, "mug", "crash-mug-1"), headers=alice.auth
    )
    assert r.status_code == 200, r.text
    ticket = r.json()["ticket"]
    # A second command is in flight when the process dies: committed or not, we cannot know.
    in_flight = asyncio.create_task(
        http.post(
            "/api/cart/commands", json=reserve(store_id, "lamp", "crash-lamp-1"), headers=alice.auth
        )
    )
    await asyncio.sleep(0.005)
    hub_proc.kill()
    await hub_proc.wait()
    await asyncio.gather(in_flight, return_exceptions=True)
    await http.aclose()
    await hub_proc.start()
    http = httpx.AsyncClient(base_url=hub_proc.http_url, timeout=10)

    # Every held ticket is still there, with its original deadline.
    cart = (await http.get("/api/cart", headers=alice.auth)).json()
    held = {t["ticket_id"]: t for t in cart["tickets"]}
    assert held[ticket["ticket_id"]]["expires_at"] == ticket["expires_at"]
    # Retrying both commands with their ids applies each once.
    for product, cid in (("mug", "crash-mug-1"), ("lamp", "crash-lamp-1")):
        r = await http.post(
            "/api/cart/commands", json=reserve(store_id, product, cid), headers=alice.auth
        )
        assert r.status_code == 200, r.text
        assert r.json()["ticket"]["qty"] == 1
    avail = (
        await http.get(
            "/api/page/availability", params={"p": [f"{store_id}:mug", f"{store_id}:lamp"]}
        )
    ).json()
    assert [a["available"] for a in avail["items"]] == [1, 1]

    # Both tickets expire on their deadlines (real clock here): the mug's is the original one.
    seen: list[dict] = []
    head = 0
    expired_at: dict[str, float] = {}
    while len(expired_at) < 2:
        r = await http.get(
            "/api/cart/events", params={"after": head, "wait": 10}, headers=alice.auth
        )
        head = r.json()["head_seq"]
        for m in r.json()["messages"]:
            seen.append(m)
            if m["type"] == "ticket_expired":
                expired_at[m["ticket"]["ticket_id"]] = time.time()
    assert ticket["expires_at"] <= expired_at[ticket["ticket_id"]] < ticket["expires_at"] + 1.5
    await http.aclose()

    # Another crash and restart: no expiry is repeated.
    http = await restart(hub_proc)
    await asyncio.sleep(0.5)
    r = await http.get("/api/cart/events", params={"after": head}, headers=alice.auth)
    seen += r.json()["messages"]
    expiries = [m["ticket"]["ticket_id"] for m in seen if m["type"] == "ticket_expired"]
    assert sorted(expiries) == sorted(set(expiries)) and len(expiries) == 2
    await http.aclose()


async def test_a_deadline_passed_while_the_hub_was_down_expires_once_at_restart(
    tmp_path: Path, hub_proc: HubProcess
) -> None:
    await hub_proc.start()
    http = httpx.AsyncClient(base_url=hub_proc.http_url, timeout=10)
    store_id, _ = await setup_shop(tmp_path, http)
    alice = await sign_up(http, "alice@example.org")
    r = await http.post(
        "/api/cart/commands", json=reserve(store_id, "mug", "down-mug-1"), headers=alice.auth
    )
    ticket = r.json()["ticket"]
    await http.aclose()
    hub_proc.kill()
    await hub_proc.wait()
    await asyncio.sleep(max(0.0, ticket["expires_at"] - time.time()) + 0.2)
    await hub_proc.start()
    http = httpx.AsyncClient(base_url=hub_proc.http_url, timeout=10)
    # Re-armed from the database at start: expired promptly, returned to stock, told once.
    for _ in range(100):
        events = await cart_events(http, alice)
        if any(m["type"] == "ticket_expired" for m in events):
            break
        await asyncio.sleep(0.05)
    kinds = [m["type"] for m in events]
    assert kinds.count("ticket_expired") == 1
    avail = (await http.get("/api/page/availability", params={"p": f"{store_id}:mug"})).json()
    assert avail["items"][0]["available"] == 2
    await http.aclose()

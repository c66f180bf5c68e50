"""A marketplace for solutions' tests: a real hub (the backend under test) with a real SMTP
server, three firms with products, contact addresses and an agent handling one product."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

import httpx

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.helpers.hubs import hub_config, seed_store
from tests.helpers.receivers import smtp_server
from tests.helpers.waiting import eventually
from tests.integration.test_agents import agent_signed_in, bearer

HOSTILE = '<img src=x onerror="alert(1)">'


@dataclass
class Firm:
    store_id: str
    key: str
    name: str
    email: str
    products: list[str]


@dataclass
class Market:
    server: HubServer
    http: httpx.AsyncClient
    inbox: list[Message]
    firms: list[Firm] = field(default_factory=list)

    def firm(self, name: str) -> Firm:
        return next(f for f in self.firms if f.name == name)


FIRMS = {
    "Volt Electric": {"cable": 50, "socket": 40},
    "Pipe & Co": {"valve": 20},
    "Tile Works": {"tile": 1000, "grout": 30},
}


@contextlib.asynccontextmanager
async def market(
    tmp_path: Path, clock: FakeClock, settings: dict[str, Any]
) -> AsyncIterator[Market]:
    with smtp_server() as (port, inbox):
        config = hub_config(tmp_path, smtp_host="127.0.0.1", smtp_port=port, **settings)
        async with HubServer(config, clock=clock) as server:
            async with httpx.AsyncClient(base_url=server.http_url, timeout=20) as http:
                m = Market(server, http, inbox)
                for name, stock in FIRMS.items():
                    store_id, key = await seed_store(server.hub, name, stock)
                    email = name.split()[0].lower().replace("&", "") + "@firm.example"
                    r = await http.patch(
                        f"/api/stores/{store_id}/settings",
                        json={"contact_email": email},
                        headers=bearer(key),
                    )
                    assert r.status_code == 200, r.text
                    assert r.json()["contact_email"] == email
                    m.firms.append(Firm(store_id, key, name, email, list(stock)))
                yield m


async def agent_handling(m: Market, firm: Firm, email: str, products: list[str]) -> None:
    """An agent of `firm` (invitation accepted) who handles `products`."""
    agent = await agent_signed_in(m.http, firm.store_id, firm.key, email)
    url = f"/api/stores/{firm.store_id}/agents/{agent['agent']['agent_id']}/products"
    r = await m.http.put(url, json={"product_ids": products}, headers=bearer(firm.key))
    assert r.status_code in (200, 204), r.text


def line(firm: Firm, product: str, qty: int, note: str = "") -> dict[str, Any]:
    return {"store_id": firm.store_id, "product_id": product, "qty": qty, "note": note}


def secret_header(created: dict[str, Any]) -> dict[str, str]:
    return {"X-Solution-Secret": created["secret"]}


def text_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes), message
    return payload.decode(message.get_content_charset() or "utf-8")


async def mails_to(inbox: list[Message], to: str, count: int = 1) -> list[Message]:
    await eventually(
        lambda: sum(1 for m in inbox if m["To"] == to) >= count, 15, f"{count} email(s) to {to}"
    )
    return [m for m in inbox if m["To"] == to]


async def count_rows(server: HubServer, table: str) -> int:
    from cartstart_server.storage.sql import Plan, Stmt, one

    def plan() -> Plan[int]:
        row = one((yield Stmt(f"SELECT COUNT(*) AS n FROM {table}")))
        assert row is not None
        return int(row["n"])

    return await server.hub.db.read(plan())

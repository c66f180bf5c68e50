"""Shared by the marketplace's tests: a small tree, stores with products through the store API,
and waiting for the index to catch up (it follows the database within about 0.1 s)."""

from __future__ import annotations

from typing import Any

import httpx

from cartstart_server.hub import Hub
from tests.helpers.waiting import eventually

TREE: dict[str, Any] = {
    "version": 1,
    "nodes": [
        {
            "id": "electrical",
            "names": {"en": "Electrical", "sr": "Elektro"},
            "children": [
                {
                    "id": "automation",
                    "names": {"en": "Automation", "sr": "Automatika"},
                    "children": [
                        {
                            "id": "valves",
                            "names": {"en": "Valves", "sr": "Ventili"},
                            "children": [
                                {
                                    "id": "solenoid-valves",
                                    "names": {
                                        "en": "Solenoid valves",
                                        "sr": "Elektromagnetni ventili",
                                    },
                                },
                                {
                                    "id": "ball-valves",
                                    "names": {"en": "Ball valves", "sr": "Kuglasti ventili"},
                                },
                            ],
                        },
                        {
                            "id": "switchgear",
                            "names": {"en": "Switchgear", "sr": "Rasklopna oprema"},
                            "children": [
                                {
                                    "id": "contactors",
                                    "names": {"en": "Contactors", "sr": "Kontaktori"},
                                }
                            ],
                        },
                    ],
                }
            ],
        }
    ],
}


def product(pid: str, name: str, code: str, *, amount: int = 1000, currency: str = "EUR",
            tags: list[str] | None = None, **more: Any) -> dict[str, Any]:  # fmt: skip
    return {
        "id": pid,
        "name": name,
        "code": code,
        "price": {"amount": amount, "currency": currency},
        "tags": tags or [],
        **more,
    }


async def new_store(hub: Hub, name: str) -> tuple[str, str]:
    return await hub.stores.create(name, default_ttl=600, renewal_limit=2, origins=None)


async def put_products(
    http: httpx.AsyncClient, store_id: str, key: str, products: list[dict[str, Any]]
) -> httpx.Response:
    return await http.post(
        f"/api/stores/{store_id}/products",
        json={"products": products},
        headers={"Authorization": f"Bearer {key}"},
    )


async def set_stock(http: httpx.AsyncClient, store_id: str, key: str, pid: str, n: int) -> None:
    r = await http.put(
        f"/api/stores/{store_id}/products/{pid}/stock",
        json={"on_hand": n},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert r.status_code == 200, r.text


async def search(http: httpx.AsyncClient, q: str, **params: Any) -> dict[str, Any]:
    r = await http.get("/api/market/search", params={"q": q, **params})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def ids(page: dict[str, Any]) -> list[str]:
    return [r["product_id"] for r in page["results"]]


async def found_within(
    http: httpx.AsyncClient, q: str, expected: set[str], within: float = 1.0
) -> None:
    """The search's results become exactly `expected` within `within` seconds."""

    async def check() -> bool:
        return set(ids(await search(http, q))) == expected

    await eventually(check, within=within, what=f"{q!r} finds {sorted(expected)}")

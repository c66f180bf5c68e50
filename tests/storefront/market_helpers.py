"""A marketplace for the browser tests and screenshots (tests/storefront/test_market_page.py,
market_screenshots.py): a real hub with a two-language tree, exchange rates, three firms with
products mapped into the tree (one with a hostile name), and enough cables for two pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from cartstart_server.server import HubServer
from tests.integration.market_helpers import (
    found_within,
    new_store,
    product,
    put_products,
    set_stock,
)

HOSTILE_NAME = '<img src=x onerror="window.pwned=1"><b>Bold</b> valve & "quoted"'

TREE: dict[str, Any] = {
    "version": 1,
    "nodes": [
        {
            "id": "electrical",
            "names": {"en": "Electrical", "sr": "Elektro"},
            "children": [
                {
                    "id": "lighting",
                    "names": {"en": "Lighting", "sr": "Osvetljenje"},
                    "children": [
                        {
                            "id": "indoor-lighting",
                            "names": {"en": "Indoor lighting", "sr": "Unutrašnje osvetljenje"},
                            "children": [
                                {
                                    "id": "led-panels",
                                    "names": {"en": "LED panels", "sr": "LED paneli"},
                                },
                                {"id": "led-tubes", "names": {"en": "LED tubes", "sr": "LED cevi"}},
                            ],
                        }
                    ],
                },
                {
                    "id": "installation",
                    "names": {"en": "Installation", "sr": "Instalacije"},
                    "children": [
                        {
                            "id": "cables",
                            "names": {"en": "Cables", "sr": "Kablovi"},
                            "children": [
                                {
                                    "id": "power-cables",
                                    "names": {"en": "Power cables", "sr": "Energetski kablovi"},
                                },
                            ],
                        }
                    ],
                },
            ],
        },
        {
            "id": "plumbing",
            "names": {"en": "Plumbing", "sr": "Vodovod"},
            "children": [
                {
                    "id": "fittings",
                    "names": {"en": "Fittings", "sr": "Armatura"},
                    "children": [
                        {
                            "id": "valves",
                            "names": {"en": "Valves", "sr": "Ventili"},
                            "children": [
                                {
                                    "id": "ball-valves",
                                    "names": {"en": "Ball valves", "sr": "Kuglasti ventili"},
                                },
                            ],
                        }
                    ],
                }
            ],
        },
    ],
}


@dataclass
class Firm:
    store_id: str
    key: str
    name: str
    products: list[str] = field(default_factory=list)


@dataclass
class Market:
    server: HubServer
    firms: dict[str, Firm]

    @property
    def url(self) -> str:
        return self.server.http_url + "/market/"


def _catalogue(pictures: str | None) -> dict[str, tuple[str, list[tuple[dict[str, Any], int]]]]:
    def pic(name: str) -> dict[str, Any]:
        return {"image_url": f"{pictures}/{name}.png"} if pictures else {}

    return {
        "volt": (
            "Volt Electric",
            [
                (
                    product(
                        "panel-60",
                        "LED panel 60x60 40W",
                        "VE-LP6040",
                        amount=3490,
                        category="led-panels",
                        tags=["office"],
                        **pic("panel"),
                    ),
                    12,
                ),
                (
                    product(
                        "panel-30",
                        "LED panel 30x120 36W",
                        "VE-LP3036",
                        amount=4250,
                        category="led-panels",
                        **pic("panel"),
                    ),
                    0,
                ),
                (
                    product(
                        "tube-120",
                        "LED tube T8 120 cm",
                        "VE-T8120",
                        amount=590,
                        category="led-tubes",
                        **pic("tube"),
                    ),
                    40,
                ),
                *[
                    (
                        product(
                            f"cable-{i}",
                            f"Power cable NYM 3x{1 + i % 3}.5 mm² {10 * (i + 1)} m",
                            f"VE-NYM{i:02d}",
                            amount=1500 + 100 * i,
                            category="power-cables",
                            **pic("cable"),
                        ),
                        5,
                    )
                    for i in range(22)
                ],
            ],
        ),
        "lumen": (
            "Lumen Svetla d.o.o.",
            [
                (
                    product(
                        "lp-1",
                        "LED panel ugradni 60x60 36W",
                        "LS-157B2210",
                        amount=389000,
                        currency="RSD",
                        category="led-panels",
                        tags=["kancelarija"],
                        **pic("panel"),
                    ),
                    7,
                ),
                (
                    product(
                        "lt-1",
                        "LED cev T8 150 cm",
                        "LS-T8150",
                        amount=79000,
                        currency="RSD",
                        category="led-tubes",
                        **pic("tube"),
                    ),
                    0,
                ),
            ],
        ),
        "pipe": (
            "Pipe & Co",
            [
                (
                    product(
                        "bv-1",
                        'Ball valve brass 1/2"',
                        "PC-BV12",
                        amount=1290,
                        category="ball-valves",
                        **pic("valve"),
                    ),
                    9,
                ),
                (
                    product(
                        "evil",
                        HOSTILE_NAME,
                        "PC-EVIL",
                        amount=100,
                        category="ball-valves",
                        page_url="https://pipe.example/valve",
                    ),
                    1,
                ),
            ],
        ),
    }


async def open_market(server: HubServer, pictures: str | None = None) -> Market:
    """The tree, rates (EUR base: RSD, USD) and the three firms, searchable."""
    hub = server.hub
    await hub.market.import_tree(TREE)
    await hub.market.set_rates(
        {"base": "EUR", "date": "2026-11-30", "rates": {"RSD": "117.17", "USD": "1.05"}}
    )
    firms: dict[str, Firm] = {}
    async with httpx.AsyncClient(base_url=server.http_url, timeout=20) as http:
        for slug, (name, items) in _catalogue(pictures).items():
            store_id, key = await new_store(hub, name)
            r = await put_products(http, store_id, key, [p for p, _ in items])
            assert r.status_code == 200, r.text
            for p, stock in items:
                if stock:
                    await set_stock(http, store_id, key, p["id"], stock)
            firms[slug] = Firm(store_id, key, name, [p["id"] for p, _ in items])
        await found_within(http, "valve", {"bv-1", "evil"}, within=3.0)
        await found_within(http, "panel", {"panel-60", "panel-30", "lp-1"}, within=3.0)
    return Market(server, firms)

"""The demo's marketplace: three firms that sell to businesses through the marketplace alone (no
shop site of their own), the classification tree, exchange rates, and where each firm's requests
are emailed. The two demo shops' products are mapped into the tree by their own catalogues."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from shared_protocol.common import Price
from shared_protocol.store import ProductIn
from storefront_templates.store_api import StoreClient

from .catalogue import Catalogue, Item
from .hub_admin import HubSettings, run_cli

TREE = Path(__file__).parent / "market_tree.json"
# Units of each currency per euro, as a hub admin would set them for the day.
RATES = {"RSD": "117.17", "GBP": "0.85", "USD": "1.05"}

VOLT = Catalogue(
    "Volt Electric",
    "EUR",
    "Switchgear, valves and lighting for panel builders.",
    (
        Item(
            "sv-2210",
            'Solenoid valve EV220B 1/2" NC',
            "157B2210",
            8900,
            40,
            tags=("valves", "water"),
            category="solenoid-valves",
        ),
        Item(
            "sv-2215",
            'Solenoid valve EV220B 3/4" NC',
            "157B2215",
            10400,
            25,
            tags=("valves", "water"),
            category="solenoid-valves",
        ),
        Item(
            "bv-25",
            "Motorised ball valve DN25, 24 V",
            "MBV-25-24",
            14200,
            12,
            tags=("valves", "heating"),
            category="ball-valves",
        ),
        Item(
            "ct-9",
            "Contactor 9 A, coil 230 V AC",
            "LC1D09P7",
            2350,
            120,
            tags=("switchgear",),
            category="contactors",
        ),
        Item(
            "ct-18",
            "Contactor 18 A, coil 24 V DC",
            "LC1D18BD",
            4100,
            60,
            tags=("switchgear",),
            category="contactors",
        ),
        Item(
            "mcb-16",
            "Circuit breaker C16, 1 pole",
            "A9F74116",
            690,
            300,
            tags=("protection",),
            category="circuit-breakers",
        ),
        Item(
            "px-8",
            "Inductive proximity sensor M18, 8 mm",
            "XS618B1PAL2",
            3900,
            0,
            tags=("sensors",),
            category="proximity-sensors",
        ),
        Item(
            "led-60",
            "LED panel 60×60, 36 W, 4000 K",
            "LP-6060-36",
            4500,
            80,
            tags=("lighting", "office"),
            category="led-panels",
        ),
    ),
)

PIPE = Catalogue(
    "Pipe & Co",
    "RSD",
    "Pipes, fittings, radiators and pumps for installers.",
    (
        Item(
            "ppr-20",
            "PPR pipe PN20, 20 mm, 4 m",
            "PPR-20-4",
            56000,
            200,
            tags=("pipes", "water"),
            category="ppr-pipes",
        ),
        Item(
            "cu-15",
            "Copper pipe 15 mm, 5 m",
            "CU-15-5",
            420000,
            50,
            tags=("pipes",),
            category="copper-pipes",
        ),
        Item(
            "pf-15",
            "Press fitting elbow 15 mm",
            "PF-E15",
            38000,
            500,
            tags=("fittings",),
            category="press-fittings",
        ),
        Item(
            "rad-600",
            "Panel radiator 22, 600×1000",
            "PR22-6010",
            1290000,
            15,
            tags=("heating",),
            category="panel-radiators",
        ),
        Item(
            "pump-25",
            "Circulation pump 25-60, A-class",
            "CP-2560A",
            1650000,
            8,
            tags=("heating", "pumps"),
            category="circulation-pumps",
        ),
        Item(
            "drain-1",
            "Drainage pump 400 W with float switch",
            "DP-400F",
            980000,
            6,
            tags=("pumps",),
            category="drainage-pumps",
        ),
    ),
)

NETWORKS = Catalogue(
    "NetWorks",
    "EUR",
    "Network and computer equipment for offices and plants.",
    (
        Item("sw-24", "Managed switch 24 × 1G + 4 SFP", "NW-MS24-4S", 38900, 14, tags=("network",), category="managed-switches"),
        Item("sw-8", "Unmanaged switch 8 × 1G", "NW-US8", 3900, 60, tags=("network",), category="unmanaged-switches"),
        Item("pc-3", "Patch cord Cat6, 3 m, grey", "PC6-3-GR", 290, 800, tags=("cabling",), category="patch-cords"),
        Item("pp-24", "Patch panel 24 × Cat6, 1U", "PP6-24", 5900, 30, tags=("cabling",), category="patch-panels"),
        Item("ipc-5", "Industrial PC, fanless, i5, DIN rail", "IPC-DIN-I5", 129000, 4, tags=("industrial",), category="industrial-pcs"),
        Item("ups-1k", "UPS 1000 VA, line-interactive", "UPS-1000-LI", 18900, 20, tags=("power",), category="ups"),
    ),
)  # fmt: skip

FIRMS = (VOLT, PIPE, NETWORKS)


def contact_email(firm: Catalogue) -> str:
    slug = "".join(c for c in firm.name.lower() if c.isalnum())
    return f"sales@{slug}.invalid"


async def set_up_market(settings: HubSettings) -> None:
    """The tree and today's rates, set as a hub admin does (before `serve`, so only one process
    writes the database at a time). Importing the same tree again changes nothing."""
    await run_cli(settings, "market", "tree-import", str(TREE))
    rates = [f"{code}={rate}" for code, rate in RATES.items()]
    today = dt.date.today().isoformat()
    await run_cli(settings, "market", "rates-set", "--base", "EUR", "--date", today, *rates)


async def open_firm(hub_url: str, store_id: str, api_key: str, firm: Catalogue) -> None:
    """A firm's catalogue on the hub, and where its requests are emailed. Stock is set only for
    products the hub did not know yet, so a restart does not undo what was sold."""
    async with StoreClient(hub_url, store_id, api_key) as hub:
        await hub.update_settings(contact_email=contact_email(firm))
        known = {p.id for p in await hub.products()}
        await hub.upsert_products(
            [
                ProductIn(
                    id=item.id,
                    name=item.name,
                    code=item.code,
                    price=Price(amount=item.price, currency=firm.currency),
                    tags=list(item.tags),
                    category=item.category,
                )
                for item in firm.items
            ]
        )
        for item in firm.items:
            if item.id not in known:
                await hub.set_stock(item.id, item.stock)

"""The demo federation: two stores with a small catalogue, seeded idempotently."""

from __future__ import annotations

import importlib.util
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.common import Money
from shared_protocol.store import ProductIn, SetStock, UpsertProducts

from .hub import Hub
from .storage import directory

# A shopper for the demo, so the desktop cart can open signed in. Demo data only.
DEMO_EMAIL = "demo@cartstart.invalid"
DEMO_PASSWORD = "cartstart-demo"


@dataclass(frozen=True)
class DemoProduct:
    id: str
    name: str
    code: str
    price: int
    stock: int
    tags: tuple[str, ...]


@dataclass(frozen=True)
class DemoStore:
    name: str
    currency: str
    products: tuple[DemoProduct, ...]


DEMO_STORES = (
    DemoStore(
        "Corner Bookshop",
        "EUR",
        (
            DemoProduct(
                "first-edition",
                "First edition, signed (one of a kind)",
                "BK-001",
                24000,
                1,
                ("rare", "books"),
            ),
            DemoProduct(
                "letterpress-print",
                "Letterpress print no. 7 (one of a kind)",
                "PR-007",
                8500,
                1,
                ("rare", "art"),
            ),
            DemoProduct(
                "federated-garden",
                "The Federated Garden (paperback)",
                "BK-210",
                1999,
                12,
                ("books",),
            ),
            DemoProduct("dot-notebook", "Dot-grid notebook", "NB-020", 1250, 30, ("stationery",)),
        ),
    ),
    DemoStore(
        "Harbour Ceramics",
        "GBP",
        (
            DemoProduct(
                "tide-vase",
                "Tide vase, hand-thrown (one of a kind)",
                "HC-V01",
                14500,
                1,
                ("one-off", "vases"),
            ),
            DemoProduct(
                "kelp-bowl",
                "Kelp bowl, ash glaze (one of a kind)",
                "HC-B07",
                6200,
                1,
                ("one-off", "bowls"),
            ),
            DemoProduct("harbour-mug", "Harbour mug", "HC-M10", 2400, 8, ("mugs",)),
            DemoProduct("plate-set", "Set of four side plates", "HC-P04", 5600, 5, ("plates",)),
        ),
    ),
)


@dataclass(frozen=True)
class SeededStore:
    store_id: str
    name: str
    api_key: str
    product_ids: tuple[str, ...]


async def seed(hub: Hub) -> list[SeededStore]:
    """Register the demo stores (or give existing ones a fresh key) and set their catalogue and
    stock to the demo values."""
    seeded = []
    for demo in DEMO_STORES:
        existing = await hub.db.read(directory.find_store_by_name(demo.name))
        if existing is None:
            store_id, key = await hub.create_store(demo.name)
        else:
            store_id, key = existing.id, await hub.rotate_store_key(existing.id)
        products = [
            ProductIn(
                id=p.id,
                name=p.name,
                code=p.code,
                price=Money(amount=p.price, currency=demo.currency),
                tags=list(p.tags),
            )
            for p in demo.products
        ]
        await hub.store_command(store_id, UpsertProducts(id=_id(), products=products))
        for p in demo.products:
            await hub.store_command(store_id, SetStock(id=_id(), product_id=p.id, on_hand=p.stock))
        seeded.append(SeededStore(store_id, demo.name, key, tuple(p.id for p in demo.products)))
    return seeded


def _id() -> str:
    return "demo-" + secrets.token_hex(8)


async def seed_shopper(hub: Hub) -> None:
    """The demo shopper's account (kept if it exists)."""
    try:
        await hub.sign_up(DEMO_EMAIL, DEMO_PASSWORD, "Demo Shopper")
    except ProtocolError as exc:
        if exc.code is not ErrorCode.CONFLICT:
            raise


def desktop_command(http_url: str) -> list[str]:
    return [sys.executable, "-m", "cartstart_desktop.app", "--hub", http_url, "--email", DEMO_EMAIL]


def launch_desktop(http_url: str, home: Path) -> tuple[subprocess.Popen[bytes] | None, str]:
    """Start the desktop cart signed in as the demo shopper, if this machine can show it.
    Returns the process (or None) and a line saying what happened."""
    cartstart = Path(sys.executable).parent / "cartstart"
    how = (
        f"CARTSTART_HOME={home} CARTSTART_PASSWORD={DEMO_PASSWORD} "
        f"{cartstart} --hub {http_url} --email {DEMO_EMAIL}"
    )
    if importlib.util.find_spec("PySide6") is None:
        return (
            None,
            f"The desktop cart is not installed (pip install '.[desktop]'); then run:\n    {how}",
        )
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return None, (
            "No display here, so the desktop cart was not opened. On a machine with a "
            f"display, open it with:\n    {how}"
        )
    env = {**os.environ, "CARTSTART_HOME": str(home), "CARTSTART_PASSWORD": DEMO_PASSWORD}
    process = subprocess.Popen(desktop_command(http_url), env=env)
    return process, f"The desktop cart is open, signed in as {DEMO_EMAIL}."

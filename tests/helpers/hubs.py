"""Building hubs for tests: a real SQLite file, the in-process broker, a clock of the test's choosing."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from cartstart_server.clock import Clock
from cartstart_server.config import HubConfig
from cartstart_server.hub import Hub
from cartstart_server.server import broker_for, database_for
from cartstart_server.services.identity import Shopper
from shared_protocol.common import Price
from shared_protocol.store import ProductIn, SetStock, UpsertProducts

_ids = itertools.count(1)


def command_id() -> str:
    return f"cmd-{next(_ids):08d}"


def hub_config(data_dir: Path, **overrides: Any) -> HubConfig:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "port": 0,
        "scrypt_n": 2**10,  # keeps account creation fast; the KDF itself is unchanged
        "log_format": "text",
        # The FakeClock moves only when told: counts held for a window would wait for a test
        # that never advances it. Coalescing's own tests set a window (test_coalescing*.py).
        "fanout_window": 0.0,
    }
    values.update(overrides)
    return HubConfig(**values)


@asynccontextmanager
async def running_hub(data_dir: Path, clock: Clock, **overrides: Any) -> AsyncIterator[Hub]:
    config = hub_config(data_dir, **overrides)
    hub = Hub(database_for(config), broker_for(config), clock, config)
    await hub.start()
    try:
        yield hub
    finally:
        await hub.stop()


async def new_shopper(hub: Hub, email: str) -> Shopper:
    await hub.identity.sign_up(email, "correct horse battery")
    session = await hub.identity.log_in(email, "correct horse battery")
    return await hub.identity.authenticate_shopper(session.token)


async def seed_store(
    hub: Hub,
    name: str,
    stock: dict[str, int],
    *,
    ttl: float = 600,
    renewal_limit: int = 2,
    origins: list[str] | None = None,
) -> tuple[str, str]:
    """A store with one product per `stock` entry (price 1000 EUR minor units each)."""
    store_id, key = await hub.stores.create(
        name, default_ttl=ttl, renewal_limit=renewal_limit, origins=origins
    )
    await add_products(hub, store_id, stock)
    return store_id, key


async def add_products(hub: Hub, store_id: str, stock: dict[str, int]) -> None:
    """One product per `stock` entry (price 1000 EUR minor units each), with that stock."""
    products = [
        ProductIn(
            id=pid,
            name=f"Product {pid}",
            code=pid.upper(),
            price=Price(amount=1000, currency="EUR"),
        )
        for pid in stock
    ]
    await hub.stores.command(store_id, UpsertProducts(id=command_id(), products=products))
    for pid, on_hand in stock.items():
        await hub.stores.command(
            store_id, SetStock(id=command_id(), product_id=pid, on_hand=on_hand)
        )

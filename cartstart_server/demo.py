"""The demo federation: two demo shops (cartstart_demo_store) registered idempotently, and a\ndemo shopper whose desktop cart opens signed in."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from cartstart_demo_store.app import ShopConfig, start
from cartstart_demo_store.catalogue import CATALOGUES
from cartstart_demo_store.hub_client import StoreApi
from shared_protocol import ErrorCode, ProtocolError

from .hub import Hub

# A shopper for the demo, so the desktop cart can open signed in. Demo data only.
DEMO_EMAIL = "demo@cartstart.invalid"
DEMO_PASSWORD = "cartstart-demo"


# The demo shops and the ports their pages are served on (see cartstart_demo_store).
DEMO_SHOPS = ("bookshop", "ceramics")
FIRST_SHOP_PORT = 8750


@dataclass(frozen=True)
class SeededStore:
    store_id: str
    name: str
    api_key: str
    product_ids: tuple[str, ...]
    shop: ShopConfig


async def seed(
    hub: Hub,
    hub_url: str,
    host: str = "127.0.0.1",
    *,
    first_port: int = FIRST_SHOP_PORT,
    register: bool = True,
) -> list[SeededStore]:
    """Register the demo stores with the hub as its admin would (or give existing ones a fresh
    key). With `register`, each shop then registers its origins and catalogue through the store
    API, as any store does; a shop that is about to be served does that itself when it starts."""
    seeded = []
    for port, name in enumerate(DEMO_SHOPS, start=first_port):
        catalogue = CATALOGUES[name]
        existing = await hub.stores.find(catalogue.name)
        if existing is None:
            store_id, key = await hub.stores.create(catalogue.name)
        else:
            store_id, key = existing.id, await hub.stores.rotate_key(existing.id)
        shop = ShopConfig(hub_url, store_id, key, catalogue, host, port)
        if register:
            api = StoreApi(hub_url, store_id, key)
            try:
                await api.register(catalogue, shop.origins, shop.url)
            finally:
                await api.close()
        ids = tuple(i.id for i in catalogue.items)
        seeded.append(SeededStore(store_id, catalogue.name, key, ids, shop))
    return seeded


@contextlib.asynccontextmanager
async def serving(shop: ShopConfig) -> AsyncIterator[None]:
    """Serve a demo shop's pages in this event loop, and stop it cleanly at the end."""
    server, task = await start(shop)
    try:
        yield
    finally:
        server.should_exit = True
        await task


async def seed_shopper(hub: Hub) -> None:
    """The demo shopper's account (kept if it exists)."""
    try:
        await hub.identity.sign_up(DEMO_EMAIL, DEMO_PASSWORD, "Demo Shopper")
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

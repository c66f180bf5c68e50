"""The demo is built only from what any Python shop has: it never imports the hub's code."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import cartstart_demo_store

SHOP_SIDE = [
    "storefront_templates",
    "storefront_templates.store_api",
    *(
        f"cartstart_demo_store.{m.name}"
        for m in pkgutil.iter_modules(cartstart_demo_store.__path__)
        if m.name != "__main__"
    ),
]


def test_the_demo_and_the_store_client_never_import_cartstart_server() -> None:
    assert "cartstart_demo_store.federation" in SHOP_SIDE  # the list is not empty by accident
    script = (
        "import importlib, sys\n"
        f"for name in {SHOP_SIDE!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'cartstart_server'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]", result.stdout

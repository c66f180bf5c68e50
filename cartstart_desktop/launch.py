"""`cartstart`: the command's entry point. Checks that the desktop extra is installed before
anything imports it: `pip install cartstart` alone brings the hub's packages, not the cart's."""

from __future__ import annotations

import importlib.util
import sys

DESKTOP_MODULES = ("PySide6", "qasync", "aiosqlite", "keyring", "platformdirs")
"""The `desktop` extra's packages the cart needs to start (calls load theirs when one starts)."""


def _installed(name: str) -> bool:
    if name in sys.modules:
        return sys.modules[name] is not None
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a broken or blocked package is as good as missing
        return False


def missing_modules() -> list[str]:
    return [name for name in DESKTOP_MODULES if not _installed(name)]


def main(argv: list[str] | None = None) -> int:
    missing = missing_modules()
    if missing:
        print(
            "cartstart: the desktop cart needs packages that are not installed "
            f"({', '.join(missing)}).\n"
            "Install CartStart with its desktop extra, then start it again:\n"
            "    pip install 'cartstart[desktop]'",
            file=sys.stderr,
        )
        return 1
    from .app import main as run_app

    return run_app(argv)

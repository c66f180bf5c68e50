"""The cart paints its saved contents before the network stack loads (docs/benchmarks.md): opening
a session and showing the window must not import httpx, websockets, keyring or aiortc, nor
anything of live selling (the Live sessions tab builds itself when first shown)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

OPEN_AND_SHOW = """
import asyncio, json, sys
from pathlib import Path
from cartstart_desktop.core.credentials import KeyringCredentials
from cartstart_desktop.core.session import CartSession
from cartstart_desktop.ui.main_window import MainWindow
from cartstart_desktop.ui.qt import QApplication

app = QApplication([])

async def main() -> None:
    session = CartSession(Path(sys.argv[1]), KeyringCredentials(), open_url=print)
    await session.open()
    window = MainWindow(session)
    window.show()
    app.processEvents()
    window.detach()
    await session.close()

asyncio.run(main())
print(json.dumps(sorted(m.split(".")[0] for m in sys.modules)))
print(json.dumps(sorted(
    m for m in sys.modules if m.rsplit(".", 1)[-1].startswith(("live", "call"))
)))
"""


def test_opening_the_cart_loads_no_network_or_keyring_module(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", OPEN_AND_SHOW, str(tmp_path / "home")],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    ).stdout
    packages, live = (json.loads(line) for line in out.strip().splitlines()[-2:])
    loaded = set(packages)
    assert "PySide6" in loaded and "aiosqlite" in loaded  # it did open and show
    assert loaded.isdisjoint({"httpx", "httpcore", "websockets", "keyring", "aiortc"})
    # shared_protocol.live and .calls, core.live* and .call*, ui.live* and .call_settings: when
    # the tab first shows (and aiortc when a call starts).
    assert live == []

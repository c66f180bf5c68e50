"""The demo shopper, and the desktop cart opened signed in as them (when this machine can)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

# A shopper for the demo, so the desktop cart can open signed in. Demo data only.
DEMO_EMAIL = "demo@cartstart.invalid"
DEMO_PASSWORD = "cartstart-demo"
DEMO_NAME = "Demo Shopper"


def desktop_command(http_url: str) -> list[str]:
    return [sys.executable, "-m", "cartstart_desktop.app", "--hub", http_url, "--email", DEMO_EMAIL]


def launch_desktop(http_url: str, home: Path) -> tuple[subprocess.Popen[bytes] | None, str]:
    """Start the desktop cart signed in as the demo shopper, if this machine can show it.
    Returns the process (or None) and a line saying what happened."""
    cartstart = Path(sys.executable).parent / "cartstart"
    home = home.resolve()  # the printed command works from any folder
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

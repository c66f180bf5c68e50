"""Where the cart keeps its files, and the few settings that are not secret."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs

DEFAULT_HUB = "http://127.0.0.1:8740"


def home() -> Path:
    """`$CARTSTART_HOME`, else the platform's user data directory (~/.local/share/cartstart)."""
    explicit = os.environ.get("CARTSTART_HOME")
    return (
        Path(explicit) if explicit else Path(platformdirs.user_data_dir("cartstart", "CartStart"))
    )


@dataclass
class Settings:
    hub_url: str = ""
    email: str = ""
    force_polling: bool = False
    """Never try WebSockets (for networks that break them in ways that are slow to detect)."""
    live_name: str = ""
    """The name the shopper last gave a store when calling it from the cart."""
    camera: str = ""
    microphone: str = ""
    speaker: str = ""
    """Call devices (call_devices.py): "" the system's default, "none", a device's name, or
    `format:file` for a camera or a test source (`lavfi:testsrc=size=640x480:rate=30`)."""

    language: str = ""
    """"en" or "sr" as chosen in the app; "" follows the system's locale (core/lang.py)."""
    market_currency: str = ""
    """The marketplace's display currency last chosen ("" the hub's base currency)."""

    @classmethod
    def load(cls, directory: Path) -> Settings:
        path = directory / "settings.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {k: v for k, v in raw.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "settings.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        tmp.replace(path)

"""The cart's icon: one SVG, shipped in the package (and the bundle), shown on its windows, in
the tray, and installed into the desktop's icon theme by docs/shopper.md's commands."""

from __future__ import annotations

from pathlib import Path

from .qt import QApplication, QIcon

ICON_FILE = Path(__file__).with_name("cartstart.svg")
DESKTOP_ENTRY = "cartstart"
"""installers/cartstart.desktop's name: Wayland desktops match the window to it (and its icon)."""


def app_icon() -> QIcon:
    """Drawn by Qt's SVG icon engine, at whatever size the desktop asks for."""
    return QIcon(str(ICON_FILE))


def use_app_icon(app: QApplication) -> None:
    """Every window and dialog of the app, the live windows too, gets the icon."""
    app.setWindowIcon(app_icon())
    app.setDesktopFileName(DESKTOP_ENTRY)

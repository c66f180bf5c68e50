"""Telling the shopper something happened: the system tray when there is one, else a banner in
the window (offscreen and minimal desktops have no tray)."""

from __future__ import annotations

import html

from .qt import QLabel, QStyle, QSystemTrayIcon, QTimer, QWidget


class Notifier:
    def __init__(self, banner: QLabel, window: QWidget) -> None:
        self.banner = banner
        self.shown: list[tuple[str, str]] = []
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            icon = window.style().standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton)
            self.tray = QSystemTrayIcon(icon, window)
            self.tray.setToolTip("CartStart")
            self.tray.show()
        self._hide = QTimer()
        self._hide.setSingleShot(True)
        self._hide.timeout.connect(self.banner.hide)
        self.banner.hide()

    def notify(self, title: str, text: str, *, error: bool = False) -> None:
        self.shown.append((title, text))
        if self.tray is not None and not error:
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 8000)
        colour = "#f8d7da" if error else "#fff3cd"
        self.banner.setStyleSheet(f"background: {colour}; padding: 6px; border-radius: 4px")
        # Names come from stores: escape them, a QLabel would render their markup.
        body = html.escape(text)
        self.banner.setText(f"<b>{html.escape(title)}</b> {body}" if title else body)
        self.banner.show()
        self._hide.start(12000)

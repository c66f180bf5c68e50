"""Telling the shopper something happened: the system tray when there is one, and always a line
in the window (offscreen and minimal desktops have no tray).

The line's space is reserved: it is there, empty, when there is nothing to say, so a notice that
comes and goes never moves the tabs or the rows under the pointer. A long notice is shortened
with an ellipsis to fit; the tooltip has all of it.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from .qt import (
    QFont,
    QFontMetrics,
    QLabel,
    QSizePolicy,
    QSystemTrayIcon,
    Qt,
    QTimer,
    QWidget,
)

if TYPE_CHECKING:
    from .qt import QResizeEvent

SHOWN_FOR_MS = 12000
_PADDING = 8  # px left and right inside the line


class NoticeBar(QLabel):
    """One line of fixed height for notices and errors."""

    def __init__(self) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(False)
        self.setFixedHeight(self.fontMetrics().height() + 14)
        # Never wider than the window gives it: a long notice must not widen the window.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._title = ""
        self._text = ""
        self._error = False

    def show_notice(self, title: str, text: str, *, error: bool = False) -> None:
        self._title, self._text, self._error = title, " · ".join(text.split("\n")), error
        colour = "#f8d7da" if error else "#fff3cd"
        self.setStyleSheet(
            f"background: {colour}; padding: 0 {_PADDING}px; border-radius: 4px; color: #1f1f1f"
        )
        # As text: Qt reads a tooltip that looks like markup as markup (a store's name may).
        tip = html.escape(f"{title}\n{self._text}".strip())
        self.setToolTip(f"<p style='white-space:pre-wrap'>{tip}</p>")
        self._render()

    def clear_notice(self) -> None:
        self._title = self._text = ""
        self.setStyleSheet("")
        self.setToolTip("")
        self.setText("")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._title or self._text:
            self._render()

    def _render(self) -> None:
        room = max(40, self.width() - 2 * _PADDING - 4)
        bold = QFont(self.font())
        bold.setBold(True)
        title = QFontMetrics(bold).elidedText(self._title, Qt.TextElideMode.ElideRight, room)
        gap = "\u2002" if title else ""  # an en space between title and text
        room -= QFontMetrics(bold).horizontalAdvance(title + gap)
        text = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, max(0, room))
        # Names come from stores: escape them, a QLabel would render their markup.
        body = html.escape(text)
        self.setText(f"<b>{html.escape(title)}</b>{gap}{body}" if title else body)


class Notifier:
    def __init__(self, banner: NoticeBar, window: QWidget) -> None:
        self.banner = banner
        self.shown: list[tuple[str, str]] = []
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(window.windowIcon(), window)  # the app's (ui/icon.py)
            self.tray.setToolTip("CartStart")
            self.tray.show()
        self._hide = QTimer()
        self._hide.setSingleShot(True)
        self._hide.timeout.connect(self.banner.clear_notice)

    def notify(self, title: str, text: str, *, error: bool = False) -> None:
        self.shown.append((title, text))
        if self.tray is not None and not error:
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 8000)
        self.banner.show_notice(title, text, error=error)
        self._hide.start(SHOWN_FOR_MS)

    def stop(self) -> None:
        self._hide.stop()

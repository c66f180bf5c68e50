"""Connect a browser: a one-time code to type on a store page, and the browsers and pages linked
to this cart, kept up to date while the dialog is open (the list is read again every 1.5 s, so
the dialog says "Connected" soon after a browser uses the code)."""

from __future__ import annotations

import time
from collections.abc import Awaitable

from ..core.api import HubError, HubUnreachable
from ..core.connection import Offline
from ..core.lang import _, day, day_and_time
from ..core.pairing import Connecting, LinkedBrowser
from ..core.session import CartSession
from ..core.words import explain
from .qt import (
    QDialog,
    QDialogButtonBox,
    QFont,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from .runner import Run

REFRESH_MS = 1500
SHOWN_ROWS = (3, 10)  # the list is as tall as its rows, within these bounds


def browser_text(browser: LinkedBrowser) -> str:
    since = day_and_time(browser.created_at)
    return _("{name}, since {since}", name=browser.name, since=since)


def browser_tooltip(browser: LinkedBrowser) -> str:
    until = day(browser.expires_at)
    if browser.store_id:
        return _(
            "{name}: adds products from this store's pages only, until {until}.",
            name=browser.name,
            until=until,
        )
    return _(
        "{name}: adds products from any store's pages, until {until}.",
        name=browser.name,
        until=until,
    )


class ConnectDialog(QDialog):
    connectedBrowser = Signal(str)  # the name of the browser that used the code

    def __init__(self, session: CartSession, run: Run, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._run = run
        self.connecting = Connecting(session.pairing)
        self._busy = False
        self.setWindowTitle(_("Connect a browser"))
        intro = QLabel(
            _(
                "To add products from a browser you already have open, choose Add to cart on a "
                "store page that shows CartStart. When the page asks for a code, type this one:"
            )
        )
        intro.setWordWrap(True)
        self.code = QLabel("…")
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.TypeWriter)
        font.setPointSize(26)
        font.setBold(True)
        self.code.setFont(font)
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.expiry = QLabel("")
        self.expiry.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setMinimumHeight(2 * self.status.fontMetrics().lineSpacing() + 4)
        self.browsers = QListWidget()
        self.browsers.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.browsers.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.new_code_button = QPushButton(_("New code"))
        self.disconnect_button = QPushButton(_("Disconnect selected"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_code_button)
        buttons.addStretch(1)
        buttons.addWidget(self.disconnect_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.code)
        layout.addWidget(self.expiry)
        layout.addWidget(self.status)
        layout.addWidget(QLabel(_("Browsers and pages that can add to this cart:")))
        layout.addWidget(self.browsers)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.setMinimumWidth(460)
        self._fit_list()
        self.new_code_button.clicked.connect(lambda: self._run(self.new_code()))
        self.disconnect_button.clicked.connect(self._disconnect)
        self.browsers.currentItemChanged.connect(lambda *_: self._update_buttons())
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._tick)
        self.finished.connect(lambda _: self._timer.stop())
        self._update_buttons()

    async def new_code(self) -> None:
        self.code.setText("…")
        self.expiry.setText("")
        await self._guarded(self.connecting.new_code())
        if self.connecting.code:
            until = time.strftime("%H:%M", time.localtime(self.connecting.expires_at))
            self.code.setText(self.connecting.code)
            self.code.setStyleSheet("")
            self.expiry.setText(_("Works once, until {until}.", until=until))
            self.status.setText(_("Waiting for a browser to use the code…"))
            self.status.setStyleSheet("")
            self._timer.start()
        self._show()

    def _tick(self) -> None:
        if not self._busy:
            self._run(self._refresh())

    async def _refresh(self) -> None:
        self._busy = True
        try:
            if await self._guarded(self.connecting.refresh()):
                self._show()
        finally:
            self._busy = False

    async def _guarded(self, work: Awaitable[object]) -> bool:
        """Run a hub call; when the hub cannot be reached the dialog says so, quietly."""
        try:
            return bool(await work)
        except (HubError, HubUnreachable, Offline) as exc:
            self.status.setText(explain(exc))
            self.status.setStyleSheet("color: #b02020")
            return False

    def _show(self) -> None:
        selected = self._selected()
        self.browsers.clear()
        for browser in self.connecting.browsers:
            entry = QListWidgetItem(browser_text(browser))
            entry.setToolTip(browser_tooltip(browser))
            entry.setData(Qt.ItemDataRole.UserRole, browser.token_id)
            self.browsers.addItem(entry)
            if browser.token_id == selected:
                self.browsers.setCurrentItem(entry)
        connected = self.connecting.connected
        linked = {b.token_id for b in self.connecting.browsers}
        if connected is not None and connected.token_id not in linked:
            self.status.setText(_("{name} is disconnected from this cart.", name=connected.name))
            self.status.setStyleSheet("")
        elif connected is not None:
            self.status.setText(
                _(
                    "Connected: {name}. Products picked there now go to this cart. To connect "
                    "another browser, use New code.",
                    name=connected.name,
                )
            )
            self.status.setStyleSheet("color: #1a7f37")
            self.code.setStyleSheet("color: #a0a0a0")  # used: it will not work again
            self.expiry.setText(_("This code is used."))
            if self._timer.isActive():
                self._timer.stop()
                self.connectedBrowser.emit(connected.name)
        self._fit_list()
        self._update_buttons()

    def _fit_list(self) -> None:
        """As tall as its rows (within SHOWN_ROWS): no rows hidden behind a scrollbar at once."""
        fewest, most = SHOWN_ROWS
        rows = min(max(self.browsers.count(), fewest), most)
        row_height = self.browsers.sizeHintForRow(0) if self.browsers.count() else 0
        row_height = max(row_height, self.browsers.fontMetrics().height() + 4)
        frame = 2 * self.browsers.frameWidth()
        self.browsers.setFixedHeight(rows * row_height + frame)
        self.adjustSize()

    def _selected(self) -> str | None:
        entry = self.browsers.currentItem()
        return str(entry.data(Qt.ItemDataRole.UserRole)) if entry is not None else None

    def _update_buttons(self) -> None:
        self.disconnect_button.setEnabled(self._selected() is not None)

    def _disconnect(self) -> None:
        token_id = self._selected()
        if token_id is not None:
            self._run(self._disconnect_browser(token_id))

    async def _disconnect_browser(self, token_id: str) -> None:
        await self._guarded(self.connecting.disconnect(token_id))
        self._show()

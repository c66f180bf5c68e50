"""The main window: the three tabs, a banner for notices and errors, the account toolbar, the
connection status, and the sign-in and pairing dialogs.

Each tab renders its part of the core and forwards intents; every rule lives in the core.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from ..core.api import HubError, HubUnreachable
from ..core.cart import Notice
from ..core.connection import Status
from ..core.observable import Subscriptions
from ..core.session import CartSession
from .bookmarks_tab import BookmarksTab
from .cart_tab import CartTab
from .deliveries_tab import DeliveriesTab
from .dialogs import LoginDialog, PairingDialog
from .notifier import Notifier
from .qt import (
    QAction,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
    Signal,
)
from .runner import IntentRunner, sentence

STATUS_COLOURS = {Status.WEBSOCKET: "#1a7f37", Status.POLLING: "#9a6700"}  # others: red


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(self, session: CartSession) -> None:
        super().__init__()
        self.session = session
        self.setWindowTitle("CartStart")
        self.resize(980, 620)
        self._runner = IntentRunner(self.show_error)
        self.login_dialog: LoginDialog | None = None
        self.pairing_dialog: PairingDialog | None = None

        self.cart_tab = CartTab(session, self.run)
        self.bookmarks_tab = BookmarksTab(session, self.run)
        self.deliveries_tab = DeliveriesTab(session)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.cart_tab, "Cart")
        self.tabs.addTab(self.bookmarks_tab, "Bookmarks")
        self.tabs.addTab(self.deliveries_tab, "Deliveries")

        # Banner for notices and errors, above everything.
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs)
        self.setCentralWidget(central)
        self.notifier = Notifier(self.banner, self)

        # Toolbar and status bar.
        toolbar = QToolBar("Account")
        toolbar.setMovable(False)
        self.addToolBar(toolbar)
        self.pair_action = QAction("Pair a browser…", self)
        self.polling_action = QAction("Use polling only", self)
        self.polling_action.setCheckable(True)
        self.polling_action.setChecked(session.settings.force_polling)
        self.sign_out_action = QAction("Sign out", self)
        for action in (self.pair_action, self.polling_action, self.sign_out_action):
            toolbar.addAction(action)
        self.connection_label = QLabel()
        self.statusBar().addPermanentWidget(self.connection_label)

        # core -> view (undone by `detach`)
        self._subscriptions = Subscriptions()
        self._subscriptions.connect(session.stream.status_changed, self._on_status)
        self._subscriptions.connect(session.notices, self._on_notice)
        self._subscriptions.connect(session.account.signed_out, self.ask_login)
        # view -> core
        self.cart_tab.checkedOut.connect(self._on_checked_out)
        self.pair_action.triggered.connect(self._pair)
        self.polling_action.toggled.connect(session.link.set_force_polling)
        self.sign_out_action.triggered.connect(lambda: self.run(session.account.sign_out()))
        self._on_status(session.stream.status)

    def run(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run a core intent; a failure is shown to the shopper, never raised into Qt. Awaiting
        the task gives the intent's result, or None if it failed."""
        return self._runner.run(work)

    def show_error(self, text: str) -> None:
        self.notifier.notify("", text, error=True)
        self.statusBar().showMessage(text, 10000)

    def detach(self) -> None:
        """Stop listening to the core: the widgets may be gone while the session lives on."""
        self._subscriptions.disconnect_all()
        for tab in (self.cart_tab, self.bookmarks_tab, self.deliveries_tab):
            tab.detach()

    # ---- core -> view -----------------------------------------------------------------------

    def _on_status(self, status: Status) -> None:
        self.connection_label.setText(f"● {status.value}")
        self.connection_label.setStyleSheet(f"color: {STATUS_COLOURS.get(status, '#b02020')}")

    def _on_notice(self, notice: Notice) -> None:
        self.notifier.notify(notice.title, notice.text)

    def _on_checked_out(self, title: str, text: str) -> None:
        self.notifier.notify(title, text)
        self.tabs.setCurrentWidget(self.deliveries_tab)

    # ---- pairing ----------------------------------------------------------------------------

    def _pair(self) -> None:
        dialog = self.pairing_dialog = PairingDialog(self)
        dialog.revokeRequested.connect(lambda token_id: self.run(self._revoke_browser(token_id)))
        dialog.open()
        self.run(self._fill_pairing(dialog))

    async def _fill_pairing(self, dialog: PairingDialog) -> None:
        code, expires_at = await self.session.pairing.new_code()
        dialog.show_code(code, expires_at)
        dialog.show_browsers(await self.session.pairing.browsers())

    async def _revoke_browser(self, token_id: str) -> None:
        await self.session.pairing.revoke(token_id)
        if self.pairing_dialog is not None:
            self.pairing_dialog.show_browsers(await self.session.pairing.browsers())

    # ---- signing in -------------------------------------------------------------------------

    def ask_login(self, message: str = "") -> None:
        if self.login_dialog is not None:
            self.login_dialog.show_error(message)
            return
        dialog = self.login_dialog = LoginDialog(self.session.settings, message, self)
        dialog.submitted.connect(lambda *args: self.run(self._log_in(*args)))
        dialog.finished.connect(lambda _: setattr(self, "login_dialog", None))
        dialog.open()

    async def _log_in(self, create: bool, hub: str, email: str, password: str, name: str) -> None:
        dialog = self.login_dialog
        if dialog is not None:
            dialog.set_busy(True)
        try:
            outcome = await self.session.account.log_in(
                hub, email, password, create_account=create, display_name=name
            )
        except (HubError, HubUnreachable, ValueError) as exc:
            if dialog is not None:
                dialog.set_busy(False)
                dialog.show_error(sentence(exc.message if isinstance(exc, HubError) else str(exc)))
            return
        if dialog is not None:
            dialog.accept()
        self.statusBar().showMessage(f"Signed in as {self.session.settings.email}", 5000)
        if not outcome.remembered:
            box = QMessageBox(
                QMessageBox.Icon.Information,
                "No keyring",
                "This computer has no keyring to keep your sign-in safely, so CartStart will "
                "keep it only until you close the app.",
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.open()

    def closeEvent(self, event: Any) -> None:
        self.cart_tab.stop_countdowns()
        self.closed.emit()
        super().closeEvent(event)

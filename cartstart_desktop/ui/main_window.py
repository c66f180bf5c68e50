"""The main window: the tabs (Cart, Bookmarks, Deliveries, and Live sessions, built the first
time it shows), a line for notices and errors (its space always reserved), the account toolbar,
the connection status, and the sign-in and connect dialogs.

Each tab renders its part of the core and forwards intents; every rule lives in the core.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from ..core.account import LoginOutcome
from ..core.api import HubError, HubUnreachable
from ..core.cart import Notice
from ..core.connection import STATUS_WORDS, Status
from ..core.lang import N_, NAMES, _
from ..core.observable import Subscriptions
from ..core.session import CartSession
from .bookmarks_tab import BookmarksTab
from .cart_tab import CartTab
from .deliveries_tab import DeliveriesTab
from .lazy_tab import LazyTab
from .notifier import NoticeBar, Notifier
from .qt import (
    QAction,
    QLabel,
    QMainWindow,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
    Signal,
)
from .runner import IntentRunner

if TYPE_CHECKING:
    from ..core.live_desk import LiveDesk
    from .call_settings import CallStoreDialog
    from .connect_dialog import ConnectDialog
    from .dialogs import LoginDialog
    from .live_tab import LiveTab
    from .market_tab import MarketTab
    from .qt import QMessageBox

LIVE_TAB = N_("Live sessions")

STATUS_COLOURS = {Status.WEBSOCKET: "#1a7f37", Status.POLLING: "#9a6700"}  # others: red


class MainWindow(QMainWindow):
    closed = Signal()
    languageChosen = Signal(str)  # "en" or "sr": the app rebuilds the window in it

    def __init__(self, session: CartSession) -> None:
        super().__init__()
        self.session = session
        self.setWindowTitle("CartStart")
        self.resize(980, 620)
        self._runner = IntentRunner(self.show_error)
        self.replaced = False
        """Set when the app rebuilds the window (a language change): closing it is not quitting."""
        self.login_dialog: LoginDialog | None = None
        self.connect_dialog: ConnectDialog | None = None
        self.keyring_notice: QMessageBox | None = None
        """Shown once per run when there is no keyring to remember the sign-in in."""

        self.cart_tab = CartTab(session, self.run)
        self.bookmarks_tab = BookmarksTab(session, self.run)
        self.deliveries_tab = DeliveriesTab(session)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.cart_tab, _("Cart"))
        self.tabs.addTab(self.bookmarks_tab, _("Bookmarks"))
        self.tabs.addTab(self.deliveries_tab, _("Deliveries"))
        # Built the first time it shows: opening the cart loads nothing of live selling.
        self.live_lazy = LazyTab(self._build_live_tab)
        self.tabs.addTab(self.live_lazy, _(LIVE_TAB))
        self.market_lazy = LazyTab(self._build_market_tab)
        self.tabs.addTab(self.market_lazy, _("Marketplace"))

        # A line for notices and errors, above everything: always there, so nothing moves.
        self.banner = NoticeBar()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs)
        self.setCentralWidget(central)
        self.notifier = Notifier(self.banner, self)

        # Toolbar and status bar.
        toolbar = QToolBar(_("Account"))
        toolbar.setMovable(False)
        self.addToolBar(toolbar)
        self.connect_action = QAction(_("Connect a browser…"), self)
        self.polling_action = QAction(_("Use polling only"), self)
        self.polling_action.setCheckable(True)
        self.polling_action.setChecked(session.settings.force_polling)
        self.sign_out_action = QAction(_("Sign out"), self)
        self.language_action = QAction(_("Language: {name}", name=NAMES[_.lang]), self)
        self.language_action.setToolTip(_("Choose the language of the cart"))
        for action in (
            self.connect_action,
            self.polling_action,
            self.sign_out_action,
            self.language_action,
        ):
            toolbar.addAction(action)
        self.connection_label = QLabel()
        self.statusBar().addPermanentWidget(self.connection_label)

        # core -> view (undone by `detach`)
        self._subscriptions = Subscriptions()
        self._subscriptions.connect(session.stream.status_changed, self._on_status)
        self._subscriptions.connect(session.notices, self._on_notice)
        self._subscriptions.connect(session.account.signed_out, self.ask_login)
        self._subscriptions.connect(session.account.logged_in, self._on_logged_in)
        self._subscriptions.connect(session.live_ready, self._on_live_ready)
        if session.live_built is not None:
            self._on_live_ready(session.live_built)
        # view -> core
        self.cart_tab.checkedOut.connect(self._on_checked_out)
        self.cart_tab.connectRequested.connect(self.connect_browser)
        self.cart_tab.callRequested.connect(self.call_store)
        self.connect_action.triggered.connect(self.connect_browser)
        self.polling_action.toggled.connect(session.set_force_polling)
        self.sign_out_action.triggered.connect(lambda: self.run(session.account.sign_out()))
        self.language_action.triggered.connect(lambda: self._language_menu(toolbar))
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
        self.notifier.stop()
        for tab in (self.cart_tab, self.bookmarks_tab, self.deliveries_tab):
            tab.detach()
        if self.live_tab is not None:
            self.live_tab.detach()
        if self.market_tab is not None:
            self.market_tab.detach()
        if self.connect_dialog is not None:
            self.connect_dialog.done(0)

    # ---- core -> view -----------------------------------------------------------------------

    def _on_status(self, status: Status) -> None:
        self.connection_label.setText(f"● {_(STATUS_WORDS.get(status, status.value))}")
        self.connection_label.setStyleSheet(f"color: {STATUS_COLOURS.get(status, '#b02020')}")

    def _on_notice(self, notice: Notice) -> None:
        self.notifier.notify(notice.title, notice.text)

    def _on_checked_out(self, title: str, text: str) -> None:
        self.notifier.notify(title, text)
        self.tabs.setCurrentWidget(self.deliveries_tab)

    # ---- live sessions ------------------------------------------------------------------------

    @property
    def live_tab(self) -> LiveTab | None:
        """The Live sessions tab's content, once it was shown."""
        return self.live_lazy.content  # type: ignore[return-value]

    def show_live_tab(self) -> LiveTab:
        self.tabs.setCurrentWidget(self.live_lazy)
        tab: LiveTab = self.live_lazy.ensure_built()  # type: ignore[assignment]
        return tab

    def _build_live_tab(self) -> LiveTab:
        from .live_tab import LiveTab  # the first time the tab shows, not at start-up

        tab = LiveTab(self.session, self.run)
        tab.notice.connect(lambda title, text: self.notifier.notify(title, text))
        return tab

    def _on_live_ready(self, desk: LiveDesk) -> None:
        """From now on the tab's title counts what the stores wrote that is unread."""
        self._subscriptions.connect(desk.sessions.changed, lambda _: self._live_title(desk))
        self._live_title(desk)

    def _live_title(self, desk: LiveDesk) -> None:
        unread = desk.sessions.unread
        index = self.tabs.indexOf(self.live_lazy)
        self.tabs.setTabText(index, f"{_(LIVE_TAB)} ({unread})" if unread else _(LIVE_TAB))

    # ---- the marketplace ----------------------------------------------------------------------

    @property
    def market_tab(self) -> MarketTab | None:
        """The Marketplace tab's content, once it was shown."""
        return self.market_lazy.content  # type: ignore[return-value]

    def show_market_tab(self) -> MarketTab:
        self.tabs.setCurrentWidget(self.market_lazy)
        tab: MarketTab = self.market_lazy.ensure_built()  # type: ignore[assignment]
        return tab

    def _build_market_tab(self) -> MarketTab:
        from .market_tab import MarketTab  # the first time the tab shows, not at start-up

        tab = MarketTab(self.session, self.run)
        tab.held.connect(lambda text: self.statusBar().showMessage(text, 8000))
        return tab

    # ---- language -----------------------------------------------------------------------------

    def _language_menu(self, toolbar: QToolBar) -> None:
        """The languages, under the toolbar's button (arrows and Enter choose one)."""
        from .qt import QMenu

        menu = QMenu(self)
        menu.setAccessibleName(_("Language"))
        for lang, name in NAMES.items():
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(lang == _.lang)
            action.triggered.connect(lambda _checked=False, lang=lang: self.choose_language(lang))
        button = toolbar.widgetForAction(self.language_action)
        where = button.mapToGlobal(button.rect().bottomLeft()) if button else self.pos()
        menu.popup(where)

    def choose_language(self, lang: str) -> None:
        """Keep the choice and have the app rebuild the window in that language."""
        settings = self.session.settings
        settings.language = lang
        settings.save(self.session.directory)
        if lang != _.lang:
            self.languageChosen.emit(lang)

    # ---- calling a store about an item ------------------------------------------------------

    def call_store(self, store_id: str, store_name: str) -> CallStoreDialog:
        from .call_settings import CallStoreDialog  # when first asked for

        dialog = CallStoreDialog(store_name, self.session.settings.live_name, self)
        dialog.submitted.connect(lambda name: self.run(self._call_store(store_id, name)))
        dialog.open()
        return dialog

    async def _call_store(self, store_id: str, name: str) -> None:
        """A new live session with the store, its window opened, and a call asked for."""
        settings = self.session.settings
        settings.live_name = name
        settings.save(self.session.directory)
        entry = await self.session.live.start_with(store_id, name)
        window = self.show_live_tab().open(entry.session_id)
        if window is not None:
            await window.opened.call.ask()

    # ---- connecting a browser --------------------------------------------------------------

    def connect_browser(self) -> ConnectDialog:
        if self.connect_dialog is not None:
            self.connect_dialog.raise_()
            return self.connect_dialog
        from .connect_dialog import ConnectDialog  # when first asked for, not at start-up

        dialog = self.connect_dialog = ConnectDialog(self.session, self.run, self)
        dialog.finished.connect(lambda _: setattr(self, "connect_dialog", None))
        dialog.open()
        self.run(dialog.new_code())
        return dialog

    # ---- signing in -------------------------------------------------------------------------

    def ask_login(self, message: str = "") -> None:
        if self.login_dialog is not None:
            self.login_dialog.show_error(message)
            return
        from .dialogs import LoginDialog  # dialogs load when first shown, not at start-up

        dialog = self.login_dialog = LoginDialog(self.session.settings, message, self)
        dialog.submitted.connect(lambda *args: self.run(self._log_in(*args)))
        dialog.finished.connect(lambda _: setattr(self, "login_dialog", None))
        dialog.open()

    async def _log_in(self, create: bool, hub: str, email: str, password: str, name: str) -> None:
        dialog = self.login_dialog
        if dialog is not None:
            dialog.set_busy(True)
        try:
            await self.session.account.log_in(
                hub, email, password, create_account=create, display_name=name
            )
        except (HubError, HubUnreachable, ValueError) as exc:
            if dialog is not None:
                dialog.set_busy(False)
                from ..core.words import explain

                dialog.show_error(explain(exc, "sign_up" if create else "log_in"))
            return
        if dialog is not None:
            dialog.accept()

    def _on_logged_in(self, outcome: LoginOutcome) -> None:
        """After any sign-in (the dialog, the command line, the demo's script)."""
        self.statusBar().showMessage(
            _("Signed in as {email}", email=self.session.settings.email), 5000
        )
        if outcome.remembered or self.keyring_notice is not None:
            return
        from .qt import QMessageBox

        self.keyring_notice = QMessageBox(
            QMessageBox.Icon.Information,
            _("No keyring"),
            _(
                "This computer has no keyring to keep your sign-in safely, so CartStart keeps "
                "it only until you close the app. You will be asked to sign in next time."
            ),
            QMessageBox.StandardButton.Ok,
            self,
        )
        self.keyring_notice.open()

    def closeEvent(self, event: Any) -> None:
        self.cart_tab.stop_countdowns()
        if not self.replaced:  # rebuilt in another language: the app goes on
            self.closed.emit()
        super().closeEvent(event)

"""The main window: the cart (grouped by store), bookmarks, deliveries, and the connection status.

Widgets render the core's state and forward intents to the CartSession; every rule lives there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from shared_protocol.orders import OrderView

from ..core.api import HubError, HubUnreachable
from ..core.cart import Change, Notice
from ..core.connection import Offline, Status
from ..core.money import format_totals
from ..core.orders import Delivery, discount_text
from ..core.session import CartSession
from .cart_model import CartModel
from .dialogs import LoginDialog, PairingDialog
from .list_models import ROW_ROLE, BookmarksModel, DeliveriesModel
from .notifier import Notifier
from .qt import (
    QAbstractItemView,
    QAction,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QModelIndex,
    QPushButton,
    Qt,
    QTableView,
    QTabWidget,
    QTimer,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
    Signal,
)

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(self, session: CartSession) -> None:
        super().__init__()
        self.session = session
        self.setWindowTitle("CartStart")
        self.resize(980, 620)
        self._tasks: set[asyncio.Task[Any]] = set()
        self.login_dialog: LoginDialog | None = None
        self.pairing_dialog: PairingDialog | None = None

        # Models.
        self.cart_model = CartModel(session.state, session.clock)
        self.bookmarks_model = BookmarksModel(lambda: session.bookmarks)
        self.deliveries_model = DeliveriesModel(lambda: session.deliveries)

        # The cart tab.
        self.cart_view = QTreeView()
        self.cart_view.setModel(self.cart_model)
        self.cart_view.setUniformRowHeights(True)  # keeps a 5,000-row cart fast
        self.cart_view.setAlternatingRowColors(True)
        self.cart_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.cart_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        header = self.cart_view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.cart_view.setColumnWidth(1, 90)
        self.cart_view.setColumnWidth(2, 50)
        self.cart_view.setColumnWidth(3, 100)
        self.cart_view.setColumnWidth(4, 90)
        self._expand_stores()
        self.totals = QLabel()
        self.renew_button = QPushButton("Renew hold")
        self.remove_button = QPushButton("Remove")
        self.open_button = QPushButton("Open page")
        self.checkout_store_button = QPushButton("Check out this store")
        self.checkout_all_button = QPushButton("Check out all")
        actions = QHBoxLayout()
        actions.addWidget(self.totals, 1)
        for button in (self.open_button, self.renew_button, self.remove_button):
            actions.addWidget(button)
        checkout = QHBoxLayout()
        self.discounts_label = QLabel()
        self.discounts_label.setWordWrap(True)
        checkout.addWidget(self.discounts_label, 1)
        checkout.addWidget(self.checkout_store_button)
        checkout.addWidget(self.checkout_all_button)
        cart_tab = QWidget()
        cart_layout = QVBoxLayout(cart_tab)
        cart_layout.addWidget(self.cart_view)
        cart_layout.addLayout(actions)
        cart_layout.addLayout(checkout)

        # Bookmarks and deliveries.
        self.bookmarks_view = self._table(self.bookmarks_model)
        self.deliveries_view = self._table(self.deliveries_model)
        self.delivery_details = QLabel("Choose an order to see its steps.")
        self.delivery_details.setWordWrap(True)
        self.delivery_details.setTextFormat(Qt.TextFormat.PlainText)
        self.pay_button = QPushButton("Pay")
        self.track_button = QPushButton("Track parcel")
        self.tabs = QTabWidget()
        self.tabs.addTab(cart_tab, "Cart")
        bookmarks_tab = QWidget()
        bookmarks_layout = QVBoxLayout(bookmarks_tab)
        bookmarks_layout.addWidget(self.bookmarks_view)
        bookmarks_layout.addWidget(
            QLabel("Double-click a page to open it in your browser, linked to this cart.")
        )
        self.tabs.addTab(bookmarks_tab, "Bookmarks")
        deliveries_tab = QWidget()
        deliveries_layout = QVBoxLayout(deliveries_tab)
        deliveries_layout.addWidget(self.deliveries_view, 3)
        deliveries_layout.addWidget(self.delivery_details, 1)
        delivery_actions = QHBoxLayout()
        delivery_actions.addStretch(1)
        delivery_actions.addWidget(self.pay_button)
        delivery_actions.addWidget(self.track_button)
        deliveries_layout.addLayout(delivery_actions)
        self.tabs.addTab(deliveries_tab, "Deliveries")

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

        # Wiring: core -> view (undone by `detach`).
        self._subscriptions: list[tuple[Any, Any]] = [
            (session.changed, self._on_changed),
            (session.status_changed, self._on_status),
            (session.notice, self._on_notice),
            (session.bookmarks_changed, self._on_bookmarks),
            (session.orders_changed, self._on_orders),
            (session.signed_out, self.ask_login),
        ]
        for signal, slot in self._subscriptions:
            signal.connect(slot)
        # Wiring: view -> core.
        self.cart_model.quantityRequested.connect(self._set_quantity)
        self.renew_button.clicked.connect(self._renew)
        self.remove_button.clicked.connect(self._remove)
        self.open_button.clicked.connect(self._open_selected_page)
        self.bookmarks_view.doubleClicked.connect(self._open_bookmark)
        self.checkout_store_button.clicked.connect(self._checkout_store)
        self.checkout_all_button.clicked.connect(lambda: self.run(self._checkout(None)))
        self.deliveries_view.selectionModel().currentChanged.connect(
            lambda *_: self._show_delivery()
        )
        self.pay_button.clicked.connect(lambda: self._open_delivery_link("pay"))
        self.track_button.clicked.connect(lambda: self._open_delivery_link("track"))
        self.pair_action.triggered.connect(self._pair)
        self.polling_action.toggled.connect(session.set_force_polling)
        self.sign_out_action.triggered.connect(lambda: self.run(session.sign_out()))
        self.cart_view.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())

        self._ticker = QTimer(self)
        self._ticker.timeout.connect(self.cart_model.tick)
        self._ticker.start(1000)
        self._on_status(session.status)
        self._update_totals()
        self._update_buttons()
        self._on_orders(None)

    def _table(self, model: Any) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setWordWrap(False)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        view.verticalHeader().hide()
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        return view

    # ---- running the core's coroutines ------------------------------------------------------

    def run(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run an intent; a failure is shown to the shopper, never raised into Qt."""
        task = asyncio.ensure_future(self._guarded(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _guarded(self, work: Coroutine[Any, Any, Any]) -> Any:
        try:
            return await work
        except HubError as exc:
            self.show_error(exc.message[:1].upper() + exc.message[1:])
        except (Offline, HubUnreachable) as exc:
            self.show_error(f"Not connected: {exc}")
        except Exception:
            log.exception("action failed")
            self.show_error("Something went wrong; please try again.")
        return None

    def show_error(self, text: str) -> None:
        self.notifier.notify("", text, error=True)
        self.statusBar().showMessage(text, 10000)

    # ---- core -> view -----------------------------------------------------------------------

    def _on_changed(self, changes: list[Change]) -> None:
        self.cart_model.apply(changes)
        if any(c.kind == "added" for c in changes) or not changes:
            self._expand_stores()
        self._update_totals()
        self._update_buttons()

    def _expand_stores(self) -> None:
        # Not expandAll(): that lays out every row at once (50 ms for 5,000 items); expanding
        # the store rows lets the view lay out only what it paints.
        for row in range(self.cart_model.rowCount()):
            self.cart_view.expand(self.cart_model.index(row, 0))

    def _on_bookmarks(self, _: None) -> None:
        self.bookmarks_model.refresh()

    def _on_orders(self, _: None) -> None:
        self.deliveries_model.refresh()
        offers = self.session.orders.live_discounts(self.session.clock())
        self.discounts_label.setText("\n".join(f"🏷 {discount_text(d)}  [{d.code}]" for d in offers))
        self._show_delivery()

    def detach(self) -> None:
        """Stop listening to the core: the widgets may be gone while the session lives on."""
        if not self._subscriptions:
            return  # already detached (closing calls this too)
        for signal, slot in self._subscriptions:
            signal.disconnect(slot)
        self._subscriptions.clear()

    def _on_status(self, status: Status) -> None:
        self.connection_label.setText(f"● {status.value}")
        colour = {Status.WEBSOCKET: "#1a7f37", Status.POLLING: "#9a6700"}.get(status, "#b02020")
        self.connection_label.setStyleSheet(f"color: {colour}")

    def _on_notice(self, notice: Notice) -> None:
        self.notifier.notify(notice.title, notice.text)

    def _update_totals(self) -> None:
        count = self.session.state.held_count()
        text = format_totals(self.session.state.totals())
        self.totals.setText(f"{count} item{'s' if count != 1 else ''} held · total {text}")

    def _update_buttons(self) -> None:
        has_held = self.session.state.held_count() > 0
        self.checkout_all_button.setEnabled(has_held)
        self.checkout_store_button.setEnabled(self._selected_store() is not None)
        item = self.cart_model.item_at(self.cart_view.currentIndex())
        self.renew_button.setEnabled(bool(item and item.held and item.ticket.renewals_left > 0))
        self.remove_button.setEnabled(item is not None)
        self.remove_button.setText("Remove" if item is None or item.held else "Clear")
        self.open_button.setEnabled(bool(item and (item.ticket.source_url or item.ticket.page_url)))

    # ---- view -> core -----------------------------------------------------------------------

    def _selected_store(self) -> str | None:
        """The store of the selected row (a store row or one of its items), if it holds any."""
        store_id = self.cart_model.store_at(self.cart_view.currentIndex())
        held = any(
            i.held and i.ticket.store_id == store_id for i in self.session.state.items.values()
        )
        return store_id if held else None

    def _checkout_store(self) -> None:
        if (store_id := self._selected_store()) is not None:
            self.run(self._checkout(store_id))

    async def _checkout(self, store_id: str | None) -> None:
        result = await self.session.checkout(store_id)
        placed = result.orders or []
        parts = [f"{o.store_name}: {o.status.value}, " + _payment_text(o) for o in placed]
        if result.expired:
            names = ", ".join(t.name for t in result.expired)
            parts.append(f"Not bought (the hold had expired): {names}")
        self.notifier.notify(
            f"{len(placed)} order{'s' if len(placed) != 1 else ''} placed", "\n".join(parts)
        )
        self.tabs.setCurrentIndex(2)

    def _selected_delivery(self) -> Delivery | None:
        row = self.deliveries_model.data(self.deliveries_view.currentIndex(), ROW_ROLE)
        return row if isinstance(row, Delivery) else None

    def _show_delivery(self) -> None:
        delivery = self._selected_delivery()
        if delivery is None:
            self.delivery_details.setText("Choose an order to see its steps.")
            self.pay_button.setEnabled(False)
            self.track_button.setEnabled(False)
            return
        order = delivery.order
        lines = [f"{order.store_name}, order {order.order_id}: {order.status.value}"]
        lines += [f"  {qty} × {name}" for name, qty in delivery.items]
        lines.append(f"  Total {delivery.total} ({_payment_text(order)})")
        if order.reason:
            lines.append(f"Reason: {order.reason}")
        lines.append("")
        lines.append(delivery.timeline_text())
        self.delivery_details.setText("\n".join(lines))
        self.pay_button.setEnabled(order.payment.mode == "link" and order.status.value == "placed")
        self.track_button.setEnabled(bool(order.tracking_url))

    def _open_delivery_link(self, which: str) -> None:
        delivery = self._selected_delivery()
        if delivery is None:
            return
        order = delivery.order
        url = order.payment.url if which == "pay" else order.tracking_url
        if url:
            self.session.open_url(url)

    def _selected_ticket(self) -> str | None:
        item = self.cart_model.item_at(self.cart_view.currentIndex())
        return item.ticket_id if item else None

    def _set_quantity(self, ticket_id: str, qty: int) -> None:
        self.run(self.session.set_quantity(ticket_id, qty))

    def _renew(self) -> None:
        if (ticket_id := self._selected_ticket()) is not None:
            self.run(self.session.renew(ticket_id))

    def _remove(self) -> None:
        if (ticket_id := self._selected_ticket()) is not None:
            self.run(self.session.remove(ticket_id))

    def _open_selected_page(self) -> None:
        item = self.cart_model.item_at(self.cart_view.currentIndex())
        url = item and (item.ticket.source_url or item.ticket.page_url)
        if item and url:
            self.run(self.session.open_page(url, item.ticket.store_id, item.ticket.store_name))

    def _open_bookmark(self, index: QModelIndex) -> None:
        mark = self.bookmarks_model.data(index, ROW_ROLE)
        if mark is not None:
            self.run(self.session.open_page(mark.url, mark.store_id, mark.store_name))

    def _pair(self) -> None:
        dialog = self.pairing_dialog = PairingDialog(self)
        dialog.revokeRequested.connect(lambda token_id: self.run(self._revoke_browser(token_id)))
        dialog.open()
        self.run(self._fill_pairing(dialog))

    async def _fill_pairing(self, dialog: PairingDialog) -> None:
        code, expires_at = await self.session.pairing_code()
        dialog.show_code(code, expires_at)
        dialog.show_browsers(await self.session.paired_browsers())

    async def _revoke_browser(self, token_id: str) -> None:
        await self.session.revoke_browser(token_id)
        if self.pairing_dialog is not None:
            self.pairing_dialog.show_browsers(await self.session.paired_browsers())

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
            outcome = await self.session.log_in(
                hub, email, password, create_account=create, display_name=name
            )
        except (HubError, HubUnreachable, ValueError) as exc:
            if dialog is not None:
                dialog.set_busy(False)
                text = exc.message if isinstance(exc, HubError) else str(exc)
                dialog.show_error(text[:1].upper() + text[1:])
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
        self._ticker.stop()
        self.closed.emit()
        super().closeEvent(event)


def _payment_text(order: OrderView) -> str:
    if order.payment.mode == "link":
        return "pay with the store's link"
    return "pay on collection"

"""The Cart tab: items grouped by store with live countdowns, totals, discount codes on offer,
and the buttons that act on the selected row or store."""

from __future__ import annotations

from ..core.cart import CartItem, Change
from ..core.money import format_totals
from ..core.observable import Subscriptions
from ..core.orders import discount_text, payment_text
from ..core.session import CartSession
from .cart_model import CartModel
from .qt import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTimer,
    QTreeView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from .runner import Run


class CartTab(QWidget):
    checkedOut = Signal(str, str)  # title, text: what the checkout placed, for the shopper

    def __init__(self, session: CartSession, run: Run) -> None:
        super().__init__()
        self._session = session
        self._run = run
        self.model = CartModel(session.local.state, session.clock)
        self.view = QTreeView()
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)  # keeps a 5,000-row cart fast
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        header = self.view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 90), (2, 50), (3, 100), (4, 90)):
            self.view.setColumnWidth(column, width)
        self._expand_stores()

        self.totals = QLabel()
        self.renew_button = QPushButton("Renew hold")
        self.remove_button = QPushButton("Remove")
        self.open_button = QPushButton("Open page")
        self.checkout_store_button = QPushButton("Check out this store")
        self.checkout_all_button = QPushButton("Check out all")
        self.discounts_label = QLabel()
        self.discounts_label.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.totals, 1)
        for button in (self.open_button, self.renew_button, self.remove_button):
            actions.addWidget(button)
        checkout = QHBoxLayout()
        checkout.addWidget(self.discounts_label, 1)
        checkout.addWidget(self.checkout_store_button)
        checkout.addWidget(self.checkout_all_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addLayout(actions)
        layout.addLayout(checkout)

        # core -> view (undone by `detach`)
        self._subscriptions = Subscriptions()
        self._subscriptions.connect(session.local.changed, self._on_changed)
        self._subscriptions.connect(session.purchases.changed, self._on_purchases)
        # view -> core
        self.model.quantityRequested.connect(
            lambda ticket_id, qty: self._run(session.cart.set_quantity(ticket_id, qty))
        )
        self.renew_button.clicked.connect(self._renew)
        self.remove_button.clicked.connect(self._remove)
        self.open_button.clicked.connect(self._open_page)
        self.checkout_store_button.clicked.connect(self._checkout_store)
        self.checkout_all_button.clicked.connect(lambda: self._run(self._checkout(None)))
        self.view.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())

        self._ticker = QTimer(self)
        self._ticker.timeout.connect(self.model.tick)
        self._ticker.start(1000)
        self._update_totals()
        self._update_buttons()
        self._on_purchases(None)

    def detach(self) -> None:
        """Stop following the core (the widgets may go while the session lives on)."""
        self._subscriptions.disconnect_all()

    def stop_countdowns(self) -> None:
        self._ticker.stop()

    # ---- core -> view -----------------------------------------------------------------------

    def _on_changed(self, changes: list[Change]) -> None:
        self.model.apply(changes)
        if any(c.kind == "added" for c in changes) or not changes:
            self._expand_stores()
        self._update_totals()
        self._update_buttons()

    def _expand_stores(self) -> None:
        # Not expandAll(): that lays out every row at once (50 ms for 5,000 items); expanding
        # the store rows lets the view lay out only what it paints.
        for row in range(self.model.rowCount()):
            self.view.expand(self.model.index(row, 0))

    def _on_purchases(self, _: None) -> None:
        offers = self._session.purchases.live_discounts()
        self.discounts_label.setText("\n".join(f"🏷 {discount_text(d)}  [{d.code}]" for d in offers))

    def _update_totals(self) -> None:
        state = self._session.local.state
        count = state.held_count()
        text = format_totals(state.totals())
        self.totals.setText(f"{count} item{'s' if count != 1 else ''} held · total {text}")

    def _update_buttons(self) -> None:
        self.checkout_all_button.setEnabled(self._session.local.state.held_count() > 0)
        self.checkout_store_button.setEnabled(self._selected_store() is not None)
        item = self._selected_item()
        self.renew_button.setEnabled(bool(item and item.renewable))
        self.remove_button.setEnabled(item is not None)
        self.remove_button.setText("Remove" if item is None or item.held else "Clear")
        self.open_button.setEnabled(bool(item and item.page))

    # ---- view -> core -----------------------------------------------------------------------

    def _selected_item(self) -> CartItem | None:
        return self.model.item_at(self.view.currentIndex())

    def _selected_store(self) -> str | None:
        """The store of the selected row (a store row or one of its items), if it holds any."""
        store_id = self.model.store_at(self.view.currentIndex())
        return store_id if self._session.local.state.holds_in(store_id) else None

    def _renew(self) -> None:
        if (item := self._selected_item()) is not None:
            self._run(self._session.cart.renew(item.ticket_id))

    def _remove(self) -> None:
        if (item := self._selected_item()) is not None:
            self._run(self._session.cart.remove(item.ticket_id))

    def _open_page(self) -> None:
        item = self._selected_item()
        if item is not None and item.page:
            ticket = item.ticket
            self._run(
                self._session.pairing.open_page(item.page, ticket.store_id, ticket.store_name)
            )

    def _checkout_store(self) -> None:
        if (store_id := self._selected_store()) is not None:
            self._run(self._checkout(store_id))

    async def _checkout(self, store_id: str | None) -> None:
        result = await self._session.cart.checkout(store_id)
        placed = result.orders or []
        parts = [f"{o.store_name}: {o.status.value}, " + payment_text(o) for o in placed]
        if result.expired:
            names = ", ".join(t.name for t in result.expired)
            parts.append(f"Not bought (the hold had expired): {names}")
        title = f"{len(placed)} order{'s' if len(placed) != 1 else ''} placed"
        self.checkedOut.emit(title, "\n".join(parts))

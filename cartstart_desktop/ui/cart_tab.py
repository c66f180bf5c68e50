"""The Cart tab: items grouped by store with their pictures and live countdowns, totals,
discount codes on offer, and the buttons that act on the selected row or store. Checking out
goes through a review (review_dialog.py) before anything is bought."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.cart import CartItem, Change
from ..core.lang import _
from ..core.money import format_totals
from ..core.observable import Subscriptions
from ..core.orders import discount_terms, payment_text
from ..core.session import CartSession
from .cart_model import ITEM, QTY, CartModel
from .empty_state import EmptyState, Swap
from .qt import (
    QAbstractItemView,
    QFont,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QModelIndex,
    QPoint,
    QPushButton,
    QSize,
    Qt,
    QTimer,
    QTreeView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from .runner import Run
from .thumbnails import ThumbnailDelegate, Thumbnails

if TYPE_CHECKING:
    from ..core.review import CheckoutReview
    from .personalise_dialog import PersonaliseDialog
    from .review_dialog import CheckoutReviewDialog


class _Words(QLabel):
    """A wrapped label that asks for the width of its text on one line, so what follows it sits
    right after it when there is room (a wrapped QLabel otherwise asks for a narrow column)."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self.text()) + 4, hint.height())


class DiscountList(QWidget):
    """The codes stores offered, one line each: the store and its terms (wrapped), then the code
    on its own (never broken across lines, selectable to copy)."""

    def __init__(self) -> None:
        super().__init__()
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(2, 1)  # the code follows its words; the room is after it
        self.lines: list[tuple[QLabel, QLabel]] = []

    def show_offers(self, offers: list[tuple[str, str, str]]) -> None:
        """(store name, terms, code) for each offer."""
        for old_terms, old_code in self.lines:
            old_terms.deleteLater()
            old_code.deleteLater()
        self.lines = []
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.TypeWriter)
        for row, (store, text, code) in enumerate(offers):
            terms = _Words(
                _("Discount from {store}: {terms}, with the code", store=store, terms=text)
            )
            terms.setWordWrap(True)
            terms.setTextFormat(Qt.TextFormat.PlainText)
            value = QLabel(code)
            value.setFont(mono)
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.grid.addWidget(terms, row, 0)
            self.grid.addWidget(value, row, 1, Qt.AlignmentFlag.AlignTop)
            self.lines.append((terms, value))

    def text(self) -> str:
        return "\n".join(f"{terms.text()} {code.text()}" for terms, code in self.lines)


class CartTab(QWidget):
    checkedOut = Signal(str, str)  # title, text: what the checkout placed, for the shopper
    connectRequested = Signal()  # the empty cart's button
    callRequested = Signal(str, str)  # store id, store name: Call the store…

    def __init__(self, session: CartSession, run: Run) -> None:
        super().__init__()
        self._session = session
        self._run = run
        self.review_dialog: CheckoutReviewDialog | None = None
        self.forms: dict[tuple[str, str], PersonaliseDialog] = {}
        """The Personalise… dialogs open, by (store, product)."""
        self.model = CartModel(session.local.state, session.clock, session.drafts)
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
        self.thumbnails = Thumbnails(session.images)
        self.delegate = ThumbnailDelegate(self.thumbnails, self.view)
        self.view.setItemDelegateForColumn(ITEM, self.delegate)
        # Not `viewport().update` itself: looking the viewport up from Python makes PySide6
        # create every QtWidgets enum (about 8 ms), which the first paint need not wait for.
        self.thumbnails.changed.connect(lambda: self.view.viewport().update())
        header = self.view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 90), (2, 50), (3, 100), (4, 90)):
            self.view.setColumnWidth(column, width)
        self._expand_stores()
        self.empty = EmptyState(
            _("Your cart is empty"),
            _(
                "Pick a product on a store page that shows CartStart, or find one in the "
                "Marketplace tab: it appears here within a moment, held for you for a while. If "
                "the page is open in a browser that is not connected to this cart yet, connect "
                "it first."
            ),
            _("Connect a browser…"),
        )
        assert self.empty.button is not None
        self.empty.button.clicked.connect(self.connectRequested.emit)
        self.swap = Swap(self.view, self.empty, self.model)

        self.totals = QLabel()
        self.renew_button = QPushButton(_("Renew hold"))
        self.remove_button = QPushButton(_("Remove"))
        self.open_button = QPushButton(_("Open page"))
        self.personalise_button = QPushButton(_("Personalise…"))
        self.personalise_button.setToolTip(_("Fill in the form this item needs before checkout"))
        self.call_button = QPushButton(_("Call the store…"))
        self.call_button.setToolTip(_("A video call with the store about this item"))
        self.checkout_store_button = QPushButton(_("Check out this store…"))
        self.checkout_all_button = QPushButton(_("Check out all…"))
        self.discounts = DiscountList()
        actions = QHBoxLayout()
        actions.addWidget(self.totals, 1)
        for button in (
            self.personalise_button,
            self.call_button,
            self.open_button,
            self.renew_button,
            self.remove_button,
        ):
            actions.addWidget(button)
        checkout = QHBoxLayout()
        checkout.addStretch(1)
        checkout.addWidget(self.checkout_store_button)
        checkout.addWidget(self.checkout_all_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.swap)
        layout.addLayout(actions)
        layout.addWidget(self.discounts)
        layout.addLayout(checkout)

        # core -> view (undone by `detach`)
        self._subscriptions = Subscriptions()
        self._subscriptions.connect(session.local.changed, self._on_changed)
        self._subscriptions.connect(session.purchases.changed, self._on_purchases)
        self._subscriptions.connect(session.account.signed_out, lambda _: self.thumbnails.forget())
        self._subscriptions.connect(session.drafts.changed, self._on_draft)
        # view -> core
        self.model.quantityRequested.connect(
            lambda ticket_id, qty: self._run(session.cart.set_quantity(ticket_id, qty))
        )
        self.renew_button.clicked.connect(self._renew)
        self.personalise_button.clicked.connect(self._personalise_selected)
        self.view.doubleClicked.connect(self._double_clicked)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.remove_button.clicked.connect(self._remove)
        self.open_button.clicked.connect(self._open_page)
        self.call_button.clicked.connect(self._call_store)
        self.checkout_store_button.clicked.connect(self._checkout_store)
        self.checkout_all_button.clicked.connect(lambda: self.review(None))
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
        self.thumbnails.stop()
        if self.review_dialog is not None:
            self.review_dialog.detach()
        for dialog in self.forms.values():
            dialog.detach()

    def stop_countdowns(self) -> None:
        self._ticker.stop()

    # ---- core -> view -----------------------------------------------------------------------

    def _on_changed(self, changes: list[Change]) -> None:
        self.model.apply(changes)
        if any(c.kind == "added" for c in changes) or not changes:
            self._expand_stores()
        self._update_totals()
        self._update_buttons()

    def _on_draft(self, key: tuple[str, str]) -> None:
        self.model.draft_changed(*key)
        self._update_buttons()

    def _expand_stores(self) -> None:
        # Not expandAll(): that lays out every row at once (50 ms for 5,000 items); expanding
        # the store rows lets the view lay out only what it paints.
        for row in range(self.model.rowCount()):
            self.view.expand(self.model.index(row, 0))

    def _on_purchases(self, _unused: None) -> None:
        offers = self._session.purchases.live_discounts()
        self.discounts.show_offers([(d.store_name, discount_terms(d), d.code) for d in offers])

    def _update_totals(self) -> None:
        state = self._session.local.state
        self.totals.setText(
            _(
                "{count} · total {total}",
                count=state.count_text(),
                total=format_totals(state.totals()),
            )
        )

    def _update_buttons(self) -> None:
        self.checkout_all_button.setEnabled(self._session.local.state.held_count() > 0)
        self.checkout_store_button.setEnabled(self._selected_store() is not None)
        item = self._selected_item()
        self.renew_button.setEnabled(bool(item and item.renewable))
        self.remove_button.setEnabled(item is not None)
        self.remove_button.setText(_("Remove") if item is None or item.held else _("Clear"))
        self.open_button.setEnabled(bool(item and item.page))
        self.call_button.setEnabled(item is not None)
        self.personalise_button.setEnabled(bool(item and item.ticket.personalised))

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

    def _personalise_selected(self) -> None:
        if (item := self._selected_item()) is not None and item.ticket.personalised:
            self._run(
                self.personalise(item.ticket.store_id, item.ticket.product_id, item.ticket.name)
            )

    def _double_clicked(self, index: QModelIndex) -> None:
        item = self.model.item_at(index)
        if item is not None and item.ticket.personalised and index.column() != QTY:
            self._personalise_selected()

    def _context_menu(self, at: QPoint) -> None:
        from .qt import QMenu

        item = self.model.item_at(self.view.indexAt(at))
        if item is None or not item.ticket.personalised:
            return
        menu = QMenu(self)
        menu.addAction(_("Personalise…"), self._personalise_selected)
        menu.popup(self.view.viewport().mapToGlobal(at))

    async def personalise(self, store_id: str, product_id: str, name: str) -> PersonaliseDialog:
        """The item's form (fetched first when this computer does not have it yet)."""
        from .personalise_dialog import PersonaliseDialog  # when first opened

        key = (store_id, product_id)
        open_already = self.forms.get(key)
        if open_already is not None:
            open_already.raise_()
            open_already.activateWindow()
            return open_already
        draft = self._session.drafts.get(store_id, product_id)
        if draft is None or draft.view is None:
            await self._session.drafts.fetch(store_id, product_id)
        dialog = self.forms[key] = PersonaliseDialog(
            self._session.drafts, key, name, self._run, self
        )
        dialog.finished.connect(lambda _result: self.forms.pop(key, None))
        dialog.show()
        return dialog

    def _open_page(self) -> None:
        item = self._selected_item()
        if item is not None and item.page:
            ticket = item.ticket
            self._run(
                self._session.pairing.open_page(item.page, ticket.store_id, ticket.store_name)
            )

    def _call_store(self) -> None:
        if (item := self._selected_item()) is not None:
            self.callRequested.emit(item.ticket.store_id, item.ticket.store_name)

    def _checkout_store(self) -> None:
        if (store_id := self._selected_store()) is not None:
            self.review(store_id)

    def review(self, store_id: str | None) -> CheckoutReviewDialog:
        """Show what checking out one store (or all) will do; Confirm places the orders."""
        from .review_dialog import CheckoutReviewDialog  # at the first checkout, not at start-up

        if self.review_dialog is not None:
            self.review_dialog.reject()
        dialog = self.review_dialog = CheckoutReviewDialog(self._session, store_id, self)
        dialog.confirmed.connect(lambda review: self._run(self._place(review)))
        dialog.personaliseRequested.connect(
            lambda store_id, product_id, name: self._from_review(dialog, store_id, product_id, name)
        )
        dialog.finished.connect(lambda _: self._review_closed(dialog))
        dialog.open()
        return dialog

    def _from_review(
        self, dialog: CheckoutReviewDialog, store_id: str, product_id: str, name: str
    ) -> None:
        """Personalise… in the review: the review closes (it is modal), the form opens."""
        dialog.reject()
        self._run(self.personalise(store_id, product_id, name))

    def _review_closed(self, dialog: CheckoutReviewDialog) -> None:
        dialog.detach()
        if self.review_dialog is dialog:
            self.review_dialog = None

    async def _place(self, review: CheckoutReview) -> None:
        result = await self._session.cart.place(review)
        placed = result.orders or []
        parts = [f"{o.store_name}: {o.status.value}, " + payment_text(o) for o in placed]
        if result.expired:
            names = ", ".join(t.name for t in result.expired)
            parts.append(_("Not bought (the hold had expired): {names}", names=names))
        title = _.n("{n} order placed", "{n} orders placed", len(placed))
        self.checkedOut.emit(title, "\n".join(parts))
